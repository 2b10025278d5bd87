/// Scorer `domestic`: prefers domestic chips (the city network's target is
/// over 60% of compute on domestic devices): s = 1 for a domestic
/// accelerator (or CPU, for CPU-only nodes), else 0.
enum DomesticScorer {
  static func score(_ c: NodeClass) -> Double { c.domestic ? 1 : 0 }
}
