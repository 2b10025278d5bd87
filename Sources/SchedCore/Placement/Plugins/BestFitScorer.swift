/// Scorer `best-fit`: prefers the node with the least capacity left after
/// placement (the most used):
///
///     s = (1/D) · Σ_d [⌊K·(cap_d − free_d)/cap_d⌋ + ⌊K·req_d/cap_d⌋] / K
///
/// over the D dimensions CPU, memory and (on nodes with accelerators) device
/// milli; K = 2²⁰. Each term is floored separately so the score splits into
/// a node part U and a request part Q (s = B·(U + Q)), which the engine's
/// per-class trees search exactly.
///
/// In openb-compatible mode it is the FGD authors' simulator formula
/// s = 1 − [0.5·(cpuFree − cpuReq)/128000 + 0.5·(devFree − devReq)/8000],
/// floored per term the same way.
enum BestFitScorer {
  /// (A, B) with s = A + B·(U + Q) in fixed point.
  @inlinable
  static func form(_ c: NodeClass, _ ctx: ScoringContext) -> (a: Int64, b: Int64) {
    if ctx.openbCompat { return (ScoreScale.unit, 3) }
    return (0, c.deviceCount > 0 ? 2 : 3)  // 6/D with D = 3 or 2
  }

  /// The node part U of class `c` in state `s`.
  @inlinable
  static func stateTerm(_ c: NodeClass, _ s: NodeStateKey, _ ctx: ScoringContext) -> Int64 {
    stateTerm(c, cpu: s.milliCPU, mem: s.memoryMiB, dev: s.totalDeviceMilli, ctx)
  }

  @inlinable
  static func stateTerm(_ c: NodeClass, cpu: Int64, mem: Int64, dev: Int64, _ ctx: ScoringContext) -> Int64 {
    let k = ScoreScale.k
    if ctx.openbCompat {
      return -(floorDiv(k * cpu, 128_000) + floorDiv(k * dev, 8000))
    }
    var u = floorDiv(k * (c.milliCPU - cpu), max(c.milliCPU, 1))
      + floorDiv(k * (c.memoryMiB - mem), max(c.memoryMiB, 1))
    if c.deviceCount > 0 { u += floorDiv(k * (Int64(c.deviceCount) * 1000 - dev), Int64(c.deviceCount) * 1000) }
    return u
  }

  /// The request part Q of `t` on class `c`.
  @inlinable
  static func requestTerm(_ c: NodeClass, _ t: TaskShape, _ ctx: ScoringContext) -> Int64 {
    let k = ScoreScale.k
    if ctx.openbCompat {
      return floorDiv(k * t.milliCPU, 128_000) + floorDiv(k * t.totalDeviceMilli, 8000)
    }
    var q = floorDiv(k * t.milliCPU, max(c.milliCPU, 1)) + floorDiv(k * t.memoryMiB, max(c.memoryMiB, 1))
    if c.deviceCount > 0 { q += floorDiv(k * t.totalDeviceMilli, Int64(c.deviceCount) * 1000) }
    return q
  }

  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext) -> Int64 {
    let (a, b) = form(c, ctx)
    return a + b * (stateTerm(c, s, ctx) + requestTerm(c, t, ctx))
  }
}

/// ⌊a / b⌋ for b > 0 (rounds toward −∞, unlike `/`).
@inlinable
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
  let q = a / b
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
