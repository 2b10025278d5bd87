/// Fixed-point score arithmetic. Every scorer yields an integer in
/// [0, `unit`] (some, like openb best-fit, may leave it slightly), weights are
/// integers in thousandths, and a total is Σ Wₖ·sₖ in exact integers, so
/// the indexed engine and the reference scan order nodes identically.
public enum ScoreScale {
  /// One whole score point: 6·2²⁰ (divisible by 2 and 3 so per-dimension
  /// means stay exact).
  public static let unit: Int64 = 6 << 20
  /// Resolution of the normalised per-dimension terms.
  public static let k: Int64 = 1 << 20

  /// `v` in [0, 1] as a fixed-point score (floor; NaN counts as 0).
  @inlinable
  public static func fixed(_ v: Double) -> Int64 {
    guard v.isFinite else { return 0 }
    let c = min(max(v, 0), 1)
    return Int64((c * Double(unit)).rounded(.down))
  }

  /// A weight in thousandths.
  @inlinable
  public static func weight(_ w: Double) -> Int64 {
    guard w.isFinite else { return 0 }
    return Int64((min(max(w, -1_000_000), 1_000_000) * 1000).rounded())
  }

  /// A fixed-point total as a plain number (for display).
  public static func display(_ total: Int64) -> Double { Double(total) / Double(unit) / 1000 }
}

extension Profile {
  /// Integer weights (thousandths), in scorer order.
  @inlinable
  var intWeights: [Int64] { scorers.map { ScoreScale.weight($0.weight) } }

  /// Whether a scorer's value depends on the node's free state.
  static func isStateDependent(_ k: ScorerKind) -> Bool {
    switch k {
    case .energy, .price, .latency, .domestic, .firstFit, .random: false
    case .bestFit, .worstFit, .dotProduct, .gpuPacking, .gpuClustering, .fgd: true
    }
  }

  /// Whether the state-dependent part of the total is linear in the
  /// best-fit state term (only best-fit, worst-fit, first-fit, random and
  /// class-level scorers), which lets the engine search per-class trees.
  public var isLinear: Bool {
    scorers.allSatisfy { w in
      switch w.kind {
      case .dotProduct, .gpuPacking, .gpuClustering, .fgd: ScoreScale.weight(w.weight) == 0
      default: true
      }
    }
  }

  /// The fixed-point total Σ Wₖ·sₖ for placing `t` on a node of class `c`
  /// in state `s`. `fgd`, when given, is FGD's fixed-point score (callers
  /// cache it; it is a pure function of class, state and shape).
  func total(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext,
             fgd: Int64? = nil) -> Int64 {
    var sum: Int64 = 0
    for w in scorers {
      let W = ScoreScale.weight(w.weight)
      if W == 0 { continue }
      sum &+= W &* Self.value(w.kind, c, s, t, ctx, fgd: fgd)
    }
    return sum
  }

  /// The part of `total` that depends on the class only.
  func classTerm(_ c: NodeClass, _ t: TaskShape, _ ctx: ScoringContext) -> Int64 {
    var sum: Int64 = 0
    for w in scorers where !Self.isStateDependent(w.kind) {
      let W = ScoreScale.weight(w.weight)
      if W == 0 { continue }
      sum &+= W &* Self.value(w.kind, c, NodeStateKey.empty, t, ctx, fgd: nil)
    }
    return sum
  }

  /// The part of `total` that depends on the node's free state.
  func stateTerm(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext,
                 fgd: Int64?) -> Int64 {
    var sum: Int64 = 0
    for w in scorers where Self.isStateDependent(w.kind) {
      let W = ScoreScale.weight(w.weight)
      if W == 0 { continue }
      sum &+= W &* Self.value(w.kind, c, s, t, ctx, fgd: fgd)
    }
    return sum
  }

  /// Each scorer's value (before weighting), in profile order.
  public func breakdown(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape,
                        _ ctx: ScoringContext) -> [ScoreComponent] {
    scorers.map {
      ScoreComponent(scorer: $0.kind, weight: $0.weight,
                     value: Double(Self.value($0.kind, c, s, t, ctx, fgd: nil)) / Double(ScoreScale.unit))
    }
  }

  static func value(_ k: ScorerKind, _ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape,
                    _ ctx: ScoringContext, fgd: Int64?) -> Int64 {
    switch k {
    case .firstFit: 0
    case .bestFit: BestFitScorer.score(c, s, t, ctx)
    case .worstFit: WorstFitScorer.score(c, s, t, ctx)
    case .dotProduct: ScoreScale.fixed(DotProductScorer.score(c, s, t))
    case .gpuPacking: ScoreScale.fixed(GpuPackingScorer.score(c, s, t))
    case .gpuClustering: ScoreScale.fixed(GpuClusteringScorer.score(c, s, t))
    case .random: 0
    case .fgd: fgd ?? FGDScorer.evaluate(c, s, t, ctx).score
    case .energy: ScoreScale.fixed(EnergyScorer.score(c, ctx))
    case .price: ScoreScale.fixed(PriceScorer.score(c, t, ctx))
    case .latency: ScoreScale.fixed(LatencyScorer.score(c, ctx))
    case .domestic: ScoreScale.fixed(DomesticScorer.score(c))
    }
  }
}

/// One scorer's contribution to a placement's score.
public struct ScoreComponent: Sendable, Hashable, Codable {
  /// The scorer.
  public var scorer: ScorerKind
  /// Its weight in the profile.
  public var weight: Double
  /// The scorer's value (1 = best) before weighting.
  public var value: Double
}
