import Benchmark
import SchedCore

/// Placement throughput of the indexed engine and the reference linear scan,
/// the same steady-churn workload as `schedctl bench`: a generated cluster,
/// initial jobs placed first, then each iteration places one job and
/// releases the oldest.
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
    maxDuration: .seconds(5),
    maxIterations: 200_000
  )

  for nodes in [1000, 10_000, 100_000] {
    for policy in ["best-fit", "fgd"] {
      Benchmark("engine \(policy) \(nodes) nodes") { benchmark in
        guard let profile = Profile.named(policy) else { return }
        var churn = Churn(nodes: nodes, profile: profile, reference: false)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { churn.step() }
      }
    }
  }
  for nodes in [1000, 10_000] {
    Benchmark("reference best-fit \(nodes) nodes",
              configuration: .init(maxDuration: .seconds(5), maxIterations: 2000)) { benchmark in
      guard let profile = Profile.named("best-fit") else { return }
      var churn = Churn(nodes: nodes, profile: profile, reference: true)
      benchmark.startMeasurement()
      for _ in benchmark.scaledIterations { churn.step() }
    }
  }
}

/// Steady churn: place the next job, release the oldest.
struct Churn {
  var engine: PlacementEngine?
  var reference: ReferencePlacer?
  var jobs: [Job]
  var next = 0
  var running: [String] = []
  var head = 0

  init(nodes: Int, profile: Profile, reference useReference: Bool) {
    let cluster = SyntheticCluster.generate(nodes: nodes)
    jobs = SyntheticCluster.jobs(count: 200_000, seed: 2, prefix: "m")
    let initial = SyntheticCluster.jobs(count: nodes * 2, seed: 1, prefix: "i")
    var target = TargetWorkload.empty
    if profile.usesFGD {
      target = TargetWorkload.build(from: initial.prefix(2000).map {
        TargetWorkload.Sample(milliCPU: $0.groups[0].milliCPU, deviceCount: $0.groups[0].device?.count ?? 0,
                              milliPerDevice: $0.groups[0].device?.milliPerDevice ?? 0, models: [])
      }, coverage: 0.95, catalog: cluster.catalog)
    }
    if useReference {
      reference = ReferencePlacer(cluster: cluster, profile: profile, target: target)
    } else {
      engine = PlacementEngine(cluster: cluster, profile: profile, target: target)
    }
    for j in initial where place(j) { running.append(j.id) }
  }

  mutating func place(_ j: Job) -> Bool {
    if var e = engine {
      engine = nil
      defer { engine = e }
      if case .success = e.place(j) { return true }
      return false
    }
    if var r = reference {
      reference = nil
      defer { reference = r }
      if case .success = r.place(j) { return true }
    }
    return false
  }

  mutating func step() {
    let j = jobs[next % jobs.count]
    var job = j
    job.id = "\(j.id)-\(next)"
    next += 1
    if place(job) { running.append(job.id) }
    if head < running.count {
      engine?.release(jobID: running[head])
      reference?.release(jobID: running[head])
      head += 1
    }
  }
}
