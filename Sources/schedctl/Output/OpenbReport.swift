import Foundation
import SchedCore

/// The HTML report of `schedctl experiment openb --report PATH.html`: the GPU
/// allocation ratio and the fragmentation against arrived load, one curve per
/// seed, and the table of values at 50..130 % arrived.
enum OpenbReport {
  /// Chart ids the openb report always contains (scripts/check-report.sh checks them).
  static let chartIDs = ["chart-allocation", "chart-fragmentation"]
  /// Seeds drawn in their own colour and legend entry; more are drawn in grey.
  static let maxColouredSeeds = 12

  static func html(_ results: [OpenbExperiment.Result], policy: String, pods: String, nodes: String, podCount: Int,
                   tune: Double) -> String {
    let first = results.first
    let seeds = results.map { String($0.seed) }
    var page = HTMLPage(kind: "experiment-openb", title: "openb experiment report: \(policy)",
                        subtitle: "\(first?.nodes ?? 0) nodes / \(first?.gpus ?? 0) GPUs · \(podCount) pods · tune \(tune) · "
                          + "seeds \(seeds.count <= 12 ? seeds.joined(separator: ", ") : "\(seeds[0])…\(seeds[seeds.count - 1]) (\(seeds.count))")")
    let summary = Schedctl.Experiment.Openb.summary(results)
    page.section("summary", "Summary",
                 intro: "Pods arrive one at a time in a seeded order and never leave; a pod that fits nowhere fails. "
                   + "Percentages are of the cluster's GPU capacity. Pods: \(pods); nodes: \(nodes).")
    page.tiles("tiles-summary", tiles(results, summary: summary, policy: policy))
    page.endSection()

    page.section("curves", "Allocation and fragmentation against arrived load")
    page.charts([allocationChart(results, policy: policy).svg(), fragmentationChart(results, policy: policy).svg()])
    page.endSection()

    page.section("load", "Values at 50..130 % arrived",
                 intro: "Mean over seeds of the points whose arrived % rounds to the row's value (± 1 where none does); "
                   + "spread is the standard deviation, min and max across seeds.")
    loadTable(results, summary: summary, into: &page)
    page.endSection()

    page.section("runs", "Runs")
    page.table("table-runs", header: ["seed", "arrivals", "placed", "failed", "failed GPU pods", "wall s"],
               numeric: [0, 1, 2, 3, 4, 5],
               rows: results.map { r in
                 [.number("\(r.seed)"), .number("\(r.arrivals)"), .number("\(r.placed)"), .number("\(r.failed)"),
                  .number("\(r.failedGPUPods)"), .number(String(format: "%.3f", r.wallSeconds))]
               })
    page.endSection()
    return page.html()
  }

  static func tiles(_ rs: [OpenbExperiment.Result], summary: [String: Schedctl.Experiment.Openb.Stat],
                    policy: String) -> [(String, String, String)] {
    func at(_ x: Int) -> String { summary["\(x)"].map { String(format: "%.2f%%", $0.allocatedMean) } ?? "n/a" }
    func sd(_ x: Int) -> String { summary["\(x)"].map { String(format: "± %.2f across seeds", $0.allocatedSD) } ?? "not reached" }
    let n = Double(max(rs.count, 1))
    let failed = rs.reduce(0) { $0 + $1.failed }, arrivals = rs.reduce(0) { $0 + $1.arrivals }
    return [
      ("Policy", policy, "\(rs.count) seed(s)"),
      ("Cluster", "\(rs.first?.gpus ?? 0) GPUs", "\(rs.first?.nodes ?? 0) nodes"),
      ("Arrivals per run", String(format: "%.0f", Double(arrivals) / n), "\(rs.first?.originalPods ?? 0) pods in the list"),
      ("Allocated at 100% arrived", at(100), sd(100)),
      ("Allocated at 130% arrived", at(130), sd(130)),
      ("Fragmentation at 100%", summary["100"].map { String(format: "%.2f%%", $0.fragmentationMean) } ?? "n/a",
       "of GPU capacity (FGD)"),
      ("Failed pods per run", String(format: "%.0f", Double(failed) / n),
       String(format: "%.0f GPU pods", Double(rs.reduce(0) { $0 + $1.failedGPUPods }) / n)),
      ("Wall time", String(format: "%.2f s", rs.reduce(0) { $0 + $1.wallSeconds }), "all runs"),
    ]
  }

  /// One series per seed; beyond `maxColouredSeeds` seeds all grey under one legend entry.
  static func seedSeries(_ rs: [OpenbExperiment.Result], _ y: (OpenbExperiment.Point) -> Double) -> [ChartSeries] {
    let many = rs.count > maxColouredSeeds
    return rs.enumerated().map { i, r in
      ChartSeries(name: many ? "each of \(rs.count) seeds" : "seed \(r.seed)",
                  points: r.curve.map { ChartPoint(x: $0.arrived, y: y($0)) },
                  color: many ? "#8c959f" : ChartPalette.color(i), inLegend: !many || i == 0)
    }
  }

  /// Arrived load from 0 to the last arrival, ticks every 10 % like the table.
  static func arrivedAxis(_ rs: [OpenbExperiment.Result]) -> ChartAxis {
    let last = rs.compactMap { $0.curve.last?.arrived }.max() ?? 100
    return ChartAxis(label: "arrived GPU load (% of GPU capacity)", format: .percent, min: 0,
                     max: Swift.max(10, (last / 10).rounded(.up) * 10), step: 10)
  }

  static func allocationChart(_ rs: [OpenbExperiment.Result], policy: String) -> SVGChart {
    var series = seedSeries(rs) { $0.allocated }
    let maxArrived = rs.flatMap { $0.curve.map(\.arrived) }.max() ?? 100
    let diagonalEnd = min(100, maxArrived)
    series.append(ChartSeries(name: "allocated = arrived (no pod failed)",
                              points: [ChartPoint(x: 0, y: 0), ChartPoint(x: diagonalEnd, y: diagonalEnd)],
                              style: .reference, color: "#57606a"))
    return SVGChart(id: "chart-allocation", title: "GPU allocation ratio (\(policy))",
                    subtitle: "GPU milli allocated against GPU milli requested so far, both in % of capacity",
                    x: arrivedAxis(rs), y: ChartAxis(label: "allocated (% of GPU capacity)", format: .percent),
                    series: series)
  }

  static func fragmentationChart(_ rs: [OpenbExperiment.Result], policy: String) -> SVGChart {
    SVGChart(id: "chart-fragmentation", title: "GPU fragmentation (\(policy))",
             subtitle: "Σ F_n over nodes (FGD, Weng et al., ATC'23): GPU capacity the target mix cannot use",
             x: arrivedAxis(rs), y: ChartAxis(label: "fragmented (% of GPU capacity)", format: .percent),
             series: seedSeries(rs) { $0.fragmentation })
  }

  static func loadTable(_ rs: [OpenbExperiment.Result], summary: [String: Schedctl.Experiment.Openb.Stat],
                        into page: inout HTMLPage) {
    var rows: [[HTMLPage.Cell]] = []
    for x in stride(from: 50, through: 130, by: 10) {
      guard let st = summary["\(x)"] else {
        rows.append([.number("\(x)"), .text("not reached"), .text(""), .text(""), .text(""), .text(""), .text("")])
        continue
      }
      let ps = rs.compactMap { $0.at["\(x)"] }
      let lo = ps.map(\.allocated).min() ?? 0, hi = ps.map(\.allocated).max() ?? 0
      let ratio = ps.isEmpty ? 0 : ps.reduce(0) { $0 + $1.fragmentationRatio } / Double(ps.count)
      rows.append([.number("\(x)"), .number(String(format: "%.2f", st.allocatedMean)),
                   .number(String(format: "%.2f", st.allocatedSD)), .number(String(format: "%.2f", lo)),
                   .number(String(format: "%.2f", hi)), .number(String(format: "%.2f", st.fragmentationMean)),
                   .number(String(format: "%.2f", ratio))])
    }
    page.table("table-load", header: ["arrived %", "allocated % (mean)", "sd", "min", "max",
                                      "fragmentation % of capacity", "fragmentation % of idle GPU"],
               numeric: [0, 1, 2, 3, 4, 5, 6], rows: rows)
  }
}
