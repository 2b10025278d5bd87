/// Scorer `latency`: prefers sites nearer the job's origin:
/// s = 1 − latency / bound (clamped to [0, 1]); 0 for jobs without an origin.
enum LatencyScorer {
  static func score(_ c: NodeClass, _ ctx: ScoringContext) -> Double {
    guard ctx.origin >= 0, c.location >= 0, let l = ctx.network.latency(ctx.origin, c.location) else {
      return 0
    }
    return max(0, 1 - Double(l) / Double(ctx.latencyScale))
  }
}
