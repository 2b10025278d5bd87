import Foundation
import SchedCore

/// The HTML report of `schedctl simulate --report PATH.html`: key figures,
/// utilization by device kind and by site, queue length, the wait-time CDF,
/// fragmentation, a per-site table with latency rings and a settlement table.
extension SimulationReport {
  /// Chart ids the simulate report always contains (scripts/check-report.sh checks them).
  static let chartIDs = ["chart-util-kind", "chart-util-site", "chart-queue", "chart-wait-cdf", "chart-fragmentation"]

  static func html(_ r: SimulationResult, settlement s: Settlement, cluster: Cluster) -> String {
    var page = HTMLPage(kind: "simulate", title: "SchedCore simulation report",
                        subtitle: "cluster \(r.cluster) (\(cluster.nodes.count) nodes, \(cluster.sites.count) sites) · "
                          + "policy \(r.policy) · queue \(r.queueMode.rawValue) · seed \(r.seed)")
    page.section("summary", "Summary")
    page.tiles("tiles-summary", summaryTiles(r))
    page.endSection()

    page.section("utilization", "Utilization and fragmentation over time",
                 intro: "Allocated share of capacity at each sample. By site: the share of the site's accelerators "
                   + "(of its CPU cores where it has none); every panel uses the same y axis.")
    page.charts([utilizationByKindChart(r).svg(), fragmentationChart(r).svg()])
    page.charts([utilizationBySiteChart(r, cluster: cluster).svg()], wide: true)
    page.endSection()

    page.section("queue", "Queue and waiting")
    page.charts([queueChart(r).svg(), waitCDFChart(r).svg()])
    page.endSection()

    page.section("sites", "Sites", intro: "Latency rings are sets of sites whose pairwise one-way latency stays "
                   + "within the ring's bound; latency-bounded jobs can only run inside them.")
    siteTable(r, cluster: cluster, into: &page)
    page.endSection()

    page.section("settlement", "Settlement per tenant",
                 intro: "Charges priced at each site's price list, with compute vouchers applied line by line "
                   + "in time order (money in ¥, exact to the fen).")
    settlementTable(s, into: &page)
    page.endSection()
    return page.html()
  }

  // MARK: - Summary

  static func summaryTiles(_ r: SimulationResult) -> [(String, String, String)] {
    let placed = r.outcomes.filter { $0.startSeconds != nil }.count
    let share = r.jobs > 0 ? Double(placed) / Double(r.jobs) : 0
    let frag = r.fragmentation.isEmpty ? nil : r.fragmentation.reduce(0) { $0 + $1.value } / Double(r.fragmentation.count)
    let latency = r.latencyBoundJobs > 0 ? Double(r.latencyBoundStarted) / Double(r.latencyBoundJobs) : 1
    var t: [(String, String, String)] = [
      ("Jobs", "\(r.jobs)", "\(r.finished) finished · \(r.running) running · \(r.queued) queued"),
      ("Placed", "\(placed)", pct(share) + " of jobs started"),
      ("Rejected", "\(r.rejected)", "cannot run on this cluster even idle"),
      ("Preempted", "\(r.preemptedJobs) jobs", "\(r.preemptions) preemption events"),
      ("Wait p50 / p95 / p99", durations([r.wait.p50, r.wait.p95, r.wait.p99]),
       "max \(duration(r.wait.max)) · mean \(duration(r.wait.mean))"),
      ("Bounded slowdown", String(format: "%.2f", r.boundedSlowdown.mean),
       String(format: "mean · p95 %.2f · 10 s threshold", r.boundedSlowdown.p95)),
      ("Latency-bound jobs started", r.latencyBoundJobs > 0 ? pct(latency) : "none",
       "\(r.latencyBoundStarted) of \(r.latencyBoundJobs) · \(r.latencyBoundRejected) rejected"),
      ("Domestic share", pct(r.domesticShare), "of delivered accelerator FP16 compute"),
      ("Energy", String(format: "%.0f kWh", r.energyKWh), "devices and CPUs × site PUE"),
      ("Mean fragmentation", frag.map(pct) ?? "n/a", "FGD, share of accelerator capacity"),
      ("Makespan", duration(r.makespanSeconds), "first submit to last finish"),
      ("Wall time", String(format: "%.2f s", r.wallSeconds),
       "\(r.events) events · " + String(format: "%.0f/s", r.wallSeconds > 0 ? Double(r.events) / r.wallSeconds : 0)),
    ]
    if r.nodeFailures > 0 { t.append(("Node failures", "\(r.nodeFailures)", "\(r.failureRequeues) jobs requeued")) }
    return t
  }

  /// Seconds as "12.3 s", "4.5 min" or "2.25 h".
  static func duration(_ s: Double) -> String {
    if !s.isFinite { return "n/a" }
    if s < 120 { return String(format: "%.1f s", s) }
    if s < 7200 { return String(format: "%.1f min", s / 60) }
    return String(format: "%.2f h", s / 3600)
  }

  /// Several durations in the unit that suits the largest: "0.0 / 2.5 / 40.1 min".
  static func durations(_ v: [Double]) -> String {
    let m = v.filter(\.isFinite).max() ?? 0
    let (div, unit, fmt) = m < 120 ? (1.0, "s", "%.1f") : m < 7200 ? (60.0, "min", "%.1f") : (3600.0, "h", "%.2f")
    return v.map { String(format: fmt, $0 / div) }.joined(separator: " / ") + " " + unit
  }

  /// Yuan with thousands separators: "3,518,834.89" (from `Money.yuanString`).
  static func yuan(_ m: Money) -> String {
    let s = m.yuanString
    let negative = s.hasPrefix("-")
    let body = negative ? String(s.dropFirst()) : s
    let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    var whole = ""
    for (i, c) in (parts.first ?? "").reversed().enumerated() {
      if i > 0, i % 3 == 0 { whole.append(",") }
      whole.append(c)
    }
    return (negative ? "-" : "") + String(whole.reversed()) + (parts.count > 1 ? "." + parts[1] : "")
  }

  // MARK: - Charts

  static let timeAxis = ChartAxis(label: "simulated time (h)")

  static func hours(_ series: [TimePoint], scale: Double = 100) -> [ChartPoint] {
    series.map { ChartPoint(x: $0.t / 3600, y: $0.value * scale) }
  }

  static func kindColor(_ k: String) -> String {
    switch DeviceKind(rawValue: k) {
    case .cpu: "#4e79a7"
    case .gpu: "#59a14f"
    case .dcu: "#f28e2b"
    case .npu: "#e15759"
    case .dpu: "#b07aa1"
    case nil: "#9c755f"
    }
  }

  static func utilizationByKindChart(_ r: SimulationResult) -> SVGChart {
    let kinds = r.utilizationByKind.keys.sorted { a, b in
      switch (DeviceKind(rawValue: a), DeviceKind(rawValue: b)) {
      case let (x?, y?): x < y
      default: a < b
      }
    }
    let series = kinds.map { k in
      ChartSeries(name: "\(k.uppercased()) (mean \(pct(r.meanUtilizationByKind[k] ?? 0)))",
                  points: hours(r.utilizationByKind[k] ?? []), color: kindColor(k))
    }
    return SVGChart(id: "chart-util-kind", title: "Utilization by device kind",
                    subtitle: "allocated share of each kind's capacity (CPU: cores; accelerators: device milli)",
                    x: timeAxis, y: ChartAxis(label: "allocated (%)", format: .percent), series: series)
  }

  static func utilizationBySiteChart(_ r: SimulationResult, cluster: Cluster) -> SVGSmallMultiples {
    var ids = cluster.sites.map(\.id).filter { r.utilizationBySite[$0] != nil }
    ids += r.utilizationBySite.keys.filter { !ids.contains($0) }.sorted()
    let panels = ids.map { id -> SVGSmallMultiples.Panel in
      let pts = r.utilizationBySite[id] ?? []
      let peak = pts.map(\.value).max() ?? 0
      return SVGSmallMultiples.Panel(title: id, note: "mean \(pct(r.meanUtilizationBySite[id] ?? 0)) · peak \(pct(peak))",
                                     series: ChartSeries(name: id, points: hours(pts), color: ChartPalette.color(0)))
    }
    let cols = panels.count <= 4 ? max(panels.count, 1) : (panels.count <= 9 ? 3 : 4)
    return SVGSmallMultiples(id: "chart-util-site", title: "Utilization by site",
                             subtitle: "allocated share of each site's accelerators (CPU at CPU-only sites)",
                             x: timeAxis, y: ChartAxis(label: "allocated (%)", format: .percent),
                             panels: panels, columns: cols)
  }

  static func queueChart(_ r: SimulationResult) -> SVGChart {
    let peak = r.queueLength.map(\.value).max() ?? 0
    return SVGChart(id: "chart-queue", title: "Queue length",
                    subtitle: String(format: "jobs submitted and waiting to start, at each sample; peak %.0f", peak),
                    x: timeAxis, y: ChartAxis(label: "jobs waiting", integer: true),
                    series: [ChartSeries(name: "queued jobs", points: hours(r.queueLength, scale: 1), style: .step,
                                         color: "#4e79a7")], showLegend: false)
  }

  static func waitCDFChart(_ r: SimulationResult) -> SVGChart {
    let waits = r.outcomes.compactMap(\.waitSeconds).filter(\.isFinite).sorted()
    let maxWait = waits.last ?? 0
    var points: [ChartPoint] = []
    let n = Double(waits.count)
    var i = 0
    while i < waits.count {
      var j = i
      while j + 1 < waits.count, waits[j + 1] == waits[i] { j += 1 }
      if points.isEmpty { points.append(ChartPoint(x: waits[i], y: 0)) }
      points.append(ChartPoint(x: waits[i], y: Double(j + 1) / n * 100))
      i = j + 1
    }
    let zeroShare = waits.isEmpty ? 0 : Double(waits.prefix { $0 < 1 }.count) / n
    var x = ChartAxis(label: "wait before first start (s)", min: 0, max: maxWait > 0 ? nil : 1)
    var y = ChartAxis(label: "jobs started within (%)", format: .percent, min: 0, max: 100)
    var subtitle = "\(waits.count) started jobs; " + pct(zeroShare) + " waited under 1 s"
    if maxWait >= 10 {
      x = ChartAxis(label: "wait before first start (s, log scale; waits under 1 s at the left edge)", scale: .log10, min: 1)
      // Most jobs often start at once: start the y axis just below the share at the left edge so the tail shows.
      let atEdge = zeroShare * 100
      if atEdge >= 50 {
        let step = AxisMapping.niceStep((100 - atEdge) / 4)
        let floor = Swift.max(0, Foundation.floor((atEdge - (100 - atEdge) * 0.15) / step) * step)
        if floor > 0 {
          y.min = floor
          subtitle += "; the y axis starts at " + AxisMapping.trimmed(floor) + "%"
        }
      }
    } else if maxWait == 0, !waits.isEmpty {
      subtitle = "all \(waits.count) started jobs started at once (wait 0 s)"
      points.append(ChartPoint(x: 1, y: 100))
    }
    // One marker per distinct value: "p95/p99 4.2 min" when two percentiles coincide.
    var groups: [(names: [String], value: Double)] = []
    for (name, v) in [("p50", r.wait.p50), ("p95", r.wait.p95), ("p99", r.wait.p99)] where !waits.isEmpty {
      if let k = groups.firstIndex(where: { $0.value == v }) { groups[k].names.append(name) } else { groups.append(([name], v)) }
    }
    let markers = groups.map { ChartMarker(x: $0.value, label: $0.names.joined(separator: "/") + " " + duration($0.value)) }
    return SVGChart(id: "chart-wait-cdf", title: "Wait-time CDF", subtitle: subtitle, x: x, y: y,
                    series: [ChartSeries(name: "share of started jobs", points: points, style: .step, color: "#4e79a7")],
                    markers: markers, emptyNote: "no job started", showLegend: false)
  }

  static func fragmentationChart(_ r: SimulationResult) -> SVGChart {
    SVGChart(id: "chart-fragmentation", title: "Accelerator fragmentation",
             subtitle: "share of accelerator capacity the expected task mix cannot use (FGD, Weng et al., ATC'23)",
             x: timeAxis, y: ChartAxis(label: "fragmented (%)", format: .percent),
             series: [ChartSeries(name: "fragmentation", points: hours(r.fragmentation), color: "#e15759")],
             emptyNote: "not sampled: the cluster has no accelerators", showLegend: false)
  }

  // MARK: - Tables

  static func siteTable(_ r: SimulationResult, cluster: Cluster, into page: inout HTMLPage) {
    let summary = ClusterSummary(cluster)
    var rows: [[HTMLPage.Cell]] = []
    for site in summary.sites {
      let devices = site.kinds.filter { $0.kind != .cpu }.map { "\($0.kind.displayName) \($0.devices)" }
      let cores = site.kinds.first { $0.kind == .cpu }.map { "\($0.devices) sockets" } ?? ""
      let pts = r.utilizationBySite[site.id] ?? []
      let peak = pts.map(\.value).max() ?? 0
      let rings = site.rings.isEmpty ? "—"
        : site.rings.map { "<span class=\"ring\">\(Markup.escape($0))</span>" }.joined(separator: " ")
      let basis = site.kinds.contains { $0.kind.isAccelerator } ? "accelerators" : "CPU"
      rows.append([.text(site.id), .text(site.tier.rawValue), .text(site.city), .markup(rings),
                   .number(String(format: "%.2f", site.pue)), .number(pct(site.greenShare)), .number("\(site.nodes)"),
                   .text(devices.isEmpty ? "CPU only · \(cores)" : devices.joined(separator: ", ")), .text(basis),
                   .markup(r.meanUtilizationBySite[site.id].map { HTMLPage.shareBar($0) } ?? "n/a"),
                   .number(pts.isEmpty ? "n/a" : pct(peak))])
    }
    page.table("table-sites", header: ["site", "tier", "city", "latency rings", "PUE", "green", "nodes", "devices",
                                       "utilization of", "mean utilization", "peak"],
               numeric: [4, 5, 6, 10], rows: rows)
    let rings = cluster.network.rings
    if !rings.isEmpty {
      let names = rings.map { ring in
        "\(ring.name): \(ring.members.count) locations within \(ring.boundMicros) µs one-way"
      }
      page.paragraph("Rings — " + names.joined(separator: "; ") + ".")
    }
  }

  static func settlementTable(_ s: Settlement, into page: inout HTMLPage) {
    var rows: [[HTMLPage.Cell]] = []
    for t in s.statements {
      let vouchers = t.vouchers.map { "\($0.voucher): ¥\(yuan($0.used)) used, ¥\(yuan($0.remaining)) left" }
      let exhausted = t.vouchers.compactMap { v in v.exhaustedByJob.map { "\(v.voucher) ran out during job \($0)" } }
      let share = t.gross.fen > 0 ? Double(t.subsidy.fen) / Double(t.gross.fen) : 0
      rows.append([.text(t.tenant), .number(yuan(t.gross)), .number(yuan(t.subsidy)), .number(yuan(t.net)),
                   .number(pct(share)), .text(vouchers.isEmpty ? "—" : vouchers.joined(separator: "; ")),
                   .text(exhausted.isEmpty ? (t.vouchers.isEmpty ? "—" : "no") : exhausted.joined(separator: "; "))])
    }
    let totalShare = s.totalGross.fen > 0 ? Double(s.totalSubsidy.fen) / Double(s.totalGross.fen) : 0
    page.table("table-settlement", header: ["tenant", "gross ¥", "subsidy ¥", "net ¥", "subsidised", "vouchers",
                                            "vouchers exhausted"],
               numeric: [1, 2, 3, 4], rows: rows,
               footer: [[.text("total"), .number(yuan(s.totalGross)), .number(yuan(s.totalSubsidy)),
                         .number(yuan(s.totalNet)), .number(pct(totalShare)), .text(""), .text("")]])
  }
}
