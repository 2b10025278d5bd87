import Testing
@testable import SchedCore

/// The indexed engine must decide exactly as the reference linear scan:
/// same node, devices, cores and score for every task, same explanation for
/// every failure, over thousands of random clusters, jobs and profiles.
@Suite struct EngineEquivalenceTests {
  static let profiles: [Profile] = Profile.names.compactMap { Profile.named($0, seed: 7) }
    + [Profile(name: "mixed", scorers: [WeightedScorer(.fgd, weight: 1), WeightedScorer(.bestFit, weight: 0.5),
                                        WeightedScorer(.latency, weight: 0.3)])]

  enum Outcome {
    case placed(Allocation), failed, disagreed
  }

  /// Expects the engine's and the scan's answers to be equal: the same
  /// decision (nodes, devices, cores, scores) or the same explanation.
  static func compare(_ a: Result<PlacementDecision, Unschedulable>, _ b: Result<PlacementDecision, Unschedulable>,
                      _ context: String) -> Outcome {
    switch (a, b) {
    case (.success(let x), .success(let y)):
      #expect(x == y, "\(context): engine \(x.allocation.tasks.map(\.node)) reference \(y.allocation.tasks.map(\.node))")
      return .placed(x.allocation)
    case (.failure(let x), .failure(let y)):
      #expect(x == y, "\(context): explanations differ\n\(x)\n\(y)")
      // Every node is counted under exactly one reason.
      let counted = x.explanation.reasons.reduce(0) { $0 + $1.nodes }
      #expect(counted == x.explanation.totalNodes, "\(context): reasons count \(counted) nodes: \(x.explanation)")
      return .failed
    default:
      Issue.record("\(context): engine \(a) reference \(b)")
      return .disagreed
    }
  }

  /// Takes node `n` down (releasing what runs there on both) or brings it up.
  /// Counts `outcome` of placing job `id`: a placement joins `placed`.
  static func tally(_ outcome: Outcome, _ id: String, _ placed: inout [String], _ placedCount: inout Int,
                    _ failedCount: inout Int) {
    switch outcome {
    case .placed:
      placed.append(id)
      placedCount += 1
    case .failed: failedCount += 1
    case .disagreed: break
    }
  }

  /// `count` random job shapes without anti-affinity, for runs that repeat them.
  static func shapePool(_ g: inout SeededGenerator, count: Int) -> [Job] {
    (0..<count).map { j in
      var job = RandomClusters.job(&g, id: "t\(j)", placed: [])
      job.antiAffinity = []
      return job
    }
  }

  /// One step of a random churn, the same on the engine and the scan:
  /// releases a placed job (3 in 10), takes a node down or up (1 in 10),
  /// else calls `place`.
  static func churn(_ g: inout SeededGenerator, _ step: Int, seed: UInt64, cluster: Cluster,
                    _ engine: inout PlacementEngine, _ reference: inout ReferencePlacer, _ placed: inout [String],
                    place: (inout SeededGenerator, inout PlacementEngine, inout ReferencePlacer, inout [String]) -> Void) {
    let action = g.below(10)
    if action < 3, !placed.isEmpty {
      let victim = placed.remove(at: Int(g.below(UInt64(placed.count))))
      #expect(engine.release(jobID: victim) == reference.release(jobID: victim), "seed \(seed) step \(step)")
    } else if action == 3, cluster.nodes.count > 1 {
      toggleNode(NodeID(g.below(UInt64(cluster.nodes.count))), &engine, &reference, &placed)
    } else {
      place(&g, &engine, &reference, &placed)
    }
  }

  static func toggleNode(_ n: NodeID, _ engine: inout PlacementEngine, _ reference: inout ReferencePlacer,
                         _ placed: inout [String]) {
    let down = !engine.state.isDown(n)
    if down {
      for j in engine.jobs(on: n) {
        engine.release(jobID: j)
        reference.release(jobID: j)
        placed.removeAll { $0 == j }
      }
    }
    engine.setNodeDown(n, down)
    reference.setNodeDown(n, down)
  }

  @Test(arguments: 0..<40)
  func engineDecidesLikeReference(block: Int) {
    var placedCount = 0, failedCount = 0, multiTask = 0, partial = 0
    defer {
      // The random cases must exercise both outcomes, or the test proves little.
      #expect(placedCount > 100 && failedCount > 100 && multiTask > 50 && partial > 1,
              "block \(block): \(placedCount) placed, \(failedCount) failed, \(multiTask) multi-task, \(partial) in part")
    }
    for i in 0..<50 {
      let seed = UInt64(block * 50 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g)
      let profile = Self.profiles[Int(seed % UInt64(Self.profiles.count))]
      var jobs: [Job] = []
      var placedIDs: [String] = []
      var jg = SeededGenerator(seed: seed ^ 0xABCD)
      for j in 0..<30 { jobs.append(RandomClusters.job(&jg, id: "j\(j)", placed: [])) }
      let target = TargetWorkload.build(from: RandomClusters.samples(jobs), coverage: 0.95,
                                        catalog: cluster.catalog)
      var engine = PlacementEngine(cluster: cluster, profile: profile, target: target)
      var reference = ReferencePlacer(cluster: cluster, profile: profile, target: target)
      for step in 0..<60 {
        let action = g.below(10)
        if action < 3, !placedIDs.isEmpty {
          let victim = placedIDs.remove(at: Int(g.below(UInt64(placedIDs.count))))
          // Half the releases leave the index behind until the next search
          // (the simulator's what-if replay); decisions must not change.
          let a = g.below(2) == 0 ? engine.release(jobID: victim) : engine.releaseDeferringIndex(AllocationHandle(engine.core.handle(ofJob: victim) ?? -1))
          let b = reference.release(jobID: victim)
          #expect(a == b, "seed \(seed) step \(step): release differs")
        } else if action == 3, cluster.nodes.count > 1 {
          Self.toggleNode(NodeID(g.below(UInt64(cluster.nodes.count))), &engine, &reference, &placedIDs)
        } else {
          var job = RandomClusters.job(&g, id: "s\(step)", placed: placedIDs)
          job.id = "s\(seed)-\(step)"
          // Without explanations (the fast path with the class-total
          // pre-check) the outcome and allocation must be the same.
          var quick = engine
          let q = quick.place(job, explain: false)
          let a = engine.place(job)
          let b = reference.place(job)
          switch (q, a) {
          case (.success(let x), .success(let y)):
            // The same decision; a part left out carries no reasons.
            #expect(x.allocation == y.allocation && x.handle == y.handle && x.scores == y.scores
                      && x.unplaced.map(\.count) == y.unplaced.map(\.count)
                      && x.unplaced.allSatisfy(\.explanation.reasons.isEmpty),
                    "seed \(seed) step \(step): explain:false differs")
          case (.failure, .failure): break
          default: Issue.record("seed \(seed) step \(step): explain:false gives \(q), explain:true \(a)")
          }
          if case .success(let d) = a, !d.isComplete { partial += 1 }
          switch Self.compare(a, b, "seed \(seed) step \(step) profile \(profile.name)") {
          case .placed(let x):
            placedIDs.append(job.id)
            placedCount += 1
            if x.tasks.count > 1 { multiTask += 1 }
          case .failed: failedCount += 1
          case .disagreed: break
          }
        }
        if engine.pendingNodes.isEmpty { engine._checkInvariants() }
        #expect(engine.state.free(0) == reference.state.free(0))
      }
      // Releasing everything restores an idle cluster: commit/release are inverses.
      for id in placedIDs {
        engine.release(jobID: id)
        reference.release(jobID: id)
      }
      for n in 0..<cluster.nodes.count where engine.state.isDown(NodeID(n)) {
        engine.setNodeDown(NodeID(n), false)
      }
      #expect(engine.state.isIdle, "seed \(seed): not idle after releasing everything")
      engine.flushIndex()
      engine._checkInvariants()
    }
  }

  /// Linear profiles with the class trees' recent lists cut to 1–3 nodes, so
  /// changed nodes are merged back into the sorted leaves all the time: the
  /// decisions, explanations and index invariants must still be the scan's.
  @Test(arguments: 0..<8)
  func treeMergesDecideLikeReference(block: Int) {
    let profiles = Self.profiles.filter(\.isLinear)
    var placedCount = 0, failedCount = 0
    for i in 0..<12 {
      let seed = UInt64(20_000 + block * 12 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g, maxNodes: 150)
      let profile = profiles[Int(seed % UInt64(profiles.count))]
      var engine = PlacementEngine(cluster: cluster, profile: profile, target: .empty, openbCompat: false,
                                   treeRecentCapacity: 1 + Int(seed % 3))
      var reference = ReferencePlacer(cluster: cluster, profile: profile, target: .empty)
      var placed: [String] = []
      for step in 0..<150 {
        Self.churn(&g, step, seed: seed, cluster: cluster, &engine, &reference, &placed) { g, engine, reference, placed in
          var job = RandomClusters.job(&g, id: "m\(step)", placed: placed)
          job.id = "m\(seed)-\(step)"
          Self.tally(Self.compare(engine.place(job), reference.place(job),
                                  "seed \(seed) step \(step) profile \(profile.name)"),
                     job.id, &placed, &placedCount, &failedCount)
        }
        engine._checkInvariants()
      }
    }
    #expect(placedCount > 300 && failedCount > 50, "block \(block): \(placedCount) placed, \(failedCount) failed")
  }

  /// Few job shapes over many steps, so the state-group index answers most
  /// searches from its per-(class, shape) memory brought up to date by the
  /// change log: decisions must stay the reference scan's. Every other
  /// seed bounds that memory to one entry, so shape interning starts over
  /// again and again (prepared queries' shape ids go void).
  @Test(arguments: 0..<8)
  func repeatedShapesDecideLikeReference(block: Int) {
    let profiles = Self.profiles.filter { !$0.isLinear }
    #expect(!profiles.isEmpty)
    var placedCount = 0, failedCount = 0, restarts = 0
    defer { #expect(restarts > 10, "block \(block): interning started over \(restarts) times") }
    for i in 0..<10 {
      let seed = UInt64(10_000 + block * 10 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g, maxNodes: 200)
      let profile = profiles[Int(seed % UInt64(profiles.count))]
      let pool = Self.shapePool(&g, count: 4)
      let target = TargetWorkload.build(from: RandomClusters.samples(pool), coverage: 0.95, catalog: cluster.catalog)
      var engine = PlacementEngine(cluster: cluster, profile: profile, target: target, openbCompat: false,
                                   treeRecentCapacity: nil, classBestLimit: i % 2 == 0 ? 1 << 17 : 1)
      var reference = ReferencePlacer(cluster: cluster, profile: profile, target: target)
      var placed: [String] = []
      defer { restarts += engine.groups?.internEpoch ?? 0 }
      for step in 0..<300 {
        if g.below(3) == 0, !placed.isEmpty {
          let victim = placed.remove(at: Int(g.below(UInt64(placed.count))))
          #expect(engine.release(jobID: victim) == reference.release(jobID: victim), "seed \(seed) step \(step)")
          continue
        }
        var job = pool[Int(g.below(UInt64(pool.count)))]
        job.id = "r\(seed)-\(step)"
        Self.tally(Self.compare(engine.place(job), reference.place(job),
                                "seed \(seed) step \(step) profile \(profile.name)"),
                   job.id, &placed, &placedCount, &failedCount)
      }
      engine._checkInvariants()
    }
    #expect(placedCount > 300 && failedCount > 50, "block \(block): \(placedCount) placed, \(failedCount) failed")
  }

  /// Linear profiles with few job shapes over many steps, so the class
  /// trees answer most searches from each query's memory of the sorted
  /// leaves (valid until the next merge while its best leaf lives), with
  /// releases, node failures and anti-affinity killing leaves in between
  /// and recent lists from 2 nodes (frequent merges) to the default size:
  /// decisions must stay the reference scan's.
  @Test(arguments: 0..<8)
  func repeatedShapesOnTreesDecideLikeReference(block: Int) {
    let profiles = Self.profiles.filter(\.isLinear)
    var placedCount = 0, failedCount = 0
    for i in 0..<10 {
      let seed = UInt64(30_000 + block * 10 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g, maxNodes: 200)
      let profile = profiles[Int(seed % UInt64(profiles.count))]
      let pool = Self.shapePool(&g, count: 5)
      let capacity: Int? = [nil, 2, 8][Int(seed % 3)]
      var engine = PlacementEngine(cluster: cluster, profile: profile, target: .empty, openbCompat: false,
                                   treeRecentCapacity: capacity)
      var reference = ReferencePlacer(cluster: cluster, profile: profile, target: .empty)
      var placed: [String] = []
      for step in 0..<300 {
        let action = g.below(12)
        if action < 4, !placed.isEmpty {
          let victim = placed.remove(at: Int(g.below(UInt64(placed.count))))
          #expect(engine.release(jobID: victim) == reference.release(jobID: victim), "seed \(seed) step \(step)")
          continue
        }
        if action == 4, cluster.nodes.count > 1 {
          Self.toggleNode(NodeID(g.below(UInt64(cluster.nodes.count))), &engine, &reference, &placed)
          continue
        }
        var job = pool[Int(g.below(UInt64(pool.count)))]
        job.id = "r\(seed)-\(step)"
        if action == 5, let other = placed.last { job.antiAffinity = [other] }
        Self.tally(Self.compare(engine.place(job), reference.place(job),
                                "seed \(seed) step \(step) profile \(profile.name)"),
                   job.id, &placed, &placedCount, &failedCount)
      }
      engine._checkInvariants()
    }
    #expect(placedCount > 200 && failedCount > 50, "block \(block): \(placedCount) placed, \(failedCount) failed")
  }
}

extension EngineEquivalenceTests {
  /// Groups of many tasks under the linear profiles: after the first task
  /// the class trees answer from a prepared series (the k best nodes and
  /// the change log) instead of searching again; every decision must still
  /// be the scan's (for same-site gangs too), with releases, anti-affinity and down nodes changing
  /// nodes between and during series, and tiny recent lists merging
  /// mid-series.
  @Test(arguments: 0..<6)
  func manyTaskGroupsDecideLikeReference(block: Int) {
    let profiles = Self.profiles.filter(\.isLinear)
    var placedCount = 0, failedCount = 0, answered = 0
    for i in 0..<10 {
      let seed = UInt64(30_000 + block * 10 + i)
      var g = SeededGenerator(seed: seed)
      let cluster = RandomClusters.cluster(&g, maxNodes: 150)
      let profile = profiles[Int(seed % UInt64(profiles.count))]
      var engine = PlacementEngine(cluster: cluster, profile: profile, target: .empty, openbCompat: false,
                                   treeRecentCapacity: seed % 2 == 0 ? 1 + Int(seed % 5) : nil)
      var reference = ReferencePlacer(cluster: cluster, profile: profile, target: .empty)
      var placed: [String] = []
      for step in 0..<120 {
        Self.churn(&g, step, seed: seed, cluster: cluster, &engine, &reference, &placed) { g, engine, reference, placed in
          var job = RandomClusters.job(&g, id: "k\(step)", placed: placed)
          job.id = "k\(seed)-\(step)"
          for k in job.groups.indices {
            job.groups[k].count = Int32(2 + g.below(g.below(3) == 0 ? 40 : 8))
            job.groups[k].spreadSites = 0  // same-site gangs stay: held to one site, they have series too
          }
          // Sometimes the same job twice in a row: the second one's first
          // task may continue the first one's series.
          let again = g.below(4) == 0
          for copy in 0..<(again ? 2 : 1) {
            var j = job
            if copy == 1 { j.id += "-again" }
            Self.tally(Self.compare(engine.place(j), reference.place(j),
                                    "seed \(seed) step \(step) copy \(copy) profile \(profile.name)"),
                       j.id, &placed, &placedCount, &failedCount)
          }
        }
        engine._checkInvariants()
      }
      answered += engine.trees?.seriesAnswers ?? 0
    }
    #expect(placedCount > 100 && failedCount > 50, "block \(block): \(placedCount) placed, \(failedCount) failed")
    #expect(answered > 2000, "block \(block): only \(answered) searches answered from a series")
  }
}
