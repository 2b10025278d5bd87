/// Free amounts of a few nodes as they would be if some tasks were given
/// back: the scratch the simulator uses to ask whether a stop makes room
/// for a task of the head on the stopped job's nodes (see
/// `Simulator.stopMakesRoom`), without touching the engine.
struct NodeAmounts {
  /// The nodes, ascending (found by bisection: no hashing).
  private(set) var nodes: [NodeID]
  private var cpu: [Int64]
  private var mem: [Int64]
  private var dpu: [Int64]
  private var devices: [[Int16]]

  /// The distinct nodes of `tasks` for which `keep` holds, at their free
  /// amounts in `state`.
  ///
  /// - Complexity: O(tasks × log tasks + nodes × devices)
  init(nodesOf tasks: [TaskAssignment], _ state: ClusterState, keep: (NodeID) -> Bool) {
    var nodes: [NodeID] = []
    for t in tasks where keep(t.node) { nodes.append(t.node) }
    nodes.sortAndRemoveDuplicates()
    self.nodes = nodes
    cpu = nodes.map { state.freeMilliCPU($0) }
    mem = nodes.map { state.freeMemoryMiB($0) }
    dpu = nodes.map { Int64(state.freeDPUs($0)) }
    devices = nodes.map { Array(state.devices(of: $0)) }
  }

  var isEmpty: Bool { nodes.isEmpty }

  /// Adds what `tasks` hold on these nodes (tasks elsewhere change nothing).
  ///
  /// - Complexity: O(tasks × (log nodes + devices))
  mutating func give(_ tasks: [TaskAssignment]) {
    tasks.withUnsafeBufferPointer { ts in
      for t in ts.indices {
        var lo = 0, hi = nodes.count
        while lo < hi {
          let mid = (lo + hi) >> 1
          if nodes[mid] < ts[t].node { lo = mid + 1 } else { hi = mid }
        }
        guard lo < nodes.count, nodes[lo] == ts[t].node else { continue }
        devices[lo].withUnsafeMutableBufferPointer { d in
          TaskCountReplay.give(ts[t], cpu: &cpu[lo], mem: &mem[lo], dpu: &dpu[lo], devices: d)
        }
      }
    }
  }

  /// How many tasks of `shape` (at most `cap`) the `k`-th node could take.
  func tasks(_ k: Int, of shape: TaskShape, cap: Int64) -> Int64 {
    TaskCountReplay.tasks(of: shape, cpu: cpu[k], mem: mem[k], dpu: dpu[k], devices: devices[k], cap: cap)
  }
}
