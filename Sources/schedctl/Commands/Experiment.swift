import ArgumentParser
import Foundation
import SchedCore

extension Schedctl {
  /// `schedctl experiment`: reproducible experiments on public traces.
  struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run reproducible experiments on public traces.",
      subcommands: [Openb.self])

    /// `schedctl experiment openb`: the FGD paper's GPU-sharing experiment.
    struct Openb: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Reproduce the FGD paper's experiment on the Alibaba openb trace.",
        discussion: """
          Pods arrive one at a time in a seeded order (sorted by name, shuffled, then clones
          up to --tune × GPU capacity) and never leave; a pod that fits nowhere fails.
          Prints the GPU allocation ratio at 50..130 % arrived load. See Docs/Experiments.md.

          Examples:
            schedctl experiment openb --policy fgd --seed 42
            schedctl experiment openb --policy best-fit --seeds 42..51 --format json
            schedctl experiment openb --pods ../shared/data/openb/openb_pod_list_gpushare40.csv
          """)

      @Option(help: "Pod list CSV.")
      var pods: String = "../shared/data/openb/openb_pod_list_default.csv"

      @Option(help: "Node list CSV.")
      var nodes: String = "../shared/data/openb/openb_node_list_gpu_node.csv"

      @Option(help: "Policy: fgd, best-fit, dot-product, gpu-packing, gpu-clustering, random, first-fit, worst-fit.")
      var policy: String = "fgd"

      @Option(help: "Seed.")
      var seed: UInt64 = 42

      @Option(help: "A seed range A..B (inclusive); overrides --seed and reports mean and spread.")
      var seeds: String?

      @Option(help: "Arrived GPU load to reach, as a multiple of capacity.")
      var tune: Double = 1.3

      @Option(help: "table, json or csv.")
      var format: ExperimentFormat = .table

      var kind: ScorerKind? { ScorerKind(rawValue: policy) }

      var seedList: [UInt64]? {
        guard let s = seeds else { return [seed] }
        let p = s.split(separator: ".", omittingEmptySubsequences: true)
        guard s.contains(".."), p.count == 2, let a = UInt64(p[0]), let b = UInt64(p[1]), a <= b, b - a < 1000 else {
          return nil
        }
        return Array(a...b)
      }

      func validate() throws {
        guard let k = kind, ![.energy, .price, .latency, .domestic].contains(k) else {
          throw ValidationError("--policy: unknown or site-level policy '\(policy)'")
        }
        guard seedList != nil else { throw ValidationError("--seeds: expected A..B with A ≤ B and at most 1000 seeds, got '\(seeds ?? "")'") }
        guard tune.isFinite, tune > 0, tune <= 10 else { throw ValidationError("--tune: expected (0, 10], got \(tune)") }
      }

      func run() throws {
        let cluster = try loadCluster("openb:" + nodes)
        let list: [OpenbPod]
        do { list = try OpenbPodList.load(path: pods) } catch {
          for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
          throw ExitCode(2)
        }
        guard let kind, let seedList else { throw ExitCode(2) }
        let results = seedList.map { OpenbExperiment.run(cluster: cluster, pods: list, policy: kind, seed: $0, tune: tune) }
        switch format {
        case .json:
          struct Out: Encodable { var kind = "experiment-openb"; var runs: [OpenbExperiment.Result]; var summary: [String: Stat] }
          let enc = JSONEncoder()
          enc.outputFormatting = [.prettyPrinted, .sortedKeys]
          print(String(decoding: try enc.encode(Out(runs: results, summary: Self.summary(results))), as: UTF8.self))
        case .csv:
          print("seed,arrival,arrived_pct,allocated_pct,fragmentation_pct,fragmentation_ratio_pct")
          for r in results {
            for (i, p) in r.curve.enumerated() {
              print(String(format: "%llu,%d,%.4f,%.4f,%.4f,%.4f", r.seed, i, p.arrived, p.allocated, p.fragmentation,
                           p.fragmentationRatio))
            }
          }
        case .table:
          print("openb experiment: \(policy), \(results.first?.nodes ?? 0) nodes / \(results.first?.gpus ?? 0) GPUs, "
                + "\(list.count) pods, tune \(tune), seeds \(seedList.map(String.init).joined(separator: ","))")
          print("")
          print("arrived %   allocated % (mean ± sd)   fragmentation % of capacity")
          let s = Self.summary(results)
          for x in stride(from: 50, through: 130, by: 10) {
            if let st = s["\(x)"] {
              print(String(format: "%8d    %8.2f ± %-6.2f          %8.2f", x, st.allocatedMean, st.allocatedSD, st.fragmentationMean))
            }
          }
          print("")
          for r in results {
            print(String(format: "seed %llu: %d arrivals, %d placed, %d failed (%d GPU pods), %.3f s wall",
                         r.seed, r.arrivals, r.placed, r.failed, r.failedGPUPods, r.wallSeconds))
          }
        }
      }

      struct Stat: Encodable {
        var allocatedMean: Double
        var allocatedSD: Double
        var fragmentationMean: Double
      }

      static func summary(_ rs: [OpenbExperiment.Result]) -> [String: Stat] {
        var out: [String: Stat] = [:]
        for x in stride(from: 50, through: 130, by: 10) {
          let ps = rs.compactMap { $0.at["\(x)"] }
          guard !ps.isEmpty else { continue }
          let n = Double(ps.count)
          let m = ps.reduce(0) { $0 + $1.allocated } / n
          let sd = (ps.reduce(0) { $0 + ($1.allocated - m) * ($1.allocated - m) } / n).squareRoot()
          out["\(x)"] = Stat(allocatedMean: m, allocatedSD: sd, fragmentationMean: ps.reduce(0) { $0 + $1.fragmentation } / n)
        }
        return out
      }
    }
  }
}

enum ExperimentFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case table, json, csv
}
