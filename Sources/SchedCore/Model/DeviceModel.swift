/// A device model in the catalog, with nominal public specifications.
///
/// Figures are the vendor's nominal peak numbers (dense, without sparsity);
/// `nil` where unpublished or unknown (for example the anonymised "G2"/"G3"
/// models of the Alibaba openb trace). Their sources are in
/// Docs/DeviceCatalog.md.
public struct DeviceModel: Sendable, Hashable, Codable {
  /// Catalog key, e.g. "H100-SXM", "Ascend-910B", "Kunpeng-920".
  public var name: String
  /// Other names accepted for this model (e.g. "V100M32" in the openb trace).
  public var aliases: [String]
  /// Vendor name ("NVIDIA", "Huawei", …); "unknown" when a cluster file omits it.
  public var vendor: String
  /// Whether this is a CPU, an accelerator (GPU, DCU, NPU) or a DPU.
  public var kind: DeviceKind
  /// Designed and made by a Chinese vendor (国产).
  public var domestic: Bool
  /// Device memory per device in MiB (accelerators); `nil` for CPUs or unknown.
  public var memoryMiB: Int64?
  /// Peak FP64 TFLOPS (vector or tensor, whichever the vendor quotes as peak FP64).
  public var fp64TFLOPS: Double?
  /// Peak FP32 TFLOPS.
  public var fp32TFLOPS: Double?
  /// Peak dense FP16/BF16 TFLOPS.
  public var fp16TFLOPS: Double?
  /// Peak dense INT8 TOPS.
  public var int8TOPS: Double?
  /// Thermal design power in watts (per device; for CPUs per socket).
  public var tdpWatts: Int64?
  /// Cores per socket (CPUs only).
  public var coresPerSocket: Int64?
  /// The compute classes this model serves; derived by `defaultClasses` unless
  /// the catalog entry states them.
  public var classes: Set<ComputeClass>

  /// A catalog entry; `classes` nil derives them from `kind` and `fp64TFLOPS`
  /// (see `defaultClasses(kind:fp64TFLOPS:)`).
  public init(name: String, aliases: [String] = [], vendor: String, kind: DeviceKind,
              domestic: Bool, memoryMiB: Int64? = nil, fp64TFLOPS: Double? = nil,
              fp32TFLOPS: Double? = nil, fp16TFLOPS: Double? = nil, int8TOPS: Double? = nil,
              tdpWatts: Int64? = nil, coresPerSocket: Int64? = nil,
              classes: Set<ComputeClass>? = nil) {
    self.name = name
    self.aliases = aliases
    self.vendor = vendor
    self.kind = kind
    self.domestic = domestic
    self.memoryMiB = memoryMiB
    self.fp64TFLOPS = fp64TFLOPS
    self.fp32TFLOPS = fp32TFLOPS
    self.fp16TFLOPS = fp16TFLOPS
    self.int8TOPS = int8TOPS
    self.tdpWatts = tdpWatts
    self.coresPerSocket = coresPerSocket
    self.classes = classes ?? DeviceModel.defaultClasses(kind: kind, fp64TFLOPS: fp64TFLOPS)
  }

  /// FP64 peak at or above which an accelerator also serves supercomputing.
  public static let supercomputingFP64Threshold = 5.0

  /// CPUs serve general compute (and supercomputing); accelerators serve
  /// intelligent compute, and supercomputing too when their FP64 peak is at
  /// least `supercomputingFP64Threshold` TFLOPS; DPUs serve none.
  public static func defaultClasses(kind: DeviceKind, fp64TFLOPS: Double?) -> Set<ComputeClass> {
    switch kind {
    case .cpu: return [.general, .supercomputing]
    case .dpu: return []
    case .gpu, .dcu, .npu:
      if let f = fp64TFLOPS, f >= supercomputingFP64Threshold { return [.intelligent, .supercomputing] }
      return [.intelligent]
    }
  }

  /// Peak TFLOPS for a compute class: FP16 for intelligent, FP64 for
  /// supercomputing, FP32 for general.
  public func peakTFLOPS(for cls: ComputeClass) -> Double? {
    switch cls {
    case .intelligent: fp16TFLOPS
    case .supercomputing: fp64TFLOPS
    case .general: fp32TFLOPS
    }
  }
}

/// A dense index of a model in a `DeviceCatalog`.
public typealias DeviceModelID = Int32
