#if canImport(Glibc)
import Glibc
#endif

/// A placement throughput and latency measurement shaped like Kubernetes'
/// scheduler_perf: a cluster, initial jobs placed first (not measured), then
/// measured jobs; after each measured placement the oldest running job is
/// released so the cluster stays in a steady state of churn.
public struct PlacementBenchmark: Sendable {
  /// Nodes of the generated `SyntheticCluster`.
  public var nodes: Int
  /// The profile placed with.
  public var profile: Profile
  /// Jobs placed first, not measured (they fill the cluster).
  public var initialJobs: Int
  /// Jobs placed one by one and timed; after each, the oldest running job is released.
  public var measuredJobs: Int
  /// Seed of the initial jobs (the measured jobs use `seed + 1`).
  public var seed: UInt64
  /// Use the reference linear scan instead of the indexed engine.
  public var reference: Bool

  /// A benchmark of `measuredJobs` timed placements after `initialJobs` untimed ones on `nodes` nodes.
  public init(nodes: Int, profile: Profile, initialJobs: Int, measuredJobs: Int, seed: UInt64 = 1,
              reference: Bool = false) {
    self.nodes = nodes
    self.profile = profile
    self.initialJobs = initialJobs
    self.measuredJobs = measuredJobs
    self.seed = seed
    self.reference = reference
  }

  /// What one run measured.
  public struct Result: Sendable {
    /// Per measured placement, nanoseconds.
    public var latenciesNanos: [UInt64]
    /// Measured placements that succeeded.
    public var placed: Int
    /// Measured placements that failed (each with its explanation built).
    public var failed: Int
    /// Wall time of the measured phase (placements and releases), seconds.
    public var wallSeconds: Double
    /// Distinct (class, free state) groups in the index at the end (engine only).
    public var distinctStates: Int
    /// Measured placements ÷ `wallSeconds` (0 when no time passed).
    public var placementsPerSecond: Double { wallSeconds > 0 ? Double(latenciesNanos.count) / wallSeconds : 0 }
  }

  /// Runs the benchmark on one thread.
  public func run() -> Result {
    let cluster = SyntheticCluster.generate(nodes: nodes)
    let initial = SyntheticCluster.jobs(count: initialJobs, seed: seed, prefix: "i")
    let measured = SyntheticCluster.jobs(count: measuredJobs, seed: seed &+ 1, prefix: "m")
    var target = TargetWorkload.empty
    if profile.usesFGD {
      target = TargetWorkload.build(jobs: initial.prefix(2000), coverage: profile.fgdCoverage, catalog: cluster.catalog)
    }
    if reference {
      var p = ReferencePlacer(cluster: cluster, profile: profile, target: target)
      return Self.drive(initial: initial, measured: consume measured, place: { p.place($0, checkingID: false) },
                        release: { p.release($0) }, states: { 0 })
    }
    var e = PlacementEngine(cluster: cluster, profile: profile, target: target)
    return Self.drive(initial: initial, measured: consume measured,
                      place: { e.place($0, explain: true, checkingID: false) },
                      release: { e.release($0) }, states: { e.distinctStates })
  }

  /// Places and releases by handle (the jobs' ids are distinct, and a
  /// service with its own job table needs no lookup by id), explaining failures.
  ///
  /// `place` gets each measured job `inout`, only to read it in place:
  /// handed over from memory it might write, a borrowed job would be
  /// copied (and destroyed) around every call; `measured` is taken over
  /// (not copied) so its jobs can be lent that way.
  static func drive(initial: [Job], measured: consuming [Job],
                    place: (inout Job) -> Swift.Result<PlacementDecision, Unschedulable>,
                    release: (AllocationHandle) -> Allocation?, states: () -> Int) -> Result {
    var measured = measured
    var running: [AllocationHandle] = []
    running.reserveCapacity(initial.count + measured.count)
    var head = 0
    for var j in initial {
      if case .success(let d) = place(&j) { running.append(d.handle) }
    }
    var lat: [UInt64] = []
    lat.reserveCapacity(measured.count)
    var placed = 0, failed = 0
    let start = BenchClock.nanos()
    // The jobs are lent in place (a loop variable would copy each one).
    measured.withUnsafeMutableBufferPointer { jobs in
      for k in jobs.indices {
        let t0 = BenchClock.nanos()
        let r = place(&jobs[k])
        lat.append(BenchClock.nanos() &- t0)
        if case .success(let d) = r {
          placed += 1
          running.append(d.handle)
        } else {
          failed += 1
        }
        if head < running.count {
          _ = release(running[head])
          head += 1
        }
      }
    }
    let secs = Double(BenchClock.nanos() &- start) * 1e-9
    return Result(latenciesNanos: lat, placed: placed, failed: failed, wallSeconds: secs,
                  distinctStates: states())
  }
}

/// The benchmark's monotonic clock in nanoseconds: with Glibc the boot-time
/// clock `ContinuousClock` reads, read directly (converting a `Duration`
/// to nanoseconds cost more than reading the clock); else `ContinuousClock`.
enum BenchClock {
  @inline(__always)
  static func nanos() -> UInt64 {
    #if canImport(Glibc)
    var ts = timespec()
    clock_gettime(CLOCK_BOOTTIME, &ts)
    return UInt64(truncatingIfNeeded: ts.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: ts.tv_nsec)
    #else
    let d = ContinuousClock.now - origin
    let (s, a) = d.components
    return UInt64(truncatingIfNeeded: s) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: a / 1_000_000_000)
    #endif
  }

  #if !canImport(Glibc)
  private static let origin = ContinuousClock.now
  #endif
}
