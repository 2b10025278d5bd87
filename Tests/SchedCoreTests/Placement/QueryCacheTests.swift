import Testing
@testable import SchedCore

/// The direct-mapped query cache (`PlacementCore.preparedQuery`) compares a
/// cached key with a group and job field by field instead of building a key:
/// that comparison must agree with the key's `==` for every field the key
/// keeps, and a job must never get another request's cached query.
@Suite struct QueryCacheTests {
  static let base = TaskGroup(name: "main", count: 1, milliCPU: 4000, memoryMiB: 8192,
                              device: DeviceRequest(count: 2, milliPerDevice: 1000))

  /// One group/job pair per field, each differing from `base` in that field only.
  static func variants() -> [(String, TaskGroup, Job)] {
    let job = Job(id: "j", groups: [base])
    var out: [(String, TaskGroup, Job)] = [("same", base, job)]
    func group(_ name: String, _ change: (inout TaskGroup) -> Void) {
      var g = base
      change(&g)
      out.append((name, g, job))
    }
    group("name") { $0.name = "other" }
    group("count") { $0.count = 3 }
    group("gang") { $0.gang = false }
    group("sameSite") { $0.sameSite = true }
    group("spreadSites") { $0.spreadSites = 2 }
    group("milliCPU") { $0.milliCPU = 8000 }
    group("memoryMiB") { $0.memoryMiB = 4096 }
    group("dpuCount") { $0.dpuCount = 1 }
    group("no device") { $0.device = nil }
    group("device count") { $0.device?.count = 4 }
    group("device milli") { $0.device = DeviceRequest(count: 1, milliPerDevice: 500) }
    group("device kinds") { $0.device?.kinds = [.npu] }
    group("device models") { $0.device?.models = ["A100-80GB"] }
    group("domestic") { $0.device?.domesticOnly = true }
    group("device memory") { $0.device?.minMemoryMiB = 65_536 }
    group("compute class") { $0.device?.computeClass = .intelligent }
    group("normalized") { $0.normalized = NormalizedRequest(tflops: 100, computeClass: .intelligent) }
    var latency = job
    latency.latency = .ring("tianjin-metro")
    out.append(("latency", base, latency))
    var ceiling = job
    ceiling.priceCeiling = Money(fen: 900)
    out.append(("price ceiling", base, ceiling))
    return out
  }

  @Test func matchesAgreesWithKeyEquality() {
    let all = Self.variants()
    for (name, g, j) in all {
      let key = QueryKey(g, j)
      for (other, g2, j2) in all {
        #expect(key.matches(g2, j2) == (key == QueryKey(g2, j2)), "key of \(name) against \(other)")
      }
    }
  }

  /// A plain request's `QueryTag` (the cache's quick hit check) equals
  /// another's exactly when their keys are equal; requests with kinds,
  /// models, a normalized request or a latency rule have no tag.
  @Test func tagsAgreeWithKeyEquality() {
    var all = Self.variants()
    var plain = Self.base
    plain.device = nil
    all.append(("no device, plain", plain, Job(id: "p", groups: [plain])))
    for (name, g, j) in all {
      let tag = QueryTag(g, j)
      let plainRequest = g.normalized == nil && (g.device.map { $0.kinds.isEmpty && $0.models.isEmpty } ?? true)
      if case .none = j.latency {
        #expect((tag != nil) == plainRequest, "tag of \(name)")
      } else {
        #expect(tag == nil, "tag of \(name)")
      }
      for (other, g2, j2) in all {
        guard let tag, let tag2 = QueryTag(g2, j2) else { continue }
        #expect((tag == tag2) == (QueryKey(g, j) == QueryKey(g2, j2)), "tag of \(name) against \(other)")
      }
    }
  }

  /// `TaskGroup.sameRequest(as:)` (the simulator's idle-shape match) is
  /// `==` with the names cleared, for a change in any one field; the
  /// variants change every stored field (a new field fails the count).
  @Test func sameRequestIsEqualityBesidesTheName() {
    #expect(Mirror(reflecting: Self.base).children.count == 10, "a new TaskGroup field: compare it in sameRequest")
    let groups = Self.variants().map { ($0.0, $0.1) }
    for (name, g) in groups {
      for (other, h) in groups {
        var a = g, b = h
        a.name = ""
        b.name = ""
        #expect(g.sameRequest(as: h) == (a == b), "\(name) against \(other)")
      }
    }
  }

  /// Jobs with the same amounts but different device kinds share a cache
  /// slot; each must still go where its own kind is.
  @Test func sameAmountsOtherKindsAreNotConfused() {
    var engine = PlacementEngine(cluster: TinyCluster.make(), profile: .default)
    let cluster = engine.state.cluster
    for (i, kind) in [DeviceKind.gpu, .npu, .dcu, .gpu, .npu].enumerated() {
      let g = TaskGroup(milliCPU: 1000, memoryMiB: 1024, device: DeviceRequest(count: 1, kinds: [kind]))
      guard case .success(let d) = engine.place(Job(id: "k\(i)", groups: [g])) else {
        Issue.record("job \(i) (\(kind)) not placed")
        continue
      }
      let node = cluster.nodes[Int(d.allocation.tasks[0].node)]
      let placedKind = node.accelerator.map { cluster.catalog[$0.model].kind }
      #expect(placedKind == kind, "job \(i) asked for \(kind), got \(String(describing: placedKind))")
    }
  }

  /// Jobs asking the same amounts from different origins alternate (as the
  /// synthetic workload's inference jobs do): each must still go to a site
  /// within its own bound, and the two keys take different cache slots (the
  /// slot mixes in the latency constraint, so they do not evict each other).
  @Test func sameAmountsOtherOriginsAreNotConfused() {
    var engine = PlacementEngine(cluster: TinyCluster.make(), profile: .default)
    let cluster = engine.state.cluster
    let near: LatencyConstraint = .bound(origin: "xiqing", maxMicros: 500)  // site tj-edge only
    let beijing: LatencyConstraint = .bound(origin: "bj", maxMicros: 500)  // site bj only (same bound)
    for i in 0..<6 {
      let latency = i % 2 == 0 ? near : beijing
      let job = TinyCluster.job("o\(i)", latency: latency)
      guard case .success(let d) = engine.place(job) else {
        Issue.record("job \(i) not placed")
        continue
      }
      let site = cluster.sites[Int(cluster.nodes[Int(d.allocation.tasks[0].node)].site)].id
      #expect(site == (i % 2 == 0 ? "tj-edge" : "bj"), "job \(i) went to \(site)")
    }
    let g = TinyCluster.job("x").groups[0]
    #expect(QueryKey.slot(of: g, latency: near, count: 2048) != QueryKey.slot(of: g, latency: beijing, count: 2048))
    #expect(near.cheapHash == LatencyConstraint.bound(origin: "xiqing", maxMicros: 500).cheapHash)
    #expect(near.cheapHash != LatencyConstraint.bound(origin: "xiqing", maxMicros: 501).cheapHash)
    #expect(LatencyConstraint.none.cheapHash != LatencyConstraint.ring("xiqing").cheapHash)
  }
}
