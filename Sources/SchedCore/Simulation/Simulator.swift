import HeapModule

/// The discrete-event simulator: arrivals, starts, completions (actual run
/// times), optional node failures and recoveries, and a scheduling pass
/// after each batch of same-time events. Integer microseconds throughout;
/// the same seed gives the same result.
public struct Simulator {
  struct Event: Comparable {
    var time: Int64
    /// Within a time: completions (0), recoveries (1), failures (2), arrivals (3), samples (4).
    var kind: UInt8
    var seq: Int64
    var a: Int32
    var generation: Int32

    static func < (l: Event, r: Event) -> Bool {
      (l.time, l.kind, l.seq) < (r.time, r.kind, r.seq)
    }
  }

  struct JobRun {
    var phase: JobPhase = .pending
    var firstStart: Int64 = -1
    var runStart: Int64 = 0
    var end: Int64 = -1
    var generation: Int32 = 0
    var preemptions = 0
    var requeues = 0
    var queuedSince: Int64 = 0
    var rejectReason: String?
    var allocation: Allocation?
  }

  let cluster: Cluster
  let jobs: [Job]
  let config: SimulationConfig
  var engine: PlacementEngine
  var idle: PlacementEngine
  var events = Heap<Event>()
  var seq: Int64 = 0
  var run: [JobRun]
  var queue: JobQueue
  /// Jobs requeued during a scheduling pass (preemption victims): they
  /// join the queue after the pass, which looks only at jobs queued when it began.
  var requeuedInPass: [Int32] = []
  var inPass = false
  var running: Set<Int32> = []
  var now: Int64 = 0
  var rng: SeededGenerator
  var usage: [UsageRecord] = []
  var metrics: MetricsRecorder
  var eventCount = 0
  var counters = SchedulerCounters()
  var preemptionEvents = 0
  var failureRequeues = 0
  var nodeFailures = 0
  /// Tenants by first appearance, each job's tenant index, and what each
  /// tenant's running jobs hold.
  let tenantNames: [String]
  let tenantOf: [Int32]
  var tenantUse: [(cpu: Int64, mem: Int64, dev: Int64)]
  /// Per tenant: its quota, if any (indexed like `tenantNames`).
  let tenantQuota: [TenantQuota?]
  var dirty = true
  var arrived = 0
  /// Index in `jobs` of the next job to arrive.
  var nextArrival = 0
  /// Job shapes that fit on the idle cluster (see `arrive`).
  var fitsIdle: Set<IdleShape> = []
  /// Bumped whenever the engine's state changes (start, stop, node down/up):
  /// a job that failed to place at the current version is not retried.
  var engineVersion = 0
  var failedAt: [Int]
  /// Bumped whenever capacity is given back (a stop, a node recovery);
  /// `classGain[c]` is its value at the last gain on a node of class `c`. A
  /// job whose outcome is monotone in free capacity (see `isMonotone`) that
  /// failed when the counter stood at g still fails while no class it may use
  /// gained since: only starts happened there, and they only take capacity.
  var capacityGain = 0
  var classGain: [Int]
  var failedGainAt: [Int]
  /// Per job, the node classes it may use (computed at its first failure).
  var usableClassList: [[Int32]?]
  /// Per job: whether its placement succeeds exactly when every task fits
  /// by the per-node task counts, which only shrink as other jobs start.
  let isMonotone: [Bool]
  /// A backfill candidate refused by the head's reservation is not tried
  /// again while neither the state (`engineVersion`) nor the reservation
  /// (`reservationEpoch`) changed: the same placement would be refused again.
  var refusedAt: [(version: Int, epoch: Int)]
  /// For monotone jobs: the gain counter and reservation at the last
  /// refusal under the shield (the shield is the same for one reservation).
  var refusedGainAt: [(gain: Int, epoch: Int)]
  var reservationEpoch = 0
  /// Whether the EASY shield (see `setShield`) is held, and for which reservation.
  var shieldHeld = false
  var shieldEpoch = -1
  var preemptFailedAt: [Int]
  /// The last head's reservation and the node classes it may use. Dropped
  /// by every change that can move it: a stop, or a start other than a
  /// backfill (backfills are checked not to), on a node of a usable class;
  /// any node failure or recovery. Changes elsewhere leave the head's
  /// placement, and so its reservation, exactly as they were.
  var cachedReservation: (head: Int, usable: [Bool], reservation: Reservation)?

  /// Runs `jobs` on `cluster` and returns every metric.
  ///
  /// - Complexity: roughly O(events × (placement + queue scan)); see Docs/Simulation.md.
  public static func run(cluster: Cluster, jobs: [Job], config: SimulationConfig,
                         progress: ((_ events: Int, _ now: Int64) -> Void)? = nil) -> SimulationResult {
    let clock = ContinuousClock()
    let start = clock.now
    var s = Simulator(cluster: cluster, jobs: jobs, config: config)
    s.loop(progress: progress)
    s.closeOpenIntervals()
    let wall = clock.now - start
    return s.result(wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
  }

  init(cluster: Cluster, jobs: [Job], config: SimulationConfig) {
    self.cluster = cluster
    // Stable order by submit time. Already sorted input (the generator's,
    // most trace files) is shared, not copied.
    let ordered: [Job]
    if zip(jobs, jobs.dropFirst()).allSatisfy({ $0.submitMicros <= $1.submitMicros }) {
      ordered = jobs
    } else {
      ordered = jobs.indices.sorted { (jobs[$0].submitMicros, $0) < (jobs[$1].submitMicros, $1) }.map { jobs[$0] }
    }
    self.jobs = ordered
    self.config = config
    var target = config.target
    if target.types.isEmpty {
      target = TargetWorkload.build(from: ordered.prefix(20_000).flatMap { j in
        j.groups.map {
          TargetWorkload.Sample(milliCPU: $0.milliCPU, deviceCount: $0.device?.count ?? 0,
                                milliPerDevice: $0.device?.milliPerDevice ?? 0, models: $0.device?.models ?? [])
        }
      }, coverage: config.profile.fgdCoverage, catalog: cluster.catalog)
    }
    engine = PlacementEngine(cluster: cluster, profile: config.profile, target: target)
    idle = PlacementEngine(cluster: cluster, profile: .single(.firstFit))
    run = Array(repeating: JobRun(), count: ordered.count)
    var tenantIDs: [String: Int32] = [:]
    var names: [String] = []
    tenantOf = ordered.map { j in
      if let t = tenantIDs[j.tenant] { return t }
      tenantIDs[j.tenant] = Int32(names.count)
      names.append(j.tenant)
      return Int32(names.count - 1)
    }
    tenantNames = names
    tenantUse = Array(repeating: (0, 0, 0), count: names.count)
    tenantQuota = names.map { config.queue.quotas[$0] }
    queue = JobQueue(jobs: ordered.count, tenants: names.count)
    failedAt = Array(repeating: -1, count: ordered.count)
    failedGainAt = Array(repeating: -1, count: ordered.count)
    refusedAt = Array(repeating: (-1, -1), count: ordered.count)
    refusedGainAt = Array(repeating: (-1, -1), count: ordered.count)
    usableClassList = Array(repeating: nil, count: ordered.count)
    classGain = Array(repeating: 0, count: engine.core.classes.count)
    isMonotone = ordered.map(Self.isMonotone)
    preemptFailedAt = Array(repeating: -1, count: ordered.count)
    rng = SeededGenerator(seed: config.seed)
    metrics = MetricsRecorder(cluster: cluster, target: target)
    // One usage record per task run: reserve once instead of regrowing.
    usage.reserveCapacity(ordered.reduce(0) { $0 + $1.taskCount })
    let first = ordered.first.map { max(0, $0.submitMicros) } ?? 0
    push(Event(time: first, kind: 4, seq: 0, a: 0, generation: 0))
    if let f = config.failures, !cluster.nodes.isEmpty {
      // Cluster-wide failure process: rate = nodes / MTBF.
      let mean = Double(f.mtbfMicros) / Double(cluster.nodes.count)
      push(Event(time: first + exponential(mean), kind: 2, seq: 0, a: -1, generation: 0))
    }
  }

  /// Whether `job`'s placement is monotone in free capacity: one task
  /// group of identical tasks with no same-site, spread or anti-affinity
  /// rule, each task taking whole devices or a share of one. Each placed task
  /// then lowers the number of tasks its node could still take by exactly
  /// one in every dimension, so the greedy search places all tasks exactly
  /// when the cluster-wide count is enough, and that count never grows
  /// while other jobs only start.
  static func isMonotone(_ job: Job) -> Bool {
    guard job.groups.count == 1, let g = job.groups.first, job.antiAffinity.isEmpty,
          !g.sameSite, g.spreadSites <= 1 else { return false }
    if let d = g.device, d.count > 1, d.milliPerDevice < 1000 { return false }
    return true
  }

  mutating func push(_ e: Event) {
    var e = e
    seq += 1
    e.seq = seq
    events.insert(e)
  }

  mutating func exponential(_ mean: Double) -> Int64 {
    let u = max(rng.unit(), 1e-12)
    let v = -mean * _log(u)
    return v.isFinite ? Int64(min(v, 9e15)) : 0
  }

  var horizon: Int64 { config.horizonMicros ?? .max }

  /// The next arrival: jobs are sorted by submit time, so arrivals are read
  /// in order from `jobs` instead of sitting in the event heap (which then
  /// holds only what runs, samples and failures: O(running), not O(jobs)).
  var pendingArrival: Event? {
    guard nextArrival < jobs.count else { return nil }
    return Event(time: max(0, jobs[nextArrival].submitMicros), kind: 3, seq: 0, a: Int32(nextArrival),
                 generation: 0)
  }

  /// The earliest event, arrivals included. Arrivals are the only events of
  /// kind 3, so (time, kind) orders them against the heap exactly as when
  /// they were in it.
  mutating func popEvent() -> Event? {
    if let a = pendingArrival, events.min.map({ ($0.time, $0.kind) > (a.time, a.kind) }) ?? true {
      nextArrival += 1
      return a
    }
    return events.popMin()
  }

  var nextEventTime: Int64? {
    switch (events.min?.time, pendingArrival?.time) {
    case let (h?, a?): return min(h, a)
    case let (h, a): return h ?? a
    }
  }

  mutating func loop(progress: ((Int, Int64) -> Void)?) {
    while let e = popEvent() {
      if e.time > horizon { break }
      now = e.time
      handle(e)
      eventCount += 1
      // Drain everything else at this instant before one scheduling pass.
      while nextEventTime == now, let next = popEvent() {
        handle(next)
        eventCount += 1
      }
      if dirty { schedule() }
      if config.checkInvariants { checkInvariants() }
      if let progress, eventCount % 4096 == 0 { progress(eventCount, now) }
      let remaining = arrived < jobs.count || queuedCount > 0 || !running.isEmpty
      if !remaining && events.min.map({ $0.kind == 4 || $0.kind == 2 || $0.kind == 1 }) ?? true {
        metrics.sample(at: now, queueLength: 0, engine: engine)
        break
      }
    }
    if now < horizon, horizon != .max { now = horizon }
  }

  mutating func handle(_ e: Event) {
    switch e.kind {
    case 0: complete(Int(e.a), generation: e.generation)
    case 1: recover(NodeID(e.a))
    case 2: fail()
    case 3: arrive(Int(e.a))
    default:
      metrics.sample(at: now, queueLength: queuedCount, engine: engine)
      push(Event(time: now + config.sampleStepMicros, kind: 4, seq: 0, a: 0, generation: 0))
    }
  }

  // MARK: Events

  /// What a job's fit on the idle cluster depends on: its groups (names
  /// aside), latency rule and price ceiling (anti-affinity names jobs, and
  /// the idle cluster runs none).
  struct IdleShape: Hashable {
    var groups: [TaskGroup]
    var latency: LatencyConstraint
    var ceiling: Money?

    init(_ job: Job) {
      groups = job.groups.map { var g = $0; g.name = ""; return g }
      latency = job.latency
      ceiling = job.priceCeiling
    }
  }

  mutating func arrive(_ i: Int) {
    arrived += 1
    // Reject what could never run, even on the idle cluster; shapes known
    // to fit there are not placed again.
    let shape = IdleShape(jobs[i])
    let fits: Result<Void, Unschedulable>
    if fitsIdle.contains(shape) {
      fits = .success(())
    } else {
      switch idle.place(jobs[i]) {
      case .success:
        idle.release(jobID: jobs[i].id)
        fitsIdle.insert(shape)
        fits = .success(())
      case .failure(let why):
        fits = .failure(why)
      }
    }
    switch fits {
    case .success:
      run[i].phase = .queued
      run[i].queuedSince = now
      enqueue(i)
      dirty = true
    case .failure(let why):
      run[i].phase = .rejected
      run[i].rejectReason = why.explanation.description
    }
  }

  mutating func complete(_ i: Int, generation: Int32) {
    guard run[i].phase == .running, run[i].generation == generation else { return }
    stop(i, finished: true)
    dirty = true
  }

  mutating func fail() {
    if let f = config.failures {
      let mean = Double(f.mtbfMicros) / Double(cluster.nodes.count)
      push(Event(time: now + max(1, exponential(mean)), kind: 2, seq: 0, a: -1, generation: 0))
      let n = NodeID(rng.below(UInt64(cluster.nodes.count)))
      guard !engine.state.isDown(n) else { return }
      nodeFailures += 1
      for id in engine.jobs(on: n) {
        if let i = jobIndex[id] {
          stop(i, finished: false)
          run[i].requeues += 1
          failureRequeues += 1
          requeue(i)
        }
      }
      engine.setNodeDown(n, true)
      engineVersion += 1
      cachedReservation = nil
      push(Event(time: now + max(1, exponential(Double(f.mttrMicros))), kind: 1, seq: 0, a: n, generation: 0))
      dirty = true
    }
  }

  mutating func recover(_ n: NodeID) {
    engine.setNodeDown(n, false)
    engineVersion += 1
    capacityGain += 1
    classGain[engine.nodeClass(of: n)] = capacityGain
    cachedReservation = nil
    dirty = true
  }

  var jobIndex: [String: Int] {
    mutating get {
      if _jobIndex.isEmpty {
        for (i, j) in jobs.enumerated() where _jobIndex[j.id] == nil { _jobIndex[j.id] = i }
      }
      return _jobIndex
    }
  }
  var _jobIndex: [String: Int] = [:]

  // MARK: Starting and stopping

  mutating func start(_ i: Int, _ a: Allocation, backfill: Bool = false) {
    engineVersion += 1
    if !backfill { invalidateReservation(starting: i, a) }
    run[i].phase = .running
    run[i].allocation = a
    run[i].runStart = now
    if run[i].firstStart < 0 { run[i].firstStart = now }
    run[i].generation += 1
    if queue.contains(Int32(i)) { queue.remove(Int32(i)) }
    running.insert(Int32(i))
    metrics.started(a, job: jobs[i])
    addUse(i, a, sign: 1)
    let end = now &+ max(0, jobs[i].actualMicros)
    push(Event(time: end, kind: 0, seq: 0, a: Int32(i), generation: run[i].generation))
  }

  mutating func stop(_ i: Int, finished: Bool) {
    guard let a = run[i].allocation else { return }
    engineVersion += 1
    capacityGain += 1
    for t in a.tasks { classGain[engine.nodeClass(of: t.node)] = capacityGain }
    invalidateReservation(stopping: i, a)
    engine.release(jobID: jobs[i].id)
    running.remove(Int32(i))
    for t in a.tasks {
      usage.append(UsageRecord(job: jobs[i], task: t, cluster: cluster, startMicros: run[i].runStart, endMicros: now))
    }
    metrics.stopped(a, job: jobs[i], from: run[i].runStart, to: now)
    addUse(i, a, sign: -1)
    run[i].allocation = nil
    if finished {
      run[i].phase = .finished
      run[i].end = now
    }
  }

  /// Job `i` started (not as a checked backfill) with `a`, already
  /// committed. Changes on nodes of classes the head cannot use leave the
  /// cached reservation as it is; otherwise it is dropped, unless the start
  /// cannot move it: `i` ends (by estimate) by the reservation time — it then joins
  /// the releases — or the head's needs are still free with `i` running.
  /// Either way the head still fits at that time with the same placement,
  /// and a start only takes capacity, so it fits no earlier.
  mutating func invalidateReservation(starting i: Int, _ a: Allocation) {
    guard var c = cachedReservation else { return }
    guard a.tasks.contains(where: { c.usable[engine.nodeClass(of: $0.node)] }) else { return }
    guard c.reservation.head != nil else {
      cachedReservation = nil
      return
    }
    if c.reservation.releasesInTime(estimatedEnd: now &+ jobs[i].estimatedMicros) {
      cachedReservation = nil
      c.reservation.addRelease(of: a, state: engine.state)
      cachedReservation = c
      reservationEpoch += 1
    } else if !c.reservation.stillFits(engine.state) {
      cachedReservation = nil
    }
  }

  /// Job `i` stopped, giving back `a`. Changes on nodes of classes the head
  /// cannot use leave the cached reservation as it is; otherwise it is
  /// dropped, unless the replay had `i` release everything by
  /// the reservation time anyway: the state at every time from its estimated
  /// end on is unchanged, and earlier the head failed with `i` already gone
  /// (the search's monotone premise), so time and placement stand. What `i`
  /// held on the head's nodes is then free now and joins what must stay free.
  mutating func invalidateReservation(stopping i: Int, _ a: Allocation) {
    guard var c = cachedReservation else { return }
    guard a.tasks.contains(where: { c.usable[engine.nodeClass(of: $0.node)] }) else { return }
    guard c.reservation.releasesInTime(estimatedEnd: run[i].runStart &+ jobs[i].estimatedMicros) else {
      cachedReservation = nil
      return
    }
    cachedReservation = nil  // keep the stored reservation uniquely referenced while editing it
    c.reservation.forgetRelease(of: a, state: engine.state)
    cachedReservation = c
    reservationEpoch += 1  // the shield and refusal memos follow the new needs
  }

  /// Meters what still runs at the end as if it stopped now (it stays running).
  mutating func closeOpenIntervals() {
    for r in running.sorted() {
      let i = Int(r)
      guard let a = run[i].allocation else { continue }
      for t in a.tasks {
        usage.append(UsageRecord(job: jobs[i], task: t, cluster: cluster, startMicros: run[i].runStart, endMicros: now))
      }
      metrics.stopped(a, job: jobs[i], from: run[i].runStart, to: now)
      metrics.account(a, sign: 1)
    }
  }

  mutating func requeue(_ i: Int) {
    run[i].phase = .queued
    run[i].queuedSince = now
    if inPass { requeuedInPass.append(Int32(i)) } else { enqueue(i) }
  }

  mutating func enqueue(_ i: Int) {
    queue.push(Int32(i), priorityRank: jobs[i].priority.rank, tenant: tenantOf[i], submit: jobs[i].submitMicros)
  }

  /// Jobs waiting: the queue and any requeued during the current pass.
  var queuedCount: Int { queue.count + requeuedInPass.count }

  mutating func addUse(_ job: Int, _ a: Allocation, sign: Int64) {
    let t = Int(tenantOf[job])
    for task in a.tasks {
      tenantUse[t].cpu += sign * task.milliCPU
      tenantUse[t].mem += sign * task.memoryMiB
      tenantUse[t].dev += sign * task.deviceMilli
    }
  }

  // MARK: Invariant

  /// Every job is in exactly one phase, and the engine holds exactly the
  /// running jobs.
  func checkInvariants() {
    var runningCount = 0, queuedJobs = 0
    for (i, r) in run.enumerated() {
      switch r.phase {
      case .running:
        runningCount += 1
        precondition(engine.allocations[jobs[i].id] != nil, "running job \(jobs[i].id) holds nothing")
        precondition(running.contains(Int32(i)), "running job \(jobs[i].id) not in the running set")
      case .queued:
        precondition(queue.contains(Int32(i)), "queued job \(jobs[i].id) not in the queue")
        queuedJobs += 1
        precondition(engine.allocations[jobs[i].id] == nil, "queued job \(jobs[i].id) holds resources")
      case .rejected:
        precondition(r.rejectReason != nil, "rejected job \(jobs[i].id) without a reason")
      case .pending, .finished:
        precondition(engine.allocations[jobs[i].id] == nil, "job \(jobs[i].id) holds resources while \(r.phase)")
      }
    }
    precondition(runningCount == running.count && running.count == engine.allocations.count,
                 "running set and engine disagree")
    precondition(queuedJobs == queue.count && requeuedInPass.isEmpty, "queued jobs and the queue disagree")
    queue._checkInvariants()
    engine._checkInvariants()
  }
}
