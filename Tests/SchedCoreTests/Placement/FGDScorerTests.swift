import Testing
@testable import SchedCore

/// FGD's scorer against its definition written plainly here: the engine and
/// the reference scan share `FGDScorer`, so their equivalence cannot catch
/// an error in it. Random node states, target workloads and tasks; the
/// fast paths (counts per distinct milli, counts moved for F after, F
/// before handed in) must give exactly the plain score and device choice.
@Suite struct FGDScorerTests {
  /// F_n by the definition: per type, the whole idle milli when the type
  /// cannot run, else the idle milli of the devices below its g.
  static func plainF(_ free: [Int32], cpu: Int64, model: DeviceModelID, _ types: [TargetWorkload.TaskType]) -> Double {
    let idle = free.reduce(Int64(0)) { $0 + Int64($1) }
    if idle == 0 { return 0 }
    var total = 0.0
    for m in types {
      var frag = idle
      let modelOK = m.models?.contains(model) ?? true
      if m.deviceCount > 0 && cpu >= m.milliCPU && modelOK {
        let fit = free.filter { $0 >= m.milliPerDevice }.count
        if fit >= Int(m.deviceCount) {
          frag = free.filter { $0 < m.milliPerDevice }.reduce(Int64(0)) { $0 + Int64($1) }
        }
      }
      total += m.share * Double(frag)
    }
    return total
  }

  /// The score and chosen device by the definition (`free` most idle first).
  static func plainScore(_ free: [Int32], cpu: Int64, model: DeviceModelID, _ t: TaskShape,
                         _ types: [TargetWorkload.TaskType], openb: Bool) -> (Int64, Int32) {
    let before = plainF(free, cpu: cpu, model: model, types)
    let cpuAfter = cpu - t.milliCPU
    var best = -Double.infinity
    var chosen: Int32 = -1
    if t.deviceCount == 0 {
      best = before - plainF(free, cpu: cpuAfter, model: model, types)
    } else if t.isSharing {
      var tried = Set<Int32>()
      for i in free.indices where free[i] >= t.milliPerDevice && tried.insert(free[i]).inserted {
        var after = free
        after[i] -= t.milliPerDevice
        let gain = before - plainF(after, cpu: cpuAfter, model: model, types)
        if gain > best {
          best = gain
          chosen = free[i]
        }
      }
    } else {
      var after = free
      for i in 0..<min(Int(t.deviceCount), after.count) { after[i] -= t.milliPerDevice }
      best = before - plainF(after, cpu: cpuAfter, model: model, types)
    }
    let sig = 1 / (1 + _exp(-best / 1000))
    let score = openb ? Int64((sig * 100).rounded(.towardZero)) * (ScoreScale.unit / 100) : ScoreScale.fixed(sig)
    return (score, chosen)
  }

  /// Model rules naming any id (types built by hand need not use catalog
  /// ids): a huge id is looked up, not given a row per smaller id.
  @Test func modelRulesWithLargeIDs() {
    let free: [Int32] = [1000, 700, 400, 0]  // idle 2100
    let types: [TargetWorkload.TaskType] = [
      .init(share: 0.5, deviceCount: 1, milliPerDevice: 500, milliCPU: 0, models: [.max]),
      .init(share: 0.25, deviceCount: 1, milliPerDevice: 500, milliCPU: 0, models: [3, 5000]),
      .init(share: 0.25, deviceCount: 1, milliPerDevice: 500, milliCPU: 0, models: nil),
    ]
    let target = TargetWorkload(types: types)
    #expect(target.table.denseRows.count <= Int(FGDTable.denseLimit))
    for model in [DeviceModelID.max, 3, 5000, 4, -1, 70_000] {
      let f = free.withUnsafeBufferPointer {
        FGDScorer.fragmentation(free: $0, milliCPU: 8000, model: model, target: target)
      }
      #expect(f == Self.plainF(free, cpu: 8000, model: model, types), "model \(model)")
    }
  }

  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func evaluateMatchesTheDefinition(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    let cluster = TinyCluster.make()
    var checked = 0, shared = 0
    for round in 0..<60 {
      // A random target: up to 12 types over a few milli sizes, some model rules.
      let models = cluster.nodes.compactMap { $0.accelerator?.model }
      let types: [TargetWorkload.TaskType] = (0..<(1 + Int(g.below(12)))).map { _ in
        let k = Int32(g.below(4))
        let milli = k == 0 ? 0 : Int32([100, 250, 500, 700, 1000][Int(g.below(5))])
        let rule: Set<DeviceModelID>? = g.below(3) == 0 ? [models[Int(g.below(UInt64(models.count)))]] : nil
        return .init(share: Double(1 + g.below(9)) / 10, deviceCount: k, milliPerDevice: milli,
                     milliCPU: Int64(1000 * g.below(8)), models: rule)
      }
      let target = TargetWorkload(types: types)
      let openb = round % 4 == 3
      let engine = PlacementEngine(cluster: cluster, profile: .single(.fgd), target: target, openbCompat: openb)
      for (c, cls) in engine.core.classes.enumerated() {
        let n = Int(cls.deviceCount)
        let devices = (0..<n).map { _ in Int16([0, 100, 300, 500, 700, 1000][Int(g.below(6))]) }
        let key = NodeStateKey(milliCPU: Int64(1000 * g.below(64)), memoryMiB: 1 << 20, dpuUnits: 4,
                               devices: devices[...])
        let free = (0..<n).map { key.device($0) }
        #expect(free == free.sorted(by: >), "keys hold devices most free first")
        var copied = [Int32](repeating: -1, count: max(n, 1))
        copied.withUnsafeMutableBufferPointer { key.copyDevices(into: $0) }
        #expect(Array(copied.prefix(n)) == free, "copyDevices")
        // F before handed in between shapes of one state, as the state groups do.
        var before = Double.nan
        for _ in 0..<4 {
          let count = n == 0 ? 0 : Int32(g.below(UInt64(min(n, 4)) + 1))
          let milli: Int32 = count == 1 && g.below(2) == 0 ? Int32(100 * (1 + g.below(9))) : 1000
          let t = TaskShape(milliCPU: Int64(500 * g.below(8)), memoryMiB: 1, deviceCount: count, milliPerDevice: milli)
          guard key.fits(t) else { continue }
          let fast = FGDScorer.evaluate(cls, key, t, engine.core.ctx, before: &before)
          let plain = Self.plainScore(free, cpu: key.milliCPU, model: cls.acceleratorModel, t, types, openb: openb)
          #expect(fast.score == plain.0 && fast.chosenFree == plain.1,
                  "seed \(seed) round \(round) class \(c): \(fast) vs \(plain), free \(free), task \(t)")
          #expect(FGDScorer.evaluate(cls, key, t, engine.core.ctx) == fast)
          checked += 1
          if t.isSharing { shared += 1 }
        }
        // The unsorted entry point (metrics) agrees with the definition too.
        let shuffled = free.reversed().map { $0 }
        let f = shuffled.withUnsafeBufferPointer {
          FGDScorer.fragmentation(free: $0, milliCPU: key.milliCPU, model: cls.acceleratorModel, target: target)
        }
        #expect(f == Self.plainF(free, cpu: key.milliCPU, model: cls.acceleratorModel, types))
      }
    }
    #expect(checked > 300 && shared > 50, "seed \(seed): \(checked) scored, \(shared) shared")
  }
}
