import Testing
@testable import SchedCore

/// Time series stay under `SimulationConfig.maxSamplesPerSeries` (thinned
/// to every other sample, the step doubling) and cost no event per sample
/// while nothing can change; neither alters a sample or a decision.
@Suite struct SampleCapTests {
  typealias M = MetricsValueTests
  static let s = Int64(1_000_000)

  /// Every series of `r` by name.
  static func series(_ r: SimulationResult) -> [String: [TimePoint]] {
    var out: [String: [TimePoint]] = ["queue": r.queueLength, "fragmentation": r.fragmentation]
    for (k, v) in r.utilizationByKind { out["kind " + k] = v }
    for (k, v) in r.utilizationBySite { out["site " + k] = v }
    return out.filter { !$0.value.isEmpty }
  }

  /// Every series holds the same sample times.
  static func shareTimes(_ r: SimulationResult) -> Bool {
    let times = series(r).values.map { $0.map(\.t) }
    return times.allSatisfy { $0 == times.first }
  }

  /// Node a0 (site "a", 8 cores) and b0 (site "b", 32 cores, 4 A100s).
  static func tinyCluster() throws -> Cluster {
    M.cluster(sites: [M.site("a"), M.site("b")],
              nodes: [Node(id: "a0", site: 0, milliCPU: 8000, memoryMiB: 65_536),
                      Node(id: "b0", site: 1, milliCPU: 32_000, memoryMiB: 262_144,
                           accelerator: DeviceGroup(model: try M.model("A100-80GB"), count: 4, memoryMiB: 81_920))])
  }

  static let target = TargetWorkload(types: [
    .init(share: 0.5, deviceCount: 1, milliPerDevice: 500, milliCPU: 1000, models: nil),
    .init(share: 0.5, deviceCount: 0, milliPerDevice: 0, milliCPU: 2000, models: nil),
  ])

  /// Two cores on a0 for 100 s from 0; four more from 50 s for 10^9 s; one
  /// A100 on b0 for an hour from 10^9 s (the importers' largest submit time).
  static func farJobs() -> [Job] {
    [M.cpuJob("early", submit: 0, run: 100 * s, cpu: 2000),
     M.cpuJob("long", submit: 50 * s, run: 1_000_000_000 * s, cpu: 4000),
     M.deviceJob("late", submit: 1_000_000_000 * s, run: 3600 * s, cpu: 1000)]
  }

  /// 10^9 s at a 1 s step (10^9 samples undecimated): the run ends, each
  /// series holds between half the cap and the cap, all at the same times,
  /// on the grid of a power-of-two multiple of 1 s, with site a's
  /// utilization worked out by hand at every retained instant.
  @Test func farSubmitFinishesUnderTheCap() throws {
    let r = Simulator.run(cluster: try Self.tinyCluster(), jobs: Self.farJobs(),
                          config: M.config(step: Self.s, target: Self.target))
    #expect(r.finished == 3)
    let cap = SimulationConfig.maxSamplesPerSeries
    for (name, v) in Self.series(r) {
      #expect(v.count <= cap && v.count >= cap / 2, "\(name): \(v.count) samples")
    }
    #expect(Self.shareTimes(r))
    let step = r.sampleStepMicros
    #expect(step > Self.s && step % Self.s == 0 && (step / Self.s).nonzeroBitCount == 1, "step \(step) µs")
    let site = try #require(r.utilizationBySite["a"])
    let end = 1_000_003_600.0
    #expect(site.last?.t == end)
    let offGrid = site.dropLast().filter { Int64(($0.t * 1e6).rounded()) % step != 0 }
    #expect(offGrid.isEmpty, "off the grid: \(offGrid.prefix(3))")
    // Samples read the state after the instant's pass; "long" ends at 10^9 + 50 s.
    let wrong = site.filter { $0.value != ($0.t == 0 ? 0.25 : $0.t < 1_000_000_050 ? 0.5 : 0) }
    #expect(wrong.isEmpty, "site a differs from the values by hand at \(wrong.prefix(3))")
    // One event per sample would be 10^9 events (or, thinned, tens of thousands).
    #expect(r.events < 100, "\(r.events) events")
  }

  /// A run of 120 jobs over six hours sampled every minute, thinned under a
  /// cap of 32: the decisions are those of the uncapped run; every sample
  /// kept is the uncapped run's sample at that instant; and the series and
  /// means are exactly those of a run configured with the final step.
  @Test(arguments: [QueueMode.easy, .fcfs])
  func thinnedSeriesAreTheCoarserRun(mode: QueueMode) {
    let cluster = SimulatorTests.smallCluster()
    let jobs = SyntheticWorkload(jobs: 120, durationMicros: 6 * 3600 * Self.s, seed: 5, cluster: cluster).generate()
    var config = SimulationConfig(queue: QueuePolicy(mode: mode, preemption: true), seed: 5, sampleStepMicros: 60 * Self.s,
                                  failures: FailureModel(mtbfMicros: 48 * 3600 * Self.s, mttrMicros: 900 * Self.s),
                                  checkInvariants: true)
    let full = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    config.sampleCap = 32
    let capped = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    #expect(capped.outcomes == full.outcomes && capped.usage == full.usage)
    #expect(full.sampleStepMicros == 60 * Self.s && full.queueLength.count > 256, "\(full.queueLength.count) samples")
    #expect(capped.sampleStepMicros >= 8 * 60 * Self.s && (capped.sampleStepMicros / (60 * Self.s)).nonzeroBitCount == 1)
    #expect(Self.shareTimes(capped))
    let fullSeries = Self.series(full)
    for (name, v) in Self.series(capped) {
      #expect(v.count <= 32 && v.count >= 16, "\(name): \(v.count) samples")
      let byTime = Dictionary(uniqueKeysWithValues: (fullSeries[name] ?? []).map { ($0.t, $0.value) })
      let differ = v.filter { byTime[$0.t] != $0.value }
      #expect(differ.isEmpty, "\(name) differs from the uncapped run at \(differ.prefix(3))")
    }
    config.sampleCap = SimulationConfig.maxSamplesPerSeries
    config.sampleStepMicros = capped.sampleStepMicros
    let coarse = Simulator.run(cluster: cluster, jobs: jobs, config: config)
    #expect(Self.series(coarse) == Self.series(capped))
    #expect(coarse.meanUtilizationByKind == capped.meanUtilizationByKind
            && coarse.meanUtilizationBySite == capped.meanUtilizationBySite)
    #expect(coarse.sampleStepMicros == capped.sampleStepMicros)
  }

  /// Samples repeated while nothing can change equal those taken one event
  /// each: the far run (1 s step: tens of thousands of sample events,
  /// thinned 17 times), the same under a small cap, a six-hour synthetic run
  /// with failures, and both cut by a horizon between events.
  @Test(arguments: [false, true], [0, 16])
  func repeatedSamplesEqualSampledOnes(synthetic: Bool, cap: Int) throws {
    let cluster = synthetic ? SimulatorTests.smallCluster() : try Self.tinyCluster()
    let jobs = synthetic
      ? SyntheticWorkload(jobs: 120, durationMicros: 6 * 3600 * Self.s, seed: 3, cluster: cluster).generate()
      : Self.farJobs()
    var config = synthetic
      ? SimulationConfig(queue: QueuePolicy(mode: .easy, preemption: true), seed: 3, sampleStepMicros: 60 * Self.s,
                         failures: FailureModel(mtbfMicros: 24 * 3600 * Self.s, mttrMicros: 1800 * Self.s),
                         checkInvariants: true)
      : M.config(step: Self.s, target: Self.target)
    config.checkInvariants = synthetic  // the far run takes one event per second of its first 8,192
    if cap > 0 { config.sampleCap = cap }
    for horizon in [nil, synthetic ? 4 * 3600 * Self.s + 1 : 700_000_000 * Self.s + 1] as [Int64?] {
      config.horizonMicros = horizon
      config.repeatsUnchangedSamples = true
      let fast = Simulator.run(cluster: cluster, jobs: jobs, config: config)
      config.repeatsUnchangedSamples = false
      let slow = Simulator.run(cluster: cluster, jobs: jobs, config: config)
      #expect(fast.outcomes == slow.outcomes && fast.usage == slow.usage)
      #expect(Self.series(fast) == Self.series(slow), "horizon \(horizon ?? -1)")
      #expect(fast.sampleStepMicros == slow.sampleStepMicros)
      #expect(synthetic ? fast.events <= slow.events : fast.events < slow.events, "\(fast.events) vs \(slow.events) events")
      if let horizon { #expect(fast.queueLength.allSatisfy { $0.t * 1e6 <= Double(horizon) }) }
    }
  }

  /// A job over its tenant's quota (no borrowing) with nothing else to come
  /// can never start: the run ends instead of sampling forever, the job
  /// reported queued; with a horizon it is sampled queued up to there.
  @Test func jobOverItsQuotaEndsTheRun() throws {
    let jobs = [M.cpuJob("ok", submit: 0, run: 100 * Self.s, cpu: 1000),
                M.cpuJob("over", tenant: "capped", submit: 10 * Self.s, run: 100 * Self.s, cpu: 2000)]
    var config = M.config(step: 100 * Self.s)
    config.queue.quotas = ["capped": TenantQuota(maxMilliCPU: 1000)]
    let r = Simulator.run(cluster: try Self.tinyCluster(), jobs: jobs, config: config)
    #expect(r.finished == 1 && r.queued == 1)
    #expect(r.queueLength.last.map { $0.t == 100 && $0.value == 1 } == true, "\(r.queueLength)")
    config.horizonMicros = 1_000_000_000 * Self.s
    let h = Simulator.run(cluster: try Self.tinyCluster(), jobs: jobs, config: config)
    #expect(h.queued == 1 && h.queueLength.count <= SimulationConfig.maxSamplesPerSeries)
    #expect(h.queueLength.dropFirst().allSatisfy { $0.value == 1 } && h.queueLength.last!.t > 900_000_000)
  }
}
