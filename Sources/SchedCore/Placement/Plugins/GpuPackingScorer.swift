/// Scorer `gpu-packing`: the GPU Packing baseline of Weng et al. (ATC'23,
/// §6.1): put device tasks on devices already in use first, then on nodes
/// with more devices in use, and touch idle nodes last.
///
///     tier A (a partially used device fits a shared task):
///         s = 2/3 + 1/3 · (1 − f*/1000), f* = least free milli of such a device
///     tier B (the node has devices in use):  s = 1/3 + 1/3 · used/count
///     tier C (idle node, or a CPU-only task): s = 0
enum GpuPackingScorer {
  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape) -> Double {
    guard t.deviceCount > 0, s.deviceCount > 0 else { return 0 }
    if t.isSharing {
      var best: Int32 = -1
      for i in 0..<Int(s.deviceCount) {
        let f = s.device(i)
        if f >= t.milliPerDevice && f < 1000 { best = f }  // descending: last match is least free
      }
      if best >= 0 { return 2.0 / 3.0 + (1.0 / 3.0) * (1 - Double(best) / 1000) }
    }
    var used = 0
    for i in 0..<Int(s.deviceCount) where s.device(i) < 1000 { used += 1 }
    if used == 0 { return 0 }
    return 1.0 / 3.0 + (1.0 / 3.0) * Double(used) / Double(s.deviceCount)
  }
}
