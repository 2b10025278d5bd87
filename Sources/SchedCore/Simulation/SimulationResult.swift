/// One sample of a time series.
public struct TimePoint: Sendable, Hashable, Codable {
  /// Seconds from the simulation epoch.
  public var t: Double
  public var value: Double
}

/// What happened to one job.
public struct JobOutcome: Sendable, Hashable, Codable {
  public var id: String
  public var tenant: String
  public var priority: PriorityClass
  public var phase: JobPhase
  public var submitSeconds: Double
  /// First start, if it started.
  public var startSeconds: Double?
  public var endSeconds: Double?
  public var waitSeconds: Double?
  public var runSeconds: Double?
  public var boundedSlowdown: Double?
  public var preemptions: Int
  public var requeues: Int
  /// Sites of the placement it finished on, or of its current one (running
  /// at the end); empty for jobs that never started or wait requeued.
  public var sites: [String]
  public var latencyBound: Bool
  public var rejectReason: String?
}

/// Summary statistics of a sample.
public struct Distribution: Sendable, Hashable, Codable {
  public var count: Int
  public var mean: Double
  public var p50: Double
  public var p95: Double
  public var p99: Double
  public var max: Double

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
  public var placementFailures = 0
  /// Tries skipped because the job was known to fail or be refused again.
  public var skipped = 0
  /// Backfill candidates that fit but would have delayed the head.
  public var backfillRefusals = 0
  public var backfillStarts = 0
  /// Head reservations computed, how many of them were found by per-node
  /// task counts (monotone heads: one placement probe each), and the
  /// placement probes they made.
  public var reservations = 0
  public var countedReservations = 0
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
  public var countedPreemptionSearches = 0
  public var widenedPreemptionSearches = 0
  /// Preemptions whose victims were replaced by one job that frees enough
  /// alone with fewer tasks (or as many and less lost work).
  public var singleVictimPreemptions = 0
  /// The most jobs in flight (queued or running, or just arrived) at once:
  /// the per-job state the simulator held at its peak.
  public var peakJobsInFlight = 0

  public init() {}
}

/// Everything a simulation measured. Times in seconds unless named otherwise.
public struct SimulationResult: Sendable, Codable {
  public var cluster: String
  public var policy: String
  public var queueMode: QueueMode
  public var seed: UInt64
  public var jobs: Int
  public var finished: Int
  public var running: Int
  public var queued: Int
  public var rejected: Int
  /// Preemption events, and distinct jobs preempted at least once.
  public var preemptions: Int
  public var preemptedJobs: Int
  /// Jobs requeued because their node failed.
  public var failureRequeues: Int
  public var nodeFailures: Int
  public var wait: Distribution
  public var boundedSlowdown: Distribution
  public var makespanSeconds: Double
  /// Mean allocated share of capacity over the run, by device kind and by site.
  public var meanUtilizationByKind: [String: Double]
  public var meanUtilizationBySite: [String: Double]
  public var utilizationByKind: [String: [TimePoint]]
  public var utilizationBySite: [String: [TimePoint]]
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
  public var latencyBoundJobs: Int
  public var latencyBoundStarted: Int
  public var latencyBoundRejected: Int
  /// Domestic share of delivered accelerator compute (FP16 TFLOPS-hours).
  public var domesticShare: Double
  public var energyKWh: Double
  public var events: Int
  public var counters: SchedulerCounters
  public var wallSeconds: Double
  public var outcomes: [JobOutcome]
  public var usage: [UsageRecord]
}
