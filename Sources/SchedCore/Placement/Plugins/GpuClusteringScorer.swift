/// Scorer `gpu-clustering`: the GPU Clustering baseline of Weng et al.
/// (ATC'23, §6.1): keep tasks of the same size together. A device whose used
/// milli is a positive multiple of the task's per-device milli is taken to
/// hold tasks of the same type (the node's free state does not record task
/// identities).
///
///     s = (devices in use holding the same type) / (devices in use), 0 when none in use
enum GpuClusteringScorer {
  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape) -> Double {
    guard t.deviceCount > 0, t.milliPerDevice > 0, s.deviceCount > 0 else { return 0 }
    var used = 0, same = 0
    for i in 0..<Int(s.deviceCount) {
      let u = 1000 - s.device(i)
      if u > 0 {
        used += 1
        if u % t.milliPerDevice == 0 { same += 1 }
      }
    }
    return used == 0 ? 0 : Double(same) / Double(used)
  }
}
