/// Node-level reasons a node cannot take a task, as codes (counted without
/// building strings on the failure path).
enum NodeReason: Int, CaseIterable {
  case nodeDown, antiAffinity, cpu, memory, dpu
  case gpu, dcu, npu, otherDevice

  static func device(_ kind: DeviceKind?) -> NodeReason {
    switch kind {
    case .gpu: .gpu
    case .dcu: .dcu
    case .npu: .npu
    default: .otherDevice
    }
  }

  var text: String {
    switch self {
    case .nodeDown: "node down"
    case .antiAffinity: "anti-affinity"
    case .cpu: "insufficient CPU"
    case .memory: "insufficient memory"
    case .dpu: "insufficient DPU"
    case .gpu: "insufficient GPU"
    case .dcu: "insufficient DCU"
    case .npu: "insufficient NPU"
    case .otherDevice: "insufficient device"
    }
  }
}

/// Reason tallies for an explanation: class-level reasons by text, node
/// reasons by code.
struct ReasonCounts {
  var byText: [String: Int] = [:]
  var byCode = [Int](repeating: 0, count: NodeReason.allCases.count)

  mutating func add(_ text: String, _ n: Int = 1) { byText[text, default: 0] += n }
  mutating func add(_ r: NodeReason, _ n: Int = 1) { byCode[r.rawValue] += n }

  func explanation(totalNodes: Int, core: PlacementCore) -> Explanation {
    var all = byText
    for r in NodeReason.allCases where byCode[r.rawValue] > 0 {
      all[r.text, default: 0] += byCode[r.rawValue]
    }
    return Explanation(totalNodes: totalNodes, counts: all)
  }
}

/// The first resource a node lacks for a task (the `resources` filter's
/// reason), read straight from the cluster state.
enum ResourceShortage {
  @inline(__always)
  static func first(_ state: ClusterState, _ n: NodeID, _ t: TaskShape) -> NodeReason? {
    if t.milliCPU > state.freeMilliCPU(n) { return .cpu }
    if t.memoryMiB > state.freeMemoryMiB(n) { return .memory }
    if t.dpuUnits > state.freeDPUs(n) { return .dpu }
    if t.deviceCount > 0 {
      var fit: Int32 = 0
      for f in state.devices(of: n) where Int32(f) >= t.milliPerDevice { fit += 1 }
      if fit < t.deviceCount {
        let kind = state.cluster.nodes[Int(n)].accelerator.map { state.cluster.catalog[$0.model].kind }
        return .device(kind)
      }
    }
    return nil
  }

  /// The same check on a free-state key of class `c`.
  @inline(__always)
  static func first(_ s: NodeStateKey, _ t: TaskShape, _ c: NodeClass, _ cluster: Cluster) -> NodeReason? {
    if t.milliCPU > s.milliCPU { return .cpu }
    if t.memoryMiB > s.memoryMiB { return .memory }
    if t.dpuUnits > s.dpuUnits { return .dpu }
    if t.deviceCount > 0 {
      if t.deviceCount > s.deviceCount || s.device(Int(t.deviceCount) - 1) < t.milliPerDevice {
        return .device(c.acceleratorModel >= 0 ? cluster.catalog[c.acceleratorModel].kind : nil)
      }
    }
    return nil
  }
}
