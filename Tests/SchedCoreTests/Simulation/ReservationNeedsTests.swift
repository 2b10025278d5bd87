import Testing
@testable import SchedCore

/// A reservation's per-node needs (what must stay free now for the head at
/// its time) against a plain computation: request sums less releases per
/// dimension and device, and the head's cores less the released ones,
/// ascending — with and without released cores, and with head tasks whose
/// core lists are out of order with each other on one node.
@Suite struct ReservationNeedsTests {
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func needsMatchPlainSums(seed: UInt64) {
    let cluster = SyntheticCluster.generate(nodes: 60, sites: 2)
    let state = ClusterState(cluster: cluster)
    // Nodes with devices, the widest first (more than one core word when there is one).
    let nodes = (0..<cluster.nodes.count).map { NodeID($0) }.filter { !state.devices(of: $0).isEmpty }
      .sorted { cluster.nodes[Int($0)].cores > cluster.nodes[Int($1)].cores }
    #expect(!nodes.isEmpty)
    var g = SeededGenerator(seed: seed)
    /// A random task on `n`; its cores come off the front of `pool` (so the
    /// head's tasks on one node hold distinct cores, as committed tasks do).
    func randomTask(on n: NodeID, pool: inout [Int32]) -> TaskAssignment {
      let devs = state.devices(of: n).count
      var indices = Array(0..<Int32(devs))
      g.shuffle(&indices)
      let devices = indices.prefix(Int(g.below(UInt64(devs) + 1))).map {
        DeviceShare(index: $0, milli: Int32(1 + g.below(1000)))
      }
      let take = min(pool.count, Int(g.below(20)))
      let cores = pool.prefix(take).sorted()
      pool.removeFirst(take)
      return TaskAssignment(node: n, milliCPU: Int64(cores.count) * 1000 + Int64(g.below(3000)),
                            memoryMiB: Int64(g.below(1 << 16)), dpuUnits: Int32(g.below(3)), devices: devices,
                            cores: cores)
    }
    for round in 0..<200 {
      let used = Array(nodes.prefix(Int(1 + g.below(3))))
      var pools = used.map { n -> [Int32] in
        var all = Array(0..<cluster.nodes[Int(n)].cores)
        g.shuffle(&all)
        return all
      }
      let head = (0..<Int(1 + g.below(6))).map { _ in
        let k = Int(g.below(UInt64(used.count)))
        return randomTask(on: used[k], pool: &pools[k])
      }
      var released: [NodeID: [TaskAssignment]] = [:]
      for n in used where g.below(3) != 0 {
        released[n] = (0..<Int(g.below(4))).map { _ in
          // Released cores are any of the node's (they may be ones the head will use).
          var pool = Array(0..<cluster.nodes[Int(n)].cores)
          g.shuffle(&pool)
          var t = randomTask(on: n, pool: &pool)
          if round % 2 == 0 { t.cores = [] }  // half the rounds release no cores
          return t
        }
      }
      let r = Reservation(time: 1, head: Allocation(jobID: "head", tasks: head), released: released, state: state,
                          computedAt: 0)
      let headNodes = Array(Set(head.map(\.node))).sorted()
      #expect(r.needs.map(\.node) == headNodes, "seed \(seed) round \(round)")
      for need in r.needs {
        let mine = head.filter { $0.node == need.node }, rel = released[need.node] ?? []
        #expect(need.milliCPU == mine.map(\.milliCPU).reduce(0, +) - rel.map(\.milliCPU).reduce(0, +))
        #expect(need.memoryMiB == mine.map(\.memoryMiB).reduce(0, +) - rel.map(\.memoryMiB).reduce(0, +))
        #expect(need.dpuUnits == Int64(mine.map(\.dpuUnits).reduce(0, +) - rel.map(\.dpuUnits).reduce(0, +)))
        var devices = [Int64](repeating: 0, count: state.devices(of: need.node).count)
        for t in mine { for d in t.devices { devices[Int(d.index)] += Int64(d.milli) } }
        for t in rel { for d in t.devices { devices[Int(d.index)] -= Int64(d.milli) } }
        #expect(need.devices == devices, "seed \(seed) round \(round) node \(need.node)")
        let freed = Set(rel.flatMap(\.cores))
        #expect(need.coresFreeNow.array == mine.flatMap(\.cores).filter { !freed.contains($0) }.sorted(),
                "seed \(seed) round \(round) node \(need.node)")
      }
      // The shield holds those cores, ascending, and only devices with a need.
      for t in r.shield.tasks {
        guard let need = r.needs.first(where: { $0.node == t.node }) else {
          Issue.record("seed \(seed) round \(round): shield task on node \(t.node) without a need")
          continue
        }
        #expect(t.cores == need.coresFreeNow.array && t.cores == t.cores.sorted())
        #expect(t.devices.allSatisfy { $0.milli > 0 && need.devices[Int($0.index)] == Int64($0.milli) })
      }
    }
  }
}
