/// The kinds of device a node can offer to the scheduler.
///
/// CPUs are the node's general-purpose cores (always present); GPUs, DCUs and
/// NPUs are AI/HPC accelerators; a DPU is a network/storage offload device that
/// a job may require (for example a storage-disaggregated training job).
public enum DeviceKind: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
  case cpu, gpu, dcu, npu, dpu

  /// Whether devices of this kind are AI/HPC accelerators (GPU, DCU, NPU).
  @inlinable
  public var isAccelerator: Bool {
    switch self {
    case .gpu, .dcu, .npu: return true
    case .cpu, .dpu: return false
    }
  }

  /// Orders kinds CPU, GPU, DCU, NPU, DPU.
  public static func < (a: DeviceKind, b: DeviceKind) -> Bool {
    a.sortOrder < b.sortOrder
  }

  @usableFromInline
  var sortOrder: Int {
    switch self {
    case .cpu: 0
    case .gpu: 1
    case .dcu: 2
    case .npu: 3
    case .dpu: 4
    }
  }

  /// Upper-case display name ("GPU").
  public var displayName: String { rawValue.uppercased() }
}

/// The three kinds of compute a city compute network trades.
///
/// - `general`: CPU compute (通用算力).
/// - `intelligent`: AI accelerators, measured in FP16/BF16 (智能算力).
/// - `supercomputing`: FP64-heavy HPC (超算算力).
public enum ComputeClass: String, CaseIterable, Sendable, Hashable, Codable {
  case general, intelligent, supercomputing
}
