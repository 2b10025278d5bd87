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
        // The placer places jobs whole (groups without gang too), as the simulator does.
        let whole = reference.place(job, checkingID: true, allOrNone: true)
        EngineEquivalenceTests.tally(EngineEquivalenceTests.compare(fast.place(job), whole,
                                                                    "seed \(seed) step \(step)"),
                                     job.id, &placed, &placedCount, &failedCount)
      }
    }
    #expect(placedCount > 200 && failedCount > 30, "block \(block): \(placedCount) placed, \(failedCount) failed")
  }

  /// The simulator's idle check by counts: on an idle cluster, whenever the
  /// class-by-class task counts decide a job (one group of identical
  /// tasks, whole devices or a share of one, no spread rule; same-site
  /// groups counted per site), they say what placing it says.
  @Test(arguments: 0..<4)
  func idleCountsDecideLikePlacement(block: Int) {
    var fitsCounted = 0, shortCounted = 0, leftToPlacement = 0, sameSiteCounted = 0
    for i in 0..<10 {
      let seed = UInt64(41_000 + block * 10 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g, maxNodes: 150)
      var idle = FirstFitPlacer(cluster: cluster)
      for step in 0..<120 {
        var job = RandomClusters.job(&g, id: "i\(step)", placed: ["elsewhere"])
        // Many-task groups, so the counts, not only the classes, decide.
        if g.below(2) == 0 { job.groups[0].count = Int32(1 + g.below(400)) }
        // Half the jobs of one group without a spread rule.
        if g.below(2) == 0 {
          job.groups = [job.groups[0]]
          job.groups[0].spreadSites = 0
        }
        let counted = idle.fitsByCounts(job)
        let placed: Bool
        switch idle.place(job) {
        case .success:
          placed = true
          idle.release(jobID: job.id)
        case .failure:
          placed = false
        }
        #expect(idle.core.allocations.isEmpty)
        if let counted {
          #expect(counted == placed, "seed \(seed) step \(step): counts \(counted), placement \(placed)")
          if placed { fitsCounted += 1 } else { shortCounted += 1 }
          if job.groups[0].sameSite { sameSiteCounted += 1 }
        } else {
          leftToPlacement += 1
        }
      }
    }
    #expect(fitsCounted > 100 && shortCounted > 50 && leftToPlacement > 50 && sameSiteCounted > 20,
            "block \(block): \(fitsCounted) fit, \(shortCounted) short (\(sameSiteCounted) same-site), \(leftToPlacement) left to placement")
  }
}
