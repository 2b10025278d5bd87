/// A machine's hardware topology, as hwloc sees it, in plain Swift values:
/// packages, NUMA nodes (with memory), caches, cores and PUs, PCI devices
/// and OS devices (GPUs, co-processors, NICs, block devices) with the NUMA
/// nodes they are attached to, and NUMA distances when known.
///
/// Indices are hwloc logical indices unless named `os…`.
public struct Topology: Sendable, Hashable, Codable {
  public struct Package: Sendable, Hashable, Codable {
    public var index: Int
    /// Logical indices of the package's cores.
    public var cores: [Int]
    /// Logical indices of the NUMA nodes whose CPUs are in this package.
    public var numaNodes: [Int]
  }

  public struct NUMANode: Sendable, Hashable, Codable {
    public var index: Int
    public var osIndex: Int
    public var memoryBytes: UInt64
    /// Logical indices of its cores.
    public var cores: [Int]
  }

  public struct Cache: Sendable, Hashable, Codable {
    /// 1, 2, 3 … (instruction caches have `instruction` set).
    public var level: Int
    public var instruction: Bool
    public var sizeBytes: UInt64
    /// Logical indices of the cores sharing it.
    public var cores: [Int]
  }

  public struct Core: Sendable, Hashable, Codable {
    public var index: Int
    public var osIndex: Int
    public var package: Int?
    public var numaNode: Int?
    /// OS indices of its hardware threads (PUs).
    public var pus: [Int]
  }

  public struct PCIDevice: Sendable, Hashable, Codable {
    /// "DDDD:BB:DD.F"
    public var busID: String
    public var vendorID: UInt16
    public var deviceID: UInt16
    public var classID: UInt16
    /// NUMA nodes near the device (logical indices).
    public var numaNodes: [Int]
  }

  public enum OSDeviceKind: String, Sendable, Hashable, Codable {
    case gpu, coprocessor, network, openFabrics = "openfabrics", block, dma, memory, other
  }

  public struct OSDevice: Sendable, Hashable, Codable {
    /// e.g. "cuda0", "nvml0", "opencl0d0", "eth0", "sda".
    public var name: String
    public var kind: OSDeviceKind
    /// e.g. "CUDA", "NVML", "OpenCL", "RSMI" (hwloc's subtype).
    public var subtype: String?
    /// hwloc info attributes (GPUModel, GPUVendor, …).
    public var info: [String: String]
    /// The PCI device it belongs to, if any.
    public var pciBusID: String?
    public var numaNodes: [Int]
  }

  public var packages: [Package]
  public var numaNodes: [NUMANode]
  public var caches: [Cache]
  public var cores: [Core]
  /// Total hardware threads.
  public var puCount: Int
  public var pciDevices: [PCIDevice]
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
  public var source: String
  public var message: String

  public init(source: String, message: String) {
    self.source = source
    self.message = message
  }

  public var description: String { "\(source): \(message)" }
}

extension Topology {
  /// Reads a topology with hwloc (I/O devices kept).
  public static func load(_ source: TopologySource) throws(TopologyError) -> Topology {
    try HwlocTopologyReader.read(source)
  }
}
