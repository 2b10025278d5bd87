/// The scorers a profile can weigh. Each is defined in its own file under
/// Plugins/ with its formula and source (see Docs/Policies.md).
public enum ScorerKind: String, CaseIterable, Sendable, Hashable, Codable {
  case firstFit = "first-fit"
  case bestFit = "best-fit"
  case worstFit = "worst-fit"
  case dotProduct = "dot-product"
  case gpuPacking = "gpu-packing"
  case gpuClustering = "gpu-clustering"
  case random
  case fgd
  case energy
  case price
  case latency
  case domestic
}

/// A scorer and its weight in a profile.
public struct WeightedScorer: Sendable, Hashable, Codable {
  public var kind: ScorerKind
  public var weight: Double

  public init(_ kind: ScorerKind, weight: Double = 1) {
    self.kind = kind
    self.weight = weight
  }
}

/// How ties between equally scored nodes are broken.
public enum TieBreak: Sendable, Hashable {
  /// Lowest node index (file order) wins.
  case nodeOrder
  /// The node earliest in a permutation drawn from the seed wins.
  case seededPermutation(seed: UInt64)
}

/// The whole configuration of the placement pipeline in one value: the
/// filter chain (in order), the weighted scorers and the tie-break.
///
/// The pipeline per task is: class filters (kind, model, domestic, memory,
/// compute class, latency, price) → node filters (resources, down, spread,
/// anti-affinity, same-site) → weighted score Σ wᵢ·sᵢ with every sᵢ in [0, 1]
/// → the highest total wins, ties by `tieBreak` → reserve devices and cores.
public struct Profile: Sendable, Hashable {
  public var name: String
  public var scorers: [WeightedScorer]
  public var tieBreak: TieBreak
  /// Share of tasks the FGD target workload covers (most frequent types first).
  public var fgdCoverage: Double

  public init(name: String, scorers: [WeightedScorer], tieBreak: TieBreak = .nodeOrder,
              fgdCoverage: Double = 0.95) {
    self.name = name
    self.scorers = scorers
    self.tieBreak = tieBreak
    self.fgdCoverage = fgdCoverage
  }

  /// The filter chain, in evaluation order. Class filters run once per node
  /// class per job; node filters per distinct node state.
  public static let filterChain: [FilterKind] = [
    .deviceKind, .deviceModel, .domestic, .deviceMemory, .computeClass,
    .latency, .priceCeiling,
    .nodeDown, .spread, .sameSite, .antiAffinity,
    .resources,
  ]

  /// Whether the profile scores FGD (which needs a target workload).
  public var usesFGD: Bool { scorers.contains { $0.kind == .fgd && $0.weight != 0 } }

  /// How a shared device is picked on the chosen node: FGD's choice when the
  /// profile is led by FGD, else the fitting device with the least free milli.
  public var sharesByFGD: Bool {
    scorers.max(by: { $0.weight < $1.weight })?.kind == .fgd
  }

  /// A single-scorer profile for `kind`; `random` uses a seeded permutation.
  public static func single(_ kind: ScorerKind, seed: UInt64 = 42) -> Profile {
    Profile(name: kind.rawValue, scorers: [WeightedScorer(kind)],
            tieBreak: kind == .random ? .seededPermutation(seed: seed) : .nodeOrder)
  }

  /// The default profile for the city compute network: pack (best-fit),
  /// prefer domestic chips, low energy intensity, nearby sites and low prices.
  public static let `default` = Profile(name: "default", scorers: [
    WeightedScorer(.bestFit, weight: 1),
    WeightedScorer(.domestic, weight: 0.5),
    WeightedScorer(.energy, weight: 0.3),
    WeightedScorer(.latency, weight: 0.2),
    WeightedScorer(.price, weight: 0.2),
  ])

  /// Profile names accepted by `named(_:)`.
  public static var names: [String] { ["default"] + ScorerKind.allCases.map(\.rawValue) }

  /// The profile called `name` ("default" or a scorer name).
  public static func named(_ name: String, seed: UInt64 = 42) -> Profile? {
    if name == "default" { return .default }
    return ScorerKind(rawValue: name).map { single($0, seed: seed) }
  }
}
