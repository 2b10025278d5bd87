/// Answers for the tasks of one group.
///
/// `place` asks for the best node of one query once per task of a group,
/// taking the node found each time; most of a many-task job's searches are
/// such repeats, and each full search scans every candidate tree's recent
/// list again. A *series* instead finds the k best nodes once (k = the
/// tasks still to place, at most `seriesDepth`) and answers the calls that
/// follow from them and from the change log:
///
/// - every node not changed since the series was made keeps its total, so
///   the best of them is the first unchanged node of the list (any node
///   outside the list ranked below all of it); if none is left and the list
///   held every feasible node, no unchanged node is feasible;
/// - every node changed since (the log, each node once, at its last change)
///   is judged as the index holds it now.
///
/// The answer is the better of the two: exactly what `best` returns, since
/// `best` is exact over the index as it stands. A series is made for a
/// prepared query without site rules, or held to one site (a same-site
/// gang after its first task, searched with that site's plan). A series that cannot tell
/// (its unchanged part used up, or more than `seriesLag` changes since) is
/// made again. Internal-check builds compare every answer with `best`.
extension ClassTreeIndex {
  /// Most nodes a series prepares.
  static let seriesDepth = 16
  /// Most node changes a series catches up with before it is made again.
  static let seriesLag = 128

  /// A node with its total and tie-break rank for one query.
  struct Ranked: Sendable, Equatable {
    var total: Int64
    var rank: UInt32
    var node: NodeID

    /// Better: a larger total, or the same total and a smaller rank.
    @inline(__always)
    func beats(_ o: Ranked) -> Bool { total > o.total || (total == o.total && rank < o.rank) }
  }

  /// The best nodes of one prepared query (its ticket) as of change number
  /// `since`, best first; `complete` when they were all its feasible nodes.
  struct Series: Sendable {
    var ticket = -1
    /// The site the query was held to (a gang's same-site rule), or -1.
    var site: SiteID = -1
    var since = 0
    var top: [Ranked] = []
    var complete = false
    /// The plan searched (the query's own without a site), and per tree
    /// the index of its entry, or -1.
    var plan: [TreePlan] = []
    var planOfTree: [Int32] = []
  }

  /// Logs a change of node `n` (see `changeLog`).
  @inline(__always)
  mutating func noteChange(_ n: NodeID) {
    changeLog[changeCount & (changeLog.count &- 1)] = n
    lastChange[Int(n)] = changeCount
    changeCount &+= 1
  }

  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore, upcoming: Int) -> Candidate? {
    guard q.prepared && q.excludedSites.isEmpty else { return best(q, &core) }
    let h = q.tables.hintSlot
    if series.ticket == h && series.site == q.onlySite, let answer = seriesAnswer(&core) {
      seriesAnswers &+= 1
      #if SCHEDCORE_INTERNAL_CHECKS
      checkSeries(answer, q, &core)
      #endif
      return answer
    }
    guard upcoming > 1 else { return best(q, &core) }
    var s = series
    series = Series()
    s.ticket = h
    s.site = q.onlySite
    if q.onlySite < 0 {
      s.plan = q.treePlan
      s.planOfTree = q.tables.planOfTree
    } else {
      // Held to one site: the query's plan without the trees' other sites.
      s.plan.removeAll(keepingCapacity: true)
      makePlan(q, core, into: &s.plan)
      s.planOfTree.removeAll(keepingCapacity: true)
      s.planOfTree.append(contentsOf: repeatElement(-1, count: trees.count))
      for (i, p) in s.plan.enumerated() { s.planOfTree[Int(p.tree)] = Int32(i) }
    }
    s.complete = bestSeries(s.plan, k: min(upcoming, Self.seriesDepth), into: &s.top)
    s.since = changeCount
    let answer = s.top.first.map { Candidate(node: $0.node, score: $0.total, chosenFree: -1) }
    series = s
    #if SCHEDCORE_INTERNAL_CHECKS
    checkSeries(answer, q, &core)
    #endif
    return answer
  }

  #if SCHEDCORE_INTERNAL_CHECKS
  /// Checks a series' answer against a full search.
  mutating func checkSeries(_ answer: Candidate?, _ q: TaskQuery, _ core: inout PlacementCore) {
    let full = best(q, &core)
    precondition(full?.node == answer?.node && full?.score == answer?.score,
                 "series answer \(String(describing: answer)) differs from the search's \(String(describing: full))")
  }
  #endif

  /// The answer of `series` now: `.some(nil)` when no node
  /// fits; nil when the series cannot tell (see the extension's comment).
  ///
  /// - Complexity: O(series depth + changes since the series was made)
  func seriesAnswer(_ core: inout PlacementCore) -> Candidate?? {
    let since = series.since
    guard changeCount &- since <= min(Self.seriesLag, changeLog.count) else { return nil }
    var found: Ranked?
    for e in series.top where lastChange[Int(e.node)] < since {
      found = e
      break
    }
    if found == nil && !series.complete { return nil }
    let mask = changeLog.count &- 1
    var s = since
    while s < changeCount {
      let n = changeLog[s & mask]
      // Each changed node once, at its last change.
      if lastChange[Int(n)] == s, let e = ranked(n, &core), found.map({ e.beats($0) }) ?? true { found = e }
      s &+= 1
    }
    return .some(found.map { Candidate(node: $0.node, score: $0.total, chosenFree: -1) })
  }

  /// Node `n` ranked by the series' plan as the index holds it (its
  /// recent entry or live leaf), or nil when the plan cannot use it there.
  @inline(__always)
  func ranked(_ n: NodeID, _ core: inout PlacementCore) -> Ranked? {
    let pi = Int(series.planOfTree[Int(treeOf[Int(core.nodeClass[Int(n)])])])
    guard pi >= 0 else { return nil }
    let p = series.plan[pi]
    let t = trees[Int(p.tree)]
    let devK = Int(p.shape.deviceCount) &- 1
    guard devK < t.devs else { return nil }
    let e: Slot
    var d: Int16 = 0
    let r = Int(recentIndex[Int(n)])
    if r >= 0 {
      e = recentSlot[t.recentBase &+ r]
      if devK >= 0 { d = recentDev[t.recentDevBase &+ r &* t.devs &+ devK] }
    } else {
      let pos = Int(position[Int(n)])
      e = slots[t.base &+ t.size &+ pos]
      if devK >= 0 { d = dev[t.devBase &+ (t.size &+ pos) &* t.devs &+ devK] }
    }
    let s = p.shape
    guard e.classes & p.allowed != 0, e.cpu >= s.milliCPU, e.mem >= s.memoryMiB, e.dpu >= s.dpuUnits,
          e.uMax <= p.uFeasible, devK < 0 || Int32(d) >= s.milliPerDevice else { return nil }
    return Ranked(total: p.base &+ p.k &* (e.uMax &+ p.q), rank: e.minRank, node: n)
  }

  /// Fills `top` with the `k` best feasible nodes over the trees of `plan`,
  /// best first (what `best` would return first, then next without it, …);
  /// returns whether they are all the feasible nodes (fewer than `k`).
  ///
  /// - Complexity: O(trees + recent nodes of the searched trees + k · log n
  ///   slots per tree searched, and those its bounds cannot prune)
  mutating func bestSeries(_ plan: [TreePlan], k: Int, into top: inout [Ranked]) -> Bool {
    top.removeAll(keepingCapacity: true)
    boundTrees(plan, direction: direction)
    for cand in candidates {
      if top.count == k {
        let w = top[k &- 1]
        if cand.bound < w.total || (cand.bound == w.total && cand.minRank >= w.rank) { break }
      }
      let p = plan[Int(cand.plan)]
      collectRecent(p, k, &top)
      collectSorted(p, k, &top)
    }
    return top.count < k
  }

  /// Offers `e` to `top` (at most `k`, best first).
  @inline(__always)
  static func offer(_ e: Ranked, _ k: Int, _ top: inout [Ranked]) {
    if top.count == k {
      guard e.beats(top[k &- 1]) else { return }
      top.removeLast()
    }
    var i = top.count
    top.append(e)
    while i > 0 && e.beats(top[i &- 1]) {
      top[i] = top[i &- 1]
      i &-= 1
    }
    top[i] = e
  }

  /// Offers every feasible node of plan entry `p`'s tree's recent list.
  ///
  /// - Complexity: O(recent nodes of the tree)
  mutating func collectRecent(_ p: TreePlan, _ k: Int, _ top: inout [Ranked]) {
    let t = trees[Int(p.tree)]
    let s = p.shape
    let devK = Int(s.deviceCount) &- 1
    guard devK < t.devs, t.recentCount > 0, mayFit(t, 0, s, p.allowed) else { return }
    if top.count == k {  // the list's bounds may not even beat the k-th best
      let w = top[k &- 1]
      if let b = Self.threshold(score: w.total, rank: w.rank, base: p.base, k: p.k, q: p.q, direction: direction),
         !mayBeat(slots[t.base], direction, p.uFeasible, b.u, b.rank) { return }
    }
    trees[Int(p.tree)].scanWork &+= t.recentCount
    // Raw buffers, one bounds check per list instead of three per entry.
    let count = t.recentCount, devs = t.devs
    recentSlot.withUnsafeBufferPointer { allSlots in
      recentDev.withUnsafeBufferPointer { allDev in
        recentNode.withUnsafeBufferPointer { allNodes in
          let E = UnsafeBufferPointer(rebasing: allSlots[t.recentBase..<(t.recentBase + count)])
          let N = UnsafeBufferPointer(rebasing: allNodes[t.recentBase..<(t.recentBase + count)])
          let D = UnsafeBufferPointer(rebasing: allDev[t.recentDevBase..<(t.recentDevBase + count * devs)])
          for j in 0..<count {
            let e = E[j]
            if e.classes & p.allowed == 0 || e.cpu < s.milliCPU || e.mem < s.memoryMiB || e.dpu < s.dpuUnits
              || e.uMax > p.uFeasible { continue }
            if devK >= 0 && Int32(D[j &* devs &+ devK]) < s.milliPerDevice { continue }
            Self.offer(Ranked(total: p.base &+ p.k &* (e.uMax &+ p.q), rank: e.minRank, node: N[j]), k, &top)
          }
        }
      }
    }
  }

  /// Offers the feasible sorted leaves of plan entry `p`'s tree that may
  /// still enter `top`: the descent of `bestSorted`, its bar the k-th best
  /// so far (translated into the tree's U by `threshold`).
  ///
  /// - Complexity: O(log n) slots per subtree it cannot prune
  func collectSorted(_ p: TreePlan, _ k: Int, _ top: inout [Ranked]) {
    let t = trees[Int(p.tree)]
    let s = p.shape
    let devs = t.devs
    let devK = Int(s.deviceCount) &- 1
    guard devK < devs, mayFit(t, 1, s, p.allowed) else { return }
    let direction = self.direction
    let uFeasible = p.uFeasible
    // The bar in this tree's U (nil: nothing to beat yet, or no safe bar).
    func bar(_ top: [Ranked]) -> (u: Int64, rank: UInt32)? {
      guard top.count == k else { return nil }
      let w = top[k &- 1]
      return Self.threshold(score: w.total, rank: w.rank, base: p.base, k: p.k, q: p.q, direction: direction)
    }
    var b = bar(top)
    slots.withUnsafeBufferPointer { allSlots in
      dev.withUnsafeBufferPointer { allDev in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.descentStackCapacity) { stack in
          let S = UnsafeBufferPointer(rebasing: allSlots[t.base..<(t.base + 2 * t.size)])
          let D = UnsafeBufferPointer(rebasing: allDev[t.devBase..<(t.devBase + 2 * t.size * devs)])
          stack[0] = 1
          var sp = 1
          while sp > 0 {
            sp &-= 1
            let i = stack[sp]
            let sl = S[i]
            if sl.uMin > uFeasible || sl.classes & p.allowed == 0 || sl.cpu < s.milliCPU || sl.mem < s.memoryMiB
              || sl.dpu < s.dpuUnits { continue }
            if devK >= 0 && Int32(D[i &* devs &+ devK]) < s.milliPerDevice { continue }
            if let b, !mayBeat(sl, direction, uFeasible, b.u, b.rank) { continue }
            if i >= t.size {
              Self.offer(Ranked(total: p.base &+ p.k &* (sl.uMax &+ p.q), rank: sl.minRank,
                                node: nodeAt[t.leafBase &+ i &- t.size]), k, &top)
              b = bar(top)
              continue
            }
            Self.pushChildren(of: i, S, stack, &sp, direction, uFeasible)
          }
        }
      }
    }
  }
}
