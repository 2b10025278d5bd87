import Benchmark
import SchedCore

/// Whole simulations on the embedded Jing-Jin-Ji reference cluster (10,390
/// nodes) with the synthetic workload, EASY backfilling and preemption, as
/// `schedctl simulate` runs them. Each iteration is one complete run; the
/// custom metrics report jobs and events per second of that run. The
/// streaming runs (`schedctl simulate --stream`) read the generator as jobs
/// arrive and settle usage as it is recorded, so peak memory follows the jobs
/// in flight: 1,000,000 jobs over 50 days is the throughput target.
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: [.wallClock, .peakMemoryResident,
              .custom("jobs/s", polarity: .prefersLarger, useScalingFactor: false),
              .custom("events/s", polarity: .prefersLarger, useScalingFactor: false)],
    maxDuration: .seconds(60),
    maxIterations: 3
  )
  guard let cluster = try? Cluster.reference() else { return }
  // (jobs, hours of arrivals): the default day, and five days at the same rate.
  for (jobs, hours) in [(20_000, 24.0), (100_000, 120.0)] {
    for mode in [QueueMode.easy, .fcfs] {
      Benchmark("simulate \(jobs) jobs \(Int(hours)) h \(mode.rawValue)") { benchmark in
        let workload = SyntheticWorkload(jobs: jobs, durationMicros: Int64(hours * 3_600_000_000), seed: 42,
                                         cluster: cluster).generate()
        let config = SimulationConfig(queue: QueuePolicy(mode: mode, preemption: true), seed: 42,
                                      sampleStepMicros: 3_600_000_000)
        benchmark.startMeasurement()
        let r = Simulator.run(cluster: cluster, jobs: workload, config: config)
        benchmark.stopMeasurement()
        report(r, to: benchmark)
      }
    }
  }
  for mode in [QueueMode.fcfs, .easy] {
    Benchmark("simulate --stream 1000000 jobs 1200 h \(mode.rawValue)",
              configuration: .init(maxDuration: .seconds(600), maxIterations: 1)) { benchmark in
      let workload = SyntheticWorkload(jobs: 1_000_000, durationMicros: 1200 * 3_600_000_000, seed: 42, cluster: cluster)
      let config = SimulationConfig(queue: QueuePolicy(mode: mode, preemption: true), seed: 42,
                                    sampleStepMicros: 3_600_000_000)
      var settlement = SettlementAccumulator(cluster: cluster, vouchers: Voucher.illustrative)
      benchmark.startMeasurement()
      // Settled inside the run, as `schedctl simulate --stream` does (no usage records made).
      let r = Simulator.run(cluster: cluster, stream: workload, config: config, kinds: [], settling: &settlement)
      blackHole(settlement.settlement())
      benchmark.stopMeasurement()
      report(r, to: benchmark)
    }
  }
}

/// Jobs and events per second of run `r`, as the benchmark's custom metrics.
func report(_ r: SimulationResult, to benchmark: Benchmark) {
  guard r.wallSeconds > 0 else { return }
  benchmark.measurement(.custom("jobs/s", polarity: .prefersLarger, useScalingFactor: false),
                        Int(Double(r.jobs) / r.wallSeconds))
  benchmark.measurement(.custom("events/s", polarity: .prefersLarger, useScalingFactor: false),
                        Int(Double(r.events) / r.wallSeconds))
}
