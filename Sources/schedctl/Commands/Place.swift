import ArgumentParser
import Foundation
import SchedCore

extension Schedctl {
  /// `schedctl place`: one placement decision, explained.
  struct Place: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Place one job on an idle cluster and show where, or why not.",
      discussion: """
        Shows each task's node, devices (index:milli), exclusive cores and the score breakdown \
        per scorer; or, when nothing fits, the reasons with node counts (exit status 1). A group \
        with `gang: false` may be placed in part: its tasks that fit nowhere are listed with \
        their reasons (exit status 0).

        Examples:
          schedctl place --job job.yaml
          schedctl place --job job.yaml --cluster openb:nodes.csv --policy fgd --format json
        """)

    @Option(help: "Job YAML file (Docs/Formats.md).")
    var job: String

    @OptionGroup var placement: PlacementOptions

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    func run() throws {
      let c = try placement.loadedCluster()
      let j: Job
      // Read against the cluster: an origin, ring or model it lacks is bad input (exit 2).
      do { j = try JobSpec.load(path: job, cluster: c) } catch {
        for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
        throw ExitCode(2)
      }
      let profile = try placement.resolved(seed: 42)
      // FGD scores against a target workload; here the workload is this job's
      // tasks (without one, F_n = 0 everywhere and FGD would be first-fit).
      let target = profile.usesFGD
        ? TargetWorkload.build(jobs: [j], coverage: profile.fgdCoverage, catalog: c.catalog)
        : .empty
      var engine = PlacementEngine(cluster: c, profile: profile, target: target)
      let idle = engine
      switch engine.place(j) {
      case .success(let d):
        // Each task's breakdown as scored when it was placed: replay the
        // earlier tasks of the job onto a copy of the idle engine.
        var replay = idle
        var breakdowns: [[ScoreComponent]] = []
        var n = 0
        let placedCounts = d.placedCounts(of: j)
        for (g, placedCount) in zip(j.groups, placedCounts) {
          for _ in 0..<placedCount {
            let t = d.allocation.tasks[n]
            breakdowns.append(replay.breakdown(job: j, group: g, node: t.node) ?? [])
            _ = try? replay.commit(Allocation(jobID: "\(j.id)#\(n)", tasks: [t]))
            n += 1
          }
        }
        var tasks: [PlaceOutput.Task] = []
        var k = 0
        for (g, placedCount) in zip(j.groups, placedCounts) {
          for _ in 0..<placedCount {
            let t = d.allocation.tasks[k]
            let node = c.nodes[Int(t.node)]
            tasks.append(PlaceOutput.Task(group: g.name, node: node.id, site: c.sites[Int(node.site)].id,
                                          devices: t.devices.map { [$0.index, $0.milli] }, cores: t.cores,
                                          score: d.scores[k], breakdown: breakdowns[k]))
            k += 1
          }
        }
        let unplaced = d.unplaced.map {
          PlaceOutput.Unplaced(group: $0.group, tasks: $0.count, explanation: $0.explanation.description,
                               reasons: $0.explanation.reasons.map { PlaceOutput.Reason(reason: $0.reason, nodes: $0.nodes) })
        }
        if format == .json {
          try printJSON(PlaceOutput(job: j.id, placed: true, tasks: tasks, unplaced: unplaced, explanation: nil, reasons: nil))
        } else {
          let of = d.isComplete ? "" : " of \(j.taskCount)"
          print("job \(j.id): placed \(d.allocation.tasks.count)\(of) task(s) with policy \(profile.name)")
          for t in tasks {
            let devices = t.devices.map { "\($0[0]):\($0[1])" }.joined(separator: ",")
            let breakdown = t.breakdown.map { String(format: "%@ %.3f×%.3f", $0.scorer.rawValue, $0.weight, $0.value) }
              .joined(separator: ", ")
            print("  \(t.group) → \(t.node) @ \(t.site)  devices [\(devices)]  cores \(t.cores.isEmpty ? "shared" : Self.ranges(t.cores))")
            print("      score \(String(format: "%.4f", t.score)) = \(breakdown)")
          }
          for u in unplaced {
            print("  \(u.group): \(u.tasks) task(s) not placed (gang: false keeps the tasks placed)")
            print("      " + u.explanation)
          }
        }
      case .failure(let why):
        if format == .json {
          try printJSON(PlaceOutput(job: j.id, placed: false, tasks: [], unplaced: [], explanation: why.explanation.description,
                                    reasons: why.explanation.reasons.map { PlaceOutput.Reason(reason: $0.reason, nodes: $0.nodes) }))
        } else {
          print("job \(j.id): not placed (group \(why.group), task \(why.task))")
          print("  " + why.explanation.description)
        }
        throw ExitCode(1)
      }
    }

    static func ranges(_ xs: [Int32]) -> String {
      var out: [String] = []
      var i = 0
      while i < xs.count {
        var j = i
        while j + 1 < xs.count && xs[j + 1] == xs[j] + 1 { j += 1 }
        out.append(i == j ? "\(xs[i])" : "\(xs[i])-\(xs[j])")
        i = j + 1
      }
      return out.joined(separator: ",")
    }
  }
}

struct PlaceOutput: Encodable {
  struct Task: Encodable {
    var group: String
    var node: String
    var site: String
    /// [index, milli] per device.
    var devices: [[Int32]]
    var cores: [Int32]
    var score: Double
    var breakdown: [ScoreComponent]
  }

  struct Reason: Encodable {
    var reason: String
    var nodes: Int
  }

  /// Tasks of a group without gang that found no node.
  struct Unplaced: Encodable {
    var group: String
    var tasks: Int
    var explanation: String
    var reasons: [Reason]
  }

  var job: String
  var placed: Bool
  var tasks: [Task]
  var unplaced: [Unplaced]
  var explanation: String?
  var reasons: [Reason]?
}

/// Prints `value` as pretty, key-sorted JSON.
func printJSON<T: Encodable>(_ value: T) throws {
  let enc = JSONEncoder()
  enc.outputFormatting = [.prettyPrinted, .sortedKeys]
  print(String(decoding: try enc.encode(value), as: UTF8.self))
}
