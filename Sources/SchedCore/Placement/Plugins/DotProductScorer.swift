/// Scorer `dot-product`: Tetris alignment (Grandl et al., "Multi-Resource
/// Packing for Cluster Schedulers", SIGCOMM 2014): prefers nodes whose free
/// vector points the same way as the request.
///
///     s = mean_d (req_d / cap_d) · (free_d / cap_d)
///
/// over CPU, memory and (on accelerator nodes) device milli.
enum DotProductScorer {
  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape) -> Double {
    let cpuCap = Double(max(c.milliCPU, 1)), memCap = Double(max(c.memoryMiB, 1))
    var sum = (Double(t.milliCPU) / cpuCap) * (Double(s.milliCPU) / cpuCap)
      + (Double(t.memoryMiB) / memCap) * (Double(s.memoryMiB) / memCap)
    var dims = 2.0
    if c.deviceCount > 0 {
      let devCap = Double(Int64(c.deviceCount) * 1000)
      sum += (Double(t.totalDeviceMilli) / devCap) * (Double(s.totalDeviceMilli) / devCap)
      dims += 1
    }
    return sum / dims
  }
}
