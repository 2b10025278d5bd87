extension Profile {
  /// The weighted total Σ wᵢ·sᵢ for placing `t` on a node of class `c` in
  /// state `s`, summed in profile order. `fgd`, when given, is the FGD score
  /// (callers cache it; it is a pure function of class, state and shape).
  @inlinable
  func total(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape, _ ctx: ScoringContext,
             fgd: Double? = nil) -> Double {
    var sum = 0.0
    for w in scorers {
      sum += w.weight * Self.value(w.kind, c, s, t, ctx, fgd: fgd)
    }
    return sum
  }

  /// Each scorer's value (before weighting), in profile order.
  public func breakdown(_ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape,
                        _ ctx: ScoringContext) -> [ScoreComponent] {
    scorers.map { ScoreComponent(scorer: $0.kind, weight: $0.weight,
                                 value: Self.value($0.kind, c, s, t, ctx, fgd: nil)) }
  }

  @usableFromInline
  static func value(_ k: ScorerKind, _ c: NodeClass, _ s: NodeStateKey, _ t: TaskShape,
                    _ ctx: ScoringContext, fgd: Double?) -> Double {
    switch k {
    case .firstFit: FirstFitScorer.score()
    case .bestFit: BestFitScorer.score(c, s, t, ctx)
    case .worstFit: WorstFitScorer.score(c, s, t)
    case .dotProduct: DotProductScorer.score(c, s, t)
    case .gpuPacking: GpuPackingScorer.score(c, s, t)
    case .gpuClustering: GpuClusteringScorer.score(c, s, t)
    case .random: RandomScorer.score()
    case .fgd: fgd ?? FGDScorer.evaluate(c, s, t, ctx).score
    case .energy: EnergyScorer.score(c, ctx)
    case .price: PriceScorer.score(c, t, ctx)
    case .latency: LatencyScorer.score(c, ctx)
    case .domestic: DomesticScorer.score(c)
    }
  }
}

/// One scorer's contribution to a placement's score.
public struct ScoreComponent: Sendable, Hashable, Codable {
  public var scorer: ScorerKind
  public var weight: Double
  /// The scorer's value in [0, 1] before weighting.
  public var value: Double
}
