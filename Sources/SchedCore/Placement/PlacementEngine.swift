/// The indexed placement engine: filters, scorers and selection over node
/// classes and distinct free states instead of every node.
///
/// A value type with no locking; `Scheduler` wraps one for concurrent use.
/// Decisions are identical to `ReferencePlacer`'s for the same cluster,
/// profile and job sequence (tested on thousands of random cases).
public struct PlacementEngine: Sendable {
  /// The state, classes, profile and allocations (shared in kind with `ReferencePlacer`).
  public internal(set) var core: PlacementCore
  /// Exactly one is set: trees for linear profiles, state groups otherwise.
  var trees: ClassTreeIndex?
  var groups: NodeStateIndex?
  /// Nodes whose state changed through a `…DeferringIndex` call and whose
  /// index entries wait for `flushIndex()`; each at most once.
  var pendingNodes: [NodeID] = []
  var isPending: [Bool]

  /// An engine on an idle `cluster`. `target` is FGD's target workload
  /// (needed only when the profile uses FGD); `openbCompat` switches best-fit
  /// and FGD to the exact formulas of the FGD authors' simulator.
  ///
  /// - Complexity: O(nodes + devices + cores)
  public init(cluster: Cluster, profile: Profile = .default, target: TargetWorkload = .empty,
              openbCompat: Bool = false) {
    self.init(cluster: cluster, profile: profile, target: target, openbCompat: openbCompat, treeRecentCapacity: nil)
  }

  /// As the public initializer; `treeRecentCapacity` overrides the size of
  /// the class trees' recent lists (tests use tiny ones so merges happen
  /// often), `memoRows` the number of their leaf-memo rows (see
  /// `ClassTreeIndex`), `queryCacheSlots` the prepared-query cache's
  /// slots (see `PlacementCore`) and `classBestLimit` the state groups'
  /// per-(class, shape) answers (see `NodeStateIndex`).
  init(cluster: Cluster, profile: Profile, target: TargetWorkload, openbCompat: Bool, treeRecentCapacity: Int?,
       memoRows: Int = 512, queryCacheSlots: Int = 2048, classBestLimit: Int = 1 << 17) {
    core = PlacementCore(cluster: cluster, profile: profile, target: target, openbCompat: openbCompat,
                         queryCacheSlots: queryCacheSlots)
    if profile.isLinear {
      trees = ClassTreeIndex(core: core, recentCapacity: treeRecentCapacity, memoRows: memoRows)
    } else {
      groups = NodeStateIndex(core: core, classBestLimit: classBestLimit)
    }
    isPending = Array(repeating: false, count: cluster.nodes.count)
  }


  /// Places every task of `job`, or none and the reasons. A group without
  /// `gang` may be placed in part: the decision's `unplaced` lists its tasks
  /// that fit nowhere (see `TaskGroup.gang`; `placeMore(_:into:)` adds them later).
  ///
  /// - Complexity: per task O(classes + distinct free states of feasible classes)
  public mutating func place(_ job: Job) -> Result<PlacementDecision, Unschedulable> {
    place(job, explain: true)
  }

  /// As `place(_:)`; with `explain: false` a failure (and an unplaced part)
  /// carries no reasons (cheaper, for schedulers that retry often). A job
  /// whose id is placed already is refused.
  public mutating func place(_ job: Job, explain: Bool) -> Result<PlacementDecision, Unschedulable> {
    place(job, explain: explain, checkingID: true)
  }

  /// As `place(_:explain:)`; without `checkingID` the job's id is not
  /// checked against the placed jobs' and, until some call asks for an
  /// allocation by id, not hashed at all: for callers that keep their own
  /// job table, keep ids apart and release by `PlacementDecision.handle`.
  public mutating func place(_ job: Job, explain: Bool, checkingID: Bool) -> Result<PlacementDecision, Unschedulable> {
    place(job, explain: explain, checkingID: checkingID, scores: true, allOrNone: false)
  }

  /// As `place(_:explain:checkingID:)`; without `scores` the decision's
  /// scores are left empty (the simulator never reads them); with
  /// `allOrNone` every group is placed whole, with `gang` or without (the
  /// simulator starts jobs whole).
  mutating func place(_ job: Job, explain: Bool, checkingID: Bool, scores: Bool,
                      allOrNone: Bool) -> Result<PlacementDecision, Unschedulable> {
    flushIndex()
    // The search is mutated in place (`&trees!` projects into the optional;
    // moving it out and back would copy and retain every one of its arrays).
    if trees != nil {
      return core.place(job, search: &trees!, explain: explain, checkingID: checkingID, scores: scores,
                        allOrNone: allOrNone)
    }
    if groups != nil {
      return core.place(job, search: &groups!, explain: explain, checkingID: checkingID, scores: scores,
                        allOrNone: allOrNone)
    }
    preconditionFailure("engine without a search")
  }

  /// Places the tasks of `job` and adds them to the allocation at `handle`,
  /// which must be job `job.id`'s: how the unplaced tasks of a group without
  /// `gang` are placed later (`job` then asks for just those, e.g. built by
  /// `Job.remainder(after:)`). `job` is placed as by `place(_:explain:)`,
  /// its rules (spread, same-site, gang) applying among its own tasks. The
  /// decision's allocation holds the tasks this call placed and `handle`;
  /// on a failure nothing changes.
  ///
  /// - Complexity: as `place`
  public mutating func placeMore(_ job: Job, into handle: AllocationHandle,
                                 explain: Bool = true) -> Result<PlacementDecision, Unschedulable> {
    // Compared, not kept: a copy held here would make the append below copy the tasks.
    guard core.allocation(handle)?.jobID == job.id else {
      let why = core.allocation(handle) == nil ? "no allocation at handle \(handle.index)"
        : "the allocation at handle \(handle.index) is another job's"
      return .failure(Unschedulable(jobID: job.id, group: "", task: 0,
                                    explanation: Explanation(totalNodes: state.nodeCount, counts: [why: state.nodeCount])))
    }
    let r = place(job, explain: explain, checkingID: false, scores: true, allOrNone: false)
    guard case .success(var d) = r else { return r }
    // The new tasks were filed under a handle of their own: move them to `handle`.
    _ = core.forget(d.handle)
    core.held[Int(handle.index)]?.tasks.append(contentsOf: d.allocation.tasks)
    d.handle = handle
    return .success(d)
  }

  /// Releases everything job `id` holds; returns what it held.
  ///
  /// - Complexity: O(tasks) plus, the first time anything asks by id, O(placed jobs)
  @discardableResult
  public mutating func release(jobID id: String) -> Allocation? {
    flushIndex()
    if trees != nil { return core.release(jobID: id, search: &trees!) }
    if groups != nil { return core.release(jobID: id, search: &groups!) }
    preconditionFailure("engine without a search")
  }

  /// Releases everything the allocation at `handle` holds; returns what it
  /// held (nil: the handle holds nothing).
  @discardableResult
  public mutating func release(_ handle: AllocationHandle) -> Allocation? {
    flushIndex()
    if trees != nil { return core.release(handle, search: &trees!) }
    if groups != nil { return core.release(handle, search: &groups!) }
    preconditionFailure("engine without a search")
  }

  /// Commits exactly `allocation` (its nodes, devices and cores), as a
  /// placement of job `allocation.jobID`, and returns its handle. Throws,
  /// changing nothing, if any task does not fit or (with `checkingID`) the
  /// job already holds resources.
  @discardableResult
  public mutating func commit(_ allocation: Allocation, checkingID: Bool = true) throws(StateError) -> AllocationHandle {
    flushIndex()
    let h = try core.commitExactly(allocation, checkingID: checkingID)
    for t in allocation.tasks {
      trees?.nodeChanged(t.node, &core)
      groups?.nodeChanged(t.node, &core)
    }
    return h
  }

  /// The allocation at `handle`, or nil if it holds none.
  public func allocation(_ handle: AllocationHandle) -> Allocation? { core.allocation(handle) }

  /// The allocation of job `id`, or nil.
  ///
  /// - Complexity: O(1) once anything asked by id (a checked placement
  ///   does), else O(placed jobs)
  public func allocation(ofJob id: String) -> Allocation? {
    core.handle(ofJob: id).flatMap { core.held[Int($0)] }
  }

  /// Number of placed jobs.
  public var placedCount: Int { core.placedCount }

  // MARK: Replay without index upkeep

  /// Like `release(jobID:)`, but the search index catches up only at the
  /// next `flushIndex()` (which every placement, release, commit and node
  /// change does first). For what-if replays that release and re-commit
  /// many jobs between few searches: a node touched many times is
  /// re-indexed once.
  ///
  /// - Complexity: O(tasks of the job)
  @discardableResult
  mutating func releaseDeferringIndex(_ h: AllocationHandle) -> Allocation? {
    guard let a = core.forget(h) else { return nil }
    for t in a.tasks {
      core.releaseUnchecked(t)
      markPending(t.node)
    }
    return a
  }

  /// Like `commit(_:checkingID: false)`, with the index update deferred
  /// (see `releaseDeferringIndex`).
  mutating func commitDeferringIndex(_ allocation: Allocation) throws(StateError) -> AllocationHandle {
    let h = try core.commitExactly(allocation, checkingID: false)
    for t in allocation.tasks { markPending(t.node) }
    return h
  }

  @inline(__always)
  mutating func markPending(_ n: NodeID) {
    if !isPending[Int(n)] {
      isPending[Int(n)] = true
      pendingNodes.append(n)
    }
  }

  /// Brings the search index up to date with every deferred change.
  ///
  /// - Complexity: O(pending nodes × index update)
  mutating func flushIndex() {
    guard !pendingNodes.isEmpty else { return }
    for n in pendingNodes {
      isPending[Int(n)] = false
      trees?.nodeChanged(n, &core)
      groups?.nodeChanged(n, &core)
    }
    pendingNodes.removeAll(keepingCapacity: true)
  }

  /// Per node class, whether some task group of `job` passes the class-level
  /// filters there (kind, model, domestic, memory, compute class, latency,
  /// price). A job's placement depends only on the nodes of such classes.
  mutating func usableClasses(for job: Job) -> [Bool] {
    var usable = [Bool].filled(false, count: core.classes.count)
    core.ctx.bind(job: job)  // the memoized query's score terms depend on the binding
    for g in job.groups {
      let q = core.query(for: g, of: job)
      for (c, shape) in q.shapes.enumerated() where shape != nil { usable[c] = true }
    }
    return usable
  }

  /// Per node class, the shape of a task of `group` of `job` there, or nil
  /// where a class-level filter rules the class out.
  mutating func taskShapes(of group: TaskGroup, of job: Job) -> [TaskShape?] {
    core.ctx.bind(job: job)
    return core.query(for: group, of: job).shapes
  }

  /// Calls `body` with every up node that may fit one task of `shapes[c]`
  /// on its class c (a superset of those that fit, each once, in no
  /// particular order; see `ClassTreeIndex.forEachNodeThatMayFit`) and
  /// returns true; returns false, calling nothing, when the search cannot
  /// enumerate (profiles searched by state groups, or index updates pending).
  func forEachNodeThatMayFit(_ shapes: [TaskShape?], _ body: (NodeID) -> Void) -> Bool {
    guard pendingNodes.isEmpty, let t = trees else { return false }
    t.forEachNodeThatMayFit(shapes, body)
    return true
  }

  /// The class of node `n` (an index into `core.classes`).
  func nodeClass(of n: NodeID) -> Int { Int(core.nodeClass[Int(n)]) }

  /// Marks node `n` down (no new work) or up again. The caller releases the
  /// jobs that ran there (see `jobs(on:)`).
  public mutating func setNodeDown(_ n: NodeID, _ isDown: Bool) {
    flushIndex()
    core.setDown(n, isDown)
    trees?.nodeChanged(n, &core)
    groups?.nodeChanged(n, &core)
  }

  /// Ids of the jobs holding resources on node `n`.
  ///
  /// - Complexity: O(placed tasks)
  public func jobs(on n: NodeID) -> [String] {
    core.held.compactMap { $0 }.filter { $0.tasks.contains { $0.node == n } }.map(\.jobID).sorted()
  }

  /// The cluster state.
  public var state: ClusterState { core.state }

  /// Placed jobs by id.
  ///
  /// - Complexity: O(placed jobs)
  public var allocations: [String: Allocation] { core.allocations }

  /// The score breakdown of placing `task` of `job` on node `n` as it stands.
  public func breakdown(job: Job, group: TaskGroup, node n: NodeID) -> [ScoreComponent]? {
    var ctx = core.ctx
    ctx.bind(job: job)
    let c = Int(core.nodeClass[Int(n)])
    let (shape, _) = core.resolve(GroupRequirement(group, catalog: core.state.cluster.catalog), job,
                                  classIndex: c)
    guard let shape else { return nil }
    return core.profile.breakdown(core.classes[c], core.key(of: n), shape, ctx)
  }

  /// Number of distinct (class, free state) groups the index holds now
  /// (0 for linear profiles, which search per-class trees instead).
  public var distinctStates: Int { groups.map { $0.groups.count - $0.freeGroupIDs.count } ?? 0 }

  /// Checks the index against the state: every attached node sits in the
  /// group of its current key (or, for trees, at its leaf or in its tree's
  /// recent list with current values), group counts match, and no node is
  /// in two places.
  public func _checkInvariants() {
    precondition(pendingNodes.isEmpty, "index updates still pending")
    core.state._checkInvariants()
    core._checkHandles()
    if let t = trees {
      for n in 0..<core.state.nodeCount {
        let c = Int(t.treeOf[Int(core.nodeClass[n])])
        let tree = t.trees[c]
        let slot = tree.base + tree.size + Int(t.position[n])
        let live = !core.state.isDown(NodeID(n)) && !t.excluded.contains(NodeID(n))
        precondition(t.nodeAt[tree.leafBase + Int(t.position[n])] == NodeID(n), "node \(n) at the wrong leaf")
        precondition(Int(t.position[n]) < tree.nodes, "node \(n) among its tree's padding leaves")
        let r = Int(t.recentIndex[n])
        if r >= 0 {  // a recent node: dead leaf, current values in its recent entry
          precondition(live, "down or excluded node \(n) in a recent list")
          precondition(r < tree.recentCount && t.recentNode[tree.recentBase + r] == NodeID(n),
                       "node \(n) at the wrong recent entry")
          precondition(t.slots[slot].cpu == -1, "recent node \(n) has a live leaf")
          let e = t.recentSlot[tree.recentBase + r]
          precondition(e.cpu == core.state.freeMilliCPU(NodeID(n)) && e.mem == core.state.freeMemoryMiB(NodeID(n))
                         && e.dpu == core.state.freeDPUs(NodeID(n)), "recent entry of node \(n) is stale")
        } else {
          precondition(t.slots[slot].cpu == (live ? core.state.freeMilliCPU(NodeID(n)) : -1),
                       "tree leaf of node \(n) is stale")
        }
      }
      for (c, tree) in t.trees.enumerated() {
        precondition(tree.recentCount <= tree.recentCap, "tree \(c) recent list over capacity")
        for r in 0..<tree.recentCount {
          let n = t.recentNode[tree.recentBase + r]
          precondition(Int(t.recentIndex[Int(n)]) == r && Int(t.treeOf[Int(core.nodeClass[Int(n)])]) == c,
                       "recent entry \(r) of tree \(c) is stale")
        }
      }
      return
    }
    guard let index = groups else { return }
    var counts = [Int32](repeating: 0, count: index.groups.count)
    for n in 0..<core.state.nodeCount {
      let g = index.nodeGroup[n]
      if g < 0 { continue }
      counts[Int(g)] += 1
      precondition(index.groups[Int(g)].key == core.key(of: NodeID(n)), "node \(n) in a stale group")
      precondition(index.groups[Int(g)].cls == core.nodeClass[n], "node \(n) in another class's group")
    }
    let free = Set(index.freeGroupIDs)
    for (g, grp) in index.groups.enumerated() where !free.contains(Int32(g)) {
      precondition(grp.count == counts[g], "group \(g) count \(grp.count) != \(counts[g])")
    }
  }
}
