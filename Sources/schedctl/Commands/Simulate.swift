import ArgumentParser
import Foundation
import SchedCore

extension Schedctl {
  /// `schedctl simulate`: run a workload through the queue, placement engine,
  /// simulator and metering, and print what happened.
  struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Simulate a workload on a cluster and report waits, utilization, energy and billing.",
      discussion: """
        With no arguments: the embedded Jing-Jin-Ji reference cluster, one simulated day of the \
        built-in synthetic workload (seed 42), EASY backfilling with preemption, default profile, \
        and the built-in illustrative compute vouchers.

        Examples:
          schedctl simulate
          schedctl simulate --jobs 50000 --queue fcfs --policy best-fit --seed 7
          schedctl simulate --cluster openb:../shared/data/openb/openb_node_list_gpu_node.csv --jobs 5000
          schedctl simulate --json out/sim.json --csv out/
          schedctl simulate --workload Docs/examples/jobs.csv --vouchers Docs/examples/vouchers.yaml
          schedctl simulate --jobs 500 --export-workload out/jobs.csv
          schedctl simulate --jobs 2000 --report out/sim.html
        """)

    @Option(help: "Workload: synthetic, FILE.jsonl (one job per line), FILE.csv (one task group per row), openb:PATH (pod list) or swf:PATH (SWF log, .gz allowed).")
    var workload: String = "synthetic"

    @Option(help: "Voucher file (YAML list, Docs/Formats.md) replacing the built-in illustrative vouchers.")
    var vouchers: String?

    @Option(help: "Write the workload's jobs to this FILE.csv or FILE.jsonl and exit without simulating.")
    var exportWorkload: String?

    @OptionGroup var placement: PlacementOptions

    @Option(help: "Queue mode: fcfs or easy.")
    var queue: QueueMode = .easy

    @Flag(inversion: .prefixedNo, help: "Let system/online/production jobs preempt lower classes.")
    var preemption: Bool = true

    @Option(help: "Seed for the workload, tie-breaks and failures.")
    var seed: UInt64 = 42

    @Option(help: "Simulated hours of arrivals (synthetic workload).")
    var duration: Double = 24

    @Option(help: "Number of synthetic jobs.")
    var jobs: Int = 20_000

    @Option(help: "Mean time between failures per node, in hours: 0 = no failures, else 1/60 (one minute) to 1000000.")
    var mtbfHours: Double = 0

    @Option(help: ArgumentHelp(
      "Stop at this simulated hour; jobs still queued or running then are reported as such.",
      discussion: "Without it a run ends once every job has finished or been rejected. Failed nodes requeue their jobs whole, so with frequent failures (a small --mtbf-hours) a large gang may never finish: give a horizon."))
    var horizonHours: Double?

    @Option(help: "Time-series sample step in seconds.")
    var sampleSeconds: Int = 300

    @Flag(help: ArgumentHelp(
      "Keep only the jobs in flight: generate the synthetic workload as it arrives, settle usage as it is recorded, wait and slowdown percentiles from histograms (3 significant digits).",
      discussion: "For runs of millions of jobs. With --csv, jobs.csv is written as jobs finish (in that order) and settlement_jobs.csv is left out. Not with --json, --report or --export-workload (they need every job's record)."))
    var stream = false

    @Option(help: "Write the full result as JSON to this path.")
    var json: String?

    @Option(help: "Write per-job results, time series and settlement CSVs into this directory.")
    var csv: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report (inline SVG charts, no scripts) to this path.",
                               valueName: "path.html"))
    var report: String?

    func validate() throws {
      guard workload == "synthetic" || workload.hasPrefix("openb:") || workload.hasPrefix("swf:")
              || workload.hasSuffix(".jsonl") || workload.hasSuffix(".csv") else {
        throw ValidationError("--workload: expected synthetic, FILE.jsonl, FILE.csv, openb:PATH or swf:PATH, got '\(workload)'")
      }
      if let exportWorkload, !exportWorkload.hasSuffix(".csv") && !exportWorkload.hasSuffix(".jsonl") {
        throw ValidationError("--export-workload: expected FILE.csv or FILE.jsonl, got '\(exportWorkload)'")
      }
      guard duration.isFinite, duration > 0, duration <= 24 * 366 else {
        throw ValidationError("--duration: expected hours in (0, 8784], got \(duration)")
      }
      guard jobs >= 1, jobs <= 10_000_000 else { throw ValidationError("--jobs: expected 1...10000000, got \(jobs)") }
      // 0 turns failures off; otherwise at least a minute per node (with a
      // shorter MTBF nodes fail faster than jobs can run, so a run never
      // ends) and at most 1e6 h (114 years; in microseconds it must fit Int64).
      guard mtbfHours == 0 || (mtbfHours.isFinite && mtbfHours >= 1.0 / 60 && mtbfHours <= 1_000_000) else {
        throw ValidationError("--mtbf-hours: expected 0 (no failures) or hours from 1/60 (one minute) to 1000000, "
                              + "got \(mtbfHours) (a per-node MTBF under a minute never lets a run end)")
      }
      if let horizonHours {
        guard horizonHours.isFinite, horizonHours > 0, horizonHours <= 24 * 366 * 100 else {
          throw ValidationError("--horizon-hours: expected hours in (0, 878400], got \(horizonHours)")
        }
      }
      guard sampleSeconds >= 1, sampleSeconds <= 86_400 else {
        throw ValidationError("--sample-seconds: expected 1...86400, got \(sampleSeconds)")
      }
      if let report { try HTMLReportPath.validate(report) }
      if stream {
        guard json == nil, report == nil, exportWorkload == nil else {
          throw ValidationError("--stream keeps no per-job records: it cannot be used with --json, --report or --export-workload")
        }
      }
    }

    func run() throws {
      let c = try placement.loadedCluster()
      let profile = try placement.resolved(seed: seed)
      let durationMicros = Int64(duration * 3.6e9)
      let workloadJobs: [Job]
      var voucherList = Voucher.illustrative
      do {
        if let vouchers { voucherList = try VoucherSpec.load(path: vouchers) }
        if stream && workload == "synthetic" {
          workloadJobs = []  // generated as the run reads it
        } else if workload.hasPrefix("openb:") {
          workloadJobs = try OpenbPodList.load(path: String(workload.dropFirst(6))).map(\.job)
        } else if workload.hasSuffix(".jsonl") {
          workloadJobs = try JobSpec.loadLines(path: workload)
        } else if workload.hasSuffix(".csv") {
          workloadJobs = try JobCSV.load(path: workload)
        } else if workload.hasPrefix("swf:") {
          workloadJobs = try SWFLog.load(path: String(workload.dropFirst(4))).jobs
        } else {
          workloadJobs = SyntheticWorkload(jobs: jobs, durationMicros: durationMicros, seed: seed, cluster: c).generate()
        }
      } catch {
        for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
        throw ExitCode(2)
      }
      if let exportWorkload {
        try export(workloadJobs, to: exportWorkload)
        return
      }
      var config = SimulationConfig(profile: profile, queue: QueuePolicy(mode: queue, preemption: preemption),
                                    seed: seed, sampleStepMicros: Int64(sampleSeconds) * 1_000_000)
      if mtbfHours > 0 {
        config.failures = FailureModel(mtbfMicros: Int64(mtbfHours * 3.6e9), mttrMicros: 1_800_000_000)
      }
      if let horizonHours { config.horizonMicros = Int64(horizonHours * 3.6e9) }
      let progress = Progress(enabled: FileHandleOutput.standardError.isTerminal, horizon: durationMicros)
      if stream {
        var accumulator = SettlementAccumulator(cluster: c, vouchers: voucherList)
        let update: (Int, Int64) -> Void = { events, now in progress.update(events: events, now: now) }
        var jobsCSV: JobsCSVStream?
        if let csv {
          try createDirectory(csv)
          jobsCSV = try JobsCSVStream(path: csv + "/jobs.csv")
        }
        // Usage is settled inside the run; outcomes only go to jobs.csv
        // (without --csv none is made).
        let sink: ((SimulationRecord) -> Void)? = jobsCSV == nil ? nil : {
          if case .outcome(let o) = $0 { jobsCSV?.append(o) }
        }
        let result = workload == "synthetic"
          ? Simulator.run(cluster: c, stream: SyntheticWorkload(jobs: jobs, durationMicros: durationMicros, seed: seed,
                                                                cluster: c),
                          config: config, progress: update, records: sink, kinds: .outcomes, settling: &accumulator)
          : Simulator.run(cluster: c, stream: Simulator.inSubmitOrder(workloadJobs),
                          config: config, progress: update, records: sink, kinds: .outcomes, settling: &accumulator)
        progress.finish()
        let settlement = accumulator.settlement()
        print(SimulationReport.table(result, settlement: settlement, cluster: c, requestedStepMicros: config.sampleStepMicros))
        if let csv {
          try jobsCSV?.close()
          try writeCSVSummaries(result, settlement, into: csv, perJob: false)
        }
        return
      }
      let result = Simulator.run(cluster: c, jobs: workloadJobs, config: config) { events, now in
        progress.update(events: events, now: now)
      }
      progress.finish()
      let ledger = UsageLedger(cluster: c, records: result.usage)
      let settlement = Settlement(ledger: ledger, vouchers: voucherList)
      print(SimulationReport.table(result, settlement: settlement, cluster: c, requestedStepMicros: config.sampleStepMicros))
      if let json { try writeJSON(result, settlement, to: json) }
      if let csv { try writeCSV(result, settlement, into: csv) }
      if let report {
        try writeFile(report, Data(SimulationReport.html(result, settlement: settlement, cluster: c).utf8))
      }
    }

    /// Writes `jobs` as a CSV or JSON Lines job file; exit 2 naming what the format cannot hold.
    func export(_ jobs: [Job], to path: String) throws {
      let text: String
      if path.hasSuffix(".csv") {
        do {
          text = try JobCSV.write(jobs, file: path)
        } catch {
          for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
          throw ExitCode(2)
        }
      } else {
        text = JobSpec.writeLines(jobs)
      }
      try writeFile(path, Data(text.utf8))
      print("wrote \(jobs.count) jobs to \(path)")
    }

    func writeJSON(_ r: SimulationResult, _ s: Settlement, to path: String) throws {
      struct Out: Encodable { var kind = "simulate"; var result: SimulationResult; var settlement: Settlement }
      let enc = JSONEncoder()
      enc.outputFormatting = [.prettyPrinted, .sortedKeys]
      try writeFile(path, enc.encode(Out(result: r, settlement: s)))
    }

    func writeCSV(_ r: SimulationResult, _ s: Settlement, into dir: String) throws {
      try createDirectory(dir)
      var jobs = JobsCSVStream.header
      for j in r.outcomes { jobs += JobsCSVStream.row(j) }
      try writeFile(dir + "/jobs.csv", Data(jobs.utf8))
      try writeCSVSummaries(r, s, into: dir, perJob: true)
    }

    /// timeseries.csv, settlement.csv and (with `perJob`) settlement_jobs.csv.
    func writeCSVSummaries(_ r: SimulationResult, _ s: Settlement, into dir: String, perJob: Bool) throws {
      func o(_ d: Double?) -> String { d.map { String(format: "%.3f", $0) } ?? "" }
      var series = "series,t_s,value\n"
      for (k, v) in r.utilizationByKind.sorted(by: { $0.key < $1.key }) {
        let name = csvField("util_kind_\(k)")
        for p in v { series += "\(name),\(o(p.t)),\(String(format: "%.6f", p.value))\n" }
      }
      for (k, v) in r.utilizationBySite.sorted(by: { $0.key < $1.key }) {
        let name = csvField("util_site_\(k)")  // site ids come from the cluster file
        for p in v { series += "\(name),\(o(p.t)),\(String(format: "%.6f", p.value))\n" }
      }
      for p in r.queueLength { series += "queue_length,\(o(p.t)),\(Int(p.value))\n" }
      for p in r.fragmentation { series += "fragmentation,\(o(p.t)),\(String(format: "%.6f", p.value))\n" }
      try writeFile(dir + "/timeseries.csv", Data(series.utf8))
      try writeFile(dir + "/settlement.csv", Data(s.csv().utf8))
      if perJob { try writeFile(dir + "/settlement_jobs.csv", Data(s.jobsCSV().utf8)) }
    }
  }
}

/// `jobs.csv` written row by row as a streaming simulation hands out
/// outcomes (buffered, flushed every 64 KiB), so the file never sits in memory.
final class JobsCSVStream {
  static let header =
    "id,tenant,priority,phase,submit_s,start_s,end_s,wait_s,run_s,bounded_slowdown,preemptions,requeues,sites,reject_reason\n"

  /// One job's row. Text cells (id, tenant, sites: they come from input
  /// files) are quoted per RFC 4180 when they need it; the reject reason is
  /// always quoted (its own quotes turned into apostrophes).
  static func row(_ j: JobOutcome) -> String {
    func o(_ d: Double?) -> String { d.map { String(format: "%.3f", $0) } ?? "" }
    let reason = (j.rejectReason ?? "").split(separator: "\"").joined(separator: "'")
    return "\(csvField(j.id)),\(csvField(j.tenant)),\(j.priority.rawValue),\(j.phase.rawValue),\(o(j.submitSeconds)),"
      + "\(o(j.startSeconds)),\(o(j.endSeconds)),\(o(j.waitSeconds)),\(o(j.runSeconds)),\(o(j.boundedSlowdown)),"
      + "\(j.preemptions),\(j.requeues),\(csvField(j.sites.joined(separator: "|"))),\"\(reason)\"\n"
  }

  let path: String
  let handle: FileHandle
  var buffer = ""
  var failed = false

  /// Creates (or truncates) `path` with the header; exit 2 naming the path if it cannot.
  init(path: String) throws {
    self.path = path
    guard FileManager.default.createFile(atPath: path, contents: Data(Self.header.utf8)),
          let h = FileHandle(forWritingAtPath: path) else {
      FileHandleOutput.standardError.write("\(path): cannot write the file\n")
      throw ExitCode(2)
    }
    handle = h
    handle.seekToEndOfFile()
  }

  func append(_ j: JobOutcome) {
    buffer += Self.row(j)
    if buffer.utf8.count >= 1 << 16 { flush() }
  }

  func flush() {
    guard !buffer.isEmpty, !failed else { return }
    do { try handle.write(contentsOf: Data(buffer.utf8)) } catch { failed = true }
    buffer = ""
  }

  /// Writes what is buffered and closes the file; exit 2 naming the path if a write failed.
  func close() throws {
    flush()
    try? handle.close()
    if failed {
      FileHandleOutput.standardError.write("\(path): cannot write the file\n")
      throw ExitCode(2)
    }
  }
}

/// Writes `data` to `path`, or exits 2 with a message naming the path.
func writeFile(_ path: String, _ data: Data) throws {
  guard FileManager.default.createFile(atPath: path, contents: data) else {
    FileHandleOutput.standardError.write("\(path): cannot write the file\n")
    throw ExitCode(2)
  }
}

func createDirectory(_ path: String) throws {
  do {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  } catch {
    FileHandleOutput.standardError.write("\(path): cannot create the directory (\(error.localizedDescription))\n")
    throw ExitCode(2)
  }
}

/// Progress on stderr when it is a terminal: events, simulated time, rate.
final class Progress: @unchecked Sendable {
  let enabled: Bool
  let horizon: Int64
  let clock = ContinuousClock()
  let start: ContinuousClock.Instant
  var last: ContinuousClock.Instant

  init(enabled: Bool, horizon: Int64) {
    self.enabled = enabled
    self.horizon = horizon
    start = clock.now
    last = start
  }

  func update(events: Int, now: Int64) {
    guard enabled else { return }
    let t = clock.now
    guard t - last > .milliseconds(200) else { return }
    last = t
    let secs = Double((t - start).components.seconds) + Double((t - start).components.attoseconds) * 1e-18
    let rate = secs > 0 ? Double(events) / secs : 0
    let frac = horizon > 0 ? min(1, Double(now) / Double(horizon)) : 0
    let eta = frac > 0 ? secs * (1 - frac) / frac : 0
    FileHandleOutput.standardError.write(String(format: "\r%9d events  sim %6.2f h  %8.0f ev/s  ETA %5.0f s ",
                                                events, Double(now) / 3.6e9, rate, eta))
  }

  func finish() {
    if enabled { FileHandleOutput.standardError.write("\r" + String(repeating: " ", count: 70) + "\r") }
  }
}
