import Foundation

/// Importer for Standard Workload Format logs (Parallel Workloads Archive,
/// SWF v2.2: 18 whitespace-separated fields, `;` comment lines, -1 = unknown).
///
/// Each job becomes one gang of `processors` single-core tasks (1000
/// milli-CPU each, memory from the used/requested memory field when given,
/// else 0): processors = allocated (field 5), else requested (field 8).
/// Submit = field 2; run time = field 4; the estimate is the requested time
/// (field 9), falling back to the run time when missing. User (field 12) is
/// the tenant. Jobs with unknown or non-positive run time or processors are
/// skipped (and counted). A submit time beyond 1e9 s (about 31.7 years, the
/// bound the native job files use) or a job number seen on an earlier line
/// is an error, and so is a log without a runnable job. `.gz` files are read
/// through `gzip -dc`.
public enum SWFLog {
  /// An SWF log's runnable jobs and how many lines were skipped.
  public struct Loaded: Sendable {
    /// One job per runnable line, in file order (id `swf-N`; tenant `user-U`, or
    /// "unknown" when the user field is -1).
    public var jobs: [Job]
    /// Lines that were valid but not runnable (run time or processors unknown or ≤ 0).
    public var skipped: Int
  }

  /// Reads (`.gz` through `gzip -dc`) and parses the log at `path`; throws
  /// `SpecErrors` if it cannot be read or has errors.
  public static func load(path: String) throws(SpecErrors) -> Loaded {
    let text: String
    if path.hasSuffix(".gz") {
      guard FileManager.default.fileExists(atPath: path) else { throw .single(path, "no such file") }
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      p.arguments = ["gzip", "-dc", path]
      let out = Pipe()
      p.standardOutput = out
      p.standardError = Pipe()
      do { try p.run() } catch { throw .single(path, "cannot run gzip to decompress") }
      let data = out.fileHandleForReading.readDataToEndOfFile()
      p.waitUntilExit()
      guard p.terminationStatus == 0, let t = String(data: data, encoding: .utf8) else {
        throw .single(path, "not a readable gzip file")
      }
      text = t
    } else {
      text = try ClusterSpec.readText(path)
    }
    return try parse(text: text, file: path)
  }

  static let fieldNames = ["job", "submit", "wait", "run_time", "allocated_procs", "avg_cpu", "used_memory",
                           "requested_procs", "requested_time", "requested_memory", "status", "user", "group",
                           "executable", "queue", "partition", "preceding_job", "think_time"]

  /// Parses SWF text (`file` names it in errors); throws every bad line at once,
  /// or when no line is runnable.
  public static func parse(text: String, file: String) throws(SpecErrors) -> Loaded {
    var jobs: [Job] = []
    var errors: [SpecError] = []
    var skipped = 0
    var n = 0
    // Job number → the line it was first seen on.
    var firstLine: [Int64: Int] = [:]
    for raw in text.textLines() {
      n += 1
      let line = raw.trimmingWhitespace()
      if line.isEmpty || line.hasPrefix(";") { continue }
      let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard f.count == 18 else {
        errors.append(SpecError(file: file, line: n, column: 0, path: "", message: "expected 18 fields, found \(f.count)"))
        continue
      }
      var v: [Int64] = []
      var bad = false
      for (i, s) in f.enumerated() {
        // Some logs write fractional seconds or CPU times; integers are required only where used.
        if let x = Int64(s) { v.append(x) } else if let d = Double(s), d.isFinite, abs(d) < 9e15 { v.append(Int64(d)) } else {
          errors.append(SpecError(file: file, line: n, column: 0, path: fieldNames[i], message: "expected a number, found '\(s)'"))
          bad = true
          break
        }
      }
      if bad { continue }
      let submit = v[1], run = v[3]
      let procs = v[4] > 0 ? v[4] : v[7]
      guard submit >= 0 else {
        errors.append(SpecError(file: file, line: n, column: 0, path: "submit", message: "negative submit time \(submit)"))
        continue
      }
      guard submit <= 1_000_000_000 else {
        errors.append(SpecError(file: file, line: n, column: 0, path: "submit",
                                message: "submit time \(submit) s is beyond 1e9 s"))
        continue
      }
      if let first = firstLine[v[0]] {
        errors.append(SpecError(file: file, line: n, column: 0, path: "job",
                                message: "job number \(v[0]) is already used at line \(first)"))
        continue
      }
      firstLine[v[0]] = n
      guard run > 0, procs > 0, procs <= 1_000_000, run < 1_000_000_000 else { skipped += 1; continue }
      let requested = v[8] > 0 && v[8] < 1_000_000_000 ? v[8] : run
      let memKB = v[6] > 0 ? v[6] : (v[9] > 0 ? v[9] : 0)
      jobs.append(Job(id: "swf-\(v[0])", tenant: v[11] >= 0 ? "user-\(v[11])" : "unknown", priority: .batch,
                      submitMicros: submit * 1_000_000, estimatedMicros: requested * 1_000_000,
                      actualMicros: run * 1_000_000,
                      groups: [TaskGroup(name: "procs", count: Int32(procs), milliCPU: 1000,
                                         memoryMiB: min(memKB / 1024, 1 << 30), gang: true)]))
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    guard !jobs.isEmpty else {
      throw .single(file, skipped == 0 ? "no jobs: the log has only blank and comment lines"
                      : "no jobs: \(skipped) line\(skipped == 1 ? "" : "s") skipped as not runnable "
                        + "(run time or processors unknown or ≤ 0)")
    }
    return Loaded(jobs: jobs, skipped: skipped)
  }

  /// A cluster of `processors` single-core nodes at one site (the machine an SWF log ran on).
  public static func machine(processors: Int, memoryMiBPerProcessor: Int64 = 1 << 20) -> Cluster {
    let site = Site(id: "swf", name: "SWF machine", city: "", district: "", tier: .centre, pue: 1.3, greenShare: 0,
                    prices: PriceList())
    let net = LatencyNetwork(locations: [Location(id: "swf", kind: .site, site: 0)], links: [], rings: [])
    let nodes = (0..<max(1, processors)).map { Node(id: "p\($0)", site: 0, milliCPU: 1000, memoryMiB: memoryMiBPerProcessor) }
    return Cluster(name: "swf-\(processors)", catalog: .builtin, sites: [site], network: net, nodes: nodes)
  }
}
