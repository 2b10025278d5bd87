import Yams

/// The profile YAML format: which scorers, with what weights, and the tie-break.
///
///     name: green
///     scorers:
///       - {scorer: best-fit, weight: 1}
///       - {scorer: energy, weight: 0.5}
///     tie_break: node-order        # or seeded (with seed:)
///     seed: 42
///     fgd_coverage: 0.95
///     filters: [latency, device-kind, device-model, domestic,   # optional: the class
///               device-memory, compute-class, price-ceiling]    # filters' order
public enum ProfileSpec {
  /// Reads and parses the profile file at `path`; throws `SpecErrors` if it cannot be read or parsed.
  public static func load(path: String) throws(SpecErrors) -> Profile {
    try parse(yaml: ClusterSpec.readText(path), file: path)
  }

  enum TieBreakChoice: String, CaseIterable { case nodeOrder = "node-order", seeded }

  /// Parses profile YAML (`file` names it in errors). Defaults: weight 1, tie-break
  /// node-order, seed 42, `fgd_coverage` 0.95, name "custom". Throws every problem at once.
  public static func parse(yaml: String, file: String) throws(SpecErrors) -> Profile {
    var r = YAMLReader(file: file)
    guard let root = r.compose(yaml),
          let m = r.mapping(root, "", allowed: ["name", "scorers", "tie_break", "seed", "fgd_coverage", "filters"],
                            required: ["scorers"]) else { throw SpecErrors(r.errors) }
    var scorers: [WeightedScorer] = []
    if let s = m["scorers"], let items = r.sequence(s, "scorers") {
      if items.isEmpty { r.fail(s, "scorers", "a profile needs at least one scorer") }
      for (i, it) in items.enumerated() {
        let p = "scorers[\(i)]"
        guard let sm = r.mapping(it, p, allowed: ["scorer", "weight"], required: ["scorer"]) else { continue }
        guard let kind = sm["scorer"].flatMap({ r.choice($0, p + ".scorer", ScorerKind.self) }) else { continue }
        let w = sm["weight"].map { r.double($0, p + ".weight", 0...1000) } ?? 1
        if let w { scorers.append(WeightedScorer(kind, weight: w)) }
      }
    }
    let seed = m["seed"].flatMap { r.int($0, "seed", 0...Int64.max) }.map { UInt64($0) } ?? 42
    var tie = TieBreak.nodeOrder
    if let t = m["tie_break"], let c = r.choice(t, "tie_break", TieBreakChoice.self), c == .seeded {
      tie = .seededPermutation(seed: seed)
    }
    let coverage = m["fgd_coverage"].flatMap { r.double($0, "fgd_coverage", 0.01...1) } ?? 0.95
    let name = m["name"].flatMap { r.string($0, "name") } ?? "custom"
    var classFilters: [FilterKind]?
    if let f = m["filters"], let items = r.sequence(f, "filters") {
      var order: [FilterKind] = []
      for (i, it) in items.enumerated() {
        if let k = r.choice(it, "filters[\(i)]", FilterKind.self) { order.append(k) }
      }
      if order.count == items.count {
        if let why = Profile.classFilterProblem(order) { r.fail(f, "filters", why) } else { classFilters = order }
      }
    }
    guard r.errors.isEmpty else { throw SpecErrors(r.errors) }
    let profile = Profile(name: name, scorers: scorers, tieBreak: tie, fgdCoverage: coverage)
    return classFilters.flatMap { profile.orderingClassFilters($0) } ?? profile
  }
}
