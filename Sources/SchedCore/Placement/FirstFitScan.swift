/// A first-fit search without an index: the feasible node with the lowest
/// index, found by scanning nodes in order and stopping at the first that
/// fits. Exact for profiles whose every feasible node scores the same and
/// whose ties go by node order (`Profile.single(.firstFit)`): the reference
/// scan then picks that node too (tested). It holds no per-node structure,
/// so a placer that is rarely asked (the simulator's check that a new kind
/// of job could run on the idle cluster) costs the cluster state only.
struct FirstFitScan: NodeSearch, Sendable {
  var excluded: Set<NodeID> = []
  /// Per class: whether the current query may use it (scratch).
  var usable: [Bool] = []

  /// - Complexity: O(nodes up to the first that fits)
  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore) -> Candidate? {
    usable.removeAll(keepingCapacity: true)
    for c in core.classes.indices { usable.append(q.shapes[c] != nil && core.classReason(q, c) == nil) }
    for n in 0..<core.state.nodeCount {
      let c = Int(core.nodeClass[n])
      guard usable[c], let shape = q.shapes[c] else { continue }
      let id = NodeID(n)
      if core.state.isDown(id) || (!excluded.isEmpty && excluded.contains(id)) { continue }
      let s = core.key(of: id)
      guard s.fits(shape) else { continue }
      return Candidate(node: id, score: core.profile.total(core.classes[c], s, shape, core.ctx, fgd: nil),
                       chosenFree: -1)
    }
    return nil
  }

  mutating func nodeChanged(_ n: NodeID, _ core: inout PlacementCore) {}

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: inout PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
  }

  func explain(_ q: TaskQuery, _ core: inout PlacementCore) -> Explanation {
    LinearScan(excluded: excluded).explain(q, &core)
  }
}

/// A first-fit placer over `FirstFitScan` (see there): the indexed engine's
/// decisions for `Profile.single(.firstFit)` without its index.
struct FirstFitPlacer: Sendable {
  var core: PlacementCore
  var scan = FirstFitScan()

  init(cluster: Cluster) {
    core = PlacementCore(cluster: cluster, profile: .single(.firstFit), target: .empty, openbCompat: false,
                         queryCacheSlots: 16)
  }

  mutating func place(_ job: Job) -> Result<PlacementDecision, Unschedulable> { core.place(job, search: &scan) }

  @discardableResult
  mutating func release(jobID id: String) -> Allocation? { core.release(jobID: id, search: &scan) }
}
