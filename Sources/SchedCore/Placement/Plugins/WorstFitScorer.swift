/// Scorer `worst-fit`: spreads load, preferring the node with the most
/// capacity left after placement: the complement of best-fit,
/// s = 1 − s_best-fit (in fixed point: unit − best-fit).
enum WorstFitScorer {
  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext) -> Int64 {
    ScoreScale.unit - BestFitScorer.score(c, s, t, ctx)
  }
}
