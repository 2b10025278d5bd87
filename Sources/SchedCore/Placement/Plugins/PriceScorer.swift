/// Scorer `price`: prefers cheaper sites: s = 1 − p / p_max, with p the
/// site's device-hour price for the node's accelerator (core-hour price for
/// CPU-only tasks) and p_max the largest over the cluster.
enum PriceScorer {
  static func score(_ c: NodeClass, _ t: TaskShape, _ ctx: ScoringContext) -> Double {
    if t.deviceCount > 0 {
      return ctx.maxDevicePrice > 0 ? 1 - Double(c.devicePrice.fen) / Double(ctx.maxDevicePrice) : 0
    }
    return ctx.maxCorePrice > 0 ? 1 - Double(c.coreHourPrice.fen) / Double(ctx.maxCorePrice) : 0
  }
}
