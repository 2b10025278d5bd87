import Foundation
import SchedCore

/// The summary table `schedctl simulate` prints.
enum SimulationReport {
  static func pct(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
  static func num(_ x: Double) -> String { String(format: "%.1f", x) }

  /// `requestedStepMicros`: the sample step asked for; when the series were
  /// thinned to a coarser one (a long run), a line says so.
  static func table(_ r: SimulationResult, settlement s: Settlement, cluster: Cluster,
                    requestedStepMicros: Int64? = nil) -> String {
    var out: [String] = []
    func row(_ k: String, _ v: String) { out.append(k.padding(toLength: 36, withPad: " ", startingAt: 0) + v) }
    out.append("SchedCore simulation: cluster \(r.cluster), policy \(r.policy), queue \(r.queueMode.rawValue), seed \(r.seed)")
    out.append("")
    row("jobs", "\(r.jobs)")
    row("  finished / running / queued", "\(r.finished) / \(r.running) / \(r.queued)")
    row("  rejected", "\(r.rejected)")
    // Jobs a horizon cut off before they arrived (never when the run ends by itself).
    let notArrived = r.jobs - r.finished - r.running - r.queued - r.rejected
    if notArrived > 0 { row("  not yet arrived (horizon)", "\(notArrived)") }
    row("  preemptions (jobs preempted)", "\(r.preemptions) (\(r.preemptedJobs))")
    if r.nodeFailures > 0 { row("  node failures (jobs requeued)", "\(r.nodeFailures) (\(r.failureRequeues))") }
    row("wait p50 / p95 / p99 / max", "\(num(r.wait.p50)) / \(num(r.wait.p95)) / \(num(r.wait.p99)) / \(num(r.wait.max)) s")
    row("bounded slowdown mean / p95", "\(String(format: "%.2f", r.boundedSlowdown.mean)) / \(String(format: "%.2f", r.boundedSlowdown.p95))")
    row("makespan", String(format: "%.2f h", r.makespanSeconds / 3600))
    row("latency-bound jobs started", "\(r.latencyBoundStarted)/\(r.latencyBoundJobs) (rejected \(r.latencyBoundRejected)), all within bound")
    row("domestic share of accelerator work", pct(r.domesticShare))
    row("energy", String(format: "%.0f kWh", r.energyKWh))
    let frag = r.fragmentation.isEmpty ? 0 : r.fragmentation.reduce(0) { $0 + $1.value } / Double(r.fragmentation.count)
    row("mean GPU fragmentation (FGD)", pct(frag))
    if let asked = requestedStepMicros, r.sampleStepMicros > asked {
      row("time-series sample step", "\(r.sampleStepMicros / 1_000_000) s (\(asked / 1_000_000) s asked; "
          + "thinned to at most \(SimulationConfig.maxSamplesPerSeries) samples)")
    }
    out.append("")
    out.append("utilization (mean allocated share)")
    for (k, v) in r.meanUtilizationByKind.sorted(by: { $0.key < $1.key }) { row("  \(k.uppercased())", pct(v)) }
    out.append("by site")
    for site in cluster.sites {
      if let v = r.meanUtilizationBySite[site.id] { row("  \(site.id)", pct(v)) }
    }
    out.append("")
    out.append("billing (¥)".padding(toLength: 22, withPad: " ", startingAt: 0)
               + "gross".leftPad(14) + "subsidy".leftPad(14) + "net".leftPad(14))
    for t in s.statements {
      out.append("  " + t.tenant.padding(toLength: 20, withPad: " ", startingAt: 0) + t.gross.yuanString.leftPad(14)
                 + t.subsidy.yuanString.leftPad(14) + t.net.yuanString.leftPad(14))
      for v in t.vouchers where v.exhaustedByJob != nil {
        let years = v.renewals > 0 ? " (the last time; its yearly cap renewed \(v.renewals) times)" : ""
        out.append("      voucher \(v.voucher) ran out during job \(v.exhaustedByJob ?? "")\(years)")
      }
    }
    out.append("  " + "total".padding(toLength: 20, withPad: " ", startingAt: 0) + s.totalGross.yuanString.leftPad(14)
               + s.totalSubsidy.yuanString.leftPad(14) + s.totalNet.yuanString.leftPad(14))
    out.append("")
    let c = r.counters
    out.append("scheduler: \(c.passes) passes, \(c.placements) placement searches (\(c.placementFailures) failed), "
               + "\(c.skipped) known outcomes skipped; backfill \(c.backfillStarts) started, \(c.backfillRefusals) refused; "
               + "\(c.reservations) reservations (\(c.countedReservations) by task counts, \(c.reservationProbes) probes, \(c.reservationsMovedEarlier) redone after early stops, kept over \(c.reservationsKeptOverStops) other stops); "
               + "\(c.preemptionSearches) preemption searches (\(c.countedPreemptionSearches) by task counts, \(c.widenedPreemptionSearches) past the 16 best victims); "
               + "at most \(c.peakJobsInFlight) jobs in flight")
    out.append(String(format: "%d events in %.2f s wall (%.0f events/s)", r.events, r.wallSeconds,
                      r.wallSeconds > 0 ? Double(r.events) / r.wallSeconds : 0))
    return out.joined(separator: "\n")
  }
}

extension String {
  func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
