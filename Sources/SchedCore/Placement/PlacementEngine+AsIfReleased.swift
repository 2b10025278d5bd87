import HeapModule

extension PlacementEngine {
  /// What `placeAsIfReleased` found.
  enum PlacementAsIfReleased: Equatable {
    /// Where the job would go, every task.
    case placed(Allocation)
    /// It would not fit.
    case failed
    /// Not answered this way (see `placeAsIfReleased`): the caller replays.
    case unsupported
  }

  /// Where `place(job, explain: false)` (placing the job whole, as the
  /// simulator does: `allOrNone`) would put `job` on the state in
  /// which the running tasks `released` had been given back — without
  /// giving them back in the search index, the allocation records or the
  /// state's history: what an EASY reservation asks of the head at its
  /// reservation time. The state changes only inside the call.
  ///
  /// The index keeps describing the released tasks' (*touched*) nodes as
  /// they are now, and the search over it cannot return one that cannot
  /// take a task now; the few that can are excluded from it meanwhile. Each
  /// task then goes to the better (total score, then tie-break rank) of the
  /// index's best node and the best touched node, the latter kept in a heap
  /// by its score in the released state — the choice `place` makes over
  /// every node, task by task. So the touched nodes' index entries, usually
  /// many, are never rewritten (twice) as a replay through the index would.
  ///
  /// Answers only for one task group without site rules or anti-affinity,
  /// under a profile searched by class trees (else `.unsupported`).
  ///
  /// - Complexity: O(touched nodes · log + tasks × (search + log touched))
  mutating func placeAsIfReleased(_ job: Job, released: [TaskAssignment]) -> PlacementAsIfReleased {
    flushIndex()
    guard trees != nil, job.groups.count == 1, let group = job.groups.first, job.antiAffinity.isEmpty,
          !group.sameSite, group.spreadSites <= 1 else { return .unsupported }
    return core.placeAsIfReleased(job, group, released: released, search: &trees!)
  }
}

/// A touched node as a candidate: better totals, then smaller ranks, are larger.
private struct TouchedCandidate: Comparable {
  var total: Int64
  var rank: UInt32
  var node: NodeID

  static func < (a: Self, b: Self) -> Bool { a.total != b.total ? a.total < b.total : a.rank > b.rank }
  static func == (a: Self, b: Self) -> Bool { a.total == b.total && a.rank == b.rank }
}

extension PlacementCore {
  /// See `PlacementEngine.placeAsIfReleased`.
  mutating func placeAsIfReleased(_ job: Job, _ group: TaskGroup, released: [TaskAssignment],
                                  search: inout ClassTreeIndex) -> PlacementEngine.PlacementAsIfReleased {
    if idsIndexed, handleOfID[job.id] != nil { return .unsupported }
    ctx.bind(job: job)
    let q = preparedQuery(for: group, of: job, search: &search)  // no site rules: the engine checked the group
    // The touched nodes, ascending (searched by bisection: no hashing).
    var touchedList = released.map { $0.node }
    touchedList.sortAndRemoveDuplicates()
    // Touched nodes the index could return now (it sees them as they are).
    var hidden: [NodeID] = []
    for n in touchedList {
      let c = Int(nodeClass[Int(n)])
      if q.shapes[c] != nil && !state.isDown(n) && nodeReason(q, c, key(of: n)) == nil { hidden.append(n) }
    }
    for n in hidden { search.setExcluded(n, true, &self) }
    // What the touched nodes and the class totals hold now: restored at
    // once at the end (instead of taking back each placement there and
    // committing each release again).
    let before = state.snapshot(touchedList)
    let classFreeBefore = classFree
    #if SCHEDCORE_INTERNAL_CHECKS
    let fullBefore = (state.freeCPU, state.freeMemory, state.freeDPU, state.deviceFree, state.coreBits)
    #endif
    // The releases, on the state only.
    var given = 0
    for t in released {
      do { try state.release(t) } catch { break }
      classFree[Int(nodeClass[Int(t.node)])].add(t)
      given += 1
    }
    var placed: [TaskAssignment] = []
    var fits = given == released.count
    if fits {
      var heap = Heap<TouchedCandidate>()
      // `inout` only to read them without a copy (the caller is mutating).
      func consider(_ n: NodeID, _ core: inout PlacementCore, _ search: inout ClassTreeIndex) {
        let c = Int(core.nodeClass[Int(n)])
        guard q.shapes[c] != nil, !core.state.isDown(n) else { return }
        let key = core.key(of: n)
        guard core.nodeReason(q, c, key) == nil, let total = search.total(of: n, key, q, &core) else { return }
        heap.insert(TouchedCandidate(total: total, rank: core.tieRank[Int(n)], node: n))
      }
      for n in touchedList { consider(n, &self, &search) }
      placed.reserveCapacity(Int(max(group.count, 0)))
      for t in 0..<Int(max(group.count, 0)) {
        var node: NodeID = -1
        var chosenFree: Int32 = -1
        var fromHeap = false
        if let a = search.best(q, &self, upcoming: Int(group.count) - t) {
          precondition(!touchedList.sortedContains(a.node), "the index offered a touched node")
          node = a.node
          chosenFree = a.chosenFree
          if let b = heap.max, b > TouchedCandidate(total: a.score, rank: tieRank[Int(a.node)], node: a.node) {
            node = b.node
            chosenFree = -1
            fromHeap = true
          }
        } else if let b = heap.max {
          node = b.node
          fromHeap = true
        }
        guard node >= 0, let shape = q.shapes[Int(nodeClass[Int(node)])] else {
          fits = false
          break
        }
        let a = assignment(node: node, shape: shape, chosenFree: chosenFree)
        guard commitUnchecked(a) else { preconditionFailure("a node chosen as if released does not fit") }
        placed.append(a)
        if fromHeap {
          _ = heap.popMax()
          consider(node, &self, &search)
        } else {
          search.nodeChanged(node, &self)
        }
      }
    }
    // Back exactly to the state as it was: placements on untouched nodes
    // taken back (the index sees those), the touched nodes and the class
    // totals restored.
    for a in placed.reversed() where !touchedList.sortedContains(a.node) {
      releaseUnchecked(a)
      search.nodeChanged(a.node, &self)
    }
    state.restore(before)
    classFree = classFreeBefore
    #if SCHEDCORE_INTERNAL_CHECKS
    precondition(fullBefore == (state.freeCPU, state.freeMemory, state.freeDPU, state.deviceFree, state.coreBits),
                 "a placement as if released left the state changed")
    #endif
    for n in hidden { search.setExcluded(n, false, &self) }
    if given < released.count { return .unsupported }
    return fits ? .placed(Allocation(jobID: job.id, tasks: placed)) : .failed
  }
}

extension ClassTreeIndex {
  /// The total `best` gives node `n` in free state `key` for prepared
  /// query `q` (whose plan has an entry for the node's tree), or nil.
  func total(of n: NodeID, _ key: NodeStateKey, _ q: TaskQuery, _ core: inout PlacementCore) -> Int64? {
    let nc = Int(core.nodeClass[Int(n)])
    let tc = treeOf[nc]
    guard let p = q.treePlan.first(where: { $0.tree == tc }) else { return nil }
    return p.base &+ p.k &* (BestFitScorer.stateTerm(core.classes[nc], key, core.ctx) &+ p.q)
  }
}
