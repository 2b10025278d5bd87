/// Scorer `best-fit`: prefers the node with the least capacity left after
/// placement.
///
///     s = 1 − mean_d (free_d − req_d) / cap_d
///
/// over the dimensions CPU, memory and (on nodes with accelerators) device
/// milli. In openb-compatible mode it is the formula of the FGD authors'
/// simulator: s = 1 − [0.5·(cpuFree − cpuReq)/128000 + 0.5·(devFree − devReq)/8000].
enum BestFitScorer {
  @inlinable
  static func remaining(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape) -> Double {
    var sum = Double(s.milliCPU - t.milliCPU) / Double(max(c.milliCPU, 1))
      + Double(s.memoryMiB - t.memoryMiB) / Double(max(c.memoryMiB, 1))
    var dims = 2.0
    if c.deviceCount > 0 {
      sum += Double(s.totalDeviceMilli - t.totalDeviceMilli) / Double(Int64(c.deviceCount) * 1000)
      dims += 1
    }
    return sum / dims
  }

  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext) -> Double {
    if ctx.openbCompat {
      return 1 - (0.5 * Double(s.milliCPU - t.milliCPU) / 128_000
                  + 0.5 * Double(s.totalDeviceMilli - t.totalDeviceMilli) / 8000)
    }
    return 1 - remaining(c, s, t)
  }
}
