/// Nodes that are identical for placement purposes: same site, same
/// accelerator model and count, same DPU count, same CPU and memory capacity.
///
/// Everything a filter or scorer needs that does not depend on the node's
/// free state is precomputed here once per class.
public struct NodeClass: Sendable {
  /// The class's site.
  public var site: SiteID
  /// The site's location index in the latency network, or -1.
  public var location: Int
  /// Accelerator model id, or -1 for CPU-only nodes.
  public var acceleratorModel: DeviceModelID
  /// Accelerators per node (0 for CPU-only nodes).
  public var deviceCount: Int32
  /// Memory per accelerator, MiB (0 when unknown or CPU-only).
  public var deviceMemoryMiB: Int64
  /// DPU model id, or -1 without DPUs.
  public var dpuModel: DeviceModelID
  /// DPUs per node.
  public var dpuCount: Int32
  /// CPU capacity per node, milli-CPU.
  public var milliCPU: Int64
  /// Host memory per node, MiB.
  public var memoryMiB: Int64
  /// CPU model id, or -1 when unknown.
  public var cpuModel: DeviceModelID
  /// CPU sockets per node.
  public var sockets: Int32
  /// Domestic: the accelerator's flag, or the CPU's for CPU-only nodes.
  public var domestic: Bool
  /// The site's power usage effectiveness (≥ 1).
  public var pue: Double
  /// Device-hour price of the accelerator here (zero without one).
  public var devicePrice: Money
  /// Core-hour price here.
  public var coreHourPrice: Money
  /// TDP × PUE per peak FP16 TFLOPS of the accelerator (or per core for CPU),
  /// watts per unit of delivered compute; `nil` when figures are unknown.
  public var energyIntensity: Double?
  /// Number of nodes in the class.
  public var nodeCount: Int
  /// The first node of the class (for explanations).
  public var firstNode: NodeID

  @usableFromInline
  struct Key: Hashable {
    var site: SiteID
    var model: DeviceModelID
    var count: Int32
    var devMem: Int64
    var dpuModel: DeviceModelID
    var dpu: Int32
    var cpu: Int64
    var mem: Int64
    var cpuModel: DeviceModelID
    var sockets: Int32
  }

  static func key(of node: Node) -> Key {
    Key(site: node.site, model: node.accelerator?.model ?? -1, count: node.acceleratorCount,
        devMem: node.accelerator?.memoryMiB ?? 0, dpuModel: node.dpu?.model ?? -1,
        dpu: node.dpu?.count ?? 0, cpu: node.milliCPU, mem: node.memoryMiB,
        cpuModel: node.cpuModel ?? -1, sockets: node.sockets)
  }

  init(node: Node, id: NodeID, cluster: Cluster) {
    site = node.site
    location = cluster.siteLocation[Int(node.site)]
    acceleratorModel = node.accelerator?.model ?? -1
    deviceCount = node.acceleratorCount
    deviceMemoryMiB = node.accelerator?.memoryMiB ?? 0
    dpuModel = node.dpu?.model ?? -1
    dpuCount = node.dpu?.count ?? 0
    milliCPU = node.milliCPU
    memoryMiB = node.memoryMiB
    cpuModel = node.cpuModel ?? -1
    sockets = node.sockets
    let s = cluster.sites[Int(node.site)]
    pue = s.pue
    coreHourPrice = s.prices.cpuCoreHour
    if let a = node.accelerator {
      let m = cluster.catalog[a.model]
      domestic = m.domestic
      devicePrice = s.prices.devicePrice(for: m)
      if let tdp = m.tdpWatts, let peak = m.fp16TFLOPS ?? m.fp64TFLOPS, peak > 0 {
        energyIntensity = Double(tdp) * s.pue / peak
      } else {
        energyIntensity = nil
      }
    } else {
      domestic = node.cpuModel.map { cluster.catalog[$0].domestic } ?? false
      devicePrice = .zero
      if let c = node.cpuModel, let tdp = cluster.catalog[c].tdpWatts,
         let cores = cluster.catalog[c].coresPerSocket, cores > 0 {
        energyIntensity = Double(tdp) * s.pue / Double(cores)
      } else {
        energyIntensity = nil
      }
    }
    nodeCount = 0
    firstNode = id
  }
}
