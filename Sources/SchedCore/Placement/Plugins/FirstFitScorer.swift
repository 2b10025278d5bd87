/// Scorer `first-fit`: every feasible node scores 0, so the tie-break decides:
/// the first feasible node in node order (or in the seeded permutation).
enum FirstFitScorer {
  @inlinable
  static func score() -> Double { 0 }
}
