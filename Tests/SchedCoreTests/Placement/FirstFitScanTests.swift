import Testing
@testable import SchedCore

/// The index-free first-fit placer (the simulator's idle-cluster check) must
/// decide exactly as the reference scan with the first-fit profile: same
/// nodes, devices, cores and scores, same explanations, over random
/// clusters and jobs (gangs, same-site, spread, anti-affinity, normalized
/// requests) placed and released in random order.
@Suite struct FirstFitScanTests {
  @Test(arguments: 0..<6)
  func firstFitScanDecidesLikeReference(block: Int) {
    var placedCount = 0, failedCount = 0
    for i in 0..<10 {
      let seed = UInt64(40_000 + block * 10 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g, maxNodes: 150)
      var fast = FirstFitPlacer(cluster: cluster)
      var reference = ReferencePlacer(cluster: cluster, profile: .single(.firstFit))
      var placed: [String] = []
      for step in 0..<150 {
        if g.below(10) < 3, !placed.isEmpty {
          let victim = placed.remove(at: Int(g.below(UInt64(placed.count))))
          #expect(fast.release(jobID: victim) == reference.release(jobID: victim), "seed \(seed) step \(step)")
          continue
        }
        var job = RandomClusters.job(&g, id: "f\(step)", placed: placed)
        job.id = "f\(seed)-\(step)"
        EngineEquivalenceTests.tally(EngineEquivalenceTests.compare(fast.place(job), reference.place(job),
                                                                    "seed \(seed) step \(step)"),
                                     job.id, &placed, &placedCount, &failedCount)
      }
    }
    #expect(placedCount > 200 && failedCount > 30, "block \(block): \(placedCount) placed, \(failedCount) failed")
  }
}
