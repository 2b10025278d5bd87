/// Scorer `fgd`: Fragmentation Gradient Descent (Weng et al., "Beware of
/// Fragmentation: Scheduling GPU-Sharing Workloads with Fragmentation
/// Gradient Descent", USENIX ATC 2023).
///
/// A node's fragmentation against the target workload M is
/// F_n = Σ_m p_m · f_n(m), where f_n(m) is the node's whole idle device milli
/// when type m cannot run there at all (m needs no device, its models exclude
/// the node's, fewer than k_m devices have ≥ g_m idle, or too little CPU), and
/// otherwise the idle milli of the devices whose idle amount is below g_m.
/// FGD places a task where F grows least: s = sigmoid((F_before − F_after)/1000).
/// A task sharing one device tries every device it fits and keeps the best.
/// In openb-compatible mode s = trunc(sigmoid(·) × 100) / 100, as the
/// authors' simulator truncates to an integer score.
enum FGDScorer {
  /// Fragmentation of a node whose devices have `free` idle milli each.
  static func fragmentation(free: UnsafeBufferPointer<Int32>, milliCPU: Int64, model: DeviceModelID,
                            target: TargetWorkload) -> Double {
    var idle: Int64 = 0
    for f in free { idle += Int64(f) }
    if idle == 0 { return 0 }
    let row = target.table.row(of: model)
    var total = 0.0
    target.table.entries.withUnsafeBufferPointer { types in
      target.table.excluded.withUnsafeBufferPointer { excluded in
        // The types in order (the sum's rounding is part of every decision).
        for i in 0..<types.count {
          let m = types[i]
          var frag: Int64
          if m.deviceCount == 0 || milliCPU < m.milliCPU || excluded[row &+ i] {
            frag = idle
          } else {
            var fit: Int32 = 0
            var small: Int64 = 0
            // Branch-free (selects, not jumps): whether a device fits is data,
            // and this loop runs for every target type of every scored state.
            for f in free {
              let fits = f >= m.milliPerDevice
              fit += fits ? 1 : 0
              small += fits ? 0 : Int64(f)
            }
            frag = fit >= m.deviceCount ? small : idle
          }
          total += m.share * Double(frag)
        }
      }
    }
    return total
  }

  /// The score and, for a shared task, the free milli of the chosen device.
  static func evaluate(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape,
                       _ ctx: ScoringContext) -> (score: Int64, chosenFree: Int32) {
    let n = Int(s.deviceCount)
    return withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(n, 1)) { buf in
      for i in 0..<n { buf[i] = s.device(i) }
      let free = UnsafeBufferPointer(rebasing: buf[0..<n])
      let before = fragmentation(free: free, milliCPU: s.milliCPU, model: c.acceleratorModel,
                                 target: ctx.target)
      let cpuAfter = s.milliCPU - t.milliCPU
      var best = -Double.infinity
      var chosen: Int32 = -1
      if t.deviceCount == 0 {
        let after = fragmentation(free: free, milliCPU: cpuAfter, model: c.acceleratorModel, target: ctx.target)
        best = before - after
      } else if t.isSharing {
        var last: Int32 = -1
        for i in 0..<n where buf[i] >= t.milliPerDevice && buf[i] != last {
          last = buf[i]
          buf[i] -= t.milliPerDevice
          let after = fragmentation(free: free, milliCPU: cpuAfter, model: c.acceleratorModel,
                                    target: ctx.target)
          buf[i] += t.milliPerDevice
          if before - after > best {
            best = before - after
            chosen = last
          }
        }
      } else {
        // Whole devices: the task takes the k devices with the most idle milli
        // among those that fit (fully idle devices first).
        let k = Int(t.deviceCount)
        for i in 0..<min(k, n) { buf[i] -= t.milliPerDevice }
        let after = fragmentation(free: free, milliCPU: cpuAfter, model: c.acceleratorModel, target: ctx.target)
        for i in 0..<min(k, n) { buf[i] += t.milliPerDevice }
        best = before - after
      }
      let sig = 1 / (1 + _exp(-best / 1000))
      let score = ctx.openbCompat
        ? Int64((sig * 100).rounded(.towardZero)) * (ScoreScale.unit / 100)
        : ScoreScale.fixed(sig)
      return (score, chosen)
    }
  }
}
