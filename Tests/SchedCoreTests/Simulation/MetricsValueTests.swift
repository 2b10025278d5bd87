import Testing
@testable import SchedCore

/// The values of the simulation metrics, each checked against a figure worked
/// out by hand (in the test, from the definitions) on a tiny hand-built
/// cluster with a few jobs of known submit times, run times and requests —
/// never by calling the library code that computes the metric.
@Suite struct MetricsValueTests {
  static let s = Int64(1_000_000)
  static let h = 3600 * s
  static let catalog = DeviceCatalog.builtin

  /// A site with its own location in the latency network (named as the site).
  static func site(_ id: String, pue: Double = 1.2) -> Site {
    Site(id: id, name: id, city: "", district: "", tier: .centre, pue: pue, greenShare: 0, prices: PriceList())
  }

  /// A cluster of `sites` (each its own network location) plus `access`
  /// points, linked by `links` (location ids and one-way µs).
  static func cluster(sites: [Site], nodes: [Node], access: [String] = [],
                      links: [(String, String, Int64)] = []) -> Cluster {
    var locations = sites.enumerated().map { Location(id: $1.id, kind: .site, site: SiteID($0)) }
    locations += access.map { Location(id: $0, kind: .accessPoint) }
    let index = Dictionary(uniqueKeysWithValues: locations.enumerated().map { ($1.id, $0) })
    let ls = links.compactMap { a, b, l in index[a].flatMap { ia in index[b].map { Link(a: ia, b: $0, latencyMicros: l) } } }
    return Cluster(name: "hand", catalog: catalog, sites: sites,
                   network: LatencyNetwork(locations: locations, links: ls, rings: []), nodes: nodes)
  }

  static func model(_ name: String) throws -> DeviceModelID { try #require(catalog.id(named: name)) }

  static func cpuJob(_ id: String, tenant: String = "default", submit: Int64, run: Int64, cpu: Int64,
                     latency: LatencyConstraint = .none) -> Job {
    Job(id: id, tenant: tenant, priority: .batch, submitMicros: submit, estimatedMicros: run, actualMicros: run,
        groups: [TaskGroup(milliCPU: cpu, memoryMiB: 1024)], latency: latency)
  }

  static func deviceJob(_ id: String, submit: Int64, run: Int64, cpu: Int64, devices: Int32 = 1,
                        milli: Int32 = 1000, kinds: Set<DeviceKind> = []) -> Job {
    Job(id: id, priority: .batch, submitMicros: submit, estimatedMicros: run, actualMicros: run,
        groups: [TaskGroup(milliCPU: cpu, memoryMiB: 1024,
                           device: DeviceRequest(count: devices, milliPerDevice: milli, kinds: kinds))])
  }

  /// First fit, FCFS, no preemption, aging too slow to reorder anything.
  static func config(step: Int64 = 100 * s, target: TargetWorkload = .empty,
                     mode: QueueMode = .fcfs) -> SimulationConfig {
    SimulationConfig(profile: .single(.firstFit),
                     queue: QueuePolicy(mode: mode, agingStepMicros: 1000 * h, preemption: false),
                     sampleStepMicros: step, target: target, checkInvariants: true)
  }

  static func starts(_ r: SimulationResult) -> [String: Double] {
    Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0.startSeconds ?? -1) })
  }

  /// The value of `series` at time `t` (seconds): exactly one sample there.
  static func value(_ series: [TimePoint], at t: Double) throws -> Double {
    let at = series.filter { $0.t == t }
    try #require(at.count == 1, "\(at.count) samples at \(t) s in \(series)")
    return at[0].value
  }

  // MARK: 1. Wait percentiles, 3. makespan

  /// One 8-core node, 120 jobs each taking the whole node, one every 40 s
  /// from t = 100 s, run times cycling through 30…79 s (mean 54.5 s > 40 s,
  /// so a queue builds and drains unevenly): FCFS serves them one after
  /// another, job k starting at max(its submit, the previous job's end).
  ///
  /// Percentile definition (`Distribution.init(_:)`, the exact statistics
  /// a run that keeps its outcomes reports): the value at index ⌈p·(n−1)⌉
  /// of the ascending values. For n = 120: p50 → ⌈59.5⌉ = 60,
  /// p95 → ⌈113.05⌉ = 114, p99 → ⌈117.81⌉ = 118, max → 119. (Nearest rank,
  /// ⌈p·n⌉−1, would give 59 and 113; linear interpolation other values.)
  /// Makespan: last job end − first submit.
  @Test func waitPercentilesAndMakespan() {
    let n = 120
    let submit = (0..<n).map { 100 * Self.s + Int64($0) * 40 * Self.s }
    let run = (0..<n).map { Int64(30 + ($0 * 37) % 50) * Self.s }
    let jobs = (0..<n).map { Self.cpuJob("j\($0)", submit: submit[$0], run: run[$0], cpu: 8000) }
    let r = Simulator.run(cluster: SyntheticClusterTiny.cpuOnly(nodes: 1, cores: 8), jobs: jobs, config: Self.config())

    // By hand: a single server, first come first served.
    var waits: [Double] = []
    var free = Int64(0)
    for k in 0..<n {
      let start = max(submit[k], free)
      waits.append(Double(start - submit[k]) / 1e6)
      free = start + run[k]
    }
    let sorted = waits.sorted()
    #expect(sorted[0] == 0 && sorted[60] != sorted[59] && sorted[114] != sorted[113],
            "the case must tell the percentile definitions apart: \(sorted)")
    #expect(r.finished == n && r.wait.count == n)
    #expect(r.wait.p50 == sorted[60], "p50 \(r.wait.p50), by hand \(sorted[60])")
    #expect(r.wait.p95 == sorted[114], "p95 \(r.wait.p95), by hand \(sorted[114])")
    #expect(r.wait.p99 == sorted[118], "p99 \(r.wait.p99), by hand \(sorted[118])")
    #expect(r.wait.max == sorted[119] && sorted[119] > sorted[118])
    #expect(abs(r.wait.mean - waits.reduce(0, +) / Double(n)) < 1e-9)
    // The last job ends at `free`; the first was submitted at 100 s.
    #expect(r.makespanSeconds == Double(free - 100 * Self.s) / 1e6, "makespan \(r.makespanSeconds)")
    #expect(r.makespanSeconds < Double(free) / 1e6)
  }

  // MARK: 4. Utilization by kind and site, 5. queue length

  /// Site "a": one 8-core CPU node. Site "b": one 32-core node with four
  /// A100s. Capacities: CPU 40,000 milli, GPU 4,000 milli; site "a" is
  /// measured in CPU (no accelerators: 8,000), site "b" in accelerator milli (4,000).
  ///
  ///   huge (0 s): 100 cores: rejected on arrival (never queued)
  ///   j1 (10 s): 4 cores on a0, 10–260 s
  ///   j2 (20 s): 2 GPUs + 8 cores on b0, 20–320 s
  ///   j3 (30 s): 4 GPUs + 1 core: waits for j2, 320–420 s
  ///   j4 (40 s): 6 cores: behind the blocked head j3 (FCFS), 320–370 s on a0
  ///
  /// Samples start at the first submit (0 s, "huge"). With a 100 s step
  /// they fall at 0, 100, 200, 300, 400 and when the run ends (420 s): on
  /// no instant where a job arrives or starts, so the state there is
  /// unambiguous (see `samplesAtAnEventInstantSeeItsStarts` for those).
  static func utilizationCase() throws -> (Cluster, [Job]) {
    let a100 = try model("A100-80GB")
    let cluster = Self.cluster(
      sites: [site("a"), site("b")],
      nodes: [Node(id: "a0", site: 0, milliCPU: 8000, memoryMiB: 65_536),
              Node(id: "b0", site: 1, milliCPU: 32_000, memoryMiB: 262_144,
                   accelerator: DeviceGroup(model: a100, count: 4, memoryMiB: 81_920))])
    let jobs = [Self.cpuJob("huge", submit: 0, run: 10 * s, cpu: 100_000),
                Self.cpuJob("j1", submit: 10 * s, run: 250 * s, cpu: 4000),
                Self.deviceJob("j2", submit: 20 * s, run: 300 * s, cpu: 8000, devices: 2),
                Self.deviceJob("j3", submit: 30 * s, run: 100 * s, cpu: 1000, devices: 4),
                Self.cpuJob("j4", submit: 40 * s, run: 50 * s, cpu: 6000)]
    return (cluster, jobs)
  }

  /// Allocated share of capacity by device kind and by site, and the queue
  /// length, at each sample, and the mean allocated share (the mean of the
  /// samples).
  @Test func utilizationByKindAndSiteAndQueueLength() throws {
    let (cluster, jobs) = try Self.utilizationCase()
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config(step: 100 * Self.s))
    #expect(Self.starts(r) == ["huge": -1, "j1": 10, "j2": 20, "j3": 320, "j4": 320], "the schedule the figures assume")
    #expect(r.rejected == 1 && r.finished == 4)

    let instants: [Double] = [0, 100, 200, 300, 400, 420]
    // By hand, at each instant: allocated / capacity.
    //   0: nothing ("huge" rejected, j1 not yet come)
    //   100, 200: j1 (4,000 CPU), j2 (8,000 CPU, 2,000 GPU); j3, j4 queued
    //   300: j2 only (j1 ended at 260); j3, j4 queued
    //   400: j3 (1,000 CPU, 4,000 GPU) (j4 ended at 370); none queued
    //   420: nothing
    let cpu = [0, 12_000.0 / 40_000, 12_000.0 / 40_000, 8000.0 / 40_000, 1000.0 / 40_000, 0]
    let gpu = [0, 0.5, 0.5, 0.5, 1, 0]
    let siteA = [0, 0.5, 0.5, 0, 0, 0]     // CPU of a0
    let siteB = [0, 0.5, 0.5, 0.5, 1, 0]   // GPU milli of b0
    let queue: [Double] = [0, 2, 2, 2, 0, 0]

    #expect(Set(r.utilizationByKind.keys) == ["cpu", "gpu"], "only kinds with capacity: \(r.utilizationByKind.keys)")
    #expect(Set(r.utilizationBySite.keys) == ["a", "b"])
    let series = [("cpu", try #require(r.utilizationByKind["cpu"]), cpu, r.meanUtilizationByKind["cpu"]),
                  ("gpu", try #require(r.utilizationByKind["gpu"]), gpu, r.meanUtilizationByKind["gpu"]),
                  ("site a", try #require(r.utilizationBySite["a"]), siteA, r.meanUtilizationBySite["a"]),
                  ("site b", try #require(r.utilizationBySite["b"]), siteB, r.meanUtilizationBySite["b"]),
                  ("queue", r.queueLength, queue, nil)]
    for (name, got, want, mean) in series {
      // One sample per step from the first submit, and one when the run ends.
      #expect(got.map(\.t) == instants, "\(name): \(got)")
      for (t, v) in zip(instants, want) {
        let value = try Self.value(got, at: t)
        #expect(abs(value - v) < 1e-12, "\(name) at \(t) s: \(value), by hand \(v)")
      }
      if name != "queue" {
        let byHand = want.reduce(0, +) / 6
        #expect(abs(try #require(mean) - byHand) < 1e-12, "\(name): mean \(mean ?? -1), by hand \(byHand)")
      }
    }
  }

  /// The sample step is configurable: every 50 s from 0 s gives samples at
  /// 0, 50, …, 400 (9) and one at the end (420 s). At 50 s j1 and j2 run
  /// and j3, j4 wait; at 350 s j3 and j4 run (j4 holds 6 of a0's 8 cores).
  @Test func sampleStepSetsTheSampleTimes() throws {
    let (cluster, jobs) = try Self.utilizationCase()
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config(step: 50 * Self.s))
    let times = Array(stride(from: 0.0, through: 400, by: 50)) + [420]
    #expect(times.count == 10)
    #expect(r.queueLength.map(\.t) == times)
    #expect(try #require(r.utilizationByKind["gpu"]).map(\.t) == times)
    #expect(try Self.value(r.queueLength, at: 50) == 2)
    #expect(try Self.value(r.queueLength, at: 350) == 0)
    #expect(abs(try Self.value(try #require(r.utilizationByKind["cpu"]), at: 350) - 7000.0 / 40_000) < 1e-12)
    #expect(try Self.value(try #require(r.utilizationBySite["a"]), at: 350) == 0.75)
    #expect(try Self.value(try #require(r.utilizationBySite["b"]), at: 350) == 1)
  }

  /// A sample at an instant where jobs arrive, end or start reads the
  /// state once the instant's events and scheduling pass are done, as the
  /// last sample does. Sampling every 10 s:
  ///   10 s: j1 arrives and starts (it waits 0 s): queue 0, a0 half allocated;
  ///   320 s: j2 ends and j3 takes all four GPUs, j4 starts: queue 0, GPUs 100 %.
  /// (Until the fourteenth session the periodic samples were taken before
  /// that pass: j1 showed queued and a0 idle at 10 s, and at 320 s the GPUs
  /// idle and j3, j4 queued.) A run ending on a sample instant is sampled
  /// there once (it was sampled twice, its idle end counting double in the means).
  @Test func samplesAtAnEventInstantSeeItsStarts() throws {
    let (cluster, jobs) = try Self.utilizationCase()
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config(step: 10 * Self.s))
    #expect(Self.starts(r)["j1"] == 10 && Self.starts(r)["j3"] == 320)
    let gpu = try #require(r.utilizationByKind["gpu"])
    let siteA = try #require(r.utilizationBySite["a"])
    #expect(try Self.value(gpu, at: 310) == 0.5)  // between events: j2's two GPUs
    #expect(r.queueLength.first { $0.t == 10 }?.value == 0)
    #expect(siteA.first { $0.t == 10 }?.value == 0.5)
    #expect(r.queueLength.first { $0.t == 320 }?.value == 0)
    #expect(gpu.first { $0.t == 320 }?.value == 1)
    #expect(r.queueLength.map(\.t) == Array(stride(from: 0.0, through: 420, by: 10)))
  }

  // MARK: 6. Latency-bound satisfaction

  /// Access point "ap" is 500 µs from site "near" (one 8-core node) and
  /// 3,000 µs from "far" (one 64-core node). Bounded jobs:
  ///   l1 (1 ms bound, 4 cores): near, at once;
  ///   l2 (1 ms, 8 cores): near is half full and far is out of bound: waits for l1 (1 h);
  ///   l3 (1 ms, 16 cores): cannot fit near even idle: rejected (far would hold it);
  ///   l4 (5 ms, 16 cores): far is within 5 ms: at once.
  /// Plus one unbounded job, which does not count.
  @Test func latencyBoundJobsStartWithinTheirBoundOrAreRejected() {
    let cluster = Self.cluster(sites: [Self.site("near"), Self.site("far")],
                               nodes: [Node(id: "n0", site: 0, milliCPU: 8000, memoryMiB: 65_536),
                                       Node(id: "f0", site: 1, milliCPU: 64_000, memoryMiB: 262_144)],
                               access: ["ap"], links: [("ap", "near", 500), ("ap", "far", 3000)])
    let ms = Int64(1000)
    let bound = ["l1": ms, "l2": ms, "l3": ms, "l4": 5 * ms]
    let hop = ["near": Int64(500), "far": 3000]  // one-way µs from "ap", by hand
    let jobs = [Self.cpuJob("l1", submit: 0, run: Self.h, cpu: 4000, latency: .bound(origin: "ap", maxMicros: ms)),
                Self.cpuJob("l2", submit: Self.s, run: Self.h, cpu: 8000, latency: .bound(origin: "ap", maxMicros: ms)),
                Self.cpuJob("l3", submit: 2 * Self.s, run: Self.h, cpu: 16_000,
                            latency: .bound(origin: "ap", maxMicros: ms)),
                Self.cpuJob("l4", submit: 3 * Self.s, run: Self.h, cpu: 16_000,
                            latency: .bound(origin: "ap", maxMicros: 5 * ms)),
                Self.cpuJob("free", submit: 4 * Self.s, run: Self.h, cpu: 1000)]
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config(mode: .easy))
    #expect(r.latencyBoundJobs == 4)
    #expect(r.latencyBoundStarted == 3)
    #expect(r.latencyBoundRejected == 1)
    let o = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0) })
    #expect(o["l3"]?.phase == .rejected && o["l3"]?.startSeconds == nil)
    #expect(o["l2"]?.startSeconds == 3600, "l2 waits for l1 rather than go out of bound")
    #expect(o["free"]?.latencyBound == false)
    for id in ["l1", "l2", "l4"] {
      let sites = o[id]?.sites ?? []
      #expect(!sites.isEmpty && o[id]?.phase == .finished, "\(id)")
      for site in sites {
        let l = hop[site] ?? .max
        #expect(l <= bound[id] ?? 0, "\(id) ran at \(site), \(l) µs from ap > \(bound[id] ?? 0) µs")
      }
    }
  }

  // MARK: 7. Fragmentation (FGD)

  /// One node: 16 cores, two A100s (capacity 2,000 device milli). Target
  /// workload M (given, so its shares are known):
  ///   m1 (p 0.5):  one device × 500 milli, 1 core
  ///   m2 (p 0.25): one whole device, 1 core
  ///   m3 (p 0.25): no device, 2 cores
  /// F_n = Σ_m p_m·f_n(m), with f_n(m) the node's idle device milli I when m
  /// cannot run there (needs no device, too little free CPU, too few devices
  /// with ≥ g_m idle), else the idle milli of devices with less than g_m
  /// idle. The sampled value is F / capacity.
  ///
  ///   idle (free [1000, 1000]): f(m1) = 0, f(m2) = 0, f(m3) = 2000 → F = 500 → 0.25
  ///   "share" (300 milli of a device, 1 core), 0–1000 s: free [700, 1000], I = 1700:
  ///     f(m1) = 0, f(m2) = 700, f(m3) = 1700 → F = 175 + 425 = 600 → 0.3
  ///   plus "cpu" (15 cores), 250–550 s: no core free, nothing can run:
  ///     F = I = 1700 → 0.85
  @Test func fragmentationOfASharedDevice() throws {
    let a100 = try Self.model("A100-80GB")
    let cluster = Self.cluster(sites: [Self.site("s")],
                               nodes: [Node(id: "g0", site: 0, milliCPU: 16_000, memoryMiB: 262_144,
                                            accelerator: DeviceGroup(model: a100, count: 2, memoryMiB: 81_920))])
    let target = TargetWorkload(types: [
      .init(share: 0.5, deviceCount: 1, milliPerDevice: 500, milliCPU: 1000, models: nil),
      .init(share: 0.25, deviceCount: 1, milliPerDevice: 1000, milliCPU: 1000, models: nil),
      .init(share: 0.25, deviceCount: 0, milliPerDevice: 0, milliCPU: 2000, models: nil),
    ])
    let jobs = [Self.deviceJob("share", submit: 0, run: 1000 * Self.s, cpu: 1000, milli: 300),
                Self.cpuJob("cpu", submit: 250 * Self.s, run: 300 * Self.s, cpu: 15_000)]
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config(step: 100 * Self.s, target: target))
    #expect(Self.starts(r) == ["share": 0, "cpu": 250])
    let byHand: [(Double, Double)] = [(100, 0.3), (200, 0.3), (300, 0.85), (400, 0.85), (500, 0.85),
                                      (600, 0.3), (700, 0.3), (800, 0.3), (900, 0.3)]
    for (t, v) in byHand {
      let got = try Self.value(r.fragmentation, at: t)
      #expect(abs(got - v) < 1e-12, "fragmentation at \(t) s: \(got), by hand \(v)")
    }
    // At the end (1,000 s) the node is idle again.
    let last = try #require(r.fragmentation.last)
    #expect(last.t == 1000 && abs(last.value - 0.25) < 1e-12, "\(last)")
  }

  // MARK: 8. Domestic share, 9. energy

  /// Site "d" (PUE 1.2): node d0, one Ascend-910B (domestic NPU: 320 FP16
  /// TFLOPS, 310 W) and a Kunpeng-920 CPU (180 W per 64-core socket).
  /// Site "f" (PUE 1.5): node f0, one A100-80GB (foreign GPU: 312 TFLOPS,
  /// 400 W), CPU model unknown.
  ///   npu: the whole 910B and 16 cores for 2 h, from 0
  ///   gpu: half the A100 and 4 cores for 1 h, from 5 h (f0 idles until then)
  static func domesticCase() throws -> (Cluster, [Job]) {
    let cluster = Self.cluster(
      sites: [Self.site("d", pue: 1.2), Self.site("f", pue: 1.5)],
      nodes: [Node(id: "d0", site: 0, cpuModel: try Self.model("Kunpeng-920"), milliCPU: 64_000, memoryMiB: 262_144,
                   accelerator: DeviceGroup(model: try Self.model("Ascend-910B"), count: 1, memoryMiB: 65_536)),
              Node(id: "f0", site: 1, milliCPU: 64_000, memoryMiB: 262_144,
                   accelerator: DeviceGroup(model: try Self.model("A100-80GB"), count: 1, memoryMiB: 81_920))])
    let jobs = [Self.deviceJob("npu", submit: 0, run: 2 * Self.h, cpu: 16_000, kinds: [.npu]),
                Self.deviceJob("gpu", submit: 5 * Self.h, run: Self.h, cpu: 4000, milli: 500, kinds: [.gpu])]
    return (cluster, jobs)
  }

  /// Domestic share of delivered accelerator FP16 compute (TFLOPS-hours):
  /// 320 × 1 × 2 = 640 domestic, 312 × 0.5 × 1 = 156 foreign → 640 / 796.
  @Test func domesticShareOfAcceleratorCompute() throws {
    let (cluster, jobs) = try Self.domesticCase()
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config())
    #expect(Self.starts(r) == ["npu": 0, "gpu": 18_000])
    #expect(abs(r.domesticShare - 640.0 / 796.0) < 1e-12, "domestic share \(r.domesticShare)")
  }

  /// Energy = Σ over task runs of (device TDP × device share + CPU socket
  /// TDP × cores used / cores per socket) × busy hours × site PUE; idle
  /// nodes draw nothing in this model (f0 idles for 5 h), and a node
  /// without a known CPU model counts no CPU power:
  ///   npu: (310 × 1 + 180 × 16/64) × 2 h × 1.2 = 355 × 2.4 = 852 Wh
  ///   gpu: (400 × 0.5) × 1 h × 1.5 = 300 Wh
  /// → 1.152 kWh.
  @Test func energyIsTDPTimesBusyTimesPUE() throws {
    let (cluster, jobs) = try Self.domesticCase()
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: Self.config())
    #expect(r.finished == 2)
    #expect(abs(r.energyKWh - 1.152) < 1e-9, "energy \(r.energyKWh) kWh, by hand 1.152")
  }

  // MARK: 10. DRF fair share

  /// Two 8-core nodes. Tenant "big" holds one node for 10 h (dominant
  /// share 8,000 / 16,000 CPU = 0.5); tenant "third" holds the other for
  /// 1 h. Meanwhile "big" queues a whole-node job at 10 s and "small"
  /// (share 0) one at 20 s. At 1 h only one fits: DRF starts the lower
  /// dominant share first — "small"'s, although submitted later (FIFO
  /// would start "big"'s).
  @Test(arguments: [QueueMode.fcfs, .easy])
  func lowerDominantShareStartsFirst(mode: QueueMode) {
    let jobs = [Self.cpuJob("hold", tenant: "big", submit: 0, run: 10 * Self.h, cpu: 8000),
                Self.cpuJob("other", tenant: "third", submit: 0, run: Self.h, cpu: 8000),
                Self.cpuJob("bigNext", tenant: "big", submit: 10 * Self.s, run: Self.h, cpu: 8000),
                Self.cpuJob("smallNext", tenant: "small", submit: 20 * Self.s, run: Self.h, cpu: 8000)]
    let r = Simulator.run(cluster: SyntheticClusterTiny.cpuOnly(nodes: 2, cores: 8), jobs: jobs,
                          config: Self.config(mode: mode))
    let start = Self.starts(r)
    #expect(start["hold"] == 0 && start["other"] == 0)
    #expect(start["smallNext"] == 3600, "\(mode): \(start)")
    #expect(start["bigNext"] == 7200, "\(mode): \(start)")
  }
}
