/// Filter `resources`: the task's CPU, memory, DPUs and devices fit the
/// node's free state (a shared task needs one device with enough free milli;
/// a k-device task needs k devices each with enough free milli).
enum ResourcesFilter {
  /// `nil` when it fits, else the first missing dimension.
  static func check(_ s: NodeStateKey, _ shape: TaskShape, _ c: NodeClass, _ cluster: Cluster) -> String? {
    if shape.milliCPU > s.milliCPU { return "insufficient CPU" }
    if shape.memoryMiB > s.memoryMiB { return "insufficient memory" }
    if shape.dpuUnits > s.dpuUnits { return "insufficient DPU" }
    if shape.deviceCount > 0 {
      if shape.deviceCount > s.deviceCount || s.device(Int(shape.deviceCount) - 1) < shape.milliPerDevice {
        let kind = c.acceleratorModel >= 0 ? cluster.catalog[c.acceleratorModel].kind.displayName : "device"
        return "insufficient \(kind)"
      }
    }
    return nil
  }
}
