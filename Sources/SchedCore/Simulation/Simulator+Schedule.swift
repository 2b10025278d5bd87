extension Simulator {
  /// The dominant share of `tenant`: the largest of its running CPU, memory
  /// and device shares of cluster capacity (Dominant Resource Fairness).
  func dominantShare(_ tenant: String) -> Double {
    guard let u = tenantUse[tenant] else { return 0 }
    return max(Double(u.cpu) / metrics.capacityCPU, Double(u.mem) / metrics.capacityMemory,
               metrics.capacityDevice > 0 ? Double(u.dev) / metrics.capacityDevice : 0)
  }

  /// Queue order: effective (aged) priority rank, DRF dominant share,
  /// submit time, position.
  func ordered() -> [Int32] {
    let q = config.queue
    var keyed: [(rank: Int, share: Double, submit: Int64, i: Int32)] = []
    keyed.reserveCapacity(queue.count)
    var shares: [String: Double] = [:]
    for i in queue {
      let j = jobs[Int(i)]
      let share = shares[j.tenant] ?? dominantShare(j.tenant)
      shares[j.tenant] = share
      keyed.append((q.effectiveRank(j.priority, waited: now - j.submitMicros), share, j.submitMicros, i))
    }
    keyed.sort { a, b in
      if a.rank != b.rank { return a.rank < b.rank }
      if a.share != b.share { return a.share < b.share }
      if a.submit != b.submit { return a.submit < b.submit }
      return a.i < b.i
    }
    return keyed.map(\.i)
  }

  /// Whether starting job `i` keeps its tenant within quota (or may borrow).
  func withinQuota(_ i: Int, waitingTenants: Set<String>) -> Bool {
    let j = jobs[i]
    guard let quota = config.queue.quotas[j.tenant] else { return true }
    let u = tenantUse[j.tenant] ?? (0, 0, 0)
    var cpu: Int64 = 0, dev: Int64 = 0
    for g in j.groups {
      cpu += Int64(g.count) * g.milliCPU
      dev += Int64(g.count) * Int64(g.device?.count ?? 0) * Int64(g.device?.milliPerDevice ?? 0)
    }
    if u.cpu + cpu <= quota.maxMilliCPU && u.dev + dev <= quota.maxDeviceMilli { return true }
    return quota.borrowIdle && waitingTenants.subtracting([j.tenant]).isEmpty
  }

  /// One scheduling pass over the queue.
  mutating func schedule() {
    dirty = false
    guard !queue.isEmpty else { return }
    let order = ordered()
    let waitingTenants = Set(order.map { jobs[Int($0)].tenant })
    var startedSet = Set<Int32>()
    var head: Int = -1
    var shadowTime: Int64 = .max
    var shadow: PlacementEngine?
    var depth = 0
    for i32 in order {
      let i = Int(i32)
      guard withinQuota(i, waitingTenants: waitingTenants) else { continue }
      if head < 0 {
        switch engine.place(jobs[i], explain: false) {
        case .success(let d):
          start(i, d.allocation)
          startedSet.insert(i32)
          continue
        case .failure:
          if config.queue.preemption, preempt(for: i) {
            startedSet.insert(i32)
            continue
          }
          if config.queue.mode == .fcfs { break }
          head = i
          (shadowTime, shadow) = reservation(for: i)
          continue
        }
        break
      }
      // EASY backfill behind the blocked head.
      depth += 1
      if depth > config.queue.backfillDepth { break }
      let endsInTime = shadowTime != .max && now &+ jobs[i].estimatedMicros <= shadowTime
      guard case .success(let d) = engine.place(jobs[i], explain: false) else { continue }
      if endsInTime {
        start(i, d.allocation)
        startedSet.insert(i32)
        continue
      }
      // Otherwise it may run only on what the head does not need at its reservation.
      if shadow == nil {
        // The head cannot fit at any foreseeable time (e.g. its nodes are
        // down); nothing it could use is being held back for it.
        start(i, d.allocation)
        startedSet.insert(i32)
      } else if var sh = shadow, (try? sh.commit(d.allocation)) != nil {
        shadow = sh
        start(i, d.allocation)
        startedSet.insert(i32)
      } else {
        engine.release(jobID: jobs[i].id)
      }
    }
    if !startedSet.isEmpty { queue.removeAll { startedSet.contains($0) } }
  }

  /// The earliest time the blocked head fits, replaying running jobs'
  /// releases in order of estimated end, and the engine at that time with
  /// the head placed. `.max` and `nil` when it never fits (e.g. nodes down).
  func reservation(for head: Int) -> (Int64, PlacementEngine?) {
    var e = engine
    let ends = running.map { r -> (Int64, Int32) in
      let rr = run[Int(r)]
      return (max(now, rr.runStart &+ jobs[Int(r)].estimatedMicros), r)
    }.sorted { $0 < $1 }
    // Skip placement attempts until the freed CPU and device milli could cover the head.
    var needCPU: Int64 = 0, needDev: Int64 = 0
    for g in jobs[head].groups {
      needCPU += Int64(g.count) * g.milliCPU
      needDev += Int64(g.count) * Int64(g.device?.count ?? 0) * Int64(g.device?.milliPerDevice ?? 0)
    }
    var freeCPU = metrics.capacityCPUInt - metrics.allocatedCPU
    var freeDev = metrics.capacityDeviceInt - metrics.allocatedDevice
    var k = 0
    while k < ends.count {
      // Release every job ending at the same estimated time together.
      let t = ends[k].0
      while k < ends.count && ends[k].0 == t {
        if let a = e.release(jobID: jobs[Int(ends[k].1)].id) {
          for task in a.tasks {
            freeCPU += task.milliCPU
            freeDev += task.deviceMilli
          }
        }
        k += 1
      }
      if freeCPU >= needCPU && freeDev >= needDev, case .success = e.place(jobs[head], explain: false) {
        return (t, e)
      }
    }
    return (.max, nil)
  }

  /// Evicts the smallest set of lower-priority jobs (fewest tasks, then least
  /// lost work) that lets job `i` fit, never splitting a job (gangs stay
  /// whole), and starts `i`. Only system, online and production jobs preempt.
  mutating func preempt(for i: Int) -> Bool {
    let j = jobs[i]
    guard j.priority.rank <= PriorityClass.production.rank else { return false }
    var candidates: [(tasks: Int, lost: Double, r: Int32)] = []
    for r in running where jobs[Int(r)].priority.rank > j.priority.rank {
      guard let a = run[Int(r)].allocation else { continue }
      let elapsed = Double(now - run[Int(r)].runStart)
      let size = a.tasks.reduce(0.0) { $0 + Double($1.milliCPU) / 1000 + Double($1.deviceMilli) / 100 }
      candidates.append((a.tasks.count, elapsed * size, r))
    }
    guard !candidates.isEmpty else { return false }
    candidates.sort { ($0.tasks, $0.lost, $0.r) < ($1.tasks, $1.lost, $1.r) }
    // Grow a victim set in that order until the job fits (at most 16 victims).
    var e = engine
    var chosen: [Int32] = []
    var fits = false
    for c in candidates.prefix(16) {
      e.release(jobID: jobs[Int(c.r)].id)
      chosen.append(c.r)
      if case .success = e.place(j, explain: false) { fits = true; break }
    }
    guard fits else { return false }
    // Drop victims that turn out unnecessary, largest first.
    var k = chosen.count - 1
    while k >= 0 && chosen.count > 1 {
      var trial = engine
      for (n, v) in chosen.enumerated() where n != k { trial.release(jobID: jobs[Int(v)].id) }
      if case .success = trial.place(j, explain: false) { chosen.remove(at: k) }
      k -= 1
    }
    for v in chosen {
      stop(Int(v), finished: false)
      run[Int(v)].preemptions += 1
      preemptionEvents += 1
      requeue(Int(v))
    }
    guard case .success(let d) = engine.place(j, explain: false) else { return false }
    start(i, d.allocation)
    return true
  }
}
