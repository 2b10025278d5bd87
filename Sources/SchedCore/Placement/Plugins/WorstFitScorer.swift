/// Scorer `worst-fit`: spreads load, preferring the node with the most
/// capacity left after placement: s = mean_d (free_d − req_d) / cap_d
/// (the complement of best-fit).
enum WorstFitScorer {
  static func score(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape) -> Double {
    BestFitScorer.remaining(c, s, t)
  }
}
