import Testing
@testable import SchedCore

@Suite struct FragmentationCacheTests {
  /// The per-node cache gives exactly the full sum (the same Double) after
  /// every change of a churning cluster, including node failures. (The
  /// last check, a job placed and released between two reads, holds for
  /// any cache keyed on free amounts; the per-step comparison is the test.)
  @Test(arguments: [1, 2, 3] as [UInt64])
  func cacheEqualsTheFullSum(seed: UInt64) {
    let cluster = SyntheticCluster.generate(nodes: 200, sites: 3)
    let jobs = SyntheticCluster.jobs(count: 1500, seed: seed)
    let samples = jobs.prefix(500).flatMap { j in j.groups.map {
      TargetWorkload.Sample(milliCPU: $0.milliCPU, deviceCount: $0.device?.count ?? 0,
                            milliPerDevice: $0.device?.milliPerDevice ?? 0, models: [])
    } }
    let target = TargetWorkload.build(from: samples, coverage: 0.95, catalog: cluster.catalog)
    #expect(!target.types.isEmpty)
    var engine = PlacementEngine(cluster: cluster)
    var cache = FragmentationCache()
    var g = SeededGenerator(seed: seed)
    var running: [String] = []
    var recomputed = 0
    for (k, j) in jobs.enumerated() {
      if case .success = engine.place(j, explain: false) { running.append(j.id) }
      if g.below(3) == 0, !running.isEmpty {
        engine.release(jobID: running.remove(at: Int(g.below(UInt64(running.count)))))
      }
      if k % 97 == 0 { engine.setNodeDown(NodeID(g.below(UInt64(cluster.nodes.count))), g.below(2) == 0) }
      guard k % 5 == 0 else { continue }
      let before = cache.value
      let cached = cache.total(engine.state, target: target)
      #expect(cached == ClusterFragmentation.total(engine.state, target: target), "seed \(seed) step \(k)")
      recomputed += zip(before, cache.value).filter { $0 != $1 }.count
    }
    // A job placed and released again between two reads leaves the state,
    // and so the cached sum, as it was.
    let now = cache.total(engine.state, target: target)
    if let j = jobs.first(where: { engine.allocations[$0.id] == nil }), case .success = engine.place(j, explain: false) {
      engine.release(jobID: j.id)
    }
    #expect(cache.total(engine.state, target: target) == now)
    #expect(recomputed > 0, "seed \(seed): the cache never recomputed a node")
  }
}
