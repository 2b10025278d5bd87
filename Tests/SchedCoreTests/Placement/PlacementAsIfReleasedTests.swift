import Testing
@testable import SchedCore

@Suite struct PlacementAsIfReleasedTests {
  /// Placing a job as if some running jobs had ended gives what releasing
  /// them and placing it gives (every task's node, devices and cores, or
  /// the failure), and leaves the engine as it was: on churned clusters
  /// with down nodes and tiny recent lists, for jobs of many tasks, with
  /// released nodes that can take a task already (hidden from the index
  /// meanwhile) and ones that cannot.
  @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
  func matchesAReplay(seed: UInt64) {
    let cluster = SyntheticCluster.generate(nodes: 300, sites: 4)
    var engine = PlacementEngine(cluster: cluster, profile: seed % 3 == 0 ? .single(.firstFit) : .default,
                                 target: .empty, openbCompat: false, treeRecentCapacity: seed % 2 == 0 ? 4 : nil)
    var g = SeededGenerator(seed: seed)
    var running: [Job] = []
    var placed = 0, failed = 0, hiddenCases = 0
    let jobs = SyntheticCluster.jobs(count: 2500, seed: seed)
    for (k, j) in jobs.enumerated() {
      if case .success = engine.place(j, explain: false) { running.append(j) }
      if g.below(2) != 0, !running.isEmpty {
        engine.release(jobID: running.remove(at: Int(g.below(UInt64(running.count)))).id)
      }
      if k % 89 == 0 { engine.setNodeDown(NodeID(g.below(UInt64(cluster.nodes.count))), g.below(2) == 0) }
      guard k % 7 == 0, running.count > 4 else { continue }
      // A gang of several tasks shaped like some job, and a few running jobs to release.
      var head = jobs[Int(g.below(UInt64(jobs.count)))]
      head.id = "head-\(k)"
      head.groups[0].count = Int32(2 + g.below(g.below(2) == 0 ? 12 : 120))
      var gone: [Allocation] = []
      for _ in 0..<(1 + Int(g.below(6))) {
        if let a = engine.allocations[running[Int(g.below(UInt64(running.count)))].id],
           !gone.contains(where: { $0.jobID == a.jobID }) { gone.append(a) }
      }
      var replay = engine
      for a in gone { replay.release(jobID: a.jobID) }
      let expected: PlacementEngine.PlacementAsIfReleased
      switch replay.place(head, explain: false) {
      case .success(let d): expected = .placed(d.allocation)
      case .failure: expected = .failed
      }
      let tasks = gone.flatMap(\.tasks)
      let shapes = engine.taskShapes(of: head.groups[0], of: head)
      if tasks.contains(where: { t in
        let c = engine.nodeClass(of: t.node)
        guard let s = shapes[c], !engine.state.isDown(t.node) else { return false }
        return ResourcesFilter.check(engine.core.key(of: t.node), s, engine.core.classes[c], cluster) == nil
      }) { hiddenCases += 1 }
      let before = engine
      let got = engine.placeAsIfReleased(head, released: tasks)
      #expect(got == expected, "seed \(seed) job \(k)")
      if case .placed = got { placed += 1 } else { failed += 1 }
      // Nothing changed: the same next decision as on the untouched copy, and the same state.
      var twin = before
      var probe = jobs[Int(g.below(UInt64(jobs.count)))]
      probe.id = "probe-\(k)"
      #expect(engine.allocations == before.allocations, "seed \(seed) job \(k)")
      let unchanged = (0..<cluster.nodes.count).allSatisfy { engine.core.key(of: NodeID($0)) == before.core.key(of: NodeID($0)) }
      #expect(unchanged, "seed \(seed) job \(k): a node's free state changed")
      let sameCores = (0..<cluster.nodes.count).allSatisfy {
        engine.state.freeCores(NodeID($0)) == before.state.freeCores(NodeID($0))
      }
      #expect(sameCores, "seed \(seed) job \(k): a node's free cores changed")
      #expect(engine.core.classFree == before.core.classFree, "seed \(seed) job \(k): class totals changed")
      let a = engine.place(probe, explain: false), b = twin.place(probe, explain: false)
      #expect((try? a.get().allocation) == (try? b.get().allocation), "seed \(seed) job \(k)")
      engine.release(jobID: probe.id)
    }
    #expect(placed >= 20 && failed >= 5, "placed \(placed), failed \(failed)")
    #expect(hiddenCases >= 10, "released nodes that fit a task already: \(hiddenCases)")
  }
}
