/// The scorers a profile can weigh. Each is defined in its own file under
/// Plugins/ with its formula and source (see Docs/Policies.md).
public enum ScorerKind: String, CaseIterable, Sendable, Hashable, Codable {
  /// Every feasible node scores 0: the tie-break picks the first.
  case firstFit = "first-fit"
  /// Prefers the node with the least capacity left after placement (packing).
  case bestFit = "best-fit"
  /// Prefers the node with the most capacity left after placement (spreading).
  case worstFit = "worst-fit"
  /// Tetris alignment: prefers free vectors pointing like the request.
  case dotProduct = "dot-product"
  /// GPU Packing baseline (ATC'23): devices in use first, idle nodes last.
  case gpuPacking = "gpu-packing"
  /// GPU Clustering baseline (ATC'23): keeps tasks of the same size together.
  case gpuClustering = "gpu-clustering"
  /// Every feasible node scores 0; a seeded permutation breaks ties.
  case random
  /// Fragmentation Gradient Descent against the target workload.
  case fgd
  /// Prefers low energy intensity (TDP × PUE per peak TFLOPS).
  case energy
  /// Prefers cheaper sites for the node's device (or core) price.
  case price
  /// Prefers sites nearer the job's latency origin.
  case latency
  /// Prefers domestic accelerators (CPUs on CPU-only nodes).
  case domestic
}

/// A scorer and its weight in a profile.
public struct WeightedScorer: Sendable, Hashable, Codable {
  /// The scorer.
  public var kind: ScorerKind
  /// Its weight in the total Σ wᵢ·sᵢ (0 turns it off; profile files accept 0...1000).
  public var weight: Double

  /// `kind` with `weight` (default 1).
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
  /// The profile's name, shown in reports ("default", "best-fit", or a file's `name:`).
  public var name: String
  /// The scorers and their weights; a node's total is Σ wᵢ·sᵢ.
  public var scorers: [WeightedScorer]
  /// How equal totals are ordered.
  public var tieBreak: TieBreak
  /// Share of tasks the FGD target workload covers (most frequent types first).
  public var fgdCoverage: Double
  /// The filter chain in evaluation order: the class filters in the order
  /// this profile gives them, then the node filters (`nodeFilters`, in that
  /// fixed order: they read the node's state, after every class filter).
  /// The order decides which reason a node that fails several filters is
  /// counted under in explanations; which nodes pass does not depend on it.
  public private(set) var filters: [FilterKind]

  /// A profile with the default filter chain (`filterChain`; see
  /// `orderingClassFilters(_:)` for another class-filter order);
  /// `fgdCoverage` in (0, 1] (profile files accept 0.01...1).
  public init(name: String, scorers: [WeightedScorer], tieBreak: TieBreak = .nodeOrder,
              fgdCoverage: Double = 0.95) {
    self.name = name
    self.scorers = scorers
    self.tieBreak = tieBreak
    self.fgdCoverage = fgdCoverage
    filters = Self.filterChain
  }

  /// This profile with its class filters run in `order` (every class
  /// filter exactly once; the node filters follow as always), or nil when
  /// `order` is not such an order (`classFilterProblem` says why).
  public func orderingClassFilters(_ order: [FilterKind]) -> Profile? {
    guard Self.classFilterProblem(order) == nil else { return nil }
    var p = self
    p.filters = order + Self.nodeFilters
    return p
  }

  /// The default filter chain, in evaluation order. Class filters run once
  /// per node class per job; node filters per distinct node state.
  public static let filterChain: [FilterKind] = [
    .deviceKind, .deviceModel, .domestic, .deviceMemory, .computeClass,
    .latency, .priceCeiling,
    .nodeDown, .spread, .sameSite, .antiAffinity,
    .resources,
  ]

  /// The node filters, in the order every profile runs them (after its class filters).
  public static let nodeFilters: [FilterKind] = filterChain.filter { !$0.isClassLevel }

  /// Why `order` is not an order of the class filters (each class filter
  /// exactly once, no node filter), or nil.
  public static func classFilterProblem(_ order: [FilterKind]) -> String? {
    if let f = order.first(where: { !$0.isClassLevel }) {
      return "'\(f.rawValue)' is a node filter (they run after the class filters, in a fixed order)"
    }
    var seen: Set<FilterKind> = []
    for f in order where !seen.insert(f).inserted { return "'\(f.rawValue)' is listed twice" }
    let missing = filterChain.filter { $0.isClassLevel && !seen.contains($0) }
    if !missing.isEmpty { return "missing \(missing.map(\.rawValue).joined(separator: ", ")) (list every class filter once)" }
    return nil
  }

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
