/// Running totals and time series the simulator samples.
struct MetricsRecorder {
  let cluster: Cluster
  let target: TargetWorkload
  /// Capacity and allocation by device kind (accelerators and DPUs in milli; CPU in milli-CPU).
  var capacityByKind: [DeviceKind: Int64] = [:]
  var allocatedByKind: [DeviceKind: Int64] = [:]
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
  var domesticTFLOPSHours = 0.0
  var allTFLOPSHours = 0.0
  var energyWattHours = 0.0

  init(cluster: Cluster, target: TargetWorkload) {
    self.cluster = cluster
    self.target = target
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
  }

  mutating func started(_ a: Allocation, job: Job) { account(a, sign: 1) }

  mutating func account(_ a: Allocation, sign: Int64) {
    for t in a.tasks {
      let n = cluster.nodes[Int(t.node)]
      allocatedCPU += sign * t.milliCPU
      allocatedByKind[.cpu, default: 0] += sign * t.milliCPU
      let dm = t.deviceMilli
      if dm > 0, let acc = n.accelerator {
        allocatedByKind[cluster.catalog[acc.model].kind, default: 0] += sign * dm
        allocatedDevice += sign * dm
      }
      let s = Int(n.site)
      allocatedBySite[s] += sign * (siteUsesDevices[s] ? dm : t.milliCPU)
    }
  }

  /// Accounts a run interval: delivered compute and energy.
  mutating func stopped(_ a: Allocation, job: Job, from: Int64, to: Int64) {
    account(a, sign: -1)
    let hours = Double(max(0, to - from)) / 3.6e9
    for t in a.tasks {
      let n = cluster.nodes[Int(t.node)]
      let pue = cluster.sites[Int(n.site)].pue
      if t.deviceMilli > 0, let acc = n.accelerator {
        let m = cluster.catalog[acc.model]
        let share = Double(t.deviceMilli) / 1000
        let tflopsHours = share * (m.fp16TFLOPS ?? 0) * hours
        allTFLOPSHours += tflopsHours
        if m.domestic { domesticTFLOPSHours += tflopsHours }
        energyWattHours += Double(m.tdpWatts ?? 0) * share * hours * pue
      }
      if let c = n.cpuModel.map({ cluster.catalog[$0] }), let tdp = c.tdpWatts, let cores = c.coresPerSocket, cores > 0 {
        energyWattHours += Double(tdp) * (Double(t.milliCPU) / 1000 / Double(cores)) * hours * pue
      }
    }
  }

  mutating func sample(at now: Int64, queueLength q: Int, engine: PlacementEngine) {
    let t = Double(now) / 1e6
    for (k, cap) in capacityByKind where cap > 0 {
      utilKind[k, default: []].append(TimePoint(t: t, value: Double(allocatedByKind[k] ?? 0) / Double(cap)))
    }
    for s in capacityBySite.indices where capacityBySite[s] > 0 {
      utilSite[s].append(TimePoint(t: t, value: Double(allocatedBySite[s]) / Double(capacityBySite[s])))
    }
    queueLength.append(TimePoint(t: t, value: Double(q)))
    if capacityDevice > 0 && !target.types.isEmpty {
      fragmentation.append(TimePoint(t: t, value: ClusterFragmentation.total(engine.state, target: target) / capacityDevice))
    }
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
