import ArgumentParser
import Foundation
import SchedCore

extension Schedctl {
  /// `schedctl experiment`: reproducible experiments on public traces.
  struct Experiment: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run reproducible experiments on public traces.",
      subcommands: [Openb.self, SWF.self])

    /// `schedctl experiment openb`: the FGD paper's GPU-sharing experiment.
    struct Openb: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Reproduce the FGD paper's experiment on the Alibaba openb trace.",
        discussion: """
          Pods arrive one at a time in a seeded order (sorted by name, shuffled, then clones \
          up to --tune × GPU capacity) and never leave; a pod that fits nowhere fails. \
          Prints the GPU allocation ratio at 50..130 % arrived load. See Docs/Experiments.md.

          Examples:
            schedctl experiment openb --policy fgd --seed 42
            schedctl experiment openb --policy best-fit --seeds 42..51 --format json
            schedctl experiment openb --pods ../shared/data/openb/openb_pod_list_gpushare40.csv
            schedctl experiment openb --policy fgd --seeds 42..44 --report out/openb-fgd.html
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

      @Option(help: ArgumentHelp("Also write a self-contained HTML report (inline SVG charts, no scripts) to this path.",
                                 valueName: "path.html"))
      var report: String?

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
        if let report { try HTMLReportPath.validate(report) }
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
        if let report {
          let html = OpenbReport.html(results, policy: policy, pods: pods, nodes: nodes, podCount: list.count, tune: tune)
          try writeFile(report, Data(html.utf8))
        }
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

extension Schedctl.Experiment {
  /// `schedctl experiment swf`: batch queueing on an HPC log, FCFS vs EASY.
  struct SWF: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "swf",
      abstract: "Replay an SWF log on N processors and compare FCFS with EASY backfilling.",
      discussion: """
        Each job is a gang of single-core tasks on a machine of N single-core nodes; the \
        estimate is the requested time (the run time when missing). Reports average wait, \
        average bounded slowdown (10 s threshold) and utilization.

        Examples:
          schedctl experiment swf --log ../shared/data/swf/lublin_256.swf --procs 256
          schedctl experiment swf --log ../shared/data/swf/NASA-iPSC-1993-3.1-cln.swf.gz --procs 128 --window 0:5000
        """)

    @Option(help: "SWF log (.swf or .swf.gz).")
    var log: String

    @Option(help: "Processors of the machine.")
    var procs: Int

    @Option(help: "fcfs or easy (default: both, side by side).")
    var queue: QueueMode?

    @Option(help: "START:COUNT — replay COUNT (≥ 1) jobs from the START-th runnable job (0-based; before the end of the log).")
    var window: String?

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    var windowRange: (Int, Int)? {
      guard let w = window else { return (0, Int.max) }
      let p = w.split(separator: ":", omittingEmptySubsequences: false)
      guard p.count == 2, let a = Int(p[0]), let b = Int(p[1]), a >= 0, b > 0 else { return nil }
      return (a, b)
    }

    func validate() throws {
      guard procs >= 1, procs <= 1_000_000 else { throw ValidationError("--procs: expected 1...1000000, got \(procs)") }
      guard windowRange != nil else {
        throw ValidationError("--window: expected START:COUNT (integers, START ≥ 0, COUNT ≥ 1: the window must end "
                              + "after it starts), got '\(window ?? "")'")
      }
    }

    struct Row: Encodable {
      var queue: String
      var jobs: Int
      var finished: Int
      var rejected: Int
      var averageWaitSeconds: Double
      var averageBoundedSlowdown: Double
      var utilization: Double
      var wallSeconds: Double
    }

    func run() throws {
      let loaded: SWFLog.Loaded
      do { loaded = try SWFLog.load(path: log) } catch {
        for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
        throw ExitCode(2)
      }
      guard let (start, count) = windowRange else { throw ExitCode(2) }
      // The log's length is known only now: a window starting at or past its
      // end would replay nothing.
      guard start < loaded.jobs.count else {
        FileHandleOutput.standardError.write("--window: START \(start) is past the end of \(log), which has "
                                             + "\(loaded.jobs.count) runnable jobs (START counts from 0)\n")
        throw ExitCode(2)
      }
      let slice = Array(loaded.jobs.dropFirst(start).prefix(count))
      let machine = SWFLog.machine(processors: procs)
      var rows: [Row] = []
      for mode in queue.map({ [$0] }) ?? [.fcfs, .easy] {
        let config = SimulationConfig(profile: .single(.firstFit), queue: QueuePolicy(mode: mode, preemption: false),
                                      sampleStepMicros: 600_000_000)
        let r = Simulator.run(cluster: machine, jobs: slice, config: config)
        rows.append(Row(queue: mode.rawValue, jobs: r.jobs, finished: r.finished, rejected: r.rejected,
                        averageWaitSeconds: r.wait.mean, averageBoundedSlowdown: r.boundedSlowdown.mean,
                        utilization: r.meanUtilizationByKind["cpu"] ?? 0, wallSeconds: r.wallSeconds))
      }
      if format == .json {
        try printJSON(rows)
        return
      }
      print("SWF \(log): \(slice.count) jobs (\(loaded.skipped) skipped: unknown run time or size) on \(procs) processors")
      print("queue       jobs  finished  rejected   avg wait s  avg bsld   utilization   wall s")
      for r in rows {
        print(String(format: "%-6@ %9d %9d %9d %12.1f %9.2f %12.1f%% %8.2f", r.queue, r.jobs, r.finished, r.rejected,
                     r.averageWaitSeconds, r.averageBoundedSlowdown, r.utilization * 100, r.wallSeconds))
      }
    }
  }
}

enum ExperimentFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case table, json, csv
}
