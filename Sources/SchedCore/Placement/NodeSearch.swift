/// One task's search request: its shape on each node class (or the class
/// reason it cannot run there) and the site rules in force for this task.
struct TaskQuery: Sendable {
  /// The resolution against every class, immutable and shared, so copying
  /// a memoized query retains one object instead of every array.
  final class Tables: Sendable {
    let shapes: [TaskShape?]
    let reasons: [String?]
    /// Per class: the class-level part of the total score.
    let classTerm: [Int64]
    /// Per class: the best-fit request term Q (linear profiles).
    let requestTerm: [Int64]
    /// Per class: the largest best-fit node term U of any node the task fits.
    let uFeasible: [Int64]
    /// The class trees' per-tree search plan for this query without site
    /// rules (see `ClassTreeIndex.prepare`); empty for other searches.
    let treePlan: [ClassTreeIndex.TreePlan]
    /// The query's ticket with the class trees: unique per prepared query,
    /// it indexes what they remember of its last search (see
    /// `ClassTreeIndex.winner` and `ClassTreeIndex.memo`), or -1.
    let hintSlot: Int
    /// Per class tree, the index of its entry in `treePlan`, or -1.
    let planOfTree: [Int32]
    /// Per class, the state groups' interned id of its shape (-1: none),
    /// valid while their interning epoch is `shapeEpoch` (see
    /// `NodeStateIndex.prepare`); empty for other searches.
    let shapeIDs: [Int32]
    let shapeEpoch: Int

    init(shapes: [TaskShape?], reasons: [String?], classTerm: [Int64], requestTerm: [Int64], uFeasible: [Int64],
         treePlan: [ClassTreeIndex.TreePlan] = [], hintSlot: Int = -1, planOfTree: [Int32] = [],
         shapeIDs: [Int32] = [], shapeEpoch: Int = -1) {
      self.planOfTree = planOfTree
      self.shapeIDs = shapeIDs
      self.shapeEpoch = shapeEpoch
      self.shapes = shapes
      self.reasons = reasons
      self.classTerm = classTerm
      self.requestTerm = requestTerm
      self.uFeasible = uFeasible
      self.treePlan = treePlan
      self.hintSlot = hintSlot
    }
  }

  var tables: Tables
  /// Only this site (gang same-site after the first task), or -1.
  var onlySite: SiteID = -1
  /// Sites ruled out (spread, site-level anti-affinity), with the reason.
  var excludedSites: [SiteID: String] = [:]
  /// Whether the search's `prepare` has filled in its part of `tables`.
  var prepared = false

  init(_ tables: Tables) { self.tables = tables }

  @inlinable var shapes: [TaskShape?] { tables.shapes }
  @inlinable var reasons: [String?] { tables.reasons }
  @inlinable var classTerm: [Int64] { tables.classTerm }
  @inlinable var requestTerm: [Int64] { tables.requestTerm }
  @inlinable var uFeasible: [Int64] { tables.uFeasible }
  @inlinable var treePlan: [ClassTreeIndex.TreePlan] { tables.treePlan }

  @inlinable
  func siteReason(_ site: SiteID) -> String? {
    if onlySite >= 0 && site != onlySite { return "gang same-site: other site" }
    return excludedSites[site]
  }
}

/// The best node found for a task.
struct Candidate {
  var node: NodeID
  var score: Int64
  /// For a shared task under FGD, the free milli of the device FGD chose; else -1.
  var chosenFree: Int32
}

/// How a placer finds the best node for a task. The fast engine answers
/// from its index of node classes and distinct states; the reference scans
/// every node. Both must choose identically.
///
/// Every method reads `core` only: it is `inout` because the per-job flow
/// calls these from mutating code, where passing the 416-byte
/// `PlacementCore` by value copies it into a temporary on every call.
protocol NodeSearch {
  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore) -> Candidate?
  /// As `best(_:_:)`, told that the caller expects to ask for `q` about
  /// `upcoming` times in a row (this call included), each time after
  /// taking the node found: the tasks of one group. A search may then
  /// prepare answers for the calls to come; the answer is the same.
  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore, upcoming: Int) -> Candidate?
  /// Node `n`'s free state changed (commit, release) or it went down/up.
  mutating func nodeChanged(_ n: NodeID, _ core: inout PlacementCore)
  /// Rules node `n` out of (or back into) searches, for anti-affinity.
  mutating func setExcluded(_ n: NodeID, _ excluded: Bool, _ core: inout PlacementCore)
  /// Counts, over every node, the first reason it cannot take the task.
  func explain(_ q: TaskQuery, _ core: inout PlacementCore) -> Explanation
  /// Fills in the search's own per-query data, once per memoized query.
  mutating func prepare(_ q: inout TaskQuery, _ core: PlacementCore)
}

extension NodeSearch {
  mutating func prepare(_ q: inout TaskQuery, _ core: PlacementCore) {}
  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore, upcoming: Int) -> Candidate? { best(q, &core) }
}

extension PlacementCore {
  /// Places every task of `job` or none: resolves each group against every
  /// node class once, then for each task asks `search` for the best node,
  /// reserves devices and cores, and commits. A same-site group whose site
  /// runs out starts again on the next site (see below). On the first task
  /// that fits nowhere, everything this call committed is released again —
  /// unless its group is without `gang` (and not `allOrNone`): then the
  /// group keeps the tasks it placed, if at least one and at least
  /// `spreadSites`, its other tasks go to `PlacementDecision.unplaced`, and
  /// the next group follows.
  ///
  /// With `checkingID`, a job whose id is placed already is refused (and
  /// ids are indexed from then on); without, the caller keeps ids apart.
  /// Without `scores`, the decision's scores are left empty (for callers
  /// that never read them: no array per placement).
  ///
  /// - Complexity: O(tasks × search) per site a same-site group tries.
  mutating func place<S: NodeSearch>(_ job: Job, search: inout S, explain: Bool = true, checkingID: Bool = true,
                                     scores keepScores: Bool = true,
                                     allOrNone: Bool = false) -> Result<PlacementDecision, Unschedulable> {
    if checkingID {
      indexIDs()
      guard handleOfID[job.id] == nil else {
        return .failure(Unschedulable(jobID: job.id, group: "", task: 0,
                                      explanation: Explanation(totalNodes: state.nodeCount,
                                                               counts: ["job already placed": state.nodeCount])))
      }
    }
    ctx.bind(job: job)
    if job.antiAffinity.isEmpty && job.groups.count == 1 && !job.groups[0].sameSite && job.groups[0].spreadSites <= 1 {
      return placeOneGroup(job, search: &search, explain: explain, scores: keepScores, allOrNone: allOrNone)
    }
    // Anti-affinity: nodes or sites of the named jobs.
    var excludedNodes: [NodeID] = []
    var antiSites: [SiteID: String] = [:]
    if !job.antiAffinity.isEmpty { indexIDs() }
    for other in job.antiAffinity {
      guard let h = handleOfID[other], let a = held[Int(h)] else { continue }
      for t in a.tasks {
        switch job.antiAffinityScope {
        case .node: excludedNodes.append(t.node)
        case .site: antiSites[state.cluster.nodes[Int(t.node)].site] = "anti-affinity with \(other)"
        }
      }
    }
    if excludedNodes.count > 1 { excludedNodes = Array(Set(excludedNodes)).sorted() }
    for n in excludedNodes { search.setExcluded(n, true, &self) }
    defer { for n in excludedNodes { search.setExcluded(n, false, &self) } }

    var placed: [TaskAssignment] = []
    var scores: [Double] = []
    placed.reserveCapacity(job.taskCount)
    if keepScores { scores.reserveCapacity(job.taskCount) }
    func rollback(_ core: inout PlacementCore, _ search: inout S) {
      for a in placed.reversed() {
        core.releaseUnchecked(a)
        search.nodeChanged(a.node, &core)
      }
    }
    var unplaced: [UnplacedTasks] = []
    for (groupIndex, group) in job.groups.enumerated() {
      var q = preparedQuery(for: group, of: job, search: &search)
      if let (_, why) = group.ruleConflict {
        rollback(&self, &search)
        return .failure(Unschedulable(jobID: job.id, group: group.name, task: 0,
                                      explanation: Explanation(totalNodes: state.nodeCount,
                                                               counts: [why: state.nodeCount])))
      }
      // Tasks this group must place for the job to be placed.
      let count = Int(max(group.count, 0))
      let needed = group.gang || allOrNone ? count : min(count, max(Int(group.spreadSites), 1))
      // Without explanations, a group that cannot fit even by the summed
      // free capacity of the classes it may use fails before any search
      // (the same outcome; explanations need the per-node counts).
      if !explain && needed > 1 && !fitsByTotals(q, count: Int32(needed)) {
        rollback(&self, &search)
        return .failure(Unschedulable(jobID: job.id, group: group.name, task: 0,
                                      explanation: Explanation(totalNodes: state.nodeCount, counts: [:])))
      }
      // Sites of this group's placed tasks, kept only when a rule reads them.
      let tracksSites = group.sameSite || group.spreadSites > 1
      var sitesUsed: [SiteID] = []
      // A same-site group goes to its first task's best site; when that site
      // cannot hold every task, its tasks there are taken back and the group
      // starts again on the best site not tried yet (sites in the order of
      // their best node for the first task).
      let groupStart = placed.count
      var sitesTried: [SiteID: String] = [:]
      var t = 0
      while t < count {
        q.onlySite = group.sameSite ? (sitesUsed.first ?? -1) : -1
        if !antiSites.isEmpty || !q.excludedSites.isEmpty { q.excludedSites = antiSites }
        for (s, why) in sitesTried where q.excludedSites[s] == nil { q.excludedSites[s] = why }
        if group.spreadSites > 1 {
          let distinct = Set(sitesUsed)
          if distinct.count < Int(group.spreadSites) {
            for s in distinct where q.excludedSites[s] == nil { q.excludedSites[s] = "spread: site already used" }
          }
        }
        guard let cand = search.best(q, &self, upcoming: count - t) else {
          if group.sameSite && t > 0 {
            for a in placed[groupStart...].reversed() {
              releaseUnchecked(a)
              search.nodeChanged(a.node, &self)
            }
            placed.removeSubrange(groupStart...)
            if keepScores { scores.removeSubrange(groupStart...) }
            sitesTried[sitesUsed[0]] = "gang same-site: site cannot hold all \(count) tasks"
            sitesUsed.removeAll()
            t = 0
            continue
          }
          let why = explain ? search.explain(q, &self) : Explanation(totalNodes: state.nodeCount, counts: [:])
          if t >= needed {
            unplaced.append(UnplacedTasks(group: group.name, groupIndex: groupIndex, count: count - t, explanation: why))
            break
          }
          rollback(&self, &search)
          return .failure(Unschedulable(jobID: job.id, group: group.name, task: t, explanation: why))
        }
        let site = classes[Int(nodeClass[Int(cand.node)])].site
        if group.sameSite && t == 0 && count > 1 {
          // The site's summed free capacity, if it cannot hold every task,
          // rules it out without placing (the same outcome).
          q.onlySite = site
          if !fitsByTotals(q, count: group.count) {
            sitesTried[site] = "gang same-site: site cannot hold all \(count) tasks"
            continue
          }
        }
        placed.append(take(cand, q, search: &search))
        if keepScores { scores.append(ScoreScale.display(cand.score)) }
        if tracksSites { sitesUsed.append(site) }
        t += 1
      }
    }
    let alloc = Allocation(jobID: job.id, tasks: placed)
    let handle = record(alloc)
    return .success(PlacementDecision(allocation: alloc, handle: handle, scores: ScoreList(scores), unplaced: unplaced))
  }

  /// Reserves devices and cores for one task of `q` on the node `search`
  /// found, commits it and tells `search` the node changed; returns the
  /// task's assignment. The search only returns nodes the task fits, so a
  /// refused commit is an engine bug (it traps).
  @inline(__always)
  private mutating func take<S: NodeSearch>(_ cand: Candidate, _ q: TaskQuery, search: inout S) -> TaskAssignment {
    guard let shape = q.shapes[Int(nodeClass[Int(cand.node)])] else { preconditionFailure("no shape") }
    let a = assignment(node: cand.node, shape: shape, chosenFree: cand.chosenFree)
    guard commitUnchecked(a) else { preconditionFailure("engine chose a node that does not fit") }
    search.nodeChanged(cand.node, &self)
    return a
  }

  /// `place` for a job of one group without site rules or anti-affinity
  /// (the usual job): the same outcome as the general flow, without its
  /// per-site bookkeeping, and the group read in place in `job.groups`
  /// (iterating the groups copies each one).
  ///
  /// - Complexity: O(tasks × search)
  private mutating func placeOneGroup<S: NodeSearch>(_ job: Job, search: inout S, explain: Bool,
                                                     scores keepScores: Bool,
                                                     allOrNone: Bool) -> Result<PlacementDecision, Unschedulable> {
    let q = preparedQuery(group: 0, of: job, search: &search)
    let groupCount = job.groups[0].count
    let count = Int(max(groupCount, 0))
    // No spread rule (spreadSites <= 1 <= max(count, 1)): the general flow's
    // rule checks cannot fail; its check by class totals applies as is to
    // a group placed whole (one without gang needs only one task).
    if !explain && count > 1 && (allOrNone || job.groups[0].gang) && !fitsByTotals(q, count: groupCount) {
      return .failure(Unschedulable(jobID: job.id, group: job.groups[0].name, task: 0,
                                    explanation: Explanation(totalNodes: state.nodeCount, counts: [:])))
    }
    var placed: [TaskAssignment] = []
    var scores = ScoreList.empty
    placed.reserveCapacity(count)
    for t in 0..<count {
      guard let cand = search.best(q, &self, upcoming: count - t) else {
        return endOneGroup(job, q, placed: placed, scores: scores, at: t, search: &search, explain: explain,
                           allOrNone: allOrNone)
      }
      placed.append(take(cand, q, search: &search))
      if keepScores { scores.append(ScoreScale.display(cand.score)) }
    }
    let alloc = Allocation(jobID: job.id, tasks: placed)
    let handle = record(alloc)
    return .success(PlacementDecision(allocation: alloc, handle: handle, scores: scores))
  }

  /// `placeOneGroup` when task `t` fits nowhere: a group without gang
  /// (not `allOrNone`) that placed a task keeps `placed` and reports the
  /// rest; else `placed` is released and the job fails.
  @inline(never)
  private mutating func endOneGroup<S: NodeSearch>(_ job: Job, _ q: TaskQuery, placed: [TaskAssignment],
                                                   scores: ScoreList, at t: Int, search: inout S, explain: Bool,
                                                   allOrNone: Bool) -> Result<PlacementDecision, Unschedulable> {
    let group = job.groups[0]
    let why = explain ? search.explain(q, &self) : Explanation(totalNodes: state.nodeCount, counts: [:])
    if t > 0 && !group.gang && !allOrNone {
      let alloc = Allocation(jobID: job.id, tasks: placed)
      let handle = record(alloc)
      let rest = UnplacedTasks(group: group.name, groupIndex: 0, count: Int(group.count) - t, explanation: why)
      return .success(PlacementDecision(allocation: alloc, handle: handle, scores: scores, unplaced: [rest]))
    }
    for a in placed.reversed() {
      releaseUnchecked(a)
      search.nodeChanged(a.node, &self)
    }
    return .failure(Unschedulable(jobID: job.id, group: group.name, task: t, explanation: why))
  }

  /// The resolved query for `group` of `job`: each class's shape or
  /// reason and score terms. Memoized on everything it depends on (the
  /// group's request, the job's latency rule and price ceiling), so a stream
  /// of similar jobs resolves each kind of request once.
  mutating func query(for group: TaskGroup, of job: Job) -> TaskQuery {
    let key = QueryKey(group, job)
    if let q = queryMemo[key] { return q }
    let req = GroupRequirement(group, catalog: state.cluster.catalog)
    var shapes: [TaskShape?] = [], reasons: [String?] = []
    var classTerm: [Int64] = [], requestTerm: [Int64] = [], uFeasible: [Int64] = []
    shapes.reserveCapacity(classes.count)
    reasons.reserveCapacity(classes.count)
    classTerm.reserveCapacity(classes.count)
    requestTerm.reserveCapacity(classes.count)
    uFeasible.reserveCapacity(classes.count)
    for c in classes.indices {
      let (shape, reason) = resolve(req, job, classIndex: c)
      shapes.append(shape)
      reasons.append(reason)
      classTerm.append(shape.map { profile.classTerm(classes[c], $0, ctx) } ?? 0)
      requestTerm.append(shape.map { BestFitScorer.requestTerm(classes[c], $0, ctx) } ?? 0)
      uFeasible.append(shape.map {
        BestFitScorer.stateTerm(classes[c], cpu: $0.milliCPU, mem: $0.memoryMiB, dev: $0.totalDeviceMilli, ctx)
      } ?? .max)
    }
    let q = TaskQuery(TaskQuery.Tables(shapes: shapes, reasons: reasons, classTerm: classTerm,
                                       requestTerm: requestTerm, uFeasible: uFeasible))
    if queryMemo.count >= 4096 { queryMemo.removeAll(keepingCapacity: true) }
    queryMemo[key] = q
    return q
  }

  /// `query(for:of:)` prepared by `search`, from a small direct-mapped
  /// cache first: a hit compares the group's request with the cached key
  /// field by field, without building a key (which copies the group) or
  /// hashing; a miss goes through the memo and refills the cache slot.
  ///
  /// A plain request (see `QueryTag`) is checked by its tag alone: a
  /// comparison of plain fields, without copying the cached key.
  mutating func preparedQuery<S: NodeSearch>(for group: TaskGroup, of job: Job, search: inout S) -> TaskQuery {
    preparedQuery(for: group, of: job, slot: QueryKey.slot(of: group, latency: job.latency, count: queryCacheKeys.count),
                  tag: QueryTag(group, job), search: &search)
  }

  /// `preparedQuery(for:of:search:)` with the cache slot of the group's
  /// key, `slot`, and its tag, `tag` (`QueryTag(group, job)`), computed
  /// already (hashing a latency constraint's origin costs a pass over its bytes).
  mutating func preparedQuery<S: NodeSearch>(for group: TaskGroup, of job: Job, slot: Int, tag: QueryTag?,
                                             search: inout S) -> TaskQuery {
    if let tag {
      if queryCacheTags[slot] == tag, let q = queryCacheQueries[slot] { return q }
    } else if queryCacheKeys[slot]?.matches(group, job) == true, let q = queryCacheQueries[slot] {
      return q
    }
    let key = QueryKey(group, job)
    var q = query(for: group, of: job)
    if !q.prepared {
      search.prepare(&q, self)
      q.prepared = true
      queryMemo[key] = q
    }
    queryCacheKeys[slot] = key
    queryCacheTags[slot] = tag
    queryCacheQueries[slot] = q
    return q
  }

  /// `preparedQuery(for:of:search:)` for group `g` of `job`, read in place.
  /// A hit on a plain request is checked here, inlined, reading the
  /// group's fields in `job.groups` (passing the element to a call copies
  /// it, since the callee might write memory); anything else goes through
  /// `preparedQuery(for:of:search:)`.
  @inline(__always)
  mutating func preparedQuery<S: NodeSearch>(group g: Int, of job: Job, search: inout S) -> TaskQuery {
    let slot = QueryKey.slot(of: job.groups[g], latency: job.latency, count: queryCacheKeys.count)
    let tag = QueryTag(job.groups[g], job)
    if let tag, queryCacheTags[slot] == tag, let q = queryCacheQueries[slot] { return q }
    return preparedQuery(for: job.groups[g], of: job, slot: slot, tag: tag, search: &search)
  }

  /// Releases everything job `id` holds; `nil` if it holds nothing.
  mutating func release<S: NodeSearch>(jobID id: String, search: inout S) -> Allocation? {
    indexIDs()
    guard let h = handleOfID[id] else { return nil }
    return release(AllocationHandle(h), search: &search)
  }

  /// Releases everything the allocation at `h` holds; `nil` if it holds nothing.
  mutating func release<S: NodeSearch>(_ h: AllocationHandle, search: inout S) -> Allocation? {
    guard let a = forget(h) else { return nil }
    // By index: `for t in a.tasks` copies each task (its device and core lists included).
    for k in a.tasks.indices {
      releaseUnchecked(a.tasks[k])
      search.nodeChanged(a.tasks[k].node, &self)
    }
    return a
  }

  /// The first class- or site-level reason class `c` cannot take the task.
  func classReason(_ q: TaskQuery, _ c: Int) -> String? {
    if let r = q.reasons[c] { return r }
    return q.siteReason(classes[c].site)
  }

  /// The node-level reason a node of class `c` in state `s` cannot take the task.
  func nodeReason(_ q: TaskQuery, _ c: Int, _ s: NodeStateKey) -> NodeReason? {
    guard let shape = q.shapes[c] else { return nil }
    return ResourcesFilter.check(s, shape, classes[c], state.cluster)
  }

  /// The free-state key of node `n`. Always inlined: the searches call it
  /// with `core` inout, where a call would copy the whole `PlacementCore`.
  @inline(__always)
  func key(of n: NodeID) -> NodeStateKey {
    NodeStateKey(milliCPU: state.freeMilliCPU(n), memoryMiB: state.freeMemoryMiB(n),
                 dpuUnits: state.freeDPUs(n), devices: state.devices(of: n))
  }
}

/// A `QueryKey` of a plain request as plain data: no device kinds or
/// models, no normalized request, no latency constraint (the usual job).
/// Two tags are equal exactly when the keys they stand for are, so a cache
/// hit on a plain request compares these fields and copies nothing.
struct QueryTag: Equatable, Sendable {
  var milliCPU: Int64
  var memoryMiB: Int64
  var minMemoryMiB: Int64
  var ceilingFen: Int64
  var dpuCount: Int32
  var deviceCount: Int32
  var milliPerDevice: Int32
  /// Bit 0: a device request; bit 1: domestic only; bit 2: a price
  /// ceiling; bits 4-7: the device request's compute class (0: none,
  /// else its index in `ComputeClass.allCases` plus one).
  var flags: UInt32

  /// The tag of `group` of `job` (the key `QueryKey(group, job)` would
  /// build), or nil when that key holds more than plain fields.
  @inline(__always)
  init?(_ group: TaskGroup, _ job: Job) {
    guard case .none = job.latency, group.normalized == nil else { return nil }
    milliCPU = group.milliCPU
    memoryMiB = group.memoryMiB
    dpuCount = group.dpuCount
    var flags: UInt32 = 0
    if let fen = job.priceCeiling?.fen {
      ceilingFen = fen
      flags |= 4
    } else {
      ceilingFen = 0
    }
    if group.device != nil {
      guard group.device?.kinds.isEmpty == true, group.device?.models.isEmpty == true else { return nil }
      deviceCount = group.device?.count ?? 0
      milliPerDevice = group.device?.milliPerDevice ?? 0
      minMemoryMiB = group.device?.minMemoryMiB ?? 0
      flags |= 1
      if group.device?.domesticOnly == true { flags |= 2 }
      switch group.device?.computeClass {
      case nil: break
      case .general?: flags |= 1 << 4
      case .intelligent?: flags |= 2 << 4
      case .supercomputing?: flags |= 3 << 4
      }
    } else {
      deviceCount = 0
      milliPerDevice = 0
      minMemoryMiB = 0
    }
    self.flags = flags
  }
}

/// What a resolved `TaskQuery` depends on besides the cluster and profile.
struct QueryKey: Hashable, Sendable {
  var group: TaskGroup
  var latency: LatencyConstraint
  var ceiling: Money?

  /// The key of `group` of `job`: the group without its name, count and
  /// placement rules (which the query does not depend on).
  init(_ group: TaskGroup, _ job: Job) {
    var g = group
    g.name = ""
    g.count = 0
    g.gang = false
    g.sameSite = false
    g.spreadSites = 0
    self.group = g
    latency = job.latency
    ceiling = job.priceCeiling
  }

  /// Whether this is the key of `group` of `job` (`==` on the key
  /// `QueryKey(group, job)` would build, without building it): every
  /// field the key keeps must be compared here.
  func matches(_ group: TaskGroup, _ job: Job) -> Bool {
    let g = self.group
    return g.milliCPU == group.milliCPU && g.memoryMiB == group.memoryMiB && g.dpuCount == group.dpuCount
      && g.device == group.device && g.normalized == group.normalized
      && latency == job.latency && ceiling == job.priceCeiling
  }

  /// The slot of the key of `group` under `latency` in a direct-mapped
  /// cache of `count` slots (a power of two), from the request amounts and
  /// the latency constraint (jobs asking the same amounts from different
  /// origins would otherwise evict each other's queries).
  @inline(__always)
  static func slot(of group: TaskGroup, latency: LatencyConstraint = .none, count: Int) -> Int {
    var h = UInt64(bitPattern: group.milliCPU) &* 0x9E37_79B9_7F4A_7C15 ^ latency.cheapHash
    h ^= UInt64(bitPattern: group.memoryMiB) &* 0xC2B2_AE3D_27D4_EB4F
    h ^= UInt64(UInt32(bitPattern: group.dpuCount)) &* 0x1656_67B1_9E37_79F9
    if let d = group.device {
      h ^= (UInt64(UInt32(bitPattern: d.count)) << 32 | UInt64(UInt32(bitPattern: d.milliPerDevice))) &* 0x27D4_EB2F_1656_67C5
    }
    h ^= h >> 29
    return Int(truncatingIfNeeded: h) & (count - 1)
  }

  /// Hashes only the request's amounts and the latency constraint's
  /// `cheapHash` (equality still compares every field): they tell the usual
  /// keys apart, and hashing the group's sets and strings on every
  /// placement cost more than the rare collisions.
  func hash(into h: inout Hasher) {
    h.combine(latency.cheapHash)
    h.combine(group.milliCPU)
    h.combine(group.memoryMiB)
    h.combine(group.dpuCount)
    h.combine(group.device?.count ?? -1)
    h.combine(group.device?.milliPerDevice ?? -1)
    h.combine(group.normalized?.tflops ?? -1)
  }
}

extension LatencyConstraint {
  /// A cheap hash of the constraint (FNV-1a over the origin's or ring's
  /// UTF-8 bytes, mixed with the bound): equal constraints hash equal, and
  /// it costs far less than hashing the string through `Hasher`.
  var cheapHash: UInt64 {
    func fnv(_ s: String) -> UInt64 {
      var h: UInt64 = 0xCBF2_9CE4_8422_2325
      for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
      return h
    }
    switch self {
    case .none: return 0
    case .bound(let origin, let maxMicros): return fnv(origin) ^ UInt64(bitPattern: maxMicros) &* 0xC2B2_AE3D_27D4_EB4F
    case .ring(let name): return fnv(name) &* 0x1656_67B1_9E37_79F9
    }
  }
}
