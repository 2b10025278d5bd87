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

  /// What the simulator keeps per job besides the job and its run: the
  /// job's order and tenant, and the memos of the skip rules.
  struct SlotState {
    /// Sequence number (submit order): the tie-break wherever job order
    /// matters, so slots never change a decision.
    var seq: Int64
    var tenant: Int32
    /// Whether its placement succeeds exactly when every task fits by the
    /// per-node task counts, which only shrink as other jobs start.
    var isMonotone: Bool
    var inUse = true
    /// Engine version and capacity-gain counter at its last failure to place.
    var failedAt = -1
    var failedGainAt = -1
    /// A backfill candidate refused by the head's reservation is not tried
    /// again while neither the state (`engineVersion`) nor the head's needs
    /// (`shieldVersion`) changed: the same placement would be refused again.
    var refusedAt = (version: -1, epoch: -1)
    /// For monotone jobs: the gain counter and shield version at the last
    /// refusal under the shield.
    var refusedGainAt = (gain: -1, epoch: -1)
    /// The node classes it may use (computed at its first failure).
    var usableClassList: [Int32]?
    /// When its last preemption search failed, and when its last search
    /// past the 16 best victims (see `preempt(for:)`) failed.
    var preemptFailedAt = -1
    var widenFailedAt = -1
    /// While running: its task count and size (cores + device tenths), for
    /// ranking preemption victims without reading allocations.
    var runTasks: Int32 = 0
    var runSize = 0.0
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
    /// The allocation's handle in the engine while running (see `start`).
    var handle = AllocationHandle(-1)
  }

  let cluster: Cluster
  let config: SimulationConfig
  /// The jobs not read yet, in submit order, and the next one to arrive.
  var source: AnyIterator<Job>
  var nextJob: Job?
  /// Jobs read from the source so far (the next job's sequence number).
  var submitted: Int64 = 0
  /// When the last job arrived (a job out of submit order arrives no earlier).
  var lastArrival: Int64 = 0
  var engine: PlacementEngine
  /// First-fit on the idle cluster, to vet new kinds of job (see `arrive`).
  var idle: FirstFitPlacer
  var events = Heap<Event>()
  var seq: Int64 = 0
  // Per-job state lives in *slots*: a job takes a slot when it arrives and
  // gives it back when it finishes or is rejected, so memory follows the
  // jobs in flight, not every job submitted. Every array below is indexed by
  // slot; `i` in this type's methods is a slot.
  var jobs: [Job] = []
  var run: [JobRun] = []
  /// Everything else the simulator keeps per job (see `SlotState`).
  var slot: [SlotState] = []
  var freeSlots: [Int32] = []
  var queue: JobQueue
  /// Jobs requeued during a scheduling pass (preemption victims): they
  /// join the queue after the pass, which looks only at jobs queued when it began.
  var requeuedInPass: [Int32] = []
  var inPass = false
  var running = RunningJobs()
  var now: Int64 = 0
  var rng: SeededGenerator
  var metrics: MetricsRecorder
  /// Finished, rejected and (at the end) remaining jobs' outcomes, usage
  /// records, and the statistics over them.
  var records: RecordKeeper
  /// Where usage is settled as it is metered (see `run(…settling:)`), if anywhere.
  var settlement: SettlementAccumulator?
  var eventCount = 0
  var counters = SchedulerCounters()
  var preemptionEvents = 0
  var failureRequeues = 0
  var nodeFailures = 0
  /// Tenants by first appearance, and what each tenant's running jobs hold.
  var tenantNames: [String] = []
  var tenantIDs: [String: Int32] = [:]
  var tenantUse: [(cpu: Int64, mem: Int64, dev: Int64)] = []
  /// Per tenant: its quota, if any (indexed like `tenantNames`).
  var tenantQuota: [TenantQuota?] = []
  var dirty = true
  /// A periodic sample fell due at `now`: it is taken once the instant's
  /// events and scheduling pass are done, so it reads what the instant decided.
  var sampleDue = false
  /// When the last sample was taken (a run ending at a sample instant is sampled once).
  var lastSampleAt = Int64.min
  /// Slots of running jobs by id (kept only with node failures, which name jobs by id).
  var runningByID: [String: Int32] = [:]
  /// Job shapes that fit on the idle cluster (see `arrive`), by a hash of
  /// their amounts, so a lookup builds no shape.
  var fitsIdle: [UInt64: [IdleShape]] = [:]
  /// Bumped whenever the engine's state changes (start, stop, node down/up):
  /// a job that failed to place at the current version is not retried.
  var engineVersion = 0
  /// Bumped whenever capacity is given back (a stop, a node recovery);
  /// `classGain[c]` is its value at the last gain on a node of class `c`. A
  /// job whose outcome is monotone in free capacity (see `isMonotone`) that
  /// failed when the counter stood at g still fails while no class it may use
  /// gained since: only starts happened there, and they only take capacity.
  var capacityGain = 0
  var classGain: [Int]
  var reservationEpoch = 0
  /// Bumped whenever the head's needs, and so its shield, may change (a new
  /// reservation, or needs edited): unlike `reservationEpoch` not when an
  /// overdue reservation moves to now with the same needs. Refusals under
  /// the shield are remembered per version: the same placement against
  /// the same shield is refused again.
  var shieldVersion = 0
  /// Whether the EASY shield (see `setShield`) is held, and for which reservation.
  var shieldHeld = false
  /// The held shield's handle in the engine (-1 while none is held).
  var shieldHandle = AllocationHandle(-1)
  var shieldEpoch = -1
  /// The shield allocation of reservation epoch `epoch` (its needs change
  /// only with the epoch): built once, committed and released many times.
  var shieldCache: (epoch: Int, allocation: Allocation)?
  /// The last head's reservation (the head by sequence number) and the
  /// node classes it may use. Dropped
  /// by every change that can move it: a stop, or a start other than a
  /// backfill (backfills are checked not to), on a node of a usable class;
  /// any node failure or recovery. Changes elsewhere leave the head's
  /// placement, and so its reservation, exactly as they were.
  var cachedReservation: (head: Int64, usable: [Bool], reservation: Reservation, counted: CountedHead?)?
  /// The monotone head of a reservation: its slot, its task shape per
  /// class (when found by task counts) and task count, and a bound on the
  /// tasks the cluster could take at any end time before the reservation's
  /// (below `need` when found; see `releaseMovesHeadEarlier`).
  struct CountedHead {
    var slot: Int32
    /// Nil when the reservation was found by placement probes (task counts
    /// off): an early stop is then judged by recomputing it (see `stop`).
    var shapes: [TaskShape?]?
    var need: Int64
    var countBefore: Int64
  }
  /// Set by `invalidateReservation(stopping:)` when the stop must be judged
  /// by a recomputation once the job's allocation is given back.
  var recheckAfterStop = false
  /// The reservation search for monotone heads (see `reserve`).
  var taskCount: TaskCountReplay
  /// Scratch for `overdueMatchesReleases`: an overdue task on one of the
  /// head's nodes, by where it is held.
  struct OverdueTask {
    var node: NodeID
    var slot: Int32
    var task: Int32
  }
  var overdueScratch: [OverdueTask] = []
  /// A running job past its estimated end, by slot and start generation
  /// (a restart gets a new generation, and possibly other tasks).
  struct OverdueRun: Equatable {
    var slot: Int32
    var generation: Int32
  }
  /// Scratch for `overdueMatchesReleases`, and the overdue runs when the
  /// releases last matched, with `shieldVersion` then (-1: never).
  var overdueRuns: [OverdueRun] = []
  var overdueMatchedRuns: [OverdueRun] = []
  var overdueMatchedAt = -1
  /// The overdue runs of the last match stay the overdue runs until this
  /// time (the earliest estimated end then still ahead), unless an overdue
  /// job stops (`stop` sets it to `.min`) or a job starts that is due
  /// sooner (`start` lowers it).
  var overdueSetUntil = Int64.min

  /// Runs `jobs` on `cluster` and returns every metric, with every job's
  /// outcome and every usage record (see `run(cluster:stream:config:progress:records:)`
  /// to keep only the jobs in flight).
  ///
  /// - Complexity: roughly O(events × (placement + queue scan)); see Docs/Simulation.md.
  public static func run(cluster: Cluster, jobs: [Job], config: SimulationConfig,
                         progress: ((_ events: Int, _ now: Int64) -> Void)? = nil) -> SimulationResult {
    var none: SettlementAccumulator?
    return simulate(cluster: cluster, stream: inSubmitOrder(jobs), config: config, keep: true, progress: progress,
                    sink: nil, settling: &none)
  }

  /// `jobs` in a stable order by submit time, as a simulation reads them.
  /// Already sorted input (the generator's, most trace files) is shared, not copied.
  ///
  /// - Complexity: O(n) when sorted, else O(n log n)
  public static func inSubmitOrder(_ jobs: [Job]) -> [Job] {
    if zip(jobs, jobs.dropFirst()).allSatisfy({ $0.submitMicros <= $1.submitMicros }) { return jobs }
    return jobs.indices.sorted { (jobs[$0].submitMicros, $0) < (jobs[$1].submitMicros, $1) }.map { jobs[$0] }
  }

  /// Runs the jobs of `stream`, read one at a time as they arrive, and
  /// keeps only the jobs in flight (queued or running): each outcome and
  /// usage record goes to `records` as it is final and is not kept, and the
  /// result's wait and slowdown statistics come from histograms (three
  /// significant digits) instead of every value; `outcomes` and `usage` in
  /// the result are empty. Jobs must come in submit order; one submitted
  /// before its predecessor arrives when read (its wait still counts from
  /// its submit time). When `config.target` is empty the FGD target is built
  /// from the first 20,000 jobs of a second pass over `stream`, so it must
  /// be a multi-pass sequence then (arrays and `SyntheticWorkload` are).
  /// The stream must be finite: jobs left when the run ends (a horizon) are
  /// read to the end and reported as pending. Only records of `kinds` are
  /// made and handed out.
  ///
  /// - Complexity: as `run(cluster:jobs:config:progress:)`; memory O(nodes + jobs in flight).
  public static func run<S: Sequence>(cluster: Cluster, stream: S, config: SimulationConfig,
                                      progress: ((_ events: Int, _ now: Int64) -> Void)? = nil,
                                      records: ((SimulationRecord) -> Void)? = nil,
                                      kinds: SimulationRecord.Kinds = .all) -> SimulationResult
  where S.Element == Job {
    var none: SettlementAccumulator?
    return simulate(cluster: cluster, stream: stream, config: config, keep: false, progress: progress, sink: records,
                    kinds: kinds, settling: &none)
  }

  /// As `run(cluster:stream:config:progress:records:kinds:)`, settling every
  /// task run's usage into `accumulator` as it stops: the statements that
  /// handing each `.usage` record to `accumulator.add(_:)` gives, without
  /// making the records (leave `.usage` out of `kinds` unless `records`
  /// needs them too). `accumulator` must be for the same cluster.
  public static func run<S: Sequence>(cluster: Cluster, stream: S, config: SimulationConfig,
                                      progress: ((_ events: Int, _ now: Int64) -> Void)? = nil,
                                      records: ((SimulationRecord) -> Void)? = nil,
                                      kinds: SimulationRecord.Kinds = .all,
                                      settling accumulator: inout SettlementAccumulator) -> SimulationResult
  where S.Element == Job {
    precondition(accumulator.nodeSite.count == cluster.nodes.count && accumulator.siteOfClusterSite.count == cluster.sites.count,
                 "the settlement accumulator was made for another cluster")
    var settling: SettlementAccumulator? = accumulator
    defer { if let s = settling { accumulator = s } }
    return simulate(cluster: cluster, stream: stream, config: config, keep: false, progress: progress, sink: records,
                    kinds: kinds, settling: &settling)
  }

  static func simulate<S: Sequence>(cluster: Cluster, stream: S, config: SimulationConfig, keep: Bool,
                                    progress: ((Int, Int64) -> Void)?,
                                    sink: ((SimulationRecord) -> Void)?,
                                    kinds: SimulationRecord.Kinds = .all,
                                    settling: inout SettlementAccumulator?) -> SimulationResult where S.Element == Job {
    let clock = ContinuousClock()
    let start = clock.now
    var s = Simulator(cluster: cluster, stream: stream, config: config, keep: keep, sink: sink, kinds: kinds)
    // Moved in for the run and back out after it (no copy of its arrays).
    s.settlement = settling
    settling = nil
    defer { settling = s.settlement }
    s.loop(progress: progress)
    s.setShield(nil)
    s.closeOpenIntervals()
    s.finishRecords()
    let wall = clock.now - start
    return s.result(wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
  }

  /// FGD's target workload M for a run: `config.target`, or when that is
  /// empty, M built from the first 20,000 jobs of `stream`, each group
  /// weighing as many tasks as it has.
  static func fgdTarget<S: Sequence>(_ stream: S, _ config: SimulationConfig, _ catalog: DeviceCatalog) -> TargetWorkload
  where S.Element == Job {
    if !config.target.types.isEmpty { return config.target }
    return TargetWorkload.build(jobs: stream.prefix(20_000), coverage: config.profile.fgdCoverage, catalog: catalog)
  }

  init<S: Sequence>(cluster: Cluster, stream: S, config: SimulationConfig, keep: Bool,
                    sink: ((SimulationRecord) -> Void)?, kinds: SimulationRecord.Kinds = .all) where S.Element == Job {
    self.cluster = cluster
    self.config = config
    let target = Self.fgdTarget(stream, config, cluster.catalog)
    // A smaller prepared-query cache (each slot keeps a whole task group as
    // its key) and fewer leaf-memo rows than a placement service's: a
    // simulation asks for a few hundred kinds of task. With the defaults
    // the 1M-job FCFS run's peak heap was 11.65 MB (heaptrack's M is 10^6
    // bytes: 11.11 MiB, under its 11.63 MiB target); with these 11.49 MB,
    // time unchanged.
    engine = PlacementEngine(cluster: cluster, profile: config.profile, target: target, openbCompat: false,
                             treeRecentCapacity: nil, memoRows: 64, queryCacheSlots: 256)
    idle = FirstFitPlacer(cluster: cluster)
    source = AnyIterator(stream.makeIterator())
    nextJob = source.next()
    queue = JobQueue()
    classGain = Array(repeating: 0, count: engine.core.classes.count)
    taskCount = TaskCountReplay(nodeClass: engine.core.nodeClass, classCount: engine.core.classes.count)
    rng = SeededGenerator(seed: config.seed)
    // The step as the initializer floors it (the property may be set to anything).
    metrics = MetricsRecorder(cluster: cluster, target: target, nodeClass: engine.core.nodeClass,
                              classes: engine.core.classes, sampleStep: max(1_000_000, config.sampleStepMicros),
                              sampleCap: config.sampleCap)
    records = RecordKeeper(keep: keep, sink: sink, kinds: kinds)
    let first = nextJob.map { max(0, $0.submitMicros) } ?? 0
    metrics.sampleOrigin = first
    push(Event(time: first, kind: 4, seq: 0, a: 0, generation: 0))
    if let f = config.failures, !cluster.nodes.isEmpty {
      // Cluster-wide failure process: rate = nodes / MTBF.
      let mean = Double(f.mtbfMicros) / Double(cluster.nodes.count)
      push(Event(time: first + exponential(mean), kind: 2, seq: 0, a: -1, generation: 0))
    }
  }

  /// The tenant index of `name`, added on first sight.
  mutating func tenant(_ name: String) -> Int32 {
    // With few tenants (the usual case) comparing names costs less than hashing one.
    if tenantNames.count <= 16 {
      for k in tenantNames.indices where tenantNames[k] == name { return Int32(k) }
    } else if let t = tenantIDs[name] {
      return t
    }
    let t = Int32(tenantNames.count)
    tenantIDs[name] = t
    tenantNames.append(name)
    tenantUse.append((0, 0, 0))
    tenantQuota.append(config.queue.quotas[name])
    queue.addTenant()
    return t
  }

  /// Gives `job` (sequence number `seqNo`) a slot: a free one, else a new one.
  mutating func takeSlot(_ job: consuming Job, seqNo: Int64) -> Int {
    let state = SlotState(seq: seqNo, tenant: tenant(job.tenant), isMonotone: Self.isMonotone(job))
    if let f = freeSlots.popLast() {
      let i = Int(f)
      jobs[i] = job
      // The generation keeps counting, so a stale completion event of the
      // slot's previous job never matches.
      run[i] = JobRun(generation: run[i].generation)
      slot[i] = state
      return i
    }
    if jobs.count == jobs.capacity {
      // A quarter more, not the doubling `append` does: slot arrays are the
      // memory that follows the jobs in flight.
      let n = jobs.count + max(64, jobs.count / 4)
      jobs.reserveCapacity(n)
      run.reserveCapacity(n)
      slot.reserveCapacity(n)
      queue.reserveSlots(n)
    }
    jobs.append(job)
    run.append(JobRun())
    slot.append(state)
    queue.addSlot()
    return jobs.count - 1
  }

  /// Gives slot `i` back (its job finished or was rejected, and its outcome is recorded).
  mutating func freeSlot(_ i: Int) {
    jobs[i] = Self.vacant
    run[i].allocation = nil
    run[i].rejectReason = nil
    slot[i].inUse = false
    slot[i].usableClassList = nil
    freeSlots.append(Int32(i))
  }

  /// What a free slot holds (so a finished job's strings and arrays are freed).
  static let vacant = Job(id: "", groups: [])

  /// Whether `job`'s placement is monotone in free capacity: one task
  /// group of identical tasks with no same-site, spread or anti-affinity
  /// rule, each task taking whole devices or a share of one. Each placed task
  /// then lowers the number of tasks its node could still take by exactly
  /// one in every dimension, so the greedy search places all tasks exactly
  /// when the cluster-wide count is enough, and that count never grows
  /// while other jobs only start.
  static func isMonotone(_ job: Job) -> Bool {
    guard job.groups.count == 1, job.antiAffinity.isEmpty else { return false }
    return job.groups.withUnsafeBufferPointer { g in  // read in place, not copied out
      !g[0].sameSite && g[0].spreadSites <= 1 && tasksCountDown(g[0])
    }
  }

  /// Whether each task of `group` placed on a node lowers the number of
  /// its tasks the node could still take by exactly one in every
  /// dimension: each task takes whole devices, or a share of one device.
  static func tasksCountDown(_ group: TaskGroup) -> Bool {
    if let d = group.device, d.count > 1, d.milliPerDevice < 1000 { return false }
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

  /// The next arrival: jobs come in submit order, so arrivals are read
  /// one at a time from the source instead of sitting in the event heap
  /// (which then holds only what runs, samples and failures: O(running), not O(jobs)).
  @inline(__always)  // read from mutating code: a call would copy the whole simulator
  var pendingArrival: Event? {
    // The submit time alone (binding the job would copy it, several times per event).
    guard let submit = nextJob?.submitMicros else { return nil }
    return Event(time: max(0, submit, lastArrival), kind: 3, seq: 0, a: -1, generation: 0)
  }

  /// The earliest event, arrivals included. Arrivals are the only events of
  /// kind 3, so (time, kind) orders them against the heap exactly as when
  /// they were in it.
  mutating func popEvent() -> Event? {
    if let a = pendingArrival, events.min.map({ ($0.time, $0.kind) > (a.time, a.kind) }) ?? true {
      lastArrival = a.time
      return a
    }
    return events.popMin()
  }

  @inline(__always)  // read from mutating code: a call would copy the whole simulator
  var nextEventTime: Int64? {
    switch (events.min?.time, pendingArrival?.time) {
    case let (h?, a?): return min(h, a)
    case let (h, a): return h ?? a
    }
  }

  /// Time series: see `MetricsRecorder.sampleStep` (a grid thinned under a
  /// cap) and `skipUnchangedSamples()` (no event per sample between events).
  mutating func loop(progress: ((Int, Int64) -> Void)?) {
    while let e = popEvent() {
      if e.time > horizon { break }
      now = e.time
      handle(e)
      eventCount += 1
      if config.checkInvariants { checkInvariants() }
      // Drain everything else at this instant before one scheduling pass.
      while nextEventTime == now, let next = popEvent() {
        handle(next)
        eventCount += 1
        if config.checkInvariants { checkInvariants() }  // after every event, not only every instant
      }
      if dirty { schedule() }
      let sampled = sampleDue
      if sampleDue {
        sampleDue = false
        setShield(nil)
        metrics.sample(at: now, queueLength: queuedCount, engine: engine)
        lastSampleAt = now
      }
      if config.checkInvariants { checkInvariants() }
      if let progress, eventCount % 4096 == 0 { progress(eventCount, now) }
      let remaining = nextJob?.submitMicros != nil || queuedCount > 0 || !running.isEmpty
      // Jobs left queued with nothing running and nothing else to come
      // (e.g. over a quota that does not borrow) would wait forever: without
      // a horizon the run ends here too.
      // (Cheapest test first; `nextJob` is read through its submit time: comparing the
      // optional job itself with nil copies it.)
      let stuck = events.count <= 1 && horizon == .max && nextJob?.submitMicros == nil
        && events.min.map { $0.kind == 4 } ?? true
      if stuck || !remaining && events.min.map({ $0.kind == 4 || $0.kind == 2 || $0.kind == 1 }) ?? true {
        setShield(nil)
        if lastSampleAt != now {
          metrics.makeRoom()
          metrics.sample(at: now, queueLength: queuedCount, engine: engine)
        }
        break
      }
      if sampled && config.repeatsUnchangedSamples { skipUnchangedSamples() }
    }
    if now < horizon, horizon != .max { now = horizon }
  }

  mutating func handle(_ e: Event) {
    // Completions and arrivals leave a parked EASY shield (see `schedule`)
    // held: a stop gives back other allocations only, and an arrival reads
    // the idle engine. The rest read or change the true state.
    switch e.kind {
    case 0: complete(Int(e.a), generation: e.generation)
    case 1:
      setShield(nil)
      recover(NodeID(e.a))
    case 2:
      setShield(nil)
      fail()
    case 3: arrive()
    default:
      sampleDue = true  // taken after the instant's pass (see `loop`)
      metrics.makeRoom()  // at the cap: thinned, and the step doubles from here on
      let (next, overflow) = now.addingReportingOverflow(metrics.sampleStep)
      if !overflow { push(Event(time: next, kind: 4, seq: 0, a: 0, generation: 0)) }
    }
  }

  /// Called after a periodic sample at `now`. When the next event is the
  /// next sample, the state cannot change before the first other event
  /// (an arrival, a completion, a failure or recovery) or past the
  /// horizon: instants with only a sample run no scheduling pass. The
  /// samples due until then are the one just taken, repeated, so they are
  /// appended at once (`MetricsRecorder.repeatLast`) and the sample event
  /// moves to the first grid instant after them. The series are those of
  /// one event per sample; an idle month or a job running for 10^12 s costs
  /// O(cap) appends instead of one event per step. Decisions never read samples.
  mutating func skipUnchangedSamples() {
    guard let next = events.min, next.kind == 4 else { return }  // an event comes first
    let arrival = pendingArrival?.time ?? .max
    guard arrival > next.time, next.time <= horizon, var sample = events.popMin() else { return }
    // Heap events tie with the sample only at a smaller kind (popped first); so all come later.
    let other = min(events.min?.time ?? .max, arrival)
    let last = min(other == .max ? .max : other - 1, horizon)
    if last >= next.time {
      guard let t = metrics.repeatLast(from: now, through: last) else { return }  // no grid instant after: none is due
      sample.time = t
    }
    push(sample)
  }

  // MARK: Events

  /// What a job's fit on the idle cluster depends on: its groups (names
  /// aside), latency rule and price ceiling (anti-affinity names jobs, and
  /// the idle cluster runs none).
  struct IdleShape {
    var groups: [TaskGroup]
    var latency: LatencyConstraint
    var ceiling: Money?

    init(_ job: Job) {
      groups = job.groups.map { var g = $0; g.name = ""; return g }
      latency = job.latency
      ceiling = job.priceCeiling
    }

    /// Whether this is `IdleShape(job)`, without building it (which copies
    /// the groups): every field the shape keeps is compared.
    func matches(_ job: Job) -> Bool {
      guard groups.count == job.groups.count, latency == job.latency, ceiling == job.priceCeiling else { return false }
      // Through buffers: the groups are compared in place, not copied out first.
      return groups.withUnsafeBufferPointer { mine in
        job.groups.withUnsafeBufferPointer { theirs in
          for k in mine.indices where !mine[k].sameRequest(as: theirs[k]) { return false }
          return true
        }
      }
    }

    /// A hash of `IdleShape(job)` from its scalar fields (task counts, CPU,
    /// memory, devices, DPUs, domestic and memory rules, normalized TFLOPS)
    /// and the latency constraint's `cheapHash`: cheap, and equal shapes
    /// hash equal; `matches` compares everything. Shapes that differ only
    /// in such a field (an origin, domestic-only or not) would otherwise
    /// share a bucket and each arrival compare them one by one.
    static func hash(of job: Job) -> UInt64 {
      var h = UInt64(job.groups.count) ^ job.latency.cheapHash
      job.groups.withUnsafeBufferPointer { groups in  // read in place, not copied out
        for k in groups.indices {
          h = h &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(QueryKey.slot(of: groups[k], count: 1 << 30))
          h ^= UInt64(UInt32(bitPattern: groups[k].count)) &* 0xC2B2_AE3D_27D4_EB4F
          // Field by field (binding the request would copy its sets).
          if let m = groups[k].device?.minMemoryMiB, let domestic = groups[k].device?.domesticOnly {
            h ^= (UInt64(bitPattern: m) << 1 | (domestic ? 1 : 0)) &* 0x2545_F491_4F6C_DD1D
          }
          if let t = groups[k].normalized?.tflops { h ^= (t + 0).bitPattern &* 0x94D0_49BB_1331_11EB }  // -0 as 0
          h ^= h >> 31
        }
      }
      return h ^ (h >> 29)
    }
  }

  mutating func arrive() {
    guard let job = nextJob.take() else { return }  // moved out, not copied
    nextJob = source.next()
    let seqNo = submitted
    submitted += 1
    // Reject what could never run, even on the idle cluster; shapes known
    // to fit there are not placed again.
    var why: Unschedulable?
    let h = IdleShape.hash(of: job)
    if fitsIdle[h]?.contains(where: { $0.matches(job) }) != true {
      if idle.fitsByCounts(job) == true {
        fitsIdle[h, default: []].append(IdleShape(job))
      } else {
        switch idle.place(job) {
        case .success(let d):
          idle.release(d.handle)
          fitsIdle[h, default: []].append(IdleShape(job))
        case .failure(let w):
          why = w
        }
      }
    }
    let i = takeSlot(job, seqNo: seqNo)
    if let why {
      run[i].phase = .rejected
      run[i].rejectReason = why.explanation.description
      retire(i, sites: [])
      return
    }
    run[i].phase = .queued
    run[i].queuedSince = now
    enqueue(i)
    dirty = true
  }

  mutating func complete(_ i: Int, generation: Int32) {
    guard slot[i].inUse, run[i].phase == .running, run[i].generation == generation else { return }
    let where_ = sites(of: i)  // where it ran, before the stop gives the nodes back
    stop(i, finished: true)
    retire(i, sites: where_)
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
        if let r = runningByID[id] {
          let i = Int(r)
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

  // MARK: Starting and stopping

  /// Job `i` starts with decision `d`, already committed.
  mutating func start(_ i: Int, _ d: PlacementDecision, backfill: Bool = false) {
    let a = d.allocation
    engineVersion += 1
    if !backfill { invalidateReservation(starting: i, a) }
    run[i].phase = .running
    run[i].allocation = a
    run[i].handle = d.handle
    slot[i].runTasks = Int32(clamping: a.tasks.count)
    slot[i].runSize = a.tasks.reduce(0.0) { $0 + Double($1.milliCPU) / 1000 + Double($1.deviceMilli) / 100 }
    run[i].runStart = now
    if run[i].firstStart < 0 { run[i].firstStart = now }
    run[i].generation += 1
    if queue.contains(Int32(i)) { queue.remove(Int32(i)) }
    var bits: UInt64 = 0
    for k in a.tasks.indices { bits |= RunningJobs.bit(ofClass: engine.nodeClass(of: a.tasks[k].node)) }
    overdueSetUntil = min(overdueSetUntil, now &+ jobs[i].estimatedMicros)
    running.insert(Int32(i), estimatedEnd: now &+ jobs[i].estimatedMicros, rank: jobs[i].priority.rank,
                   seq: slot[i].seq, classBits: bits)
    if config.failures != nil { runningByID[jobs[i].id] = Int32(i) }
    jobs.withUnsafeBufferPointer { metrics.started(a, job: $0[i]) }  // lent, not copied
    addUse(i, a, sign: 1)
    let end = now &+ max(0, jobs[i].actualMicros)
    push(Event(time: end, kind: 0, seq: 0, a: Int32(i), generation: run[i].generation))
  }

  mutating func stop(_ i: Int, finished: Bool) {
    guard let a = run[i].allocation else { return }
    // The reservation's (monotone) head, if it is known to fail now.
    var failingHead = -1
    if let h = countedHeadSlot, knownToFail(h) { failingHead = h }
    engineVersion += 1
    capacityGain += 1
    for k in a.tasks.indices { classGain[engine.nodeClass(of: a.tasks[k].node)] = capacityGain }
    if run[i].runStart &+ jobs[i].estimatedMicros <= now { overdueSetUntil = .min }  // an overdue run ends
    if invalidateReservation(stopping: i, a) == .keptWithoutRoom && failingHead >= 0 {
      // No node of `a` can take a head task even by the reservation time,
      // so none can now: the head's task count is as it was, and it still
      // fails (it is monotone). Its next try waits for another gain.
      slot[failingHead].failedGainAt = capacityGain
      #if SCHEDCORE_INTERNAL_CHECKS
      var e = engine
      e.release(run[i].handle)
      if shieldHeld { e.release(shieldHandle) }
      if case .success = e.place(jobs[failingHead], explain: false, checkingID: false, scores: false, allOrNone: true) {
        preconditionFailure("\(jobs[failingHead].id) fits once \(jobs[i].id) stops, which made no room for it")
      }
      #endif
    }
    engine.release(run[i].handle)
    run[i].handle = AllocationHandle(-1)
    running.remove(Int32(i))
    if recheckAfterStop { recheckReservationAfterStop() }
    if config.failures != nil { runningByID[jobs[i].id] = nil }
    meter(i, a)
    let from = run[i].runStart
    jobs.withUnsafeBufferPointer { metrics.stopped(a, job: $0[i], from: from, to: now) }  // lent, not copied
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
      // It joins the releases on the head's nodes; with none of its tasks
      // there, the releases, the needs and so the shield stay as they are.
      guard a.tasks.contains(where: { c.reservation.needIndex($0.node) != nil }) else { return }
      cachedReservation = nil
      c.reservation.addRelease(of: a, state: engine.state)
      cachedReservation = c
      reservationEpoch += 1
      shieldVersion += 1
    } else if !c.reservation.stillFits(engine.state) {
      cachedReservation = nil
    }
  }

  /// What `invalidateReservation(stopping:)` did with the reservation.
  enum StopVerdict {
    case unaffected, kept, keptWithoutRoom, dropped
  }

  /// The slot of the cached reservation's head while it is monotone (the
  /// reservation has a `CountedHead`) and the slot still holds that job.
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  var countedHeadSlot: Int? {
    guard let c = cachedReservation, let h = c.counted, slot[Int(h.slot)].inUse, slot[Int(h.slot)].seq == c.head
    else { return nil }
    return Int(h.slot)
  }

  /// Job `i` stopped, giving back `a`. Changes on nodes of classes the head
  /// cannot use leave the cached reservation as it is. Otherwise the stop
  /// gives back capacity sooner than the replay assumed, and only capacity:
  /// the head still fits at the reservation time with the same placement.
  /// If `i` was not counted on (estimated to end after the reservation
  /// time), the reservation stands when the head is monotone and none of
  /// `i`'s nodes could take a head task by then (`stopMakesRoom`), and is
  /// recomputed otherwise. If `i` was counted on but stops before its
  /// estimated end, it stands unless the head now fits at an earlier end
  /// time — for a monotone head decided by task counts (see
  /// `releaseMovesHeadEarlier`) or, with task counts off, by recomputing the
  /// reservation once `a` is given back; any other head's reservation is
  /// dropped — and what `i` held on the head's nodes is free now and joins
  /// what must stay free.
  @discardableResult
  mutating func invalidateReservation(stopping i: Int, _ a: Allocation) -> StopVerdict {
    // What is needed of the reservation, read in place (a copy of it would
    // retain its arrays on every stop).
    let end = run[i].runStart &+ jobs[i].estimatedMicros
    guard let (uses, inTime, sooner, placed, ahead) = cachedReservation.map({ c in
      (a.tasks.contains { c.usable[engine.nodeClass(of: $0.node)] },
       c.reservation.releasesInTime(estimatedEnd: end),
       max(c.reservation.computedAt, end) > now,
       c.reservation.head != nil,
       c.reservation.time > now)
    }), uses else { return .unaffected }
    // A job not counted on gives back what the replay never had free
    // before the reservation time. If none of its nodes can take a task of
    // a monotone head at that time (free now, plus what it, a parked shield
    // and the jobs ending by then give back there), none can at any earlier
    // end time either (a node only gains as jobs end): the head fits no
    // sooner, and the nodes that can take its tasks then are as they were
    // (a recomputation would find the same time; the kept placement stays
    // valid — see Docs/Simulation.md for how often it differs). Otherwise
    // (or for any other head) the reservation is recomputed: it may move
    // earlier, or place the head on those nodes, and then its shield keeps
    // them for the head instead of leaving them to backfill — which matters
    // most to an overdue reservation, whose head waits for jobs that
    // overran: every node it can take meanwhile brings its start closer.
    if !inTime {
      guard placed, let h = countedHeadSlot, let c = cachedReservation,
            !stopMakesRoom(a, stopping: i, shapes: c.counted?.shapes ?? headShapes(h),
                           horizon: max(now, c.reservation.time)) else {
        cachedReservation = nil
        return .dropped
      }
      counters.reservationsKeptOverStops += 1
      return .keptWithoutRoom
    }
    if sooner && placed && ahead, let time = cachedReservation?.reservation.time,
       let usable = cachedReservation?.usable {
      // `i` gives back now what the replay had it give back later: the
      // head may fit sooner. Before the reservation time the
      // cluster could take at most `countBefore` of its tasks; `i`'s nodes
      // add at most what each could ever take. Only when that reaches the
      // head's count are the task counts replayed.
      guard var h = cachedReservation?.counted else {
        cachedReservation = nil  // a non-monotone head: recomputed
        counters.reservationsMovedEarlier += 1
        return .dropped
      }
      guard countedHeadSlot != nil else {
        cachedReservation = nil  // a former head's: no pass uses it again
        return .dropped
      }
      if let shapes = h.shapes {
        let gain = mostTasksGained(a, shapes: shapes, usable: usable, cap: h.need)
        if h.countBefore &+ gain >= h.need {
          let (moves, before) = releaseMovesHeadEarlier(need: h.need, shapes: shapes, usable: usable, before: time,
                                                        stopping: i, a)
          if moves {
            cachedReservation = nil
            counters.reservationsMovedEarlier += 1
            return .dropped
          }
          h.countBefore = before
        } else {
          #if SCHEDCORE_INTERNAL_CHECKS
          let (moves, _) = releaseMovesHeadEarlier(need: h.need, shapes: shapes, usable: usable, before: time,
                                                   stopping: i, a)
          precondition(!moves, "an early stop of \(jobs[i].id) let \(jobs[Int(h.slot)].id) fit sooner past its bound")
          #endif
          h.countBefore = min(h.need, h.countBefore &+ gain)
        }
        cachedReservation?.counted = h
      } else {
        recheckAfterStop = true  // probes: decided by a recomputation once `a` is given back
      }
    }
    guard var c = cachedReservation else { return .dropped }
    // What `i` held on the head's nodes is free now and joins what must
    // stay free; with none of its tasks there, the needs (so the shield and
    // the refusal memos) stay as they are.
    guard a.tasks.contains(where: { c.reservation.needIndex($0.node) != nil }) else { return .kept }
    cachedReservation = nil  // keep the stored reservation uniquely referenced while editing it
    c.reservation.forgetRelease(of: a, state: engine.state)
    cachedReservation = c
    reservationEpoch += 1  // the shield and refusal memos follow the new needs
    shieldVersion += 1
    return .kept
  }

  /// Whether giving back `a` (job `stopping`'s) lets one of its nodes take
  /// a task of the reservation's monotone head (its single group's shape
  /// per class: `shapes`) at `horizon`: on the node's free state now plus
  /// `a`, a parked shield and what the running jobs a replay now would
  /// release by then (those whose estimated end, or now if past it, is at
  /// most `horizon`) hold there. A recomputed reservation could then place
  /// the head on it.
  ///
  /// - Complexity: O(running jobs + tasks released by `horizon` on a
  ///   class the head may use × (log + devices))
  mutating func stopMakesRoom(_ a: Allocation, stopping: Int, shapes: [TaskShape?], horizon: Int64) -> Bool {
    let state = engine.state
    var room = NodeAmounts(nodesOf: a.tasks, state) { n in
      let c = engine.nodeClass(of: n)
      return c < shapes.count && shapes[c] != nil && !state.isDown(n)
    }
    guard !room.isEmpty else { return false }
    room.give(a.tasks)
    if shieldHeld, let s = engine.allocation(shieldHandle) { room.give(s.tasks) }
    func fits(_ room: NodeAmounts) -> Bool {
      for k in room.nodes.indices {
        if let shape = shapes[engine.nodeClass(of: room.nodes[k])], room.tasks(k, of: shape, cap: 1) > 0 { return true }
      }
      return false
    }
    // Room already, before any other job ends: no need to look for them.
    if fits(room) { return true }
    var bits: UInt64 = 0
    for n in room.nodes { bits |= RunningJobs.bit(ofClass: engine.nodeClass(of: n)) }
    let now = self.now
    running.slots.withUnsafeBufferPointer { slots in
      running.classBits.withUnsafeBufferPointer { classBits in
        running.estimatedEnd.withUnsafeBufferPointer { ends in
          for e in slots.indices where classBits[e] & bits != 0 && max(now, ends[e]) <= horizon
            && Int(slots[e]) != stopping {
            room.give(heldTasks(Int(slots[e])))
          }
        }
      }
    }
    return fits(room)
  }

  /// The task shapes (per class) of the single group of the job in `slot`.
  mutating func headShapes(_ slot: Int) -> [TaskShape?] {
    guard let group = jobs[slot].groups.first else { return [] }
    return engine.taskShapes(of: group, of: jobs[slot])
  }

  /// After an early stop judged by recomputation (`recheckAfterStop`): drops
  /// the reservation if the head now fits sooner (found by placement
  /// probes, as the reservation was). The recomputation is not counted as
  /// a reservation.
  mutating func recheckReservationAfterStop() {
    recheckAfterStop = false
    guard let h = countedHeadSlot, let c = cachedReservation else { return }
    setShield(nil)
    let saved = counters
    let (fresh, _, _) = reserve(h)
    counters = saved
    if fresh.time < c.reservation.time {
      cachedReservation = nil
      counters.reservationsMovedEarlier += 1
    }
  }

  /// Meters what still runs at the end as if it stopped now (it stays running).
  mutating func closeOpenIntervals() {
    for r in running.sorted(by: { slot[Int($0)].seq < slot[Int($1)].seq }) {
      let i = Int(r)
      guard let a = run[i].allocation else { continue }
      meter(i, a)
      metrics.stopped(a, job: jobs[i], from: run[i].runStart, to: now)
      metrics.account(a, sign: 1)
    }
  }

  /// Meters job `i`'s run on `a` from its start to now: a usage record per
  /// task for whoever takes them, and the settlement being accumulated.
  mutating func meter(_ i: Int, _ a: Allocation) {
    let (id, tenant) = (jobs[i].id, jobs[i].tenant)
    if records.wantsUsage {
      for t in a.tasks {
        records.add(UsageRecord(jobID: id, tenant: tenant, task: t, cluster: cluster, startMicros: run[i].runStart,
                                endMicros: now))
      }
    }
    if settlement != nil {
      let key = Int(slot[i].tenant)
      for t in a.tasks {
        settlement?.add(jobID: id, tenant: tenant, tenantKey: key, task: t, startMicros: run[i].runStart, endMicros: now)
      }
    }
  }

  mutating func requeue(_ i: Int) {
    run[i].phase = .queued
    run[i].queuedSince = now
    if inPass { requeuedInPass.append(Int32(i)) } else { enqueue(i) }
  }

  mutating func enqueue(_ i: Int) {
    queue.push(Int32(i), priorityRank: jobs[i].priority.rank, tenant: slot[i].tenant, submit: jobs[i].submitMicros,
               seq: slot[i].seq)
  }

  /// Jobs waiting: the queue and any requeued during the current pass.
  @inline(__always)  // read from mutating code: a call would copy the whole simulator
  var queuedCount: Int { queue.count + requeuedInPass.count }

  mutating func addUse(_ job: Int, _ a: Allocation, sign: Int64) {
    let t = Int(slot[job].tenant)
    for k in a.tasks.indices {
      tenantUse[t].cpu += sign * a.tasks[k].milliCPU
      tenantUse[t].mem += sign * a.tasks[k].memoryMiB
      tenantUse[t].dev += sign * a.tasks[k].deviceMilli
    }
  }

  // MARK: Invariant

  /// Every job is in exactly one phase, and the engine holds exactly the
  /// running jobs (and a parked shield).
  func checkInvariants() {
    var runningCount = 0, queuedJobs = 0
    var handles = Set<AllocationHandle>()
    for (i, r) in run.enumerated() where slot[i].inUse {
      switch r.phase {
      case .running:
        runningCount += 1
        precondition(r.allocation != nil && engine.allocation(r.handle) == r.allocation,
                     "running job \(jobs[i].id) does not hold its allocation at its handle")
        precondition(handles.insert(r.handle).inserted, "running job \(jobs[i].id) shares its handle")
        precondition(running.contains(Int32(i)), "running job \(jobs[i].id) not in the running set")
      case .queued:
        precondition(queue.contains(Int32(i)), "queued job \(jobs[i].id) not in the queue")
        queuedJobs += 1
        precondition(r.allocation == nil && r.handle.index < 0, "queued job \(jobs[i].id) holds resources")
      case .pending, .finished, .rejected:
        preconditionFailure("job \(jobs[i].id) holds a slot while \(r.phase)")
      }
    }
    // A parked shield (see `schedule`) is the one allocation of no job; the
    // engine holds nothing else (the running jobs' handles are distinct).
    precondition(shieldHeld == (engine.allocation(shieldHandle)?.jobID == Reservation.shieldID),
                 "the shield flag is stale")
    precondition(runningCount == running.count && running.count == engine.placedCount - (shieldHeld ? 1 : 0),
                 "running set and engine disagree")
    running._checkInvariants()
    let samples = metrics.sampleCount
    precondition(samples <= metrics.sampleCap && metrics.utilKind.values.allSatisfy { $0.count == samples }
                 && metrics.utilSite.allSatisfy { $0.isEmpty || $0.count == samples }
                 && (metrics.fragmentation.isEmpty || metrics.fragmentation.count == samples),
                 "time series over the cap or of different lengths")
    for (e, r) in running.slots.enumerated() {
      let i = Int(r)
      var bits: UInt64 = 0
      for t in run[i].allocation?.tasks ?? [] { bits |= RunningJobs.bit(ofClass: engine.nodeClass(of: t.node)) }
      precondition(running.estimatedEnd[e] == run[i].runStart &+ jobs[i].estimatedMicros
                     && running.rank[e] == jobs[i].priority.rank && running.seq[e] == slot[i].seq
                     && running.classBits[e] == bits, "running entry of \(jobs[i].id) is stale")
    }
    precondition(queuedJobs == queue.count && requeuedInPass.isEmpty, "queued jobs and the queue disagree")
    precondition(slot.lazy.filter { !$0.inUse }.count == freeSlots.count, "free slots are off")
    precondition(Int64(records.retired + runningCount + queuedJobs) == submitted,
                 "a submitted job is neither in flight nor recorded")
    queue._checkInvariants()
    engine._checkInvariants()
  }
}
