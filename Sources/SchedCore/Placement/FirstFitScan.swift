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

  /// Places `job` whole (every group all or none, as the simulator starts
  /// jobs) without checking its id (the caller releases it by handle).
  mutating func place(_ job: Job) -> Result<PlacementDecision, Unschedulable> {
    core.place(job, search: &scan, checkingID: false, allOrNone: true)
  }

  /// Whether `job` fits on this placer's cluster while it is idle (nothing
  /// placed; the placer takes no node down), counted class by class
  /// without placing; nil when counts do not decide it. They decide a job
  /// of one group of identical tasks each taking whole devices or a share
  /// of one, without a spread rule (see `Simulator.isMonotone`;
  /// anti-affinity names no job on an idle cluster): the greedy search
  /// places every task exactly when the nodes' task counts add up to the
  /// task count — over the cluster, or, for a same-site group, over some
  /// site (it tries every site that can take its first task). All nodes of
  /// a class are alike when idle.
  ///
  /// - Complexity: O(classes × devices per node)
  mutating func fitsByCounts(_ job: Job) -> Bool? {
    guard job.groups.count == 1, let group = job.groups.first, group.spreadSites <= 1,
          Simulator.tasksCountDown(group), core.placedCount == 0 else { return nil }
    let need = Int64(max(group.count, 0))
    if need == 0 { return true }
    let q = core.query(for: group, of: job)
    var room = [Int64].filled(0, count: group.sameSite ? core.state.cluster.sites.count : 1)
    for (c, cls) in core.classes.enumerated() {
      guard let shape = q.shapes[c], core.classReason(q, c) == nil else { continue }
      let perNode = TaskCountReplay.tasks(of: shape, cpu: cls.milliCPU, mem: cls.memoryMiB,
                                          dpu: Int64(cls.dpuCount),
                                          devices: repeatElement(Int16(1000), count: Int(max(cls.deviceCount, 0))),
                                          cap: need)
      let r = group.sameSite ? Int(cls.site) : 0
      guard r >= 0, r < room.count else { return nil }
      room[r] = room[r] &+ perNode &* Int64(cls.nodeCount)
      if room[r] >= need { return true }
    }
    return false
  }

  @discardableResult
  mutating func release(_ handle: AllocationHandle) -> Allocation? { core.release(handle, search: &scan) }

  @discardableResult
  mutating func release(jobID id: String) -> Allocation? { core.release(jobID: id, search: &scan) }
}
