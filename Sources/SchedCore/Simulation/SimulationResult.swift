/// One sample of a time series.
public struct TimePoint: Sendable, Hashable, Codable {
  /// Seconds from the simulation epoch.
  public var t: Double
  /// The sampled value (a utilization share in 0...1, a queue length, …).
  public var value: Double
}

/// What happened to one job.
public struct JobOutcome: Sendable, Hashable, Codable {
  /// The job's id.
  public var id: String
  /// The job's tenant.
  public var tenant: String
  /// The job's priority class.
  public var priority: PriorityClass
  /// Where the job stood when its outcome was recorded (finished, rejected, or at the end of the run).
  public var phase: JobPhase
  /// Submit time, seconds from the simulation epoch.
  public var submitSeconds: Double
  /// First start, if it started.
  public var startSeconds: Double?
  /// Finish time, seconds from the epoch; nil unless finished.
  public var endSeconds: Double?
  /// First start − submit, seconds; nil if it never started.
  public var waitSeconds: Double?
  /// Length of the run it finished in (from its last start), seconds; nil unless finished.
  public var runSeconds: Double?
  /// (finish − submit) / max(run, 10 s), at least 1; nil unless finished.
  public var boundedSlowdown: Double?
  /// Times it was preempted.
  public var preemptions: Int
  /// Times it was requeued because its node failed.
  public var requeues: Int
  /// Sites of the placement it finished on, or of its current one (running
  /// at the end); empty for jobs that never started or wait requeued.
  public var sites: [String]
  /// Whether the job had a latency constraint (bound or ring).
  public var latencyBound: Bool
  /// Why it can never run (the idle-cluster explanation); nil unless rejected.
  public var rejectReason: String?
}

/// Summary statistics of a sample.
public struct Distribution: Sendable, Hashable, Codable {
  /// Number of values.
  public var count: Int
  /// Mean (0 when empty).
  public var mean: Double
  /// Median (0 when empty).
  public var p50: Double
  /// 95th percentile (0 when empty).
  public var p95: Double
  /// 99th percentile (0 when empty).
  public var p99: Double
  /// Largest value (0 when empty).
  public var max: Double

  /// A distribution with the given statistics (e.g. from a histogram).
  public init(count: Int, mean: Double, p50: Double, p95: Double, p99: Double, max: Double) {
    self.count = count
    self.mean = mean
    self.p50 = p50
    self.p95 = p95
    self.p99 = p99
    self.max = max
  }

  /// Exact statistics of `values` (percentile p: the value at index ⌈p·(n−1)⌉ of the sorted values).
  public init(_ values: [Double]) {
    let v = values.sorted()
    count = v.count
    mean = v.isEmpty ? 0 : v.reduce(0, +) / Double(v.count)
    func q(_ p: Double) -> Double {
      guard !v.isEmpty else { return 0 }
      let i = Int((p * Double(v.count - 1)).rounded(.up))
      return v[Swift.max(0, Swift.min(v.count - 1, i))]
    }
    p50 = q(0.50)
    p95 = q(0.95)
    p99 = q(0.99)
    self.max = v.last ?? 0
  }
}

/// What the scheduler did to reach its decisions: how often it searched,
/// and how much work the EASY reservation and the skip rules saved.
public struct SchedulerCounters: Sendable, Hashable, Codable {
  /// Scheduling passes (one after each batch of same-time events).
  public var passes = 0
  /// Placement searches (queue head and backfill candidates).
  public var placements = 0
  /// Placement searches that found no placement.
  public var placementFailures = 0
  /// Tries skipped because the job was known to fail or be refused again.
  public var skipped = 0
  /// Backfill candidates that fit but would have delayed the head.
  public var backfillRefusals = 0
  /// Backfill candidates started ahead of the head.
  public var backfillStarts = 0
  /// Head reservations computed, how many of them were found by per-node
  /// task counts (monotone heads: one placement probe each), and the
  /// placement probes they made.
  public var reservations = 0
  /// Of `reservations`, those found by per-node task counts.
  public var countedReservations = 0
  /// Placement probes made computing reservations.
  public var reservationProbes = 0
  /// Reservations dropped because a job they counted on ending by their
  /// time stopped before the replay had it end and the head now fits sooner
  /// (a monotone head, by task counts or a recomputation) or may (any other
  /// head's, whenever that happens).
  public var reservationsMovedEarlier = 0
  /// Stops of jobs a reservation did not count on (estimated to run past
  /// its time) after which it was kept: the head fits no sooner.
  public var reservationsKeptOverStops = 0
  /// Preemption searches, how many of them counted tasks instead of
  /// probing placements (monotone jobs), and how many went on from the 16
  /// best victims to every candidate (the job did not fit with those 16 gone).
  public var preemptionSearches = 0
  /// Of `preemptionSearches`, those that counted tasks instead of probing.
  public var countedPreemptionSearches = 0
  /// Of `preemptionSearches`, those widened beyond the 16 best victims.
  public var widenedPreemptionSearches = 0
  /// Preemptions whose victims were replaced by one job that frees enough
  /// alone with fewer tasks (or as many and less lost work).
  public var singleVictimPreemptions = 0
  /// The most jobs in flight (queued or running, or just arrived) at once:
  /// the per-job state the simulator held at its peak.
  public var peakJobsInFlight = 0

  /// All counters zero.
  public init() {}
}

/// Everything a simulation measured. Times in seconds unless named otherwise.
public struct SimulationResult: Sendable, Codable {
  /// The cluster's name.
  public var cluster: String
  /// The placement profile's name.
  public var policy: String
  /// Queue discipline the run used.
  public var queueMode: QueueMode
  /// The run's seed (`SimulationConfig.seed`: failure times and nodes).
  public var seed: UInt64
  /// Jobs of the workload, those never submitted before the horizon included.
  public var jobs: Int
  /// Jobs finished by the end of the run.
  public var finished: Int
  /// Jobs still running at the end.
  public var running: Int
  /// Jobs still queued at the end.
  public var queued: Int
  /// Jobs rejected at submit: they fit nowhere even on the idle cluster.
  public var rejected: Int
  /// Preemption events, and distinct jobs preempted at least once.
  public var preemptions: Int
  /// Distinct jobs preempted at least once.
  public var preemptedJobs: Int
  /// Jobs requeued because their node failed.
  public var failureRequeues: Int
  /// Node failures injected (`SimulationConfig.failures`; 0 without).
  public var nodeFailures: Int
  /// Wait (first start − submit) of every job that started, seconds; percentiles
  /// exact when outcomes are kept, else from a histogram (three significant digits).
  public var wait: Distribution
  /// Bounded slowdown of finished jobs (see `JobOutcome.boundedSlowdown`).
  public var boundedSlowdown: Distribution
  /// Last finish − first submit, seconds; 0 when nothing finished.
  public var makespanSeconds: Double
  /// Mean allocated share of capacity over the run, by device kind and by site.
  public var meanUtilizationByKind: [String: Double]
  /// By site id: mean allocated share (accelerator milli where the site has
  /// accelerators, else milli-CPU), 0...1.
  public var meanUtilizationBySite: [String: Double]
  /// Allocated share of capacity over time, by device kind (raw value), 0...1.
  public var utilizationByKind: [String: [TimePoint]]
  /// Allocated share of capacity over time, by site id (as `meanUtilizationBySite`).
  public var utilizationBySite: [String: [TimePoint]]
  /// Jobs waiting in the queue at each sample.
  public var queueLength: [TimePoint]
  /// Cluster fragmentation (FGD definition) as a share of accelerator capacity.
  public var fragmentation: [TimePoint]
  /// The step between the time series' samples at the end of the run:
  /// `SimulationConfig.sampleStepMicros` (floored at 1 s) times a power of
  /// two, above 1 when a series would have exceeded
  /// `SimulationConfig.maxSamplesPerSeries` samples and every series was
  /// thinned to every other sample. All series share their sample times;
  /// they and the means above are those a run configured with this step gives.
  public var sampleStepMicros: Int64
  /// Jobs with a latency constraint (bound or ring).
  public var latencyBoundJobs: Int
  /// Of those, jobs that started at least once.
  public var latencyBoundStarted: Int
  /// Of those, jobs rejected as placeable nowhere.
  public var latencyBoundRejected: Int
  /// Domestic share of delivered accelerator compute (FP16 TFLOPS-hours).
  public var domesticShare: Double
  /// Energy of the devices and cores tasks held, kWh: TDP × share held × hours × site PUE.
  public var energyKWh: Double
  /// Events handled (arrivals, completions, failures, recoveries, …).
  public var events: Int
  /// Work counters of the scheduling loop.
  public var counters: SchedulerCounters
  /// Wall-clock time of the run, seconds.
  public var wallSeconds: Double
  /// Every job's outcome in submit order; empty for a streaming run (records go to the sink).
  public var outcomes: [JobOutcome]
  /// Every task run's usage record; empty for a streaming run (records go to the sink).
  public var usage: [UsageRecord]
}
