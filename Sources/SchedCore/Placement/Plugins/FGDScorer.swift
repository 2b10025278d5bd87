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
  /// Per distinct per-device milli g of a target workload (`FGDTable.milli`):
  /// how many devices have at least g idle, and the idle milli of the others.
  typealias Count = (fit: Int32, small: Int64)

  /// Fragmentation of a node whose devices have `free` idle milli each (any order).
  static func fragmentation(free: UnsafeBufferPointer<Int32>, milliCPU: Int64, model: DeviceModelID,
                            target: TargetWorkload) -> Double {
    let table = target.table
    return withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(free.count, 1)) { sorted in
      withUnsafeTemporaryAllocation(of: Count.self, capacity: max(table.milli.count, 1)) { counts in
        // Most idle first, as `countSorted` reads them (and as a `NodeStateKey` holds them).
        var idle: Int64 = 0
        for (i, f) in free.enumerated() {
          idle += Int64(f)
          var j = i
          while j > 0 && sorted[j - 1] < f {
            sorted[j] = sorted[j - 1]
            j -= 1
          }
          sorted[j] = f
        }
        countSorted(UnsafeBufferPointer(rebasing: sorted[0..<free.count]), idle: idle, table, into: counts)
        return total(UnsafeBufferPointer(counts), idle: idle, milliCPU: milliCPU, row: table.row(of: model), table)
      }
    }
  }

  /// Fills `counts` (one per `table.milli`: how many devices have at least
  /// g idle, and the idle milli of the others) for devices with `free` idle
  /// milli in descending order: one pass down the devices as g descends (a
  /// device with at least g idle has at least every smaller g).
  ///
  /// - Complexity: O(distinct milli + devices)
  @inline(__always)
  static func countSorted(_ free: UnsafeBufferPointer<Int32>, idle: Int64, _ table: FGDTable,
                          into counts: UnsafeMutableBufferPointer<Count>) {
    table.milli.withUnsafeBufferPointer { milli in
      table.milliDescending.withUnsafeBufferPointer { order in
        var j = 0
        var taken: Int64 = 0
        for v in order {
          let g = milli[Int(v)]
          while j < free.count && free[j] >= g {
            taken += Int64(free[j])
            j += 1
          }
          counts[Int(v)] = (Int32(j), idle - taken)
        }
      }
    }
  }

  /// Moves `counts` from a device with `old` idle milli to one with `new`.
  ///
  /// - Complexity: O(distinct milli)
  @inline(__always)
  static func move(_ counts: UnsafeMutableBufferPointer<Count>, _ table: FGDTable, from old: Int32, to new: Int32) {
    table.milli.withUnsafeBufferPointer { milli in
      for v in 0..<milli.count {
        let g = milli[v]
        var c = counts[v]
        if old >= g { c.fit -= 1 } else { c.small -= Int64(old) }
        if new >= g { c.fit += 1 } else { c.small += Int64(new) }
        counts[v] = c
      }
    }
  }

  /// F_n from a node's `counts`, idle milli, CPU and model row (`FGDTable.row(of:)`).
  ///
  /// - Complexity: O(types)
  @inline(__always)
  static func total(_ counts: UnsafeBufferPointer<Count>, idle: Int64, milliCPU: Int64, row: Int,
                    _ table: FGDTable) -> Double {
    if idle == 0 { return 0 }
    var total = 0.0
    table.entries.withUnsafeBufferPointer { types in
      table.excluded.withUnsafeBufferPointer { excluded in
        // The types in order (the sum's rounding is part of every decision).
        for i in 0..<types.count {
          let m = types[i]
          var frag = idle
          if m.deviceCount != 0 && milliCPU >= m.milliCPU && !excluded[row &+ i] {
            let r = counts[Int(m.milliIndex)]
            if r.fit >= m.deviceCount { frag = r.small }
          }
          total += m.share * Double(frag)
        }
      }
    }
    return total
  }

  /// The score and, for a shared task, the free milli of the chosen device.
  /// F after a placement is F before with the changed devices' counts
  /// moved (`move`), not counted again.
  static func evaluate(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape,
                       _ ctx: ScoringContext) -> (score: Int64, chosenFree: Int32) {
    var before = Double.nan
    return evaluate(c, s, t, ctx, before: &before)
  }

  /// As `evaluate(_:_:_:_:)`, with the state's F before placing in
  /// `before` (NaN: not known yet, and then set): it depends on the state
  /// only, so a caller that scores one state for many shapes computes it once.
  static func evaluate(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext,
                       before known: inout Double) -> (score: Int64, chosenFree: Int32) {
    let n = Int(s.deviceCount)
    let table = ctx.target.table
    let row = table.row(of: c.acceleratorModel)
    let g = table.milli.count
    var best = -Double.infinity
    var chosen: Int32 = -1
    withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(n, 1)) { buf in
      withUnsafeTemporaryAllocation(of: Count.self, capacity: max(2 * g, 1)) { scratch in
        s.copyDevices(into: buf)
        var idle: Int64 = 0
        for i in 0..<n { idle += Int64(buf[i]) }
        let counts = UnsafeMutableBufferPointer(rebasing: scratch[0..<g])
        let moved = UnsafeMutableBufferPointer(rebasing: scratch[g..<(2 * g)])
        // The key holds its devices most free first.
        countSorted(UnsafeBufferPointer(rebasing: buf[0..<n]), idle: idle, table, into: counts)
        if known.isNaN { known = total(UnsafeBufferPointer(counts), idle: idle, milliCPU: s.milliCPU, row: row, table) }
        let before = known
        let cpuAfter = s.milliCPU - t.milliCPU
        if t.deviceCount == 0 {
          best = before - total(UnsafeBufferPointer(counts), idle: idle, milliCPU: cpuAfter, row: row, table)
        } else if t.isSharing {
          var last: Int32 = -1
          for i in 0..<n where buf[i] >= t.milliPerDevice && buf[i] != last {
            last = buf[i]
            for v in 0..<g { moved[v] = counts[v] }
            move(moved, table, from: last, to: last - t.milliPerDevice)
            let after = total(UnsafeBufferPointer(moved), idle: idle - Int64(t.milliPerDevice), milliCPU: cpuAfter,
                              row: row, table)
            if before - after > best {
              best = before - after
              chosen = last
            }
          }
        } else {
          // Whole devices: the task takes the k devices with the most idle milli
          // among those that fit (fully idle devices first).
          for v in 0..<g { moved[v] = counts[v] }
          var idleAfter = idle
          for i in 0..<min(Int(t.deviceCount), n) {
            move(moved, table, from: buf[i], to: buf[i] - t.milliPerDevice)
            idleAfter -= Int64(t.milliPerDevice)
          }
          best = before - total(UnsafeBufferPointer(moved), idle: idleAfter, milliCPU: cpuAfter, row: row, table)
        }
      }
    }
    let sig = 1 / (1 + _exp(-best / 1000))
    let score = ctx.openbCompat
      ? Int64((sig * 100).rounded(.towardZero)) * (ScoreScale.unit / 100)
      : ScoreScale.fixed(sig)
    return (score, chosen)
  }
}
