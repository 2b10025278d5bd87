import ArgumentParser
import Foundation
import Histogram
import SchedCore

extension Schedctl {
  /// `schedctl bench`: placement throughput and decision latency of the
  /// indexed engine and the reference linear scan on generated clusters.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure placements/s and decision latency (engine vs. reference scan).",
      discussion: """
        Shaped like Kubernetes' scheduler_perf: a generated heterogeneous cluster, initial \
        jobs placed first (not measured), then measured jobs; after each measured placement \
        the oldest running job is released, so the cluster stays in steady churn. One thread. \
        Build with -c release for figures you report.

        Examples:
          schedctl bench
          schedctl bench --nodes 1000,10000,100000 --policy best-fit,fgd --jobs 200000
          schedctl bench --nodes 10000 --no-reference --format json
        """)

    @Option(help: "Comma-separated cluster sizes.")
    var nodes: String = "1000,10000"

    @Option(help: "Comma-separated policies (\(Profile.names.joined(separator: ", "))).")
    var policy: String = "best-fit,fgd"

    @Option(help: "Measured jobs per run.")
    var jobs: Int = 100_000

    @Option(help: "Initial jobs per 1000 nodes, placed before measuring.")
    var initialPerThousand: Int = 4000

    @Option(help: "Measured jobs for the reference linear scan (it is slow).")
    var referenceJobs: Int = 2000

    @Flag(inversion: .prefixedNo, help: "Also measure the reference linear scan.")
    var reference: Bool = true

    @Option(help: "Seed of the generated jobs.")
    var seed: UInt64 = 1

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    var sizes: [Int] { nodes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    var policies: [String] { policy.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    func validate() throws {
      let parts = nodes.split(separator: ",", omittingEmptySubsequences: false)
      guard !parts.isEmpty, parts.count == sizes.count, sizes.allSatisfy({ $0 >= 1 && $0 <= 2_000_000 }) else {
        throw ValidationError("--nodes: expected comma-separated sizes between 1 and 2000000, got '\(nodes)'")
      }
      for p in policies where Profile.named(p) == nil {
        throw ValidationError("--policy: unknown policy '\(p)' (known: \(Profile.names.joined(separator: ", ")))")
      }
      guard jobs >= 1, jobs <= 100_000_000 else { throw ValidationError("--jobs: expected 1...100000000, got \(jobs)") }
      guard referenceJobs >= 1, referenceJobs <= 10_000_000 else {
        throw ValidationError("--reference-jobs: expected 1...10000000, got \(referenceJobs)")
      }
      guard initialPerThousand >= 0, initialPerThousand <= 1_000_000 else {
        throw ValidationError("--initial-per-thousand: expected 0...1000000, got \(initialPerThousand)")
      }
      // Initial jobs are generated up front (nodes × per-thousand / 1000):
      // bound them like --jobs, or the largest sizes would ask for 2e9 jobs.
      if let n = sizes.max(), n * initialPerThousand / 1000 > 100_000_000 {
        throw ValidationError("--initial-per-thousand: \(initialPerThousand) per 1000 nodes on \(n) nodes gives "
                              + "\(n * initialPerThousand / 1000) initial jobs; at most 100000000")
      }
    }

    func run() throws {
      var rows: [BenchRow] = []
      for n in sizes {
        for p in policies {
          guard let profile = Profile.named(p, seed: seed) else { continue }
          let initial = n * initialPerThousand / 1000
          let e = PlacementBenchmark(nodes: n, profile: profile, initialJobs: initial, measuredJobs: jobs,
                                     seed: seed).run()
          rows.append(BenchRow(nodes: n, policy: p, implementation: "engine", result: e))
          if reference {
            let r = PlacementBenchmark(nodes: n, profile: profile, initialJobs: initial,
                                       measuredJobs: min(referenceJobs, jobs), seed: seed, reference: true).run()
            rows.append(BenchRow(nodes: n, policy: p, implementation: "reference", result: r))
          }
        }
      }
      switch format {
      case .table:
        print(BenchRow.table(rows))
      case .json:
        try printJSON(BenchReport(kind: "bench", rows: rows))
      }
    }
  }
}

/// Output formats shared by commands that print results.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case table, json
}

struct BenchReport: Codable {
  var kind: String
  var rows: [BenchRow]
}

struct BenchRow: Codable {
  var nodes: Int
  var policy: String
  var implementation: String
  var placements: Int
  var placed: Int
  var failed: Int
  var placementsPerSecond: Double
  var p50Nanos: UInt64
  var p99Nanos: UInt64
  var p999Nanos: UInt64
  var maxNanos: UInt64
  var distinctStates: Int

  init(nodes: Int, policy: String, implementation: String, result: PlacementBenchmark.Result) {
    self.nodes = nodes
    self.policy = policy
    self.implementation = implementation
    var h = Histogram<UInt64>(highestTrackableValue: 60_000_000_000, numberOfSignificantValueDigits: .three)
    for v in result.latenciesNanos { _ = h.record(max(1, v)) }
    placements = result.latenciesNanos.count
    placed = result.placed
    failed = result.failed
    placementsPerSecond = result.placementsPerSecond
    p50Nanos = h.valueAtPercentile(50)
    p99Nanos = h.valueAtPercentile(99)
    p999Nanos = h.valueAtPercentile(99.9)
    maxNanos = h.max
    distinctStates = result.distinctStates
  }

  static func table(_ rows: [BenchRow]) -> String {
    // %@ takes no width on Linux Foundation: pad by hand.
    func right(_ v: String, _ w: Int) -> String { v.count >= w ? v : v.padding(toLength: w, withPad: " ", startingAt: 0) }
    var lines = [["nodes".leftPad(8), right("policy", 10), right("impl", 9), "jobs".leftPad(9),
                  "placements/s".leftPad(12), "p50 µs".leftPad(9), "p99 µs".leftPad(9), "p999 µs".leftPad(9),
                  "failed".leftPad(8), "states".leftPad(7)].joined(separator: " ")]
    for r in rows {
      lines.append([String(r.nodes).leftPad(8), right(r.policy, 10), right(r.implementation, 9),
                    String(r.placements).leftPad(9), String(format: "%.0f", r.placementsPerSecond).leftPad(12),
                    String(format: "%.2f", Double(r.p50Nanos) / 1000).leftPad(9),
                    String(format: "%.2f", Double(r.p99Nanos) / 1000).leftPad(9),
                    String(format: "%.2f", Double(r.p999Nanos) / 1000).leftPad(9),
                    String(r.failed).leftPad(8), String(r.distinctStates).leftPad(7)].joined(separator: " "))
    }
    var speedups: [String] = []
    for r in rows where r.implementation == "reference" {
      if let e = rows.first(where: { $0.nodes == r.nodes && $0.policy == r.policy && $0.implementation == "engine" }),
         r.placementsPerSecond > 0 {
        speedups.append(String(format: "%@ @ %d nodes: engine %.1f× reference", r.policy, r.nodes,
                               e.placementsPerSecond / r.placementsPerSecond))
      }
    }
    return (lines + speedups).joined(separator: "\n")
  }
}
