/// Seeded random node failures: each node fails on average every
/// `mtbfMicros` and is repaired after an exponential time with mean `mttrMicros`.
public struct FailureModel: Sendable, Hashable {
  /// Mean time between failures of one node, µs (at least 1): failures hit the
  /// cluster at `nodes / mtbfMicros` per µs, each on a node drawn uniformly.
  public var mtbfMicros: Int64
  /// Mean repair time, µs (at least 1); the failed node is down until then.
  public var mttrMicros: Int64

  /// A failure model; both means are floored at 1 µs.
  public init(mtbfMicros: Int64, mttrMicros: Int64) {
    self.mtbfMicros = max(1, mtbfMicros)
    self.mttrMicros = max(1, mttrMicros)
  }
}

/// Everything a simulation run depends on besides cluster and jobs.
public struct SimulationConfig: Sendable {
  /// Scorers and tie-break the placement engine uses.
  public var profile: Profile
  /// Queue discipline: FCFS or EASY, aging, preemption, quotas.
  public var queue: QueuePolicy
  /// Seed of the run's own random draws (failure times and nodes); the profile has its own.
  public var seed: UInt64
  /// Time-series sampling step (at least 1 s). A run that would take more
  /// than `maxSamplesPerSeries` samples doubles it as often as needed,
  /// keeping every other sample each time; `SimulationResult.sampleStepMicros`
  /// is the step the series ended with (see `MetricsRecorder.sampleStep`).
  public var sampleStepMicros: Int64
  /// Stop at this time (jobs still waiting or running are reported as such).
  public var horizonMicros: Int64?
  /// Random node failures; nil for none.
  public var failures: FailureModel?
  /// FGD target workload (for the FGD profile and the fragmentation metric);
  /// built from the jobs when empty.
  public var target: TargetWorkload
  /// Check the job-state invariant after every event (slow; for tests).
  public var checkInvariants: Bool
  /// Skip placement searches whose outcome is known (see Docs/Simulation.md:
  /// failed monotone jobs while no capacity came back, refusals under an
  /// unchanged state and reservation). Exact: turning it off changes only
  /// the time taken and `counters`, never a decision (tested).
  public var skipKnownOutcomes = true
  /// Judge whether a monotone job fits after releases (an EASY head at
  /// running jobs' ends, a preempting job without its victims) by per-node
  /// task counts instead of placement probes (see `TaskCountReplay`).
  /// Exact: turning it off changes only the time taken and the counters (tested).
  var countsTasks = true
  /// At most this many samples per time series (even; tests set it small).
  var sampleCap = SimulationConfig.maxSamplesPerSeries
  /// Samples due while nothing can change (no event before them) are the
  /// last one repeated, appended without an event each (see
  /// `Simulator.skipUnchangedSamples`). Exact: turning it off changes only
  /// the time taken and `events`, never a sample (tested).
  var repeatsUnchangedSamples = true

  /// The cap on samples per time series: 8,192 (2^13). Sixteen bytes a
  /// sample, so at most 128 KiB a series (storage grows by doubling up to
  /// the cap, not past it) — for the reference cluster's 18 series
  /// (4 device kinds, 12 sites, queue, fragmentation) 2.25 MiB, under a
  /// quarter of its 1 KiB-per-node budget, however long the run. Runs of up
  /// to 28 days at the default 5-minute step (341 days at an hourly one)
  /// keep every sample; longer ones keep between 4,096 and 8,192 evenly
  /// spaced samples, still more points than a chart has pixels.
  public static let maxSamplesPerSeries = 8_192

  /// A configuration; `sampleStepMicros` is floored at 1 s (default 5 minutes).
  public init(profile: Profile = .default, queue: QueuePolicy = QueuePolicy(), seed: UInt64 = 42,
              sampleStepMicros: Int64 = 300_000_000, horizonMicros: Int64? = nil,
              failures: FailureModel? = nil, target: TargetWorkload = .empty, checkInvariants: Bool = false) {
    self.profile = profile
    self.queue = queue
    self.seed = seed
    self.sampleStepMicros = max(1_000_000, sampleStepMicros)
    self.horizonMicros = horizonMicros
    self.failures = failures
    self.target = target
    self.checkInvariants = checkInvariants
  }
}

/// Where a submitted job is. Every job is in exactly one state at any time.
public enum JobPhase: String, Sendable, Hashable, Codable {
  /// Not yet submitted (its arrival is in the future).
  case pending
  /// Submitted and waiting to start (again, after a preemption or node failure).
  case queued
  /// Holding an allocation.
  case running
  /// Ran to completion.
  case finished
  /// Can never run on this cluster, even idle; see `rejectReason`.
  case rejected
}
