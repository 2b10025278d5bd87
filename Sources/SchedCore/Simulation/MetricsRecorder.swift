/// Running totals and time series the simulator samples.
struct MetricsRecorder {
  let cluster: Cluster
  let target: TargetWorkload
  /// Capacity and allocation by device kind (accelerators and DPUs in milli; CPU in milli-CPU).
  var capacityByKind: [DeviceKind: Int64] = [:]
  /// Indexed by `DeviceKind.sortOrder` (a dictionary hashed the kind twice per task).
  var allocatedByKind = [Int64](repeating: 0, count: DeviceKind.allCases.count)
  /// By site: accelerator milli when the site has accelerators, else milli-CPU.
  var capacityBySite: [Int64]
  var allocatedBySite: [Int64]
  var siteUsesDevices: [Bool]
  var allocatedCPU: Int64 = 0
  var allocatedDevice: Int64 = 0
  let capacityCPUInt: Int64
  let capacityDeviceInt: Int64
  let capacityCPU: Double
  let capacityMemory: Double
  let capacityDevice: Double
  var utilKind: [DeviceKind: [TimePoint]] = [:]
  var utilSite: [[TimePoint]]
  var queueLength: [TimePoint] = []
  var fragmentation: [TimePoint] = []
  var fragmentationCache = FragmentationCache()
  /// The sample grid: periodic samples fall at `sampleOrigin` + i × `sampleStep`
  /// (the run's last instant may add one more), and no series holds more
  /// than `sampleCap` samples: when one more would exceed it, every series
  /// keeps every other sample (`thin(by:)`, from the first) and the step
  /// doubles. What is kept is then the grid at the doubled step — the
  /// samples a run configured with that step takes, at the same instants
  /// with the same values (samples decide nothing) — so means over the
  /// samples are those of uniform sampling at the reported step, not biased
  /// towards any part of the run. `sampleCap` is even and at least 2.
  var sampleOrigin: Int64 = 0
  var sampleStep: Int64
  let sampleCap: Int
  var domesticTFLOPSHours = 0.0
  var allTFLOPSHours = 0.0
  var energyWattHours = 0.0
  /// What accounting reads of a node, gathered once per node class
  /// (reading `Node` values per task copied and retained all their
  /// fields), and each node's class (the engine's array, shared).
  let facts: [NodeFacts]
  let nodeClass: [Int32]

  struct NodeFacts {
    var site: SiteID
    var pue: Double
    /// The accelerator's kind (nil: none), FP16 TFLOPS, TDP and origin.
    var kind: DeviceKind?
    var fp16TFLOPS: Double
    var tdpWatts: Double
    var domestic: Bool
    /// The CPU model's TDP and cores per socket, when both are known (cores > 0).
    var cpuTDP: Double?
    var cpuCores: Double
  }

  /// `nodeClass` and `classes`: the placement engine's node classes.
  init(cluster: Cluster, target: TargetWorkload, nodeClass: [Int32], classes: [NodeClass],
       sampleStep: Int64, sampleCap: Int) {
    self.cluster = cluster
    self.target = target
    self.sampleStep = max(1, sampleStep)
    self.sampleCap = max(2, sampleCap & ~1)
    var cpu: Int64 = 0, mem: Int64 = 0, dev: Int64 = 0
    var bySite = Array(repeating: Int64(0), count: cluster.sites.count)
    var cpuBySite = Array(repeating: Int64(0), count: cluster.sites.count)
    var devices = Array(repeating: false, count: cluster.sites.count)
    for n in cluster.nodes {
      cpu += n.milliCPU
      mem += n.memoryMiB
      capacityByKind[.cpu, default: 0] += n.milliCPU
      cpuBySite[Int(n.site)] += n.milliCPU
      if let a = n.accelerator {
        let k = cluster.catalog[a.model].kind
        capacityByKind[k, default: 0] += Int64(a.count) * 1000
        dev += Int64(a.count) * 1000
        bySite[Int(n.site)] += Int64(a.count) * 1000
        devices[Int(n.site)] = true
      }
    }
    for i in bySite.indices where !devices[i] { bySite[i] = cpuBySite[i] }
    capacityBySite = bySite
    allocatedBySite = Array(repeating: 0, count: bySite.count)
    siteUsesDevices = devices
    capacityCPUInt = max(cpu, 1)
    capacityDeviceInt = dev
    capacityCPU = Double(max(cpu, 1))
    capacityMemory = Double(max(mem, 1))
    capacityDevice = Double(dev)
    utilSite = Array(repeating: [], count: bySite.count)
    self.nodeClass = nodeClass
    facts = classes.map { c in
      let acc = c.acceleratorModel >= 0 ? cluster.catalog[c.acceleratorModel] : nil
      let cpu = c.cpuModel >= 0 ? cluster.catalog[c.cpuModel] : nil
      var cpuTDP: Double?
      var cpuCores = 0.0
      if let tdp = cpu?.tdpWatts, let cores = cpu?.coresPerSocket, cores > 0 {
        cpuTDP = Double(tdp)
        cpuCores = Double(cores)
      }
      return NodeFacts(site: c.site, pue: cluster.sites[Int(c.site)].pue, kind: acc?.kind,
                       fp16TFLOPS: acc?.fp16TFLOPS ?? 0, tdpWatts: Double(acc?.tdpWatts ?? 0),
                       domestic: acc?.domestic ?? false, cpuTDP: cpuTDP, cpuCores: cpuCores)
    }
  }

  mutating func started(_ a: Allocation, job: Job) { account(a, sign: 1) }

  mutating func account(_ a: Allocation, sign: Int64) {
    var cpu: Int64 = 0
    // By index: `for t in a.tasks` copies each task (its device and core lists included).
    for k in a.tasks.indices {
      let n = facts[Int(nodeClass[Int(a.tasks[k].node)])]
      let taskCPU = a.tasks[k].milliCPU
      cpu += taskCPU
      let dm = a.tasks[k].deviceMilli
      if dm > 0, let kind = n.kind {
        allocatedByKind[kind.sortOrder] += sign * dm
        allocatedDevice += sign * dm
      }
      let s = Int(n.site)
      allocatedBySite[s] += sign * (siteUsesDevices[s] ? dm : taskCPU)
    }
    allocatedCPU += sign * cpu
    allocatedByKind[DeviceKind.cpu.sortOrder] += sign * cpu
  }

  /// Accounts a run interval: delivered compute and energy.
  mutating func stopped(_ a: Allocation, job: Job, from: Int64, to: Int64) {
    account(a, sign: -1)
    let hours = Double(max(0, to - from)) / 3.6e9
    for t in a.tasks {
      let n = facts[Int(nodeClass[Int(t.node)])]
      let pue = n.pue
      if t.deviceMilli > 0, n.kind != nil {
        let share = Double(t.deviceMilli) / 1000
        let tflopsHours = share * n.fp16TFLOPS * hours
        allTFLOPSHours += tflopsHours
        if n.domestic { domesticTFLOPSHours += tflopsHours }
        energyWattHours += n.tdpWatts * share * hours * pue
      }
      if let tdp = n.cpuTDP {
        energyWattHours += tdp * (Double(t.milliCPU) / 1000 / n.cpuCores) * hours * pue
      }
    }
  }

  /// Samples every series at `now`. The caller makes room first (`makeRoom()`).
  mutating func sample(at now: Int64, queueLength q: Int, engine: PlacementEngine) {
    let t = Double(now) / 1e6
    let cap = sampleCap
    for (k, c) in capacityByKind where c > 0 {
      Self.append(TimePoint(t: t, value: Double(allocatedByKind[k.sortOrder]) / Double(c)),
                  to: &utilKind[k, default: []], cap: cap)
    }
    for s in capacityBySite.indices where capacityBySite[s] > 0 {
      Self.append(TimePoint(t: t, value: Double(allocatedBySite[s]) / Double(capacityBySite[s])), to: &utilSite[s], cap: cap)
    }
    Self.append(TimePoint(t: t, value: Double(q)), to: &queueLength, cap: cap)
    if capacityDevice > 0 && !target.types.isEmpty {
      let total = fragmentationCache.total(engine.state, target: target)
      #if SCHEDCORE_INTERNAL_CHECKS
      precondition(total == ClusterFragmentation.total(engine.state, target: target), "stale fragmentation cache")
      #endif
      Self.append(TimePoint(t: t, value: total / capacityDevice), to: &fragmentation, cap: cap)
    }
  }

  /// Samples taken so far (every series that is sampled holds this many).
  var sampleCount: Int { queueLength.count }

  /// Before a sample: a series at the cap is thinned first (the step doubles).
  mutating func makeRoom() {
    if queueLength.count >= sampleCap { thin(by: 2) }
  }

  /// Keeps the samples at indices 0, `factor`, 2 × `factor`, … of every
  /// series and multiplies the step by `factor`: the grid samples kept are
  /// exactly those of the coarser grid (same origin).
  ///
  /// - Complexity: O(samples × series)
  mutating func thin(by factor: Int) {
    guard factor > 1 else { return }
    func keep(_ s: inout [TimePoint]) {
      var w = 0
      for r in stride(from: 0, to: s.count, by: factor) {
        s[w] = s[r]
        w += 1
      }
      s.removeLast(s.count - w)  // capacity kept: the series refills to the cap
    }
    for k in utilKind.values.indices { keep(&utilKind.values[k]) }
    for s in utilSite.indices { keep(&utilSite[s]) }
    keep(&queueLength)
    keep(&fragmentation)
    sampleStep *= Int64(factor)
  }

  /// The state sampled at grid instant `now` holds through `last` (no event
  /// comes before `last` + 1 µs, and an instant with only a sample runs no
  /// scheduling pass): appends the samples due at the grid instants in
  /// (`now`, `last`] — copies of the sample at `now`, what sampling there
  /// would read — after thinning as many times as taking them one by one
  /// would have (the smallest power of two that fits the grid through `last`
  /// under the cap). Returns the first grid instant after `last`, nil past `Int64.max`.
  ///
  /// - Complexity: O(`sampleCap` × series), however far `last` is
  mutating func repeatLast(from now: Int64, through last: Int64) -> Int64? {
    guard last > now, let q = queueLength.last else { return nil }
    // Taken one by one, samples are thinned each time one would exceed the cap;
    // the step reached is the smallest doubling whose grid through `last` fits.
    // (floor(span / step) ≥ cap ≥ 2 before a doubling: step × 2 ≤ span, no overflow.)
    let span = last - sampleOrigin
    var factor: Int64 = 1
    while span / (sampleStep * factor) + 1 > Int64(sampleCap) { factor *= 2 }
    let kinds = utilKind.mapValues { $0.last?.value ?? 0 }
    let sites = utilSite.map { $0.last?.value }
    let frag = fragmentation.last?.value
    thin(by: Int(factor))
    let step = sampleStep
    let first = sampleOrigin + ((now - sampleOrigin) / step + 1) * step
    if first <= last {
      var times: [Double] = []
      times.reserveCapacity(Int((last - first) / step) + 1)
      var t = first
      while t <= last {
        times.append(Double(t) / 1e6)
        if t > last - step { break }  // t + step would pass `last` (or Int64.max)
        t += step
      }
      let cap = sampleCap
      func extend(_ s: inout [TimePoint], _ v: Double) {
        Self.reserve(&s, s.count + times.count, cap: cap)
        for t in times { s.append(TimePoint(t: t, value: v)) }
      }
      for (k, v) in kinds { extend(&utilKind[k, default: []], v) }
      for s in sites.indices { if let v = sites[s] { extend(&utilSite[s], v) } }
      extend(&queueLength, q.value)
      if let frag { extend(&fragmentation, frag) }
    }
    let (after, overflow) = (span / step + 1).multipliedReportingOverflow(by: step)
    if overflow { return nil }
    let (next, over) = sampleOrigin.addingReportingOverflow(after)
    return over ? nil : next
  }

  /// Appends `p` to `s`, growing its storage by doubling but never past
  /// `cap` samples (the caller keeps the count within `cap`).
  @inline(__always)
  static func append(_ p: TimePoint, to s: inout [TimePoint], cap: Int) {
    if s.count == s.capacity { reserve(&s, s.count + 1, cap: cap) }
    s.append(p)
  }

  static func reserve(_ s: inout [TimePoint], _ needed: Int, cap: Int) {
    if s.capacity < needed { s.reserveCapacity(Swift.max(needed, Swift.min(cap, Swift.max(16, 2 * s.count)))) }
  }
}

/// Cluster fragmentation in the FGD sense (Weng et al., ATC'23): Σ over
/// nodes of F_n, in device milli.
public enum ClusterFragmentation {
  /// Σ_n F_n for the state against `target`.
  ///
  /// - Complexity: O(nodes × devices × task types)
  public static func total(_ state: ClusterState, target: TargetWorkload) -> Double {
    var sum = 0.0
    var buf: [Int32] = []
    for n in 0..<state.nodeCount {
      let id = NodeID(n)
      guard let acc = state.cluster.nodes[n].accelerator else { continue }
      buf.removeAll(keepingCapacity: true)
      for f in state.devices(of: id) { buf.append(Int32(f)) }
      sum += buf.withUnsafeBufferPointer {
        FGDScorer.fragmentation(free: $0, milliCPU: state.freeMilliCPU(id), model: acc.model, target: target)
      }
    }
    return sum
  }
}

/// `ClusterFragmentation.total` kept per node: each node's F_n is kept
/// with what it was computed from — its free device milli, and where its
/// free CPU stands among the target types' CPU requests (F_n reads the CPU
/// only by comparing it with them) — and a sample recomputes only the
/// nodes where either changed since (a small share between two samples).
/// The terms are added in node order as `total` adds them (nodes without
/// devices add 0 there): the same Double.
struct FragmentationCache {
  /// The target types' distinct CPU requests, ascending.
  var thresholds: [Int64] = []
  /// Per node: how many thresholds its free CPU reached when F_n was
  /// computed (-1: not yet), and F_n.
  var cpuRank: [Int32] = []
  var value: [Double] = []
  /// Per device slot of the state: the free milli F_n was computed at.
  var devices: [Int16] = []

  /// - Complexity: O(nodes · log types + devices), plus O(devices × task types) per changed node
  mutating func total(_ state: ClusterState, target: TargetWorkload) -> Double {
    if cpuRank.count != state.nodeCount {
      thresholds = Array(Set(target.types.map(\.milliCPU))).sorted()
      cpuRank = Array(repeating: -1, count: state.nodeCount)
      value = Array(repeating: 0, count: state.nodeCount)
      devices = Array(repeating: -1, count: state.deviceFree.count)
    }
    var sum = 0.0
    var buf: [Int32] = []
    for n in 0..<state.nodeCount {
      let lo = Int(state.deviceOffset[n]), hi = Int(state.deviceOffset[n + 1])
      guard lo < hi else { continue }
      let cpu = state.freeCPU[n]
      var rank = 0, top = thresholds.count
      while rank < top {  // the first threshold above `cpu`
        let mid = (rank + top) / 2
        if thresholds[mid] <= cpu { rank = mid + 1 } else { top = mid }
      }
      var same = cpuRank[n] == Int32(rank)
      if same {
        for d in lo..<hi where devices[d] != state.deviceFree[d] {
          same = false
          break
        }
      }
      if !same, let model = state.cluster.nodes[n].accelerator?.model {
        buf.removeAll(keepingCapacity: true)
        for d in lo..<hi {
          devices[d] = state.deviceFree[d]
          buf.append(Int32(state.deviceFree[d]))
        }
        cpuRank[n] = Int32(rank)
        value[n] = buf.withUnsafeBufferPointer {
          FGDScorer.fragmentation(free: $0, milliCPU: cpu, model: model, target: target)
        }
      }
      sum += value[n]
    }
    return sum
  }
}
