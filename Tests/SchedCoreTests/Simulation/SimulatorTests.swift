import Testing
@testable import SchedCore

@Suite struct SimulatorTests {
  static func smallCluster() -> Cluster { SyntheticCluster.generate(nodes: 60, sites: 3) }

  static func jobs(_ n: Int, seed: UInt64) -> [Job] {
    SyntheticWorkload(jobs: n, durationMicros: 6 * 3_600_000_000, seed: seed, cluster: smallCluster()).generate()
  }

  /// Randomized runs with the job-state invariant checked after every event.
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func invariantHoldsAfterEveryEvent(seed: UInt64) {
    let cluster = Self.smallCluster()
    let jobs = Self.jobs(120, seed: seed)
    for mode in [seed % 2 == 0 ? QueueMode.fcfs : .easy] {
      var config = SimulationConfig(profile: seed % 2 == 0 ? .default : .single(.fgd),
                                    queue: QueuePolicy(mode: mode, preemption: true), seed: seed,
                                    failures: FailureModel(mtbfMicros: 3_600_000_000 * 24, mttrMicros: 600_000_000),
                                    checkInvariants: true)
      config.sampleStepMicros = 600_000_000
      let r = Simulator.run(cluster: cluster, jobs: jobs, config: config)
      #expect(r.finished + r.running + r.queued + r.rejected == r.jobs, "seed \(seed) \(mode)")
      #expect(r.finished > 0, "seed \(seed) \(mode): nothing finished")
      // The runs exercise what the invariant guards: failures that requeue jobs.
      #expect(r.nodeFailures > 0 && r.failureRequeues > 0, "seed \(seed): \(r.nodeFailures) failures, \(r.failureRequeues) requeues")
      print("invariantHoldsAfterEveryEvent seed \(seed): \(r.nodeFailures) failures, \(r.failureRequeues) requeues, \(r.preemptions) preemptions")
      #expect(r.usage.allSatisfy { $0.endMicros >= $0.startMicros }, "seed \(seed)")
      #expect(r.outcomes.allSatisfy { $0.phase != .finished || !$0.sites.isEmpty },
              "seed \(seed): a finished job names the sites it ran on")
    }
  }

  /// EASY under heavy load (many blocked heads, reservations kept and
  /// moved, shielded backfills), with node failures: the job-state invariant
  /// after every event, and in debug builds the internal checks (a shielded
  /// backfill must leave the head's reservation intact).
  @Test(arguments: [11, 12, 13, 14, 15, 16] as [UInt64])
  func easyUnderLoadKeepsInvariants(seed: UInt64) {
    let cluster = Self.smallCluster()
    let jobs = SyntheticWorkload(jobs: 400, durationMicros: 2 * 3_600_000_000, seed: seed, cluster: cluster).generate()
    var config = SimulationConfig(profile: seed % 2 == 0 ? .default : .single(.fgd),
                                  queue: QueuePolicy(mode: .easy, preemption: seed % 3 != 0), seed: seed,
                                  failures: FailureModel(mtbfMicros: 3_600_000_000 * 48, mttrMicros: 900_000_000),
                                  checkInvariants: true)
    config.sampleStepMicros = 900_000_000
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    #expect(r.finished + r.running + r.queued + r.rejected == r.jobs, "seed \(seed)")
    #expect(r.counters.reservations > 0 && r.counters.backfillStarts > 0,
            "seed \(seed): the load must exercise reservations and backfill: \(r.counters)")
  }

  @Test func sameSeedSameResult() {
    let cluster = Self.smallCluster()
    let jobs = Self.jobs(300, seed: 9)
    let config = SimulationConfig(queue: QueuePolicy(mode: .easy), seed: 9,
                                  failures: FailureModel(mtbfMicros: 3_600_000_000 * 12, mttrMicros: 600_000_000))
    var a = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    var b = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    a.wallSeconds = 0
    b.wallSeconds = 0
    #expect(a.outcomes == b.outcomes)
    #expect(a.usage == b.usage)
    #expect(a.wait == b.wait)
    #expect(a.nodeFailures == b.nodeFailures)
  }

  /// Skipping searches whose outcome is known is exact: with and without
  /// it, every job starts, ends and runs where it did; only the counters differ.
  @Test(arguments: [QueueMode.easy, .fcfs])
  func skippingKnownOutcomesChangesNoDecision(mode: QueueMode) {
    let cluster = Self.smallCluster()
    let jobs = Self.jobs(400, seed: 17)
    var config = SimulationConfig(queue: QueuePolicy(mode: mode, preemption: true), seed: 17,
                                  failures: FailureModel(mtbfMicros: 3_600_000_000 * 24, mttrMicros: 600_000_000))
    var a = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    config.skipKnownOutcomes = false
    var b = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    #expect(a.counters.skipped > 0, "the case must exercise the skip rules")
    #expect(b.counters.skipped == 0)
    #expect(b.counters.placements > a.counters.placements)
    a.wallSeconds = 0
    b.wallSeconds = 0
    #expect(a.outcomes == b.outcomes)
    #expect(a.usage == b.usage)
    #expect(a.preemptions == b.preemptions && a.nodeFailures == b.nodeFailures)
  }

  /// Judging monotone jobs' fits by per-node task counts (EASY heads'
  /// reservations, preemption searches) is exact: with and without it,
  /// under heavy load with node failures, every job starts, ends and runs
  /// where it did, with as many reservations and preemption searches; only
  /// the placement probes differ (fewer). Several seeds and both queue modes
  /// together must exercise both kinds of job in both searches. (Debug
  /// builds also check every counted preemption search against probes.)
  @Test func countingTasksChangesNoDecision() {
    let cluster = Self.smallCluster()
    var counted = 0, probed = 0, probesWith = 0, probesWithout = 0
    var countedPreemptions = 0, probedPreemptions = 0
    for seed in 21...26 as ClosedRange<UInt64> {
      let jobs = SyntheticWorkload(jobs: 500, durationMicros: 2 * 3_600_000_000, seed: seed, cluster: cluster).generate()
      var config = SimulationConfig(profile: seed % 2 == 0 ? .default : .single(.fgd),
                                    queue: QueuePolicy(mode: seed % 3 == 0 ? .fcfs : .easy, preemption: seed % 4 != 0),
                                    seed: seed,
                                    failures: FailureModel(mtbfMicros: 3_600_000_000 * 48, mttrMicros: 900_000_000))
      config.sampleStepMicros = 900_000_000
      var a = Simulator.run(cluster: cluster, jobs: jobs, config: config)
      config.countsTasks = false
      var b = Simulator.run(cluster: cluster, jobs: jobs, config: config)
      #expect(a.counters.reservations == b.counters.reservations, "seed \(seed)")
      #expect(a.counters.preemptionSearches == b.counters.preemptionSearches, "seed \(seed)")
      #expect(b.counters.countedReservations == 0 && b.counters.countedPreemptionSearches == 0, "seed \(seed)")
      counted += a.counters.countedReservations
      probed += a.counters.reservations - a.counters.countedReservations
      probesWith += a.counters.reservationProbes
      probesWithout += b.counters.reservationProbes
      countedPreemptions += a.counters.countedPreemptionSearches
      probedPreemptions += a.counters.preemptionSearches - a.counters.countedPreemptionSearches
      a.wallSeconds = 0
      b.wallSeconds = 0
      #expect(a.outcomes == b.outcomes, "seed \(seed)")
      #expect(a.usage == b.usage, "seed \(seed)")
      #expect(a.preemptions == b.preemptions && a.nodeFailures == b.nodeFailures, "seed \(seed)")
    }
    #expect(counted >= 20 && probed >= 20, "reservations: \(counted) counted, \(probed) probed")
    #expect(countedPreemptions >= 10 && probedPreemptions >= 10,
            "preemption searches: \(countedPreemptions) counted, \(probedPreemptions) probed")
    #expect(probesWith < probesWithout)
  }

  /// On a cluster of more than 64 node classes (8 sites × 11 node kinds),
  /// where running jobs' 64-bit class summaries share bits, reservations and
  /// preemption still find the jobs that can make room: debug builds check
  /// every summary's verdict against the job's allocation, and the run
  /// holds its invariants after every event and reserves and preempts.
  @Test func classSummariesHoldBeyond64Classes() {
    let cluster = SyntheticCluster.generate(nodes: 400, sites: 8)
    #expect(PlacementEngine(cluster: cluster).core.classes.count > 64)
    let jobs = SyntheticWorkload(jobs: 800, durationMicros: 2 * 3_600_000_000, seed: 5, cluster: cluster).generate()
    let config = SimulationConfig(queue: QueuePolicy(mode: .easy, preemption: true), seed: 5, checkInvariants: true)
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    #expect(r.counters.reservations > 0 && r.counters.preemptionSearches > 0,
            "reservations \(r.counters.reservations), preemption searches \(r.counters.preemptionSearches)")
    #expect(r.finished + r.running + r.queued + r.rejected == jobs.count)
  }

  /// A hand-built case: a 4-node cluster, a long job holding 3 nodes, a head
  /// needing all 4, and two candidates: a short one (ends before the head's
  /// reservation: backfilled) and a long one (would delay the head: refused).
  @Test func easyBackfillsOnlyWhatDoesNotDelayTheHead() {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 4, cores: 8)
    let h = Int64(3_600_000_000)
    func job(_ id: String, _ submit: Int64, tasks: Int32, est: Int64) -> Job {
      Job(id: id, priority: .batch, submitMicros: submit, estimatedMicros: est, actualMicros: est,
          groups: [TaskGroup(count: tasks, milliCPU: 8000, memoryMiB: 1024)])
    }
    let jobs = [job("long", 0, tasks: 3, est: 10 * h), job("head", 1, tasks: 4, est: h),
                job("short", 2, tasks: 1, est: 5 * h), job("toolong", 3, tasks: 1, est: 20 * h)]
    let r = Simulator.run(cluster: cluster, jobs: jobs,
                          config: SimulationConfig(profile: .single(.firstFit),
                                                   queue: QueuePolicy(mode: .easy, preemption: false)))
    let start = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0.startSeconds ?? -1) })
    #expect(start["short"] == 2e-6)       // backfilled at once: ends (5 h) before the head's 10 h reservation
    #expect(start["head"] == 36_000)      // starts when "long" ends, not delayed
    #expect((start["toolong"] ?? 0) >= 36_000 + 3600)  // refused: it would have delayed the head
    let fcfs = Simulator.run(cluster: cluster, jobs: jobs,
                             config: SimulationConfig(profile: .single(.firstFit),
                                                      queue: QueuePolicy(mode: .fcfs, preemption: false)))
    let fstart = Dictionary(uniqueKeysWithValues: fcfs.outcomes.map { ($0.id, $0.startSeconds ?? -1) })
    #expect(fstart["short"] ?? 0 >= 36_000)  // FCFS: everyone waits behind the head
    #expect(r.wait.mean < fcfs.wait.mean)
  }

  /// A reservation counts on a job ("j") ending by its time; "j" stops
  /// early, and with it gone the head fits sooner (when "k" ends at 5 h):
  /// the reservation moves to 5 h. A candidate ("x", ending at 9.5 h) that
  /// would have ended in time for the stale 10 h reservation must then be
  /// refused, not backfilled in front of the head.
  @Test func easyReservationMovesEarlierWhenAJobItCountsOnStopsEarly() {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 3, cores: 8)
    let h = Int64(3_600_000_000)
    func job(_ id: String, _ submit: Int64, tasks: Int32, cpu: Int64 = 8000, est: Int64, actual: Int64) -> Job {
      Job(id: id, priority: .batch, submitMicros: submit, estimatedMicros: est, actualMicros: actual,
          groups: [TaskGroup(count: tasks, milliCPU: cpu, memoryMiB: 1024)])
    }
    let jobs = [job("j", 0, tasks: 1, est: 10 * h, actual: h),
                job("k", 1, tasks: 1, est: 5 * h, actual: 5 * h),
                job("head", 2, tasks: 3, est: h, actual: h),
                // Fits beside the head and ends before any reservation: the
                // reservation (10 h, waiting for "j") is made when it comes.
                job("y", 6 * h / 10, tasks: 1, cpu: 1000, est: h / 2, actual: h / 2),
                job("x", 3 * h / 2, tasks: 1, est: 8 * h, actual: 8 * h)]
    let r = Simulator.run(cluster: cluster, jobs: jobs,
                          config: SimulationConfig(profile: .single(.firstFit),
                                                   queue: QueuePolicy(mode: .easy, preemption: false),
                                                   checkInvariants: true))
    let start = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0.startSeconds ?? -1) })
    #expect(start["y"] == 2160)                    // backfilled at once
    #expect(((start["head"] ?? 0) - 18_000).magnitude < 0.01, "head at \(start["head"] ?? -1)")  // when "k" ends (5 h): not delayed by "x"
    #expect((start["x"] ?? 0) >= 18_000 + 3600)    // refused until the head is done
    #expect(r.counters.reservationsMovedEarlier >= 1, "\(r.counters)")
  }

  /// A job the reservation did not count on (estimated to run past its
  /// time, 5 h) stops early at 2 h. When what it gives back cannot take a
  /// head task even at the reservation time ("p" still holds half of its
  /// node then), the reservation is kept: one reservation in the run ("z"
  /// at 3 h reuses it; debug builds then recompute it and require the same
  /// time). When it can — "s", on the rest of that node, ends by the
  /// reservation time — the reservation is recomputed, so that the head may
  /// be placed there: at the same time when "s" ends at 5 h, at 4 h when
  /// "s" ends then. Both ways, by task counts and by placement probes. A
  /// stop kept without room also leaves the blocked head known to fail.
  @Test(arguments: [true, false])
  func easyReservationKeptOverAStopOfAJobNotCountedOn(countsTasks: Bool) {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 3, cores: 8)
    let h = Int64(3_600_000_000)
    func job(_ id: String, _ submit: Int64, cpu: Int64, est: Int64, actual: Int64) -> Job {
      Job(id: id, priority: .batch, submitMicros: submit, estimatedMicros: est, actualMicros: actual,
          groups: [TaskGroup(count: 1, milliCPU: cpu, memoryMiB: 1024)])
    }
    // The end of the job beside "q" on n1 (it starts at 1 µs): past the
    // reservation, at it, before it.
    for (besideEnd, headStart, reservations) in [(20 * h, 18_000.0, 1), (5 * h - 1, 18_000, 2), (4 * h, 14_400, 2)] {
      let jobs = [job("long", 0, cpu: 6000, est: 5 * h, actual: 5 * h),   // n0; its end is the reservation
                  job(besideEnd > 5 * h ? "p" : "s", 1, cpu: 4000, est: besideEnd, actual: besideEnd),  // n1
                  job("q", 2, cpu: 4000, est: 20 * h, actual: 2 * h),      // n1: stops at 2 h
                  job("r", 3, cpu: 8000, est: 20 * h, actual: 20 * h),     // n2
                  job("head", 4, cpu: 8000, est: h, actual: h),
                  job("y", h / 2, cpu: 1000, est: h, actual: h),           // backfilled: the reservation is made
                  job("z", 3 * h, cpu: 1000, est: h, actual: h)]           // backfilled after the stop
      var config = SimulationConfig(profile: .single(.firstFit), queue: QueuePolicy(mode: .easy, preemption: false),
                                    checkInvariants: true)
      config.countsTasks = countsTasks
      let r = Simulator.run(cluster: cluster, jobs: jobs, config: config)
      let start = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0.startSeconds ?? -1) })
      #expect(start["y"] == 1800 && start["z"] == 10_800, "\(start)")
      #expect(((start["head"] ?? 0) - headStart).magnitude < 0.01, "head at \(start["head"] ?? -1)")
      #expect(r.counters.reservations == reservations
              && r.counters.reservationsKeptOverStops == (reservations == 1 ? 1 : 0), "\(r.counters)")
      // Kept without room, the stop leaves the head known to fail: it is not
      // tried again at 2 h (3 failed searches instead of 4).
      #expect(r.counters.placementFailures == (reservations == 1 ? 3 : 4), "\(r.counters)")
    }
  }

  @Test func preemptionEvictsFewestTasksAndRequeuesWholeJobs() {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 2, cores: 8)
    let h = Int64(3_600_000_000)
    let jobs = [
      Job(id: "gang", priority: .batch, submitMicros: 0, estimatedMicros: 10 * h,
          groups: [TaskGroup(count: 2, milliCPU: 4000, memoryMiB: 1024)]),  // one task per node? best effort of first-fit: both on n0
      Job(id: "single", priority: .bestEffort, submitMicros: 1, estimatedMicros: 10 * h,
          groups: [TaskGroup(count: 1, milliCPU: 8000, memoryMiB: 1024)]),
      Job(id: "urgent", priority: .online, submitMicros: 2, estimatedMicros: h,
          groups: [TaskGroup(count: 1, milliCPU: 8000, memoryMiB: 1024)]),
    ]
    let r = Simulator.run(cluster: cluster, jobs: jobs,
                          config: SimulationConfig(profile: .single(.firstFit), queue: QueuePolicy(mode: .fcfs, preemption: true),
                                                   checkInvariants: true))
    let o = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0) })
    #expect(o["urgent"]?.startSeconds == 2e-6)
    #expect(r.preemptions == 1)
    // The single-task best-effort job is the smallest victim set, not the 2-task gang.
    #expect(o["single"]?.preemptions == 1)
    #expect(o["gang"]?.preemptions == 0)
    #expect(o["single"]?.phase == .finished)
  }

  /// A job started earlier in a pass (an aged batch job, ranked first) and
  /// preempted later in the same pass (by a production job) is requeued and
  /// runs again. (The queue used to drop every job started in a pass at its
  /// end, and so lost this one: queued forever, in no queue.)
  @Test(arguments: [QueueMode.fcfs, .easy])
  func jobPreemptedInTheSamePassItStartedRunsAgain(mode: QueueMode) {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 1, cores: 8)
    let h = Int64(3_600_000_000)
    let jobs = [
      Job(id: "blocker", priority: .batch, submitMicros: 0, estimatedMicros: 4 * h,
          groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)]),
      Job(id: "aged", priority: .batch, submitMicros: 1, estimatedMicros: h,
          groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)]),
      Job(id: "prod", priority: .production, submitMicros: 4 * h - 60_000_000, estimatedMicros: h,
          groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)]),
    ]
    let r = Simulator.run(cluster: cluster, jobs: jobs,
                          config: SimulationConfig(profile: .single(.firstFit),
                                                   queue: QueuePolicy(mode: mode, agingStepMicros: h, preemption: true),
                                                   checkInvariants: true))
    let o = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0) })
    #expect(o["aged"]?.preemptions == 1, "\(mode): the aged job must start first, then be preempted")
    #expect(o["prod"]?.startSeconds == 14_400.0)
    #expect(r.finished == 3 && r.queued == 0, "\(mode): \(r.finished) finished, \(r.queued) queued")
    #expect(o["aged"]?.endSeconds == 21_600.0)
  }

  @Test func agingBoundsLowPriorityWait() {
    // One node; a best-effort job behind a continuous stream of online jobs.
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 1, cores: 8)
    let minute = Int64(60_000_000)
    var jobs = [Job(id: "low", priority: .bestEffort, submitMicros: 0, estimatedMicros: minute,
                    groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)])]
    jobs.insert(Job(id: "first", priority: .online, submitMicros: 0, estimatedMicros: minute,
                    groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)]), at: 0)
    for k in 1..<600 {
      jobs.append(Job(id: "on\(k)", priority: .online, submitMicros: Int64(k) * minute / 2, estimatedMicros: minute,
                      groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)]))
    }
    let policy = QueuePolicy(mode: .fcfs, agingStepMicros: 30 * minute, preemption: false)
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: SimulationConfig(profile: .single(.firstFit), queue: policy))
    let low = r.outcomes.first { $0.id == "low" }
    let bound = Double(policy.agingBound(.bestEffort)) / 1e6 + 120
    #expect((low?.waitSeconds ?? .infinity) <= bound, "waited \(low?.waitSeconds ?? -1) s > bound \(bound) s")
  }

  @Test func boundedSlowdownByHand() {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 1, cores: 8)
    let jobs = [Job(id: "a", submitMicros: 0, estimatedMicros: 100_000_000, groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)]),
                Job(id: "b", submitMicros: 0, estimatedMicros: 5_000_000, groups: [TaskGroup(milliCPU: 8000, memoryMiB: 1)])]
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: SimulationConfig(profile: .single(.firstFit),
                                                                                  queue: QueuePolicy(mode: .fcfs)))
    let b = r.outcomes.first { $0.id == "b" }
    // b waits 100 s and runs 5 s: max((100 + 5) / max(5, 10), 1) = 10.5.
    #expect(b?.boundedSlowdown == 10.5)
    #expect(r.outcomes.first { $0.id == "a" }?.boundedSlowdown == 1)
  }

  @Test func impossibleJobsAreRejectedWithReasons() {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 2, cores: 8)
    let jobs = [Job(id: "huge", groups: [TaskGroup(milliCPU: 9000, memoryMiB: 1)]),
                Job(id: "gpu", groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1, device: DeviceRequest(count: 1))])]
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: SimulationConfig())
    #expect(r.rejected == 2)
    #expect(r.outcomes.allSatisfy { $0.phase == .rejected && ($0.rejectReason ?? "").contains("0/2 nodes fit") })
  }
}

/// Tiny hand-made clusters for queue tests.
enum SyntheticClusterTiny {
  static func cpuOnly(nodes: Int, cores: Int64) -> Cluster {
    let site = Site(id: "s", name: "s", city: "", district: "", tier: .centre, pue: 1.2, greenShare: 0, prices: PriceList())
    let net = LatencyNetwork(locations: [Location(id: "s", kind: .site, site: 0)], links: [], rings: [])
    let ns = (0..<nodes).map { Node(id: "n\($0)", site: 0, milliCPU: cores * 1000, memoryMiB: 65_536) }
    return Cluster(name: "tiny", catalog: .builtin, sites: [site], network: net, nodes: ns)
  }
}

/// The streaming run (jobs read as they arrive, records handed out and not
/// kept) decides exactly as the run that keeps everything.
@Suite struct StreamingSimulationTests {
  @Test(arguments: [(QueueMode.easy, 21 as UInt64), (.fcfs, 22), (.easy, 23)])
  func streamingAgreesWithKeepingEverything(mode: QueueMode, seed: UInt64) {
    let cluster = SimulatorTests.smallCluster()
    let workload = SyntheticWorkload(jobs: 600, durationMicros: 3 * 3_600_000_000, seed: seed, cluster: cluster)
    var config = SimulationConfig(profile: seed % 2 == 0 ? .default : .single(.fgd),
                                  queue: QueuePolicy(mode: mode, preemption: true), seed: seed,
                                  failures: seed == 23 ? FailureModel(mtbfMicros: 3_600_000_000 * 24,
                                                                      mttrMicros: 600_000_000) : nil,
                                  checkInvariants: true)
    config.sampleStepMicros = 600_000_000
    config.horizonMicros = seed == 22 ? 2 * 3_600_000_000 : nil  // some jobs never arrive
    let kept = Simulator.run(cluster: cluster, jobs: workload.generate(), config: config)
    var outcomes: [JobOutcome] = []
    var usage: [UsageRecord] = []
    let streamed = Simulator.run(cluster: cluster, stream: workload, config: config, records: { record in
      switch record {
      case .outcome(let o): outcomes.append(o)
      case .usage(let u): usage.append(u)
      }
    })
    #expect(streamed.outcomes.isEmpty && streamed.usage.isEmpty, "seed \(seed): the streaming result keeps no records")
    #expect(outcomes.sorted { $0.id < $1.id } == kept.outcomes.sorted { $0.id < $1.id }, "seed \(seed)")
    #expect(usage == kept.usage, "seed \(seed)")
    // Only the kinds asked for are made: the same records, and none of the other kind.
    var usageOnly: [UsageRecord] = [], outcomesOnly: [JobOutcome] = [], strays = 0
    _ = Simulator.run(cluster: cluster, stream: workload, config: config, records: {
      if case .usage(let u) = $0 { usageOnly.append(u) } else { strays += 1 }
    }, kinds: .usage)
    _ = Simulator.run(cluster: cluster, stream: workload, config: config, records: {
      if case .outcome(let o) = $0 { outcomesOnly.append(o) } else { strays += 1 }
    }, kinds: .outcomes)
    #expect(strays == 0 && usageOnly == usage && outcomesOnly == outcomes, "seed \(seed)")
    // Settled inside the run (no records made): the statements of the usage records.
    let vouchers = Voucher.illustrative
    var fromRecords = SettlementAccumulator(cluster: cluster, vouchers: vouchers, perJobLines: true)
    for u in usage { fromRecords.add(u) }
    var inside = SettlementAccumulator(cluster: cluster, vouchers: vouchers, perJobLines: true)
    var none = 0
    let settled = Simulator.run(cluster: cluster, stream: workload, config: config, records: { _ in none += 1 },
                                kinds: [], settling: &inside)
    let a = inside.settlement(), b = fromRecords.settlement()
    #expect(none == 0 && settled.counters == kept.counters, "seed \(seed)")
    #expect(a.statements == b.statements && a.totalGross.fen > 0, "seed \(seed)")
    #expect((inside.outOfOrder, inside.overflowed) == (fromRecords.outOfOrder, fromRecords.overflowed))
    #expect((streamed.jobs, streamed.finished, streamed.running, streamed.queued, streamed.rejected)
            == (kept.jobs, kept.finished, kept.running, kept.queued, kept.rejected), "seed \(seed)")
    #expect(streamed.counters == kept.counters && streamed.events == kept.events, "seed \(seed)")
    #expect(streamed.utilizationByKind == kept.utilizationByKind && streamed.queueLength == kept.queueLength)
    #expect(streamed.energyKWh == kept.energyKWh && streamed.makespanSeconds == kept.makespanSeconds)
    // Histogram statistics: count and max exact, mean to rounding, percentiles to 3 significant digits.
    #expect(streamed.wait.count == kept.wait.count && streamed.wait.max == kept.wait.max)
    #expect(abs(streamed.wait.mean - kept.wait.mean) <= 1e-9 * Swift.max(1.0, kept.wait.mean))
    for (a, b) in [(streamed.wait.p50, kept.wait.p50), (streamed.wait.p99, kept.wait.p99),
                   (streamed.boundedSlowdown.p95, kept.boundedSlowdown.p95)] {
      #expect(abs(a - b) <= 0.002 * b + 0.001, "seed \(seed): \(a) vs \(b)")
    }
    // Slots are reused: per-job state follows the jobs in flight.
    #expect(kept.counters.peakJobsInFlight < kept.jobs / 2,
            "seed \(seed): \(kept.counters.peakJobsInFlight) of \(kept.jobs) jobs held at once")
  }

  /// A stream out of submit order: the late-listed job arrives when read
  /// (after its predecessor), its wait counts from its own submit time, and
  /// every job is still accounted for.
  @Test func outOfOrderStreamArrivesWhenRead() {
    let cluster = SyntheticClusterTiny.cpuOnly(nodes: 1, cores: 8)
    let s = Int64(1_000_000)
    let jobs = [
      Job(id: "a", submitMicros: 100 * s, estimatedMicros: 10 * s, groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1)]),
      Job(id: "early", submitMicros: 40 * s, estimatedMicros: 10 * s, groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1)]),
    ]
    var outcomes: [String: JobOutcome] = [:]
    let r = Simulator.run(cluster: cluster, stream: jobs,
                          config: SimulationConfig(profile: .single(.firstFit), queue: QueuePolicy(mode: .fcfs),
                                                   checkInvariants: true),
                          records: { if case .outcome(let o) = $0 { outcomes[o.id] = o } })
    #expect(r.finished == 2 && r.jobs == 2)
    #expect(outcomes["early"]?.startSeconds == 100, "arrives when read, after 'a'")
    #expect(outcomes["early"]?.waitSeconds == 60, "waits from its own submit time")
  }
}
