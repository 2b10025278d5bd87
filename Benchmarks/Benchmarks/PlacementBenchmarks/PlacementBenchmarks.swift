import Benchmark
import SchedCore
/// Placement throughput of the indexed engine and the reference linear scan,
/// the same steady-churn workload as `schedctl bench`: a generated cluster,
/// initial jobs placed first, then each iteration places one job and
/// releases the oldest.
let benchmarks: @Sendable () -> Void = {
  // Each sample builds the cluster, places its initial jobs and runs
  // `warmUp` steps (none of it measured), then measures 1,000 steps: with
  // one step per sample right after the setup, the figures were a fresh
  // engine's first step (cold caches, empty recent lists), not the steady
  // churn `schedctl bench` measures.
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
    scalingFactor: .kilo,
    maxDuration: .seconds(5),
    maxIterations: 200_000
  )

  for nodes in [1000, 10_000, 100_000] {
    for policy in ["best-fit", "fgd"] {
      Benchmark("engine \(policy) \(nodes) nodes") { benchmark in
        guard let profile = Profile.named(policy) else { return }
        var churn = Churn(nodes: nodes, profile: profile, reference: false)
        for _ in 0..<warmUp { churn.step() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { churn.step() }
        // Stopped here: freeing the engine and its cluster at the closure's
        // end (about 13 ms at 10,000 nodes) is not a placement.
        benchmark.stopMeasurement()
        blackHole(churn)
      }
    }
  }
  // The reference scan: best-fit at 1,000 and 10,000 nodes; FGD (which
  // scores every node with its fragmentation sums) at 1,000. At 100,000
  // nodes placing the reference's initial jobs alone takes minutes.
  for (policy, nodes) in [("best-fit", 1000), ("best-fit", 10_000), ("fgd", 1000)] {
    Benchmark("reference \(policy) \(nodes) nodes",
              configuration: .init(maxDuration: .seconds(5), maxIterations: 2000)) { benchmark in
      guard let profile = Profile.named(policy) else { return }
      var churn = Churn(nodes: nodes, profile: profile, reference: true)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { churn.step() }
      benchmark.stopMeasurement()
      blackHole(churn)
    }
  }
  // Memory per node: the bytes the engine keeps (net unfreed requested
  // bytes, `memoryLeakedBytes`) once built over a generated cluster (the
  // cluster model, its state and the search index), and once it has also
  // placed 2 jobs per node (plus allocation records and caches). Divide by
  // the node count for bytes per node. One sample each; nothing timed.
  for nodes in [1000, 10_000, 100_000] {
    let memory = Benchmark.Configuration(metrics: [.memoryLeakedBytes, .mallocCountTotal],
                                         units: [.memoryLeakedBytes: .count, .mallocCountTotal: .count],
                                         scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 1)
    Benchmark("memory best-fit \(nodes) nodes, idle engine", configuration: memory) { benchmark in
      guard let profile = Profile.named("best-fit") else { return }
      benchmark.startMeasurement()
      let engine = PlacementEngine(cluster: SyntheticCluster.generate(nodes: nodes), profile: profile)
      benchmark.stopMeasurement()
      blackHole(engine)
    }
    // Built and then given 2 jobs per node inside the measurement: a delta
    // over the placements alone would net out the frees of buffers the
    // engine grows (allocated before the measurement) and read low.
    Benchmark("memory best-fit \(nodes) nodes, busy engine", configuration: memory) { benchmark in
      guard let profile = Profile.named("best-fit") else { return }
      let initial = SyntheticCluster.jobs(count: nodes * 2, seed: 1, prefix: "i")
      var placed = 0
      benchmark.startMeasurement()
      var engine = PlacementEngine(cluster: SyntheticCluster.generate(nodes: nodes), profile: profile)
      for j in initial {
        if case .success = engine.place(j, explain: true, checkingID: false) { placed += 1 }
      }
      benchmark.stopMeasurement()
      blackHole(engine)
      blackHole(placed)
      blackHole(initial)  // kept to here: freed inside the measurement, the jobs would net out
    }
  }
}

/// Unmeasured engine steps before each sample's measured ones.
let warmUp = 20_000

/// Steady churn: place the next job, release the oldest.
struct Churn {
  var engine: PlacementEngine?
  var reference: ReferencePlacer?
  var jobs: [Job]
  var next = 0
  /// Running jobs' handles, oldest first (placed without the id check and
  /// released by handle, as `schedctl bench` does).
  var running: [AllocationHandle] = []
  var head = 0

  init(nodes: Int, profile: Profile, reference useReference: Bool) {
    let cluster = SyntheticCluster.generate(nodes: nodes)
    jobs = SyntheticCluster.jobs(count: 200_000, seed: 2, prefix: "m")
    let initial = SyntheticCluster.jobs(count: nodes * 2, seed: 1, prefix: "i")
    var target = TargetWorkload.empty
    if profile.usesFGD {
      target = TargetWorkload.build(jobs: initial.prefix(2000), coverage: profile.fgdCoverage, catalog: cluster.catalog)
    }
    if useReference {
      reference = ReferencePlacer(cluster: cluster, profile: profile, target: target)
    } else {
      engine = PlacementEngine(cluster: cluster, profile: profile, target: target)
    }
    for j in initial { if let h = place(j) { running.append(h) } }
  }

  mutating func place(_ j: Job) -> AllocationHandle? {
    if var e = engine {
      engine = nil
      defer { engine = e }
      if case .success(let d) = e.place(j, explain: true, checkingID: false) { return d.handle }
      return nil
    }
    if var r = reference {
      reference = nil
      defer { reference = r }
      if case .success(let d) = r.place(j, checkingID: false) { return d.handle }
    }
    return nil
  }

  mutating func step() {
    // Ids may repeat over the cycle: placements are by handle, without the id check.
    let job = jobs[next % jobs.count]
    next += 1
    if let h = place(job) { running.append(h) }
    if head < running.count {
      engine?.release(running[head])
      reference?.release(running[head])
      head += 1
    }
  }
}
