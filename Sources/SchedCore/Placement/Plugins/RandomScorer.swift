/// Scorer `random`: every feasible node scores 0 and ties are broken by a
/// permutation of the nodes drawn from the seed, so the choice is uniform
/// over the feasible nodes and the same seed gives the same choices.
enum RandomScorer {
  @inlinable
  static func score() -> Double { 0 }
}
