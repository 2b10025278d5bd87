/// A machine's hardware topology, as hwloc sees it, in plain Swift values:
/// packages, NUMA nodes (with memory), caches, cores and PUs, PCI devices
/// and OS devices (GPUs, co-processors, NICs, block devices) with the NUMA
/// nodes they are attached to, and NUMA distances when known.
///
/// Indices are hwloc logical indices unless named `os…`.
public struct Topology: Sendable, Hashable, Codable {
  /// A processor package (socket).
  public struct Package: Sendable, Hashable, Codable {
    /// Logical index of the package.
    public var index: Int
    /// Logical indices of the package's cores.
    public var cores: [Int]
    /// Logical indices of the NUMA nodes whose CPUs are in this package.
    public var numaNodes: [Int]
  }

  /// A NUMA node and the memory local to it.
  public struct NUMANode: Sendable, Hashable, Codable {
    /// Logical index (the position in `Topology.numaNodes`).
    public var index: Int
    /// The OS's index of the node (as in `numactl` and `/sys`); what memory binding takes.
    public var osIndex: Int
    /// Memory local to the node, bytes (0 when hwloc reports none).
    public var memoryBytes: UInt64
    /// Logical indices of its cores.
    public var cores: [Int]
  }

  /// A cache and the cores that share it.
  public struct Cache: Sendable, Hashable, Codable {
    /// 1, 2, 3 … (instruction caches have `instruction` set).
    public var level: Int
    /// Whether it is an instruction cache (else data or unified).
    public var instruction: Bool
    /// Size in bytes (0 when unknown).
    public var sizeBytes: UInt64
    /// Logical indices of the cores sharing it.
    public var cores: [Int]
  }

  /// A physical core and its hardware threads.
  public struct Core: Sendable, Hashable, Codable {
    /// Logical index (the position in `Topology.cores`); what `Binding` takes.
    public var index: Int
    /// The OS's index of the core.
    public var osIndex: Int
    /// Logical index of its package; nil when hwloc places it in none.
    public var package: Int?
    /// Logical index of the first NUMA node its CPUs belong to; nil when none.
    public var numaNode: Int?
    /// OS indices of its hardware threads (PUs).
    public var pus: [Int]
  }

  /// A PCI device (any class: accelerators, NICs, bridges' endpoints, …).
  public struct PCIDevice: Sendable, Hashable, Codable {
    /// "DDDD:BB:DD.F"
    public var busID: String
    /// PCI vendor id (e.g. 0x10de NVIDIA, 0x19e5 Huawei).
    public var vendorID: UInt16
    /// PCI device id.
    public var deviceID: UInt16
    /// PCI class code (e.g. 0x0302 3D controller, 0x1200 processing accelerator).
    public var classID: UInt16
    /// NUMA nodes near the device (logical indices).
    public var numaNodes: [Int]
  }

  /// An OS device's type, from hwloc's; types it does not name (and memory
  /// devices, not mapped yet) read as `other`.
  public enum OSDeviceKind: String, Sendable, Hashable, Codable {
    case gpu, coprocessor, network, openFabrics = "openfabrics", block, dma, memory, other
  }

  /// A device the OS names (GPU, co-processor, NIC, disk, …), usually on a PCI device.
  public struct OSDevice: Sendable, Hashable, Codable {
    /// e.g. "cuda0", "nvml0", "opencl0d0", "eth0", "sda".
    public var name: String
    /// What kind of OS device it is.
    public var kind: OSDeviceKind
    /// e.g. "CUDA", "NVML", "OpenCL", "RSMI" (hwloc's subtype).
    public var subtype: String?
    /// hwloc info attributes (GPUModel, GPUVendor, …).
    public var info: [String: String]
    /// The PCI device it belongs to, if any.
    public var pciBusID: String?
    /// NUMA nodes near the device (logical indices; empty when unknown).
    public var numaNodes: [Int]
  }

  /// Packages, in logical order.
  public var packages: [Package]
  /// NUMA nodes, in logical order.
  public var numaNodes: [NUMANode]
  /// Caches: data and unified L1–L5, then instruction L1–L3, each level in logical order.
  public var caches: [Cache]
  /// Cores, in logical order (`cores[i].index == i`).
  public var cores: [Core]
  /// Total hardware threads.
  public var puCount: Int
  /// PCI devices, in hwloc order.
  public var pciDevices: [PCIDevice]
  /// OS devices, in hwloc order.
  public var osDevices: [OSDevice]
  /// Row-major NUMA-node distances (latency-like, 10 = local), if present.
  public var distances: [[UInt64]]?
  /// Total machine memory.
  public var memoryBytes: UInt64
}

/// Where to read a topology from.
public enum TopologySource: Sendable, Hashable {
  /// The machine this process runs on.
  case live
  /// An hwloc XML export.
  case xml(path: String)
  /// An hwloc synthetic description, e.g. "pack:2 numa:2 core:8 pu:2".
  case synthetic(String)
}

/// A topology that could not be read.
public struct TopologyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was being read: "live machine", an XML path, "synthetic '…'" or "exec".
  public var source: String
  /// What went wrong.
  public var message: String

  /// An error about `source` (see `source`) saying `message`.
  public init(source: String, message: String) {
    self.source = source
    self.message = message
  }

  /// "SOURCE: MESSAGE".
  public var description: String { "\(source): \(message)" }
}

extension Topology {
  /// Reads a topology with hwloc (I/O devices kept).
  public static func load(_ source: TopologySource) throws(TopologyError) -> Topology {
    try HwlocTopologyReader.read(source)
  }
}
