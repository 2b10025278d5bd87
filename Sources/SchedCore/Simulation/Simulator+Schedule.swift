import HeapModule

extension Simulator {
  /// The dominant share of tenant `t`: the largest of its running CPU,
  /// memory and device shares of cluster capacity (Dominant Resource Fairness).
  func dominantShare(_ t: Int) -> Double {
    let u = tenantUse[t]
    return max(Double(u.cpu) / metrics.capacityCPU, Double(u.mem) / metrics.capacityMemory,
               metrics.capacityDevice > 0 ? Double(u.dev) / metrics.capacityDevice : 0)
  }

  /// A queued job's place in the order: effective (aged) priority rank,
  /// DRF dominant share, submit time, position.
  struct QueueKey: Comparable {
    var rank: Int
    var share: Double
    var submit: Int64
    /// Sequence number (submit order).
    var i: Int64

    static func < (a: QueueKey, b: QueueKey) -> Bool {
      if a.rank != b.rank { return a.rank < b.rank }
      if a.share != b.share { return a.share < b.share }
      if a.submit != b.submit { return a.submit < b.submit }
      return a.i < b.i
    }
  }

  /// A walk through the queue in scheduling order (see `JobQueue`): DRF
  /// shares and ages as of the start of the pass.
  ///
  /// - Complexity: O(buckets) to start, O(log buckets) per job taken.
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  func ordered() -> JobQueue.Walk {
    let q = config.queue
    var shares = tenantUse.indices.map { dominantShare($0) }
    if shares.isEmpty { shares = [0] }
    let now = self.now
    return queue.walk { rank, tenant, submit, seq in
      QueueKey(rank: q.effectiveRank(classRank: rank, waited: now - submit), share: shares[Int(tenant)],
               submit: submit, i: seq)
    }
  }

  /// Whether starting job `i` keeps its tenant within quota (or may borrow:
  /// no other tenant has jobs waiting).
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  func withinQuota(_ i: Int) -> Bool {
    let t = Int(slot[i].tenant)
    guard let quota = tenantQuota[t] else { return true }
    let u = tenantUse[t]
    var cpu: Int64 = 0, dev: Int64 = 0
    for g in jobs[i].groups {
      cpu += Int64(g.count) * g.milliCPU
      dev += Int64(g.count) * Int64(g.device?.count ?? 0) * Int64(g.device?.milliPerDevice ?? 0)
    }
    if u.cpu + cpu <= quota.maxMilliCPU && u.dev + dev <= quota.maxDeviceMilli { return true }
    return quota.borrowIdle && !queue.hasQueued(otherThan: slot[i].tenant)
      && !requeuedInPass.contains { slot[Int($0)].tenant != slot[i].tenant }
  }

  /// One scheduling pass over the queue.
  mutating func schedule() {
    dirty = false
    guard !queue.isEmpty else { return }
    counters.passes += 1
    var order = ordered()
    inPass = true
    defer {
      inPass = false
      for i in requeuedInPass { enqueue(Int(i)) }
      requeuedInPass.removeAll()
      queue.compact()
    }
    var head: Int = -1
    var reservation: Reservation?
    var depth = 0
    while let i32 = queue.next(&order) {
      let i = Int(i32)
      guard withinQuota(i) else { continue }
      if head < 0 {
        if knownToFail(i) {
          counters.skipped += 1
        } else {
          setShield(nil)  // a parked shield (see below) is given back first
          if case .success(let d) = placeCounted(i) {
            start(i, d)
            continue
          }
        }
        noteFailure(i)
        // A failed preemption search is retried after a minute of simulated time.
        if config.queue.preemption, slot[i].preemptFailedAt < 0 || now - Int64(slot[i].preemptFailedAt) >= 60_000_000 {
          setShield(nil)
          if preempt(for: i) {
            continue
          }
          slot[i].preemptFailedAt = Int(now)
        }
        if config.queue.mode == .fcfs { break }
        head = i
        continue
      }
      // EASY backfill behind the blocked head.
      depth += 1
      if depth > config.queue.backfillDepth { break }
      guard !knownToFail(i) else {
        counters.skipped += 1
        continue
      }
      if reservation == nil {
        if var c = cachedReservation, c.head == slot[head].seq {
          // Overdue: jobs that overran their estimate hold what the head
          // needs. A fresh replay would assume they end now and find the
          // head fitting now on the same releases, so the reservation moves
          // to now (no candidate then ends in time; the shield still applies).
          if c.reservation.time < now {
            cachedReservation = nil
            c.reservation.time = now
            c.reservation.computedAt = now
            // Usually the same jobs as at the last pass: the needs, and so the shield, stay.
            let same = overdueMatchesReleases(c.reservation)
            #if SCHEDCORE_INTERNAL_CHECKS
            precondition(same == Reservation.sameReleases(overdueReleasesOnHeadNodes(c.reservation), c.reservation.released),
                         "overdue releases misjudged for \(jobs[head].id)")
            #endif
            if !same { c.reservation.setReleases(overdueReleasesOnHeadNodes(c.reservation), state: engine.state) }
            cachedReservation = c
            reservationEpoch += 1
            if same, shieldCache?.epoch == reservationEpoch - 1 { shieldCache?.epoch = reservationEpoch }
            // Same needs, same shield: one held stays held (not given back
            // and taken again), and refusals under it stand.
            if same, shieldHeld, shieldEpoch == reservationEpoch - 1 {
              shieldEpoch = reservationEpoch
              #if SCHEDCORE_INTERNAL_CHECKS
              precondition(engine.allocation(shieldHandle) == c.reservation.shield,
                           "the held shield is not the overdue reservation's")
              #endif
            }
            if !same { shieldVersion += 1 }
          }
          reservation = c.reservation
          #if SCHEDCORE_INTERNAL_CHECKS
          // A kept reservation of a monotone head is at the time a
          // recomputation finds (its placement may differ: it stays valid).
          if c.counted != nil, c.reservation.head != nil, c.reservation.time > now {
            setShield(nil)
            let saved = counters
            let (fresh, _, _) = reserve(head)
            counters = saved
            precondition(fresh.time == c.reservation.time,
                         "\(jobs[head].id)'s kept reservation is not at the time a recomputation finds")
          }
          #endif
        } else {
          // Computed only once some candidate fits at all.
          setShield(nil)
          guard case .success(let d) = placeCounted(i) else {
            noteFailure(i)
            continue
          }
          engine.release(d.handle)
          let (r, usable, counted) = reserve(head)
          cachedReservation = (slot[head].seq, usable, r, counted)
          reservationEpoch += 1
          shieldVersion += 1
          reservation = r
        }
      }
      guard let r = reservation else { continue }
      let endsInTime = r.time != .max && now &+ jobs[i].estimatedMicros <= r.time
      if endsInTime || r.head == nil {
        // Ends (by estimate) before the head's reservation: anywhere will do.
        setShield(nil)
        guard case .success(let d) = placeCounted(i) else {
          noteFailure(i)
          continue
        }
        startBackfill(i, d)
        continue
      }
      // Runs past the reservation: it may not take what the head needs then.
      if config.skipKnownOutcomes, slot[i].refusedAt == (engineVersion, shieldVersion)
          || (slot[i].isMonotone && slot[i].refusedGainAt.epoch == shieldVersion
              && noGain(on: i, since: slot[i].refusedGainAt.gain)) {
        #if SCHEDCORE_INTERNAL_CHECKS
        // The skip must be exact: under the same shield the job still does not fit.
        if setShield(r), case .success = engine.place(jobs[i], explain: false, checkingID: false, scores: false, allOrNone: true) {
          preconditionFailure("\(jobs[i].id) skipped as refused, but it fits under the same shield")
        }
        #endif
        counters.skipped += 1
        continue
      }
      if setShield(r) {
        // The head's needs are held by a shield: whatever the search finds
        // leaves them free.
        if case .success(let d) = placeCounted(i) {
          #if SCHEDCORE_INTERNAL_CHECKS
          setShield(nil)
          precondition(r.stillFits(engine.state), "a shielded backfill delays the head")
          #endif
          startBackfill(i, d)
        } else {
          slot[i].refusedAt = (engineVersion, shieldVersion)
          if slot[i].isMonotone {
            slot[i].refusedGainAt = (capacityGain, shieldVersion)
            rememberUsableClasses(i)
          }
          counters.backfillRefusals += 1
        }
        continue
      }
      // No shield (the head's needs are not all free now): place, then check.
      guard case .success(let d) = placeCounted(i) else {
        noteFailure(i)
        continue
      }
      if r.stillFits(engine.state) {
        startBackfill(i, d)
      } else {
        engine.release(d.handle)
        slot[i].refusedAt = (engineVersion, shieldVersion)
        counters.backfillRefusals += 1
      }
    }
    // A held shield stays *parked* after the pass: the next pass uses it as
    // it is while its reservation stands (`setShield(r)` then changes
    // nothing), instead of giving it back now and taking it again then.
    // Whatever needs the true state gives it back first: head placements,
    // preemption, a new reservation, a candidate that ends in time, node
    // failures and recoveries, metric samples, the end of the run.
  }

  mutating func startBackfill(_ i: Int, _ d: PlacementDecision) {
    start(i, d, backfill: true)
    counters.backfillStarts += 1
  }

  /// Holds (`r` non-nil) or gives back (`nil`) the shield: a placeholder
  /// allocation of what the head's reservation needs free now, so backfill
  /// searches steer around it. Returns whether a shield is held; false when
  /// the needs cannot all be held now (the caller then checks each
  /// placement with `stillFits`).
  @discardableResult
  mutating func setShield(_ r: Reservation?) -> Bool {
    if shieldEpoch == reservationEpoch && r != nil { return shieldHeld }
    if shieldHeld {
      engine.release(shieldHandle)
      shieldHandle = AllocationHandle(-1)
    }
    shieldHeld = false
    shieldEpoch = -1
    guard let r else { return false }
    shieldEpoch = reservationEpoch
    if shieldCache?.epoch != reservationEpoch { shieldCache = (reservationEpoch, r.shield) }
    #if SCHEDCORE_INTERNAL_CHECKS
    precondition(shieldCache?.allocation == r.shield, "the shield changed within reservation epoch \(reservationEpoch)")
    #endif
    do {
      shieldHandle = try engine.commit(shieldCache?.allocation ?? r.shield, checkingID: false)
      shieldHeld = true
    } catch {
      shieldHeld = false
    }
    return shieldHeld
  }

  /// What running jobs past their estimated end hold on the head's nodes:
  /// the releases a replay at `now` would count by `now`.
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  func overdueReleasesOnHeadNodes(_ r: Reservation) -> [NodeID: [TaskAssignment]] {
    guard r.head != nil else { return [:] }
    var rel: [NodeID: [TaskAssignment]] = [:]
    for e in 0..<running.count where running.estimatedEnd[e] <= now {
      // The head's nodes are those with a need (sorted by node: bisected, not hashed).
      for t in heldTasks(Int(running.slots[e])) where r.needIndex(t.node) != nil {
        rel[t.node, default: []].append(t)
      }
    }
    return rel
  }

  /// Whether `overdueReleasesOnHeadNodes(r)` holds the same tasks per node
  /// as `r.released` (what `Reservation.sameReleases` says of the two),
  /// found without building it. When the overdue runs (slot and start
  /// generation: a running job's tasks never change) are those of the last
  /// match and the needs have not changed since (`shieldVersion` counts
  /// every change of a reservation's head or releases), they match again.
  /// Otherwise the overdue tasks are listed by where they are (slot, task)
  /// in a reused scratch list, grouped by node and compared as multisets.
  ///
  /// - Complexity: O(running jobs), plus O(overdue tasks × (log + per-node
  ///   count)) when the overdue runs or the needs changed
  mutating func overdueMatchesReleases(_ r: Reservation) -> Bool {
    guard r.head != nil else { return r.released.isEmpty }
    // No run became overdue or ended since the last match (see `overdueSetUntil`).
    let unchanged = overdueMatchedAt == shieldVersion && now < overdueSetUntil
    #if !SCHEDCORE_INTERNAL_CHECKS
    if unchanged { return true }
    #endif
    overdueRuns.removeAll(keepingCapacity: true)
    var until = Int64.max
    run.withUnsafeBufferPointer { runs in
      for e in 0..<running.count {
        let end = running.estimatedEnd[e]
        if end <= now {
          let slot = running.slots[e]
          overdueRuns.append(OverdueRun(slot: slot, generation: runs[Int(slot)].generation))
        } else if end < until {
          until = end
        }
      }
    }
    #if SCHEDCORE_INTERNAL_CHECKS
    // The same runs, perhaps in another order (stops move entries of the dense running list).
    func sorted(_ runs: [OverdueRun]) -> [OverdueRun] { runs.sorted { ($0.slot, $0.generation) < ($1.slot, $1.generation) } }
    precondition(!unchanged || sorted(overdueRuns) == sorted(overdueMatchedRuns),
                 "the overdue runs changed before \(overdueSetUntil)")
    #endif
    if overdueMatchedAt == shieldVersion && overdueRuns == overdueMatchedRuns {
      overdueSetUntil = until
      return true
    }
    // `sameReleases` needs equal node sets and per-node multisets; the
    // overdue lists are never empty, so an empty released list differs.
    var total = 0
    for list in r.released.values {
      if list.isEmpty { return false }
      total += list.count
    }
    overdueScratch.removeAll(keepingCapacity: true)
    for o in overdueRuns {
      let tasks = heldTasks(Int(o.slot))
      for k in tasks.indices where r.needIndex(tasks[k].node) != nil {
        if overdueScratch.count == total { return false }
        overdueScratch.append(OverdueTask(node: tasks[k].node, slot: o.slot, task: Int32(k)))
      }
    }
    guard overdueScratch.count == total else { return false }
    overdueScratch.sort { $0.node < $1.node }
    // Equal totals, no empty released list and every overdue node's count
    // matched: the node sets are equal too.
    var i = 0
    while i < overdueScratch.count {
      let n = overdueScratch[i].node
      var j = i + 1
      while j < overdueScratch.count && overdueScratch[j].node == n { j += 1 }
      guard let y = r.released[n], y.count == j - i,
            Reservation.sameTasks(overdueScratch[i..<j].map { heldTasks(Int($0.slot))[Int($0.task)] }, y)
      else { return false }
      i = j
    }
    swap(&overdueMatchedRuns, &overdueRuns)
    overdueMatchedAt = shieldVersion
    overdueSetUntil = until
    return true
  }

  /// The tasks slot `r`'s job holds (none when it holds nothing), read in
  /// place: `run[r].allocation` through the array's getter copies (and
  /// retains) the whole `JobRun`.
  @inline(__always)
  func heldTasks(_ r: Int) -> [TaskAssignment] {
    run.withUnsafeBufferPointer { $0[r].allocation?.tasks } ?? []
  }

  /// Whether job `i` is known to fail on the current state: it failed at
  /// this very state, or it is monotone and no capacity came back since.
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  func knownToFail(_ i: Int) -> Bool {
    guard config.skipKnownOutcomes else { return false }
    return slot[i].failedAt == engineVersion || (slot[i].isMonotone && noGain(on: i, since: slot[i].failedGainAt))
  }

  /// Whether no class job `i` may use gained capacity since the gain counter stood at `g`.
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  func noGain(on i: Int, since g: Int) -> Bool {
    if g < 0 { return false }
    if g == capacityGain { return true }
    guard let list = slot[i].usableClassList else { return false }
    for c in list where classGain[Int(c)] > g { return false }
    return true
  }

  mutating func rememberUsableClasses(_ i: Int) {
    guard slot[i].usableClassList == nil else { return }
    let usable = engine.usableClasses(for: jobs[i])
    slot[i].usableClassList = usable.indices.filter { usable[$0] }.map { Int32($0) }
  }

  mutating func placeCounted(_ i: Int) -> Result<PlacementDecision, Unschedulable> {
    counters.placements += 1
    // The job is lent from its slot, not copied out of it.
    let r = jobs.withUnsafeBufferPointer { engine.place($0[i], explain: false, checkingID: false, scores: false, allOrNone: true) }
    if case .failure = r { counters.placementFailures += 1 }
    return r
  }

  mutating func noteFailure(_ i: Int) {
    slot[i].failedAt = engineVersion
    slot[i].failedGainAt = capacityGain
    if slot[i].isMonotone { rememberUsableClasses(i) }
  }

  /// The head's reservation: replay running jobs' releases in order of
  /// estimated end on the engine itself to find the first end time at which
  /// the head fits, note its placement then and what was released on its
  /// nodes, then restore the engine exactly (re-committing every released
  /// allocation). The search gallops (1, 2, 4, … end times) and then bisects,
  /// so it makes O(log running) placement attempts; it finds the earliest
  /// time when fitting is monotone in released capacity.
  mutating func reserve(_ head: Int) -> (Reservation, usable: [Bool], counted: CountedHead?) {
    // Only running jobs holding a node the head may use (or named in its
    // anti-affinity) can change where and when it fits; the others stay put.
    counters.reservations += 1
    let usable = engine.usableClasses(for: jobs[head])
    let anti = Set(jobs[head].antiAffinity)
    let usableBits = Self.classBits(usable)
    // Distinct end times and the running jobs ending at each (those that can
    // make room), taken in order only as far as the search goes (it usually
    // stops after a few dozen). Jobs past their estimate are taken to end now.
    var order = EndOrder()
    order.reserveCapacity(running.count)
    for e in 0..<running.count where runningCanMakeRoom(e, usable: usable, usableBits: usableBits, anti: anti) {
      order.add(RunEnd(time: max(now, running.estimatedEnd[e]), seq: running.seq[e], slot: running.slots[e]))
    }
    var times: [Int64] = []
    var batches = SlotBatches()
    /// Takes batches until there are `k` (or none is left).
    func extend(to k: Int) {
      while times.count < k, let first = order.peek() {
        while let m = order.peek(), m.time == first.time {
          batches.slots.append(m.slot)
          order.take()
        }
        batches.close()
        times.append(first.time)
      }
    }
    var releasedBatches: [[(slot: Int32, allocation: Allocation)]] = []
    // State: the first `at` batches are released.
    var at = 0
    /// When set, the batches a replay releases instead (see below).
    var replayed: SlotBatches?
    func moveTo(_ target: Int, _ s: inout Simulator) {
      while at < target {
        var got: [(slot: Int32, allocation: Allocation)] = []
        for r in (replayed ?? batches)[at] {
          if let a = s.engine.releaseDeferringIndex(s.run[Int(r)].handle) { got.append((r, a)) }
        }
        releasedBatches.append(got)
        at += 1
      }
      while at > target {
        for (r, a) in (releasedBatches.popLast() ?? []).reversed() {
          do {
            let h = try s.engine.commitDeferringIndex(a)
            s.run[Int(r)].handle = h
          } catch {
            preconditionFailure("could not restore \(a.jobID): \(error)")
          }
        }
        at -= 1
      }
    }
    func fits(_ s: inout Simulator) -> Allocation? {
      s.counters.reservationProbes += 1
      if case .success(let d) = s.engine.place(s.jobs[head], explain: false, checkingID: false, scores: false, allOrNone: true) {
        s.engine.release(d.handle)
        return d.allocation
      }
      return nil
    }
    var lo = 0, hi = -1
    /// Gallops (1, 2, 4, … batches) with placement probes until the head
    /// fits, then bisects: `hi` becomes the fewest batches it fits with.
    func probeSearch(_ s: inout Simulator) {
      lo = 0
      hi = -1
      var step = 1
      while true {
        extend(to: lo + step)
        guard lo < times.count else { break }
        let probe = min(times.count, lo + step)
        moveTo(probe, &s)
        if fits(&s) != nil { hi = probe; break }
        lo = probe
        step *= 2
      }
      // Invariant: fails with `lo` batches released (or lo == 0 untested), fits with `hi`.
      while hi - lo > 1 {
        let mid = (lo + hi) / 2
        moveTo(mid, &s)
        if fits(&s) != nil { hi = mid } else { lo = mid }
      }
    }
    var counted = false
    var countedHead: CountedHead?
    /// The released tasks on nodes that can take a task of the head then (task counts only).
    var roomTasks: [TaskAssignment] = []
    if config.countsTasks && slot[head].isMonotone, let group = jobs[head].groups.first {
      // A monotone head fits exactly when the per-node task counts reach its
      // task count: walk the batches adding up what each releases, without
      // touching the engine. The probe below places it at the batch found.
      counted = true
      counters.countedReservations += 1
      let need = Int64(max(group.count, 0))
      let shapes = engine.taskShapes(of: group, of: jobs[head])
      taskCount.begin(shapes: shapes, cap: need, engine: engine)
      countedHead = CountedHead(slot: Int32(head), shapes: shapes, need: need, countBefore: need)
      var b = 0
      while true {
        extend(to: b + 1)
        guard b < times.count else { break }
        countedHead?.countBefore = taskCount.total  // what fits before this batch's end time
        for r in batches[b] {
          let tasks = heldTasks(Int(r))
          for k in tasks.indices {
            taskCount.release(tasks[k], classOf: engine.nodeClass(of: tasks[k].node), state: engine.state)
          }
        }
        b += 1
        if taskCount.total >= need {
          hi = b
          break
        }
      }
      #if SCHEDCORE_INTERNAL_CHECKS
      if hi > 1 {
        moveTo(hi - 1, &self)
        precondition(fits(&self) == nil, "task counts put \(jobs[head].id)'s reservation too late")
        moveTo(0, &self)
      }
      #endif
      // The replay for the probe releases only jobs holding a node that can
      // take a task then: on the others the head cannot go either way, and
      // placing it depends on nothing but the states of the nodes it can use.
      // Likewise the placement as if released needs only their tasks on such
      // nodes (tasks read in place: iterating would copy each task).
      var kept = SlotBatches()
      for k in 0..<max(hi, 0) {
        for r in batches[k] {
          let before = roomTasks.count
          heldTasks(Int(r)).withUnsafeBufferPointer { ts in
            for t in ts.indices where taskCount.hasRoom(ts[t].node) { roomTasks.append(ts[t]) }
          }
          if roomTasks.count > before { kept.slots.append(r) }
        }
        kept.close()
      }
      replayed = kept
      taskCount.end()
    } else {
      probeSearch(&self)
      if slot[head].isMonotone, let group = jobs[head].groups.first {
        let need = Int64(max(group.count, 0))
        countedHead = CountedHead(slot: Int32(head), shapes: nil, need: need, countBefore: need)
      }
    }
    var result = Reservation(time: .max, head: nil, released: [:], state: engine.state, computedAt: now)
    if hi > 0 {
      var found: Allocation?
      /// Whether `found` came from `placeAsIfReleased`: the releases are then
      /// the replayed jobs' (the engine released nothing).
      var asIfReleased = false
      if replayed != nil {
        // The head's placement then, without replaying through the index.
        switch engine.placeAsIfReleased(jobs[head], released: roomTasks) {
        case .placed(let h):
          counters.reservationProbes += 1
          found = h
          asIfReleased = true
        case .failed:
          counters.reservationProbes += 1
        case .unsupported:
          break
        }
        #if SCHEDCORE_INTERNAL_CHECKS
        if found != nil {
          moveTo(hi, &self)
          precondition(fits(&self) == found, "\(jobs[head].id) placed as if released differs from the replay")
          counters.reservationProbes -= 1
          moveTo(0, &self)
        }
        #endif
      }
      if found == nil {
        moveTo(hi, &self)
        found = fits(&self)
      }
      if found == nil && counted {
        // Cannot happen for a monotone head; should it, the probes decide.
        assertionFailure("task counts put \(jobs[head].id)'s reservation too early")
        moveTo(0, &self)
        replayed = nil
        asIfReleased = false
        probeSearch(&self)
        if hi > 0 {
          moveTo(hi, &self)
          found = fits(&self)
        }
      }
      if let h = found {
        // What the releases held on the head's nodes (ascending: bisected, not hashed).
        var nodes = h.tasks.map(\.node)
        nodes.sortAndRemoveDuplicates()
        var rel: [NodeID: [TaskAssignment]] = [:]
        rel.reserveCapacity(nodes.count)
        func take(_ tasks: [TaskAssignment]) {
          tasks.withUnsafeBufferPointer { ts in
            for t in ts.indices where nodes.sortedContains(ts[t].node) { rel[ts[t].node, default: []].append(ts[t]) }
          }
        }
        if asIfReleased {
          // Every released task on a head node is on a node with room then
          // (the head takes a task there), so `roomTasks` holds them all, in
          // the order of the replayed jobs' tasks.
          take(roomTasks)
          #if SCHEDCORE_INTERNAL_CHECKS
          let all = rel
          rel = [:]
          for k in 0..<hi { for r in replayed?[k] ?? [] { take(heldTasks(Int(r))) } }
          precondition(rel == all, "released tasks on \(jobs[head].id)'s nodes missed by the room filter")
          #endif
        } else {
          for batch in releasedBatches { for e in batch { take(e.allocation.tasks) } }
        }
        result = Reservation(time: times[hi - 1], head: h, released: rel, state: engine.state, computedAt: now)
      }
    }
    moveTo(0, &self)
    engine.flushIndex()
    return (result, usable, result.head != nil ? countedHead : nil)
  }

  /// The most tasks of a head (task shape per class `shapes`, at most `cap`
  /// per node) that `a`'s nodes of classes it may use (`usable`) could ever
  /// take, each node empty: a bound on what giving `a` back adds to the
  /// task counts at any time.
  ///
  /// - Complexity: O(tasks of `a` × (log + devices))
  func mostTasksGained(_ a: Allocation, shapes: [TaskShape?], usable: [Bool], cap: Int64) -> Int64 {
    var nodes = a.tasks.map(\.node)
    nodes.sortAndRemoveDuplicates()
    var gain: Int64 = 0
    for n in nodes {
      let c = engine.nodeClass(of: n)
      guard c < usable.count, usable[c], c < shapes.count, let shape = shapes[c] else { continue }
      let node = cluster.nodes[Int(n)]
      let devices = repeatElement(Int16(1000), count: Int(max(node.acceleratorCount, 0)))
      gain &+= TaskCountReplay.tasks(of: shape, cpu: node.milliCPU, mem: node.memoryMiB,
                                     dpu: Int64(node.dpu?.count ?? 0), devices: devices, cap: cap)
    }
    return gain
  }

  /// Whether a monotone head of `need` tasks (task shape per class
  /// `shapes`, usable classes `usable`) fits by per-node task counts at some running job's
  /// estimated end before `time`, once job `gone` (stopping, holding `a`)
  /// has given back what it holds: whether its early stop moves the head's
  /// reservation earlier, as a recomputation would; and the tasks the
  /// cluster could take at the last of those times (the most before
  /// `time`; capped at the head's count once reached). The end times are taken as a
  /// reservation's replay takes them now (jobs past their estimate end
  /// now); a parked shield counts as free (it holds nothing of a job's).
  ///
  /// - Complexity: O(running jobs + their released tasks × devices)
  mutating func releaseMovesHeadEarlier(need: Int64, shapes: [TaskShape?], usable: [Bool], before time: Int64,
                                        stopping gone: Int, _ a: Allocation) -> (moves: Bool, countBefore: Int64) {
    taskCount.begin(shapes: shapes, cap: need, engine: engine)
    defer { taskCount.end() }
    func give(_ tasks: [TaskAssignment]) {
      tasks.withUnsafeBufferPointer { ts in
        for t in ts.indices {
          taskCount.release(ts[t], classOf: engine.nodeClass(of: ts[t].node), state: engine.state)
        }
      }
    }
    if shieldHeld, let s = engine.allocation(shieldHandle) { give(s.tasks) }
    give(a.tasks)
    // The counts only grow as jobs end, so the head fits at some end time
    // before `time` exactly when some job that can make room ends before
    // then and the head fits once every such job has: one pass, in no
    // order. (Fitting now is not enough: a replay looks at end times only,
    // so with none before `time` it finds `time` again.)
    let usableBits = Self.classBits(usable)
    var endsBefore = false
    for e in 0..<running.count where Int(running.slots[e]) != gone && max(now, running.estimatedEnd[e]) < time
      && runningCanMakeRoom(e, usable: usable, usableBits: usableBits, anti: []) {
      endsBefore = true
      if taskCount.total < need { give(heldTasks(Int(running.slots[e]))) }
    }
    return (endsBefore && taskCount.total >= need, taskCount.total)
  }

  /// Whether stopping running entry `e` can change where a job fits: it
  /// holds a node of a class the job may use (`usable`, summarized in
  /// `usableBits` by `classBits`) or is named in the job's anti-affinity
  /// (`anti`). Stopping anything else frees nothing the job could take.
  /// With at most 64 classes the summaries decide alone; with more, a
  /// shared bit is checked against the allocation.
  @inline(__always)  // called in loops from mutating code: a call would copy the whole simulator
  func runningCanMakeRoom(_ e: Int, usable: [Bool], usableBits: UInt64, anti: Set<String>) -> Bool {
    let r = Int(running.slots[e])
    var holds = false
    if running.classBits[e] & usableBits != 0 {
      holds = usable.count <= 64
        || (run[r].allocation?.tasks.contains { usable[engine.nodeClass(of: $0.node)] } ?? false)
    }
    #if SCHEDCORE_INTERNAL_CHECKS
    precondition(holds == (run[r].allocation?.tasks.contains { usable[engine.nodeClass(of: $0.node)] } ?? false),
                 "the class summary of running job \(jobs[r].id) misjudges it")
    #endif
    return holds || (!anti.isEmpty && anti.contains(jobs[r].id))
  }

  /// The summary bits (see `RunningJobs.classBits`) of the classes set in `usable`.
  static func classBits(_ usable: [Bool]) -> UInt64 {
    var bits: UInt64 = 0
    for (c, u) in usable.enumerated() where u { bits |= RunningJobs.bit(ofClass: c) }
    return bits
  }

  /// How long a job whose preemption search past the 16 best victims
  /// failed waits before searching past them again (the 16 are searched at
  /// every retry, a minute apart): that search counts every candidate's tasks,
  /// and without this pause it would cost about 9 % of a 200,000-job EASY run
  /// (18 % under FCFS), where it never succeeds.
  static var widenRetryMicros: Int64 { 600_000_000 }

  /// Evicts a small set of lower-priority jobs (fewest tasks, then least
  /// lost work) that lets job `i` fit, never splitting a job (gangs stay
  /// whole), and starts `i`. Only system, online and production jobs preempt.
  /// Victims are chosen among the jobs that can make room: those holding a
  /// node of a class `i` may use, or named in its anti-affinity (evicting
  /// any other frees nothing `i` could take). Candidates are ordered by
  /// (tasks, lost work = run time so far × size, submit order); the victims
  /// are the shortest prefix of that order with which `i` fits — from the 16
  /// best candidates, or from all of them when those 16 are not enough (at
  /// most every `widenRetryMicros` per job) — less every victim found
  /// unnecessary (tried largest first); then, if two or more remain, the
  /// first candidate of the pool that alone frees enough with fewer tasks
  /// (or as many and less lost work) replaces them. So no victim can be
  /// spared (the set is inclusion-minimal), no single job would do better,
  /// and a job that could run by evicting candidates past the best 16 does
  /// within 10 minutes of simulated time. The set is not always the one of
  /// fewest tasks among all sets of two or more: finding that is a covering
  /// problem, exponential in the candidates.
  mutating func preempt(for i: Int) -> Bool {
    let j = jobs[i]
    guard j.priority.rank <= PriorityClass.production.rank else { return false }
    counters.preemptionSearches += 1
    let usable = engine.usableClasses(for: j)
    let anti = Set(j.antiAffinity)
    typealias Victim = (tasks: Int, lost: Double, seq: Int64, r: Int32)
    let usableBits = Self.classBits(usable)
    let rank = j.priority.rank
    var needCPU: Int64 = 0, needDev: Int64 = 0
    for g in j.groups {
      needCPU += Int64(g.count) * g.milliCPU
      needDev += Int64(g.count) * Int64(g.device?.count ?? 0) * Int64(g.device?.milliPerDevice ?? 0)
    }
    // What-if searches on the engine itself (releases deferred, then
    // restored exactly), not on a copy of it.
    /// Whether the job places now (taken back at once).
    func placesNow(_ s: inout Simulator) -> Bool {
      guard case .success(let d) = s.engine.place(j, explain: false, checkingID: false, scores: false, allOrNone: true) else { return false }
      s.engine.releaseDeferringIndex(d.handle)
      return true
    }
    /// Commits `released` back, last first (index upkeep deferred).
    func restore(_ released: [(slot: Int32, allocation: Allocation)], _ s: inout Simulator) {
      for (v, a) in released.reversed() {
        do {
          let h = try s.engine.commitDeferringIndex(a)
          s.run[Int(v)].handle = h
        } catch {
          preconditionFailure("could not restore \(a.jobID): \(error)")
        }
      }
    }
    func probeWithout(_ victims: ArraySlice<Int32>, _ s: inout Simulator) -> Bool {
      var released: [(slot: Int32, allocation: Allocation)] = []
      for v in victims {
        if let a = s.engine.releaseDeferringIndex(s.run[Int(v)].handle) { released.append((v, a)) }
      }
      let fits = placesNow(&s)
      restore(released, &s)
      return fits
    }
    // A monotone job fits exactly when the per-node task counts reach its
    // task count (see `TaskCountReplay`): counted without touching the engine.
    let counted = config.countsTasks && slot[i].isMonotone && j.groups.count == 1
    let need = Int64(max(j.groups.first?.count ?? 0, 0))
    let shapes = counted ? engine.taskShapes(of: j.groups[0], of: j) : []
    /// Counts with `victims` gone; returns the length of the shortest prefix
    /// of them with which the job fits, or nil.
    func countWithout(_ victims: ArraySlice<Int32>, _ s: inout Simulator) -> Int? {
      s.engine.flushIndex()  // so the engine can enumerate the nodes that may fit
      s.taskCount.begin(shapes: shapes, cap: need, engine: s.engine)
      defer { s.taskCount.end() }
      if s.taskCount.total >= need { return 0 }
      for (k, v) in victims.enumerated() {
        for t in s.heldTasks(Int(v)) {
          s.taskCount.release(t, classOf: s.engine.nodeClass(of: t.node), state: s.engine.state)
        }
        if s.taskCount.total >= need { return k + 1 }
      }
      return nil
    }
    func fitsWithout(_ victims: ArraySlice<Int32>, _ s: inout Simulator) -> Bool {
      guard counted else { return probeWithout(victims, &s) }
      let fits = countWithout(victims, &s) != nil
      #if SCHEDCORE_INTERNAL_CHECKS
      precondition(fits == probeWithout(victims, &s), "task counts misjudge preempting for \(j.id)")
      #endif
      return fits
    }
    if counted { counters.countedPreemptionSearches += 1 }
    // The victim pool: the 16 best candidates by (tasks, lost work, submit
    // order), kept sorted as they are met (a full sort of every running job
    // is not needed for them); if the job does not fit with all 16 gone and
    // there are more candidates, every candidate, sorted (a job needing a
    // whole node may find it only past many small jobs spread elsewhere).
    var limit = 16
    var chosen: [Int32] = []
    var ranked: [Victim] = []  // the pool the victims came from, in order
    while true {
      var best: [Victim] = []
      best.reserveCapacity(min(limit, running.count) + 1)
      var candidates = 0
      for e in 0..<running.count where running.rank[e] > rank {
        guard runningCanMakeRoom(e, usable: usable, usableBits: usableBits, anti: anti) else { continue }
        candidates += 1
        let r = running.slots[e]
        let x = Int(r)  // fields read one by one: copying the slot state would retain its arrays
        let v: Victim = (Int(slot[x].runTasks), Double(now - run[x].runStart) * slot[x].runSize, running.seq[e], r)
        if limit > 16 {
          best.append(v)
          continue
        }
        if best.count == limit, let last = best.last, (last.tasks, last.lost, last.seq) < (v.tasks, v.lost, v.seq) { continue }
        var k = best.count
        while k > 0 && (v.tasks, v.lost, v.seq) < (best[k - 1].tasks, best[k - 1].lost, best[k - 1].seq) { k -= 1 }
        best.insert(v, at: k)
        if best.count > limit { best.removeLast() }
      }
      if limit > 16 {
        // Whether the job fits with every candidate gone, before sorting them:
        // usually not (what blocks it is not theirs), and then that is the answer.
        let all = best.map(\.r)
        let allGone = counted ? countWithout(all[...], &self) != nil : probeWithout(all[...], &self)
        #if SCHEDCORE_INTERNAL_CHECKS
        precondition(!counted || allGone == probeWithout(all[...], &self), "task counts misjudge preempting for \(j.id)")
        #endif
        guard allGone else {
          engine.flushIndex()
          slot[i].widenFailedAt = Int(now)
          return false
        }
        best.sort { ($0.tasks, $0.lost, $0.seq) < ($1.tasks, $1.lost, $1.seq) }
      }
      guard !best.isEmpty else { return false }
      // A wider pool is left to try, and was not tried in the last 10 minutes.
      let wider = candidates > best.count
        && (slot[i].widenFailedAt < 0 || now - Int64(slot[i].widenFailedAt) >= Self.widenRetryMicros)
      let pool = best.map(\.r)
      // Necessary condition before any search: free capacity plus everything
      // the victims hold must cover the job's CPU and device milli.
      var haveCPU = metrics.capacityCPUInt - metrics.allocatedCPU
      var haveDev = metrics.capacityDeviceInt - metrics.allocatedDevice
      for v in pool {
        for t in heldTasks(Int(v)) {
          haveCPU += t.milliCPU
          haveDev += t.deviceMilli
        }
      }
      var fits = false
      chosen = []
      if haveCPU >= needCPU && haveDev >= needDev {
        // Grow the victim set in order until the job fits: the shortest
        // prefix of the pool that lets it fit.
        if counted {
          if let hi = countWithout(pool[...], &self) {
            chosen = Array(pool[..<hi])
            fits = true
          }
          #if SCHEDCORE_INTERNAL_CHECKS
          precondition(fits == probeWithout(pool[...], &self), "task counts misjudge preempting for \(j.id)")
          if fits {
            precondition(probeWithout(chosen[...], &self), "task counts misjudge preempting for \(j.id)")
            precondition(chosen.isEmpty || !probeWithout(pool[..<(chosen.count - 1)], &self),
                         "task counts misjudge preempting for \(j.id)")
          }
          #endif
        } else if slot[i].isMonotone {
          // Fitting only grows as victims are added: test the whole pool once,
          // then bisect (prefix 0 fails: the job just failed to place).
          if fitsWithout(pool[...], &self) {
            var lo = 0, hi = pool.count
            while hi - lo > 1 {
              let mid = (lo + hi) / 2
              if fitsWithout(pool[..<mid], &self) { hi = mid } else { lo = mid }
            }
            chosen = Array(pool[..<hi])
            fits = true
          }
        } else {
          // Each prefix probed in turn, growing the released set by one victim
          // per probe (the state with a prefix released does not depend on the
          // order of its releases), then everything restored.
          var released: [(slot: Int32, allocation: Allocation)] = []
          for v in pool {
            chosen.append(v)
            if let a = engine.releaseDeferringIndex(run[Int(v)].handle) { released.append((v, a)) }
            if placesNow(&self) {
              fits = true
              break
            }
          }
          restore(released, &self)
        }
      }
      if fits {
        ranked = best
        break
      }
      guard wider else {
        engine.flushIndex()
        return false
      }
      counters.widenedPreemptionSearches += 1
      limit = candidates
    }
    // Drop victims that turn out unnecessary, largest first.
    var k = chosen.count - 1
    while k >= 0 && chosen.count > 1 {
      var trial = chosen
      trial.remove(at: k)
      if fitsWithout(trial[...], &self) { chosen.remove(at: k) }
      k -= 1
    }
    // One job that beats the whole set (fewer tasks, or as many and less
    // lost work) and frees enough alone replaces it: the prefix can pass
    // over it (two 1-task jobs that ran briefly rank before a 1-task job
    // that ran longer but frees more). The pool is in order, so the first
    // that fits is the best such job. Rare: only when preempting succeeds
    // with two or more victims.
    if chosen.count > 1 {
      var tasks = 0, lost = 0.0
      for c in chosen {
        if let v = ranked.first(where: { $0.r == c }) {
          tasks += v.tasks
          lost += v.lost
        }
      }
      for v in ranked where !chosen.contains(v.r) {
        if v.tasks > tasks { break }
        guard v.tasks < tasks || v.lost < lost else { continue }
        if fitsWithout([v.r][...], &self) {
          counters.singleVictimPreemptions += 1
          chosen = [v.r]
          break
        }
      }
    }
    engine.flushIndex()
    for v in chosen {
      stop(Int(v), finished: false)
      run[Int(v)].preemptions += 1
      preemptionEvents += 1
      requeue(Int(v))
    }
    guard case .success(let d) = engine.place(j, explain: false, checkingID: false, scores: false, allOrNone: true) else { return false }
    start(i, d)
    return true
  }
}

/// A running job's estimated end, ordered by (time, submit order).
struct RunEnd: Comparable {
  var time: Int64
  var seq: Int64
  var slot: Int32
  static func < (a: RunEnd, b: RunEnd) -> Bool { (a.time, a.seq) < (b.time, b.seq) }
  static func == (a: RunEnd, b: RunEnd) -> Bool { (a.time, a.seq) == (b.time, b.seq) }
}

/// Running jobs' ends taken in ascending order, for a search that usually
/// stops after a few dozen of many (an EASY reservation): each time the
/// sorted prefix runs out, the next chunk (32, then doubling) is selected
/// from the rest by partitioning (quickselect) and sorted, instead of
/// heapifying every end up front.
///
/// - Complexity: O(n) per chunk plus O(c log c) to sort a chunk of c, for n ends
struct EndOrder {
  /// The ends added; `items[..<sorted]` are the smallest, ascending, and
  /// `items[..<next]` are taken.
  private var items: [RunEnd] = []
  private var sorted = 0
  private var next = 0

  mutating func reserveCapacity(_ n: Int) { items.reserveCapacity(n) }

  /// Adds an end (before the first `peek`).
  mutating func add(_ x: RunEnd) { items.append(x) }

  /// The smallest end not taken yet, if any.
  mutating func peek() -> RunEnd? {
    if next == sorted {
      guard sorted < items.count else { return nil }
      sortNextChunk()
    }
    return items[next]
  }

  /// Takes the end `peek` returned.
  mutating func take() { next += 1 }

  private mutating func sortNextChunk() {
    let start = sorted
    let end = min(items.count, start + max(32, start))
    items.withUnsafeMutableBufferPointer { all in
      let rest = UnsafeMutableBufferPointer(rebasing: all[start...])
      if end < all.count { Self.selectSmallest(end - start, in: rest) }
      var chunk = UnsafeMutableBufferPointer(rebasing: all[start..<end])
      if chunk.count <= 64 { Self.insertionSort(chunk) } else { chunk.sort() }
    }
    sorted = end
  }

  /// Sorts a short buffer in place (the standard sort, a merge sort, sets
  /// up a scratch buffer first).
  static func insertionSort(_ b: UnsafeMutableBufferPointer<RunEnd>) {
    guard b.count > 1 else { return }
    for k in 1..<b.count {
      let x = b[k]
      var j = k
      while j > 0 && x < b[j - 1] {
        b[j] = b[j - 1]
        j -= 1
      }
      b[j] = x
    }
  }

  /// Moves the `k` smallest of `b` (0 < k < b.count) to its front, in no
  /// particular order: quickselect with a median-of-three pivot; should it
  /// take too many rounds (adversarial orders), a sort finishes the job.
  static func selectSmallest(_ k: Int, in b: UnsafeMutableBufferPointer<RunEnd>) {
    var lo = 0, hi = b.count - 1  // the k-th smallest (index k - 1) lies in lo...hi
    var rounds = 0
    while lo < hi {
      rounds += 1
      if rounds > 64 {
        var r = UnsafeMutableBufferPointer(rebasing: b[lo...hi])
        r.sort()
        return
      }
      let mid = lo + (hi - lo) / 2
      if b[mid] < b[lo] { b.swapAt(mid, lo) }
      if b[hi] < b[lo] { b.swapAt(hi, lo) }
      if b[hi] < b[mid] { b.swapAt(hi, mid) }
      let pivot = b[mid]
      // Hoare partition: lo...j ≤ pivot ≤ j+1...hi.
      var i = lo - 1, j = hi + 1
      while true {
        repeat { i += 1 } while b[i] < pivot
        repeat { j -= 1 } while pivot < b[j]
        if i >= j { break }
        b.swapAt(i, j)
      }
      if k - 1 <= j { hi = j } else { lo = j + 1 }
    }
  }
}

/// Running jobs' slots in batches (those ending at one time), flattened:
/// one array for all batches instead of one per batch.
struct SlotBatches {
  var slots: [Int32] = []
  /// Per batch: where it ends in `slots` (it starts where the last one ended).
  var ends: [Int] = []

  var count: Int { ends.count }

  /// Batch `k`'s slots.
  subscript(k: Int) -> ArraySlice<Int32> { slots[(k == 0 ? 0 : ends[k - 1])..<ends[k]] }

  /// Ends the batch being appended to `slots`.
  mutating func close() { ends.append(slots.count) }
}

/// A blocked head's EASY reservation: when it fits (by running jobs'
/// estimated ends), where it would go, and what will have been released on
/// those nodes by then.
struct Reservation {
  var time: Int64
  var head: Allocation?
  /// Per node of the head's placement: what must be free *now* for the head
  /// to fit there at `time` — its request less what running jobs release on
  /// that node by then — and the reserved cores not released by then.
  var needs: [NodeNeed] = []

  struct NodeNeed {
    var node: NodeID
    var milliCPU: Int64 = 0
    var memoryMiB: Int64 = 0
    var dpuUnits: Int64 = 0
    /// Device index → milli.
    var devices: [Int64] = []
    /// Ascending.
    var coresFreeNow = CoreList.empty
  }

  /// When it was computed: running jobs whose estimated end had passed
  /// were assumed to end then.
  var computedAt: Int64 = 0
  /// What running jobs release on the head's nodes by `time`.
  var released: [NodeID: [TaskAssignment]] = [:]

  init(time: Int64, head: Allocation?, released: [NodeID: [TaskAssignment]], state: ClusterState,
       computedAt: Int64) {
    self.time = time
    self.head = head
    self.released = released
    self.computedAt = computedAt
    computeNeeds(state)
  }

  /// Whether a running job with estimated end `end` was assumed, in the
  /// replay, to have released everything by `time`.
  func releasesInTime(estimatedEnd end: Int64) -> Bool {
    time != .max && max(computedAt, end) <= time
  }

  /// Takes a job that was to release by `time` but stopped already out of
  /// the releases: what it held on the head's nodes is free now and must
  /// stay free.
  mutating func forgetRelease(of a: Allocation, state: ClusterState) {
    for t in a.tasks {
      guard var list = released[t.node], let k = list.firstIndex(of: t) else { continue }
      list.remove(at: k)
      released[t.node] = list
      refreshNeed(of: t.node, state)
    }
  }

  /// Adds a job that started after the reservation was computed and ends
  /// by `time` to the releases on the head's nodes.
  mutating func addRelease(of a: Allocation, state: ClusterState) {
    for t in a.tasks where needIndex(t.node) != nil {
      released[t.node, default: []].append(t)
      refreshNeed(of: t.node, state)
    }
  }

  /// Whether `a` and `b` hold the same releases per node, in any order
  /// (the needs do not depend on the order).
  ///
  /// - Complexity: O(Σ releases per node²), a handful each
  static func sameReleases(_ a: [NodeID: [TaskAssignment]], _ b: [NodeID: [TaskAssignment]]) -> Bool {
    guard a.count == b.count else { return false }
    for (n, x) in a {
      guard let y = b[n], sameTasks(x, y) else { return false }
    }
    return true
  }

  /// Whether `x` and `y` hold the same tasks, in any order.
  ///
  /// - Complexity: O(n²), n a handful
  static func sameTasks(_ x: [TaskAssignment], _ y: [TaskAssignment]) -> Bool {
    guard x.count == y.count else { return false }
    if x == y { return true }
    for t in x where x.lazy.filter({ $0 == t }).count != y.lazy.filter({ $0 == t }).count { return false }
    return true
  }

  mutating func setReleases(_ r: [NodeID: [TaskAssignment]], state: ClusterState) {
    released = r
    computeNeeds(state)
  }

  /// The position of node `n` in `needs` (sorted by node), if the head uses it.
  func needIndex(_ n: NodeID) -> Int? {
    var lo = 0, hi = needs.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if needs[mid].node < n { lo = mid + 1 } else { hi = mid }
    }
    return lo < needs.count && needs[lo].node == n ? lo : nil
  }

  mutating func refreshNeed(of n: NodeID, _ state: ClusterState) {
    guard let k = needIndex(n), let head else { return }
    let tasks = head.tasks
    needs[k] = need(of: n, tasks: tasks.indices.lazy.filter { tasks[$0].node == n }, of: tasks, state)
  }

  /// Recomputes every node's need.
  ///
  /// - Complexity: O(head tasks × log + releases)
  mutating func computeNeeds(_ state: ClusterState) {
    needs = []
    guard let head else { return }
    // The head's tasks grouped by node, nodes ascending (tasks in order).
    let tasks = head.tasks
    let order = tasks.indices.sorted { (tasks[$0].node, $0) < (tasks[$1].node, $1) }
    needs.reserveCapacity(order.count)
    var k = 0
    while k < order.count {
      let n = tasks[order[k]].node
      var e = k + 1
      while e < order.count && tasks[order[e]].node == n { e += 1 }
      needs.append(need(of: n, tasks: order[k..<e], of: tasks, state))
      k = e
    }
  }

  /// What node `n` must have free now for the head's tasks `which` (indices
  /// into `tasks`) there at `time`. The cores are listed ascending.
  ///
  /// - Complexity: O(tasks and releases on `n` × (devices + cores) + core words)
  func need<S: Sequence>(of n: NodeID, tasks which: S, of tasks: [TaskAssignment], _ state: ClusterState) -> NodeNeed
    where S.Element == Int {
    let releases = released[n] ?? []
    let ndev = state.devices(of: n).count
    var cpu: Int64 = 0, mem: Int64 = 0, dpu: Int64 = 0
    var coreCount = 0
    // Tasks and releases read in place (iterating copies each task).
    let devices: [Int64] = tasks.withUnsafeBufferPointer { ts in
      releases.withUnsafeBufferPointer { rs in
        .building(capacity: ndev) { dev in
          dev.initialize(repeating: 0)
          for t in which {
            cpu += ts[t].milliCPU; mem += ts[t].memoryMiB; dpu += Int64(ts[t].dpuUnits)
            ts[t].deviceList.forEach { d in if d.index >= 0 && Int(d.index) < ndev { dev[Int(d.index)] += Int64(d.milli) } }
            coreCount += ts[t].coreList.count
          }
          for r in rs.indices {
            cpu -= rs[r].milliCPU; mem -= rs[r].memoryMiB; dpu -= Int64(rs[r].dpuUnits)
            rs[r].deviceList.forEach { d in if d.index >= 0 && Int(d.index) < ndev { dev[Int(d.index)] -= Int64(d.milli) } }
          }
          return ndev
        }
      }
    }
    var need = NodeNeed(node: n, milliCPU: cpu, memoryMiB: mem, dpuUnits: dpu, devices: devices)
    guard coreCount > 0 else { return need }
    // The head's cores less the released ones, as bit sets over the node's
    // cores (no hashing), a word at a time for cores held as bit words. A
    // core id outside the bitmap cannot be in a committed allocation;
    // should one come, it is kept.
    let words = max(1, state.coreWords)
    need.coresFreeNow = withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { bits in
      bits.initialize(repeating: 0)
      var outside: [Int32] = []
      /// Sets (or, with `clear`, clears) the bits of `cores`.
      func mark(_ cores: CoreList, clear: Bool) {
        if let (b, w) = cores.words, (0..<4).allSatisfy({ CoreList.word($0, of: w) == 0 || b + $0 < words }) {
          for k in 0..<4 where CoreList.word(k, of: w) != 0 {
            if clear { bits[b + k] &= ~CoreList.word(k, of: w) } else { bits[b + k] |= CoreList.word(k, of: w) }
          }
          return
        }
        cores.forEach { c in
          if c >= 0 && Int(c) >> 6 < words {
            if clear { bits[Int(c) >> 6] &= ~(1 << UInt64(c & 63)) } else { bits[Int(c) >> 6] |= 1 << UInt64(c & 63) }
          } else if !clear {
            outside.append(c)
          }
        }
      }
      tasks.withUnsafeBufferPointer { ts in
        for t in which { mark(ts[t].coreList, clear: false) }
      }
      releases.withUnsafeBufferPointer { rs in
        for r in rs.indices { mark(rs[r].coreList, clear: true) }
      }
      let held = CoreList(bits: UnsafeBufferPointer(bits))
      guard !outside.isEmpty else { return held }
      return CoreList((held.array + outside).sorted())
    }
    return need
  }

  /// The id of the shield allocation (not a valid job id in any input format).
  static let shieldID = "\u{1}easy-reservation-shield"

  /// What must stay free now, as an allocation the engine can hold.
  var shield: Allocation {
    var tasks: [TaskAssignment] = []
    tasks.reserveCapacity(needs.count)
    for k in needs.indices {
      let devices = DeviceList(needs[k].devices.withUnsafeBufferPointer { dev in
        [DeviceShare].building(capacity: dev.count) { out in
          var w = 0
          for (d, m) in dev.enumerated() where m > 0 {
            out[w] = DeviceShare(index: Int32(d), milli: Int32(clamping: m))
            w += 1
          }
          return w
        }
      })
      let cpu = max(needs[k].milliCPU, 0, Int64(needs[k].coresFreeNow.count) * 1000)
      let t = TaskAssignment(node: needs[k].node, milliCPU: cpu, memoryMiB: max(0, needs[k].memoryMiB),
                             dpuUnits: Int32(clamping: max(0, needs[k].dpuUnits)), deviceList: devices,
                             coreList: needs[k].coresFreeNow)
      if t.milliCPU > 0 || t.memoryMiB > 0 || t.dpuUnits > 0 || !t.deviceList.isEmpty { tasks.append(t) }
    }
    return Allocation(jobID: Self.shieldID, tasks: tasks)
  }

  /// Whether the head's reserved placement still fits at `time` on the
  /// current state plus the releases: every capacity dimension, every
  /// reserved device and every reserved core.
  ///
  /// - Complexity: O(reserved nodes × (devices + reserved cores))
  func stillFits(_ state: ClusterState) -> Bool {
    for need in needs {
      let n = need.node
      guard state.freeMilliCPU(n) >= need.milliCPU, state.freeMemoryMiB(n) >= need.memoryMiB,
            Int64(state.freeDPUs(n)) >= need.dpuUnits else { return false }
      let free = state.devices(of: n)
      for (k, m) in need.devices.enumerated() where m > 0 && Int64(free[free.startIndex + k]) < m { return false }
      var allFree = true
      need.coresFreeNow.forEach { c in if allFree && !state.isCoreFree(n, c) { allFree = false } }
      if !allFree { return false }
    }
    return true
  }
}

