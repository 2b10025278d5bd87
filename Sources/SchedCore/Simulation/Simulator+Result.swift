import Histogram

/// One record a simulation hands out as soon as it is final: a job's
/// outcome (when it finishes or is rejected, or at the end for jobs still in
/// flight or never submitted) or one task run's usage (when it stops).
public enum SimulationRecord: Sendable {
  /// A job's outcome, once final.
  case outcome(JobOutcome)
  /// One task run's usage, when it stops.
  case usage(UsageRecord)

  /// Which records a streaming run hands out: one that needs only usage
  /// (to settle) skips building every job's outcome, and the reverse.
  public struct Kinds: OptionSet, Sendable, Hashable {
    /// Bit set of record kinds.
    public let rawValue: UInt8
    /// The kinds whose bits are set in `rawValue` (1 outcomes, 2 usage).
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Each job's `JobOutcome`.
    public static let outcomes = Kinds(rawValue: 1)
    /// Each task run's `UsageRecord`.
    public static let usage = Kinds(rawValue: 2)
    /// Outcomes and usage.
    public static let all: Kinds = [.outcomes, .usage]
  }
}

/// Collects what the simulator reports per job: either keeps every outcome
/// and usage record (for `SimulationResult.outcomes` and `usage`, in submit
/// order) or passes them on and keeps only running statistics.
struct RecordKeeper {
  let keep: Bool
  let sink: ((SimulationRecord) -> Void)?
  /// Whether anyone takes each job's outcome record, and each task run's usage record.
  let wantsOutcomes: Bool
  let wantsUsage: Bool
  var outcomes: [(seq: Int64, outcome: JobOutcome)] = []
  var usage: [UsageRecord] = []
  /// Jobs whose outcome is recorded (they hold no slot any more).
  var retired = 0
  var finished = 0, running = 0, queued = 0, rejected = 0, pending = 0
  var preemptedJobs = 0
  var latencyJobs = 0, latencyStarted = 0, latencyRejected = 0
  var firstSubmit = Int64.max, lastEnd = Int64.min
  var waits: SampleStatistics
  var slowdowns: SampleStatistics

  init(keep: Bool, sink: ((SimulationRecord) -> Void)?, kinds: SimulationRecord.Kinds = .all) {
    self.keep = keep
    self.sink = sink
    wantsOutcomes = keep || (sink != nil && kinds.contains(.outcomes))
    wantsUsage = keep || (sink != nil && kinds.contains(.usage))
    // Waits in milliseconds, slowdowns in thousandths.
    waits = SampleStatistics(exact: keep, scale: 1000)
    slowdowns = SampleStatistics(exact: keep, scale: 1000)
  }

  mutating func add(_ u: UsageRecord) {
    guard wantsUsage else { return }
    if keep { usage.append(u) }
    sink?(.usage(u))
  }

  /// Records the outcome of job `j` (sequence number `seq`) in state `r`.
  mutating func add(_ j: Job, seq: Int64, _ r: Simulator.JobRun, sites: [String]) {
    firstSubmit = min(firstSubmit, j.submitMicros)
    var wait: Double?
    var runS: Double?
    var slow: Double?
    if r.firstStart >= 0 {
      let w = Double(r.firstStart - j.submitMicros) / 1e6
      wait = w
      waits.add(w)
    }
    switch r.phase {
    case .finished: finished += 1
    case .running: running += 1
    case .queued: queued += 1
    case .rejected: rejected += 1
    case .pending: pending += 1
    }
    if r.phase == .finished {
      lastEnd = max(lastEnd, r.end)
      let runMicros = r.end - r.runStart
      runS = Double(runMicros) / 1e6
      let total = Double(r.end - j.submitMicros) / 1e6
      let s = max(total / max(Double(runMicros) / 1e6, 10), 1)
      slow = s
      slowdowns.add(s)
    }
    if r.preemptions > 0 { preemptedJobs += 1 }
    let bounded: Bool
    if case .none = j.latency { bounded = false } else { bounded = true }
    if bounded {
      latencyJobs += 1
      if r.firstStart >= 0 { latencyStarted += 1 }
      if r.phase == .rejected { latencyRejected += 1 }
    }
    guard wantsOutcomes else { return }
    let o = JobOutcome(
      id: j.id, tenant: j.tenant, priority: j.priority, phase: r.phase,
      submitSeconds: Double(j.submitMicros) / 1e6,
      startSeconds: r.firstStart >= 0 ? Double(r.firstStart) / 1e6 : nil,
      endSeconds: r.end >= 0 ? Double(r.end) / 1e6 : nil,
      waitSeconds: wait, runSeconds: runS, boundedSlowdown: slow, preemptions: r.preemptions,
      requeues: r.requeues, sites: sites, latencyBound: bounded, rejectReason: r.rejectReason)
    if keep { outcomes.append((seq, o)) }
    sink?(.outcome(o))
  }
}

/// Count, mean and max of a sample, with its percentiles either exact
/// (every value kept) or from an HDR histogram of the values × `scale`
/// rounded (three significant digits; memory independent of the count;
/// 32-bit bucket counts, exact up to 4,294,967,295 values per bucket).
struct SampleStatistics {
  let exact: Bool
  let scale: Double
  var values: [Double] = []
  var histogram: Histogram<UInt32>
  var count = 0
  var sum = 0.0
  var max = 0.0

  init(exact: Bool, scale: Double) {
    self.exact = exact
    self.scale = scale
    histogram = Histogram(highestTrackableValue: 1 << 20, numberOfSignificantValueDigits: .three)
    histogram.autoResize = true
  }

  mutating func add(_ v: Double) {
    if exact {
      values.append(v)
      return
    }
    count += 1
    sum += v
    max = Swift.max(max, v)
    let x = (v * scale).rounded()
    _ = histogram.record(x.isFinite && x > 0 ? UInt64(Swift.min(x, 1e15)) : 0)
  }

  var distribution: Distribution {
    if exact { return Distribution(values) }
    func q(_ p: Double) -> Double { count == 0 ? 0 : Swift.min(Double(histogram.valueAtPercentile(p)) / scale, max) }
    return Distribution(count: count, mean: count == 0 ? 0 : sum / Double(count), p50: q(50), p95: q(95),
                        p99: q(99), max: max)
  }
}

extension Simulator {
  /// Job `i` finished (on `sites`) or was rejected: its outcome is recorded and its slot freed.
  mutating func retire(_ i: Int, sites: [String]) {
    let seq = slot[i].seq
    jobs.withUnsafeBufferPointer { records.add($0[i], seq: seq, run[i], sites: sites) }  // lent, not copied
    records.retired += 1
    freeSlot(i)
  }

  /// The sites of job `i`'s current allocation, sorted.
  @inline(__always)  // called from mutating code: a call would copy the whole simulator
  func sites(of i: Int) -> [String] {
    guard let a = run[i].allocation, records.wantsOutcomes else { return [] }
    var ids: [SiteID] = []
    for t in a.tasks {
      let s = metrics.facts[engine.nodeClass(of: t.node)].site
      if !ids.contains(s) { ids.append(s) }
    }
    return ids.map { cluster.sites[Int($0)].id }.sorted()
  }

  /// At the end: records the jobs still in flight (in submit order) and
  /// those never submitted (the rest of the source, read without being kept).
  mutating func finishRecords() {
    let inFlight = slot.indices.filter { slot[$0].inUse }.sorted { slot[$0].seq < slot[$1].seq }
    for i in inFlight { records.add(jobs[i], seq: slot[i].seq, run[i], sites: sites(of: i)) }
    while let j = nextJob {
      records.add(j, seq: submitted, JobRun(), sites: [])
      submitted += 1
      nextJob = source.next()
    }
    if records.keep { records.outcomes.sort { $0.seq < $1.seq } }
  }

  /// The means are plain means of the samples (the end sample included):
  /// thinned series hold the samples of a run at the coarser step, so the
  /// means are that run's (see `MetricsRecorder.sampleStep`).
  func result(wallSeconds: Double) -> SimulationResult {
    func mean(_ s: [TimePoint]) -> Double { s.isEmpty ? 0 : s.reduce(0) { $0 + $1.value } / Double(s.count) }
    var byKind: [String: [TimePoint]] = [:]
    for (k, v) in metrics.utilKind { byKind[k.rawValue] = v }
    var bySite: [String: [TimePoint]] = [:]
    for (s, v) in metrics.utilSite.enumerated() where !v.isEmpty { bySite[cluster.sites[s].id] = v }
    let r = records
    var counters = counters
    counters.peakJobsInFlight = jobs.count  // slots only grow when none is free
    return SimulationResult(
      cluster: cluster.name, policy: config.profile.name, queueMode: config.queue.mode, seed: config.seed,
      jobs: Int(submitted),
      finished: r.finished, running: r.running, queued: r.queued, rejected: r.rejected,
      preemptions: preemptionEvents, preemptedJobs: r.preemptedJobs,
      failureRequeues: failureRequeues, nodeFailures: nodeFailures,
      wait: r.waits.distribution, boundedSlowdown: r.slowdowns.distribution,
      makespanSeconds: r.lastEnd > r.firstSubmit ? Double(r.lastEnd - r.firstSubmit) / 1e6 : 0,
      meanUtilizationByKind: byKind.mapValues(mean), meanUtilizationBySite: bySite.mapValues(mean),
      utilizationByKind: byKind, utilizationBySite: bySite, queueLength: metrics.queueLength,
      fragmentation: metrics.fragmentation, sampleStepMicros: metrics.sampleStep,
      latencyBoundJobs: r.latencyJobs, latencyBoundStarted: r.latencyStarted, latencyBoundRejected: r.latencyRejected,
      domesticShare: metrics.allTFLOPSHours > 0 ? metrics.domesticTFLOPSHours / metrics.allTFLOPSHours : 0,
      energyKWh: metrics.energyWattHours / 1000, events: eventCount, counters: counters,
      wallSeconds: wallSeconds,
      outcomes: r.outcomes.map(\.outcome), usage: r.usage)
  }
}
