import Testing
@testable import SchedCore

@Suite struct TaskCountReplayTests {
  /// Counting from the engine's enumeration of the nodes that may fit gives
  /// the full scan's total, on churned clusters (recent lists merged often
  /// with tiny capacities, dead leaves, down nodes) and random job shapes:
  /// every node that can take a task is enumerated, none twice, and the
  /// count (capped like `begin`'s) matches a plain loop over every node.
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func enumerationCountsLikeFullScan(seed: UInt64) {
    let cluster = SyntheticCluster.generate(nodes: 400, sites: 4)
    var engine = PlacementEngine(cluster: cluster, profile: .default, target: .empty, openbCompat: false,
                                 treeRecentCapacity: seed % 2 == 0 ? 4 : nil)
    var g = SeededGenerator(seed: seed)
    let jobs = SyntheticCluster.jobs(count: 3000, seed: seed)
    var running: [String] = []
    var replay = TaskCountReplay(nodeClass: engine.core.nodeClass, classCount: engine.core.classes.count)
    var checked = 0, reported = 0
    for (k, j) in jobs.enumerated() {
      if case .success = engine.place(j, explain: false) { running.append(j.id) }
      if g.below(3) != 0, !running.isEmpty {
        engine.release(jobID: running.remove(at: Int(g.below(UInt64(running.count)))))
      }
      if k % 97 == 0 { engine.setNodeDown(NodeID(g.below(UInt64(cluster.nodes.count))), g.below(2) == 0) }
      guard k % 10 == 0 else { continue }
      let probe = jobs[Int(g.below(UInt64(jobs.count)))]
      guard let group = probe.groups.first else { continue }
      let shapes = engine.taskShapes(of: group, of: probe)
      let cap = Int64(1 + g.below(3000))
      var seen = Set<NodeID>()
      var twice = false
      let enumerated = engine.forEachNodeThatMayFit(shapes) { n in twice = twice || !seen.insert(n).inserted }
      #expect(enumerated && !twice, "seed \(seed) job \(k)")
      reported += seen.count
      var full: Int64 = 0
      for n in 0..<cluster.nodes.count {
        let node = NodeID(n)
        guard let s = shapes[engine.nodeClass(of: node)], !engine.state.isDown(node) else { continue }
        let t = TaskCountReplay.tasks(of: s, cpu: engine.state.freeMilliCPU(node), mem: engine.state.freeMemoryMiB(node),
                                      dpu: Int64(engine.state.freeDPUs(node)), devices: engine.state.devices(of: node),
                                      cap: cap)
        let found = seen.contains(node)  // not inside #expect, which would print the whole set
        if t > 0 { #expect(found, "seed \(seed) job \(k): node \(n) fits \(t) but was not enumerated") }
        full += t
      }
      replay.begin(shapes: shapes, cap: cap, engine: engine)
      if full < cap {
        #expect(replay.total == full, "seed \(seed) job \(k)")
      } else {
        #expect(replay.total >= cap, "seed \(seed) job \(k)")
      }
      replay.end()
      checked += 1
    }
    #expect(checked >= 250 && reported > 0)
  }
}
