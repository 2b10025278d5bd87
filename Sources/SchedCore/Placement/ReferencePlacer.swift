/// The reference placer: a plain linear scan of every node with the same
/// filters, scorers, tie-break and assignment as `PlacementEngine`. It is
/// slow on purpose (O(nodes) per task) and exists so tests and benchmarks can
/// prove the indexed engine decides the same.
public struct ReferencePlacer: Sendable {
  /// The state, classes and allocations the scan places on.
  public private(set) var core: PlacementCore
  var scan = LinearScan()

  /// A reference placer on an idle `cluster`.
  public init(cluster: Cluster, profile: Profile, target: TargetWorkload = .empty,
              openbCompat: Bool = false) {
    core = PlacementCore(cluster: cluster, profile: profile, target: target, openbCompat: openbCompat)
  }

  /// Places all tasks of `job` or none (a group without `gang` in part, as
  /// `PlacementEngine.place(_:)` does).
  ///
  /// - Complexity: O(tasks × nodes × scorer cost)
  public mutating func place(_ job: Job) -> Result<PlacementDecision, Unschedulable> {
    core.place(job, search: &scan)
  }

  /// As `place(_:)`; `checkingID` as in `PlacementEngine.place(_:explain:checkingID:)`.
  public mutating func place(_ job: Job, checkingID: Bool) -> Result<PlacementDecision, Unschedulable> {
    core.place(job, search: &scan, checkingID: checkingID)
  }

  /// As `place(_:checkingID:)`; with `allOrNone` every group is placed
  /// whole, with `gang` or without (as the simulator places).
  mutating func place(_ job: Job, checkingID: Bool, allOrNone: Bool) -> Result<PlacementDecision, Unschedulable> {
    core.place(job, search: &scan, checkingID: checkingID, allOrNone: allOrNone)
  }

  /// Releases job `id`.
  @discardableResult
  public mutating func release(jobID id: String) -> Allocation? {
    core.release(jobID: id, search: &scan)
  }

  /// Releases the allocation at `handle`.
  @discardableResult
  public mutating func release(_ handle: AllocationHandle) -> Allocation? {
    core.release(handle, search: &scan)
  }

  /// Marks node `n` down or up (see `PlacementEngine.setNodeDown`).
  public mutating func setNodeDown(_ n: NodeID, _ isDown: Bool) {
    core.setDown(n, isDown)
  }

  /// The cluster state.
  public var state: ClusterState { core.state }
}

struct LinearScan: NodeSearch, Sendable {
  var excluded: Set<NodeID> = []

  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore) -> Candidate? {
    var best: Candidate?
    var bestTie = UInt32.max
    let byFGD = core.profile.sharesByFGD
    for n in 0..<core.state.nodeCount {
      let id = NodeID(n)
      if core.state.isDown(id) || excluded.contains(id) { continue }
      let c = Int(core.nodeClass[n])
      if core.classReason(q, c) != nil { continue }
      guard let shape = q.shapes[c] else { continue }
      let s = core.key(of: id)
      guard s.fits(shape) else { continue }
      let cls = core.classes[c]
      var fgd: Int64?
      var chosen: Int32 = -1
      if core.profile.usesFGD {
        let e = FGDScorer.evaluate(cls, s, shape, core.ctx)
        fgd = e.score
        if byFGD { chosen = e.chosenFree }
      }
      let total = core.profile.total(cls, s, shape, core.ctx, fgd: fgd)
      let tie = core.tieRank[n]
      if let b = best, total < b.score || (total == b.score && tie >= bestTie) { continue }
      best = Candidate(node: id, score: total, chosenFree: chosen)
      bestTie = tie
    }
    return best
  }

  mutating func nodeChanged(_ n: NodeID, _ core: inout PlacementCore) {}

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: inout PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
  }

  func explain(_ q: TaskQuery, _ core: inout PlacementCore) -> Explanation {
    var counts = ReasonCounts()
    for n in 0..<core.state.nodeCount {
      let id = NodeID(n)
      let c = Int(core.nodeClass[n])
      if let r = core.classReason(q, c) {
        counts.add(r)
      } else if core.state.isDown(id) {
        counts.add(.nodeDown)
      } else if excluded.contains(id) {
        counts.add(.antiAffinity)
      } else if let r = core.nodeReason(q, c, core.key(of: id)) {
        counts.add(r)
      }
    }
    return counts.explanation(totalNodes: core.state.nodeCount, core: core)
  }
}
