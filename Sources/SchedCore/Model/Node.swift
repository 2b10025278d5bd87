/// A group of identical devices on a node.
public struct DeviceGroup: Sendable, Hashable {
  /// The model's id in the cluster's catalog.
  public var model: DeviceModelID
  /// Number of devices.
  public var count: Int32
  /// Memory per device in MiB (0 when unknown).
  public var memoryMiB: Int64

  /// A group of `count` devices of catalog model `model`, `memoryMiB` each.
  public init(model: DeviceModelID, count: Int32, memoryMiB: Int64) {
    self.model = model
    self.count = count
    self.memoryMiB = memoryMiB
  }
}

/// One NUMA domain of a node: the cores, memory and devices attached to it.
public struct NUMADomain: Sendable, Hashable {
  /// Core indices (0-based, node-local) in this domain.
  public var cores: [Int32]
  /// Accelerator indices attached to this domain.
  public var devices: [Int32]
  /// Host memory of the domain.
  public var memoryMiB: Int64

  /// A domain of node-local `cores` and `devices` indices and `memoryMiB` host memory.
  public init(cores: [Int32], devices: [Int32], memoryMiB: Int64) {
    self.cores = cores
    self.devices = devices
    self.memoryMiB = memoryMiB
  }
}

/// Which cores and accelerators sit on which NUMA node.
public struct NUMALayout: Sendable, Hashable {
  /// Domains in NUMA node order; each core and device index appears in at most one.
  public var domains: [NUMADomain]

  /// A layout of `domains` as given (not checked against the node's capacity).
  public init(domains: [NUMADomain]) { self.domains = domains }

  /// The default layout when the real one is unknown: `numaNodes` domains
  /// (at least one) splitting cores, memory and devices evenly and in order.
  public static func uniform(cores: Int32, devices: Int32, memoryMiB: Int64,
                             numaNodes: Int32 = 1) -> NUMALayout {
    let n = max(1, min(numaNodes, max(cores, 1)))
    var domains: [NUMADomain] = []
    domains.reserveCapacity(Int(n))
    for d in 0..<n {
      let c0 = Int64(cores) * Int64(d) / Int64(n), c1 = Int64(cores) * Int64(d + 1) / Int64(n)
      let g0 = Int64(devices) * Int64(d) / Int64(n), g1 = Int64(devices) * Int64(d + 1) / Int64(n)
      domains.append(NUMADomain(
        cores: (c0..<c1).map { Int32($0) },
        devices: (g0..<g1).map { Int32($0) },
        memoryMiB: memoryMiB / Int64(n) + (d == n - 1 ? memoryMiB % Int64(n) : 0)))
    }
    return NUMALayout(domains: domains)
  }

  /// The NUMA domain of accelerator `device`, if the layout places it.
  public func domain(ofDevice device: Int32) -> Int? {
    domains.firstIndex { $0.devices.contains(device) }
  }
}

/// A compute node: CPU cores, memory, at most one accelerator model, optional DPUs.
public struct Node: Sendable, Hashable {
  /// Node id (e.g. hostname), unique within the cluster; names the node in usage records and reports.
  public var id: String
  /// Index of the node's site in the cluster.
  public var site: SiteID
  /// CPU model id in the catalog, if known.
  public var cpuModel: DeviceModelID?
  /// CPU sockets (for TDP accounting).
  public var sockets: Int32
  /// CPU capacity in milli-cores (cores × 1000 unless the source gives milli).
  public var milliCPU: Int64
  /// Host memory.
  public var memoryMiB: Int64
  /// The node's accelerators (GPU, DCU or NPU), if any.
  public var accelerator: DeviceGroup?
  /// The node's DPUs, if any.
  public var dpu: DeviceGroup?
  /// Which cores, devices and memory sit on which NUMA domain; placement keeps a
  /// task's cores and devices within one domain where it can.
  public var numa: NUMALayout
  /// Free-form labels from the cluster file (informational; no placement rule reads them).
  public var labels: [String: String]

  /// A node; `numa` nil lays out `sockets` uniform domains (see `NUMALayout.uniform`).
  public init(id: String, site: SiteID, cpuModel: DeviceModelID? = nil, sockets: Int32 = 1,
              milliCPU: Int64, memoryMiB: Int64, accelerator: DeviceGroup? = nil,
              dpu: DeviceGroup? = nil, numa: NUMALayout? = nil, labels: [String: String] = [:]) {
    self.id = id
    self.site = site
    self.cpuModel = cpuModel
    self.sockets = sockets
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.accelerator = accelerator
    self.dpu = dpu
    self.labels = labels
    let cores = Int32(clamping: milliCPU / 1000)
    self.numa = numa ?? .uniform(cores: cores, devices: accelerator?.count ?? 0,
                                 memoryMiB: memoryMiB, numaNodes: sockets)
  }

  /// Whole cores (milli-CPU / 1000).
  public var cores: Int32 { Int32(clamping: milliCPU / 1000) }

  /// Number of accelerators.
  @inlinable
  public var acceleratorCount: Int32 { accelerator?.count ?? 0 }

  /// The node's total capacity as a resource vector.
  public var capacity: ResourceVector {
    let n = Int64(accelerator?.count ?? 0)
    return ResourceVector(
      milliCPU: milliCPU, memoryMiB: memoryMiB,
      deviceMilli: n * 1000,
      deviceMemoryMiB: n * (accelerator?.memoryMiB ?? 0),
      dpuUnits: Int64(dpu?.count ?? 0))
  }
}

/// A dense index of a node in a `Cluster`.
public typealias NodeID = Int32
