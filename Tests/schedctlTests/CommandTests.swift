import Foundation
import Testing
@testable import SchedCore

/// Runs the built `schedctl` and returns (status, stdout, stderr).
func schedctl(_ args: [String]) throws -> (Int32, String, String) {
  var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("schedctl").path) {
    dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug")
  }
  let p = Process()
  p.executableURL = dir.appendingPathComponent("schedctl")
  p.arguments = args
  p.currentDirectoryURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  let out = Pipe(), err = Pipe()
  p.standardOutput = out
  p.standardError = err
  try p.run()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

@Suite struct CommandTests {
  @Test func execBindsCoresAndMemory() throws {
    let (s, out, err) = try schedctl(["exec", "--cores", "0", "--numa", "0", "--", "grep", "-E", "Cpus_allowed_list|Mems_allowed_list",
                                      "/proc/self/status"])
    #expect(s == 0, "\(err)")
    #expect(out.contains("Cpus_allowed_list:\t0\n"), "\(out)")
    #expect(out.contains("Mems_allowed_list:\t0"), "\(out)")
    let (s2, out2, _) = try schedctl(["exec", "--cores", "1", "--", "grep", "Cpus_allowed_list", "/proc/self/status"])
    if ProcessInfo.processInfo.activeProcessorCount > 1 {
      #expect(s2 == 0 && out2.contains("\t1\n"), "\(out2)")
    }
  }

  @Test(arguments: [["exec", "--cores", "9999", "--", "true"], ["exec", "--cores", "1-", "--", "true"],
                    ["exec", "--cores", "0", "--numa", "99", "--", "true"], ["exec", "--cores", "0"],
                    ["discover", "--synthetic", "pack:x"], ["discover", "--xml", "/nonexistent.xml"],
                    ["validate", "/nonexistent.yaml"], ["bench", "--nodes", "abc"], ["simulate", "--policy", "nope"],
                    ["simulate", "--jobs", "0"], ["simulate", "--stream", "--json", "/tmp/x.json"],
                    ["simulate", "--horizon-hours", "0"], ["simulate", "--horizon-hours", "nan"],
                    ["experiment", "openb", "--seeds", "9..1"], ["cluster", "show", "--format", "xml"]])
  func badArgumentsExitTwo(_ args: [String]) throws {
    let (s, _, err) = try schedctl(args)
    #expect(s == 2, "\(args): status \(s) \(err)")
    #expect(!err.isEmpty)
  }

  /// Numeric flags at their extremes: every one is refused in `validate()`
  /// (exit 2, the flag named) before a Double→Int64 conversion or a product
  /// of sizes could trap or overflow. `--mtbf-hours 3e9` died with SIGILL
  /// (the microseconds overflowed Int64).
  static let outOfRange: [[String]] = {
    var cases: [[String]] = []
    for v in ["3e9", "1e300", "-1", "nan", "inf", "-inf", "0.001", "1000001"] {
      cases.append(["simulate", "--jobs", "10", "--mtbf-hours=\(v)"])
    }
    for v in ["1e300", "-1", "nan", "inf", "0", "8785"] { cases.append(["simulate", "--jobs", "10", "--duration=\(v)"]) }
    for v in ["1e300", "-1", "nan", "inf", "-inf", "0", "878401"] {
      cases.append(["simulate", "--jobs", "10", "--horizon-hours=\(v)"])
    }
    for v in ["0", "-1", "1e300", "86401", "99999999999999999999"] {
      cases.append(["simulate", "--jobs", "10", "--sample-seconds=\(v)"])
    }
    for v in ["0", "-1", "1e300", "nan", "10000001", "99999999999999999999"] { cases.append(["simulate", "--jobs=\(v)"]) }
    for v in ["-1", "1e300", "99999999999999999999"] { cases.append(["simulate", "--jobs", "10", "--seed=\(v)"]) }
    for v in ["1e300", "-1", "nan", "inf", "0", "10.5"] { cases.append(["experiment", "openb", "--tune=\(v)"]) }
    for v in ["0..1000", "99999999999999999999..1", "-1..3"] { cases.append(["experiment", "openb", "--seeds=\(v)"]) }
    for v in ["0", "-1", "1e300", "1000001", "99999999999999999999"] {
      cases.append(["experiment", "swf", "--log", "x.swf", "--procs=\(v)"])
    }
    for v in ["500:5:1", "5:0", "0:-1", "-1:5", "1e300:5", "99999999999999999999:5", "5:99999999999999999999", "nan:1", ":", ""] {
      cases.append(["experiment", "swf", "--log", "x.swf", "--procs", "4", "--window=\(v)"])
    }
    for v in ["0", "-1", "1e300", "2000001", "99999999999999999999", "10,,20"] { cases.append(["bench", "--nodes=\(v)"]) }
    for v in ["0", "-1", "1e300", "100000001"] { cases.append(["bench", "--jobs=\(v)"]) }
    for v in ["0", "-1", "1e300", "10000001"] { cases.append(["bench", "--reference-jobs=\(v)"]) }
    for v in ["-1", "1e300", "1000001"] { cases.append(["bench", "--initial-per-thousand=\(v)"]) }
    // Each flag in range, their product not: 2e9 initial jobs would be generated up front.
    cases.append(["bench", "--nodes", "2000000", "--initial-per-thousand", "1000000"])
    cases.append(["bench", "--nodes", "1000,200000", "--initial-per-thousand", "600000"])
    for v in ["nan%", "inf%", "-1%", "1e400%"] { cases.append(["compare", "a.json", "b.json", "--tolerance=\(v)"]) }
    for v in ["-1", "1e300", "99999999999999999999"] { cases.append(["exec", "--cores", "0", "--numa=\(v)", "--", "true"]) }
    for v in ["0-99999999999999999999", "1048576", "-1"] { cases.append(["exec", "--cores=\(v)", "--", "true"]) }
    return cases
  }()

  @Test(arguments: outOfRange)
  func outOfRangeNumbersExitTwo(_ args: [String]) throws {
    let (s, out, err) = try schedctl(args)
    #expect(s == 2, "\(args): status \(s) \(err)")
    // The message names the flag (the one given as --flag=value; else the product of two bench flags).
    let flag = args.last { $0.hasPrefix("--") && $0.contains("=") }.map { String($0.prefix { $0 != "=" }) }
      ?? "--initial-per-thousand"
    #expect(err.contains(flag), "\(args): \(err)")
    #expect(out.isEmpty, "\(args): \(out)")
  }

  /// The largest MTBF accepted runs (its microseconds fit Int64).
  @Test func largestMTBFRuns() throws {
    let (s, out, err) = try schedctl(["simulate", "--jobs", "10", "--duration", "1", "--mtbf-hours", "1000000"])
    #expect(s == 0, "\(err)")
    #expect(summaryValue(out, "jobs") == "10", "\(out)")
  }

  @Test func discoverFormats() throws {
    let file = "Tests/Fixtures/hwloc/power8gpudistances.xml"
    let (s1, tree, _) = try schedctl(["discover", "--xml", file])
    #expect(s1 == 0 && tree.contains("Tesla P100") && tree.contains("NUMA distances"))
    let (s2, json, _) = try schedctl(["discover", "--xml", file, "--format", "json"])
    #expect(s2 == 0 && json.contains("\"osDevices\""))
    let (s3, node, _) = try schedctl(["discover", "--xml", file, "--format", "node"])
    #expect(s3 == 0 && node.contains("accelerators: {model: P100, count: 4}"))
  }

  @Test func validateAndClusterShow() throws {
    let (s, out, _) = try schedctl(["validate", "reference"])
    #expect(s == 0 && out.hasPrefix("OK: 10390 nodes"))
    let (s2, table, _) = try schedctl(["cluster", "show"])
    #expect(s2 == 0 && table.contains("tianjin-metro") && table.contains("domestic share"))
    let (s3, json, _) = try schedctl(["cluster", "show", "--format", "json"])
    #expect(s3 == 0 && json.contains("\"domesticAcceleratorShare\""))
  }

  @Test func smallSimulationEndToEnd() throws {
    let (s, out, err) = try schedctl(["simulate", "--jobs", "200", "--duration", "2"])
    #expect(s == 0, "\(err)")
    #expect(out.contains("wait p50") && out.contains("billing") && out.contains("total"))
  }

  /// With frequent node failures a gang of 64 nodes restarted from scratch
  /// at every failure practically never finishes (the run would not end);
  /// a horizon stops it and reports what is still queued or running.
  @Test func horizonStopsARunWithFrequentFailures() throws {
    let (s, out, err) = try schedctl(["simulate", "--stream", "--jobs", "2000", "--duration", "4", "--seed", "13",
                                      "--mtbf-hours", "50", "--horizon-hours", "6"])
    #expect(s == 0, "\(err)")
    let line = out.split(separator: "\n").first { $0.contains("finished / running / queued") }.map(String.init) ?? ""
    let counts = line.split(separator: " ").compactMap { Int($0) }
    #expect(counts.count == 3 && counts[0] < 2000 && counts[0] + counts[1] + counts[2] <= 2000, "\(line)")
    // Every job is accounted for: those the horizon kept from arriving are shown.
    func value(_ label: String) -> Int {
      out.split(separator: "\n").first { $0.contains(label) }.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } } ?? 0
    }
    #expect(counts.count == 3 && counts.reduce(0, +) + value("  rejected") + value("not yet arrived (horizon)") == 2000, "\(out)")
  }

  /// `--stream` (jobs generated as they arrive, settlement as usage is
  /// recorded) prints the same report as the run that keeps every record.
  @Test func streamingSimulationPrintsTheSameReport() throws {
    let args = ["simulate", "--jobs", "400", "--duration", "3", "--queue", "easy"]
    let (s1, kept, e1) = try schedctl(args)
    let (s2, streamed, e2) = try schedctl(args + ["--stream"])
    #expect(s1 == 0 && s2 == 0, "\(e1) \(e2)")
    func body(_ s: String) -> [Substring] { s.split(separator: "\n").filter { !$0.contains("s wall") } }
    #expect(body(kept) == body(streamed))
    #expect(kept.contains("billing") && kept.contains("jobs in flight"))
  }

  /// `--stream --csv` writes jobs.csv as jobs finish: the same rows as the
  /// run that keeps every record (in finishing order), the same time series
  /// and settlement, and no per-job settlement file.
  @Test func streamingCSVHasTheSameRows() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("schedctl-stream-\(getpid())").path
    defer { try? FileManager.default.removeItem(atPath: base) }
    let args = ["simulate", "--jobs", "400", "--duration", "3"]
    let (s1, _, e1) = try schedctl(args + ["--csv", base + "/kept"])
    let (s2, _, e2) = try schedctl(args + ["--csv", base + "/streamed", "--stream"])
    #expect(s1 == 0 && s2 == 0, "\(e1) \(e2)")
    func lines(_ f: String) -> [Substring] {
      (try? String(contentsOfFile: f, encoding: .utf8))?.split(separator: "\n").sorted() ?? []
    }
    let kept = lines(base + "/kept/jobs.csv"), streamed = lines(base + "/streamed/jobs.csv")
    #expect(kept.count == 401 && kept == streamed)
    for f in ["timeseries.csv", "settlement.csv"] {
      #expect(lines(base + "/kept/" + f) == lines(base + "/streamed/" + f), "\(f)")
    }
    #expect(!FileManager.default.fileExists(atPath: base + "/streamed/settlement_jobs.csv"))
    let (s3, _, e3) = try schedctl(args + ["--csv", "/proc/version/out", "--stream"])
    #expect(s3 == 2 && e3.contains("/proc/version/out"), "status \(s3): \(e3)")
  }

  @Test func benchJSONIsStable() throws {
    let (s, out, err) = try schedctl(["bench", "--nodes", "200", "--policy", "best-fit", "--jobs", "300",
                                      "--reference-jobs", "50", "--format", "json"])
    #expect(s == 0, "\(err)")
    #expect(out.contains("\"placementsPerSecond\"") && out.contains("\"implementation\" : \"reference\""))
  }

  @Test func openbExperimentEndToEnd() throws {
    guard FileManager.default.fileExists(atPath: "../shared/data/openb/openb_pod_list_default.csv")
      || FileManager.default.fileExists(atPath: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("../shared/data/openb").path) else {
      print("SKIP: ../shared/data/openb is not present")
      return
    }
    let (s, out, err) = try schedctl(["experiment", "openb", "--policy", "fgd", "--seed", "42"])
    #expect(s == 0, "\(err)")
    #expect(out.contains("arrived %") && out.contains("placed"))
  }
}

@Suite struct CompareAndPlaceTests {
  func tmp(_ name: String, _ text: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(getpid())-\(name)").path
    #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)), "could not write \(path)")
    return path
  }

  @Test func compareGatesRegressions() throws {
    let a = tmp("a.json", #"{"kind":"bench","rows":[{"placementsPerSecond":1000,"p99Nanos":500,"nodes":10}]}"#)
    let same = tmp("b.json", #"{"kind":"bench","rows":[{"placementsPerSecond":990,"p99Nanos":505,"nodes":10}]}"#)
    let worse = tmp("c.json", #"{"kind":"bench","rows":[{"placementsPerSecond":900,"p99Nanos":500,"nodes":10}]}"#)
    let slower = tmp("d.json", #"{"kind":"bench","rows":[{"placementsPerSecond":1000,"p99Nanos":600,"nodes":10}]}"#)
    #expect(try schedctl(["compare", a, same]).0 == 0)
    #expect(try schedctl(["compare", a, worse]).0 == 1)
    #expect(try schedctl(["compare", a, slower]).0 == 1)
    #expect(try schedctl(["compare", a, worse, "--tolerance", "15%"]).0 == 0)
    #expect(try schedctl(["compare", a, tmp("bad.json", "{not json")]).0 == 2)
    #expect(try schedctl(["compare", a, same, "--tolerance", "lots"]).0 == 2)
  }

  @Test func placeShowsNodeOrReasons() throws {
    let (s, out, _) = try schedctl(["place", "--job", "Docs/examples/vehicle.yaml"])
    #expect(s == 0 && out.contains("xiqing-edge") && out.contains("score"))
    let (s2, out2, _) = try schedctl(["place", "--job", "Docs/examples/impossible.yaml"])
    #expect(s2 == 1 && out2.contains("0/10390 nodes fit"))
    let (s3, json, _) = try schedctl(["place", "--job", "Docs/examples/train.yaml", "--format", "json"])
    #expect(s3 == 0 && json.contains("\"breakdown\""))
    let bad = tmp("job.yaml", "id: x\ngroups:\n  - {cpu_milli: -1, memory_mib: 1}\n")
    let (s4, _, err4) = try schedctl(["place", "--job", bad])
    #expect(s4 == 2 && err4.contains(":3:") && err4.contains("groups[0].cpu_milli"))
  }

  /// A group without gang placed in part: the tasks that fit are shown, the
  /// rest counted with their reasons (which count every node once); exit 0.
  @Test func placeShowsAGroupPlacedInPart() throws {
    let (s, out, _) = try schedctl(["place", "--job", "Docs/examples/replicas.yaml"])
    #expect(s == 0 && out.contains("placed 320 of 400 task(s)") && out.contains("replicas: 80 task(s) not placed"), "\(out)")
    #expect(out.split(separator: "\n").filter { $0.contains("replicas → ") }.count == 320)
    let (s2, json, _) = try schedctl(["place", "--job", "Docs/examples/replicas.yaml", "--format", "json"])
    struct Out: Decodable {
      struct Unplaced: Decodable { var tasks: Int; var reasons: [Reason] }
      struct Reason: Decodable { var nodes: Int }
      var tasks: [[String: AnyDecodable]]
      var unplaced: [Unplaced]
    }
    struct AnyDecodable: Decodable { init(from decoder: Decoder) throws {} }
    let o = try JSONDecoder().decode(Out.self, from: Data(json.utf8))
    #expect(s2 == 0 && o.tasks.count == 320 && o.unplaced.map(\.tasks) == [80])
    #expect(o.unplaced.first?.reasons.reduce(0) { $0 + $1.nodes } == 10390)
  }

  /// Bad job files `place` took for good ones (#3 audit): names the cluster
  /// lacks gave exit 1 with every node "unknown origin", a ring given with
  /// a bound dropped the bound, duplicated keys had no line. Each is exit 2
  /// naming file, line and field.
  @Test(arguments: [
    ("latency: {origin: nowhere, max_us: 1000}\n", [String](), ":2:", "latency.origin"),
    ("latency: {ring: nowhere}\n", [], ":2:", "latency.ring"),
    ("latency: {ring: tianjin-metro, origin: xiqing-vehicles, max_us: 10}\n", [], ":2:", "latency"),
    ("tenant: a\ntenant: b\n", [], ":2:", "duplicated keys: tenant"),
    ("", ["910B", "NoSuchGPU"], ":3:", "groups[0].devices.models[1]"),
  ])
  func placeRefusesBadNamesWithExitTwo(_ extra: String, _ models: [String], _ line: String, _ field: String) throws {
    let list = (models.isEmpty ? ["910B"] : models).joined(separator: ", ")
    let yaml = "id: x\n\(extra)groups:\n  - {cpu_milli: 1000, memory_mib: 1, devices: {count: 1, models: [\(list)]}}\n"
    // One file per case: the cases run in parallel.
    let name = "bad-names-\(field.replacingOccurrences(of: " ", with: "_")).yaml"
    let (s, out, err) = try schedctl(["place", "--job", tmp(name, yaml)])
    #expect(s == 2 && err.contains(line) && err.contains(field), "status \(s) \(out) \(err)")
  }

  /// `place --policy fgd` scored every node 0.5 (an empty target workload,
  /// so F_n = 0 everywhere): FGD was first-fit. M is now the job's tasks,
  /// and a share that breaks a whole device the job's other tasks need
  /// scores below 0.5. A failure's reasons count every node once.
  @Test func placeFGDUsesTheJobAsTargetAndReasonsSumToNodes() throws {
    let job = """
      id: mixed
      groups:
        - {name: whole, count: 2, cpu_milli: 1000, memory_mib: 1024, devices: {count: 1, models: [A100]}}
        - {name: share, cpu_milli: 1000, memory_mib: 1024, devices: {count: 1, milli: 300, models: [A100]}}
      """
    let (s, json, err) = try schedctl(["place", "--job", tmp("fgd.yaml", job), "--policy", "fgd", "--format", "json"])
    #expect(s == 0, "\(err)")
    let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    let tasks = root?["tasks"] as? [[String: Any]] ?? []
    let fgd = tasks.compactMap { ($0["breakdown"] as? [[String: Any]])?.first?["value"] as? Double }
    #expect(fgd.count == 3 && fgd.contains { $0 < 0.49 }, "\(fgd)")
    let (s2, json2, _) = try schedctl(["place", "--job", "Docs/examples/impossible.yaml", "--format", "json"])
    let failed = try JSONSerialization.jsonObject(with: Data(json2.utf8)) as? [String: Any]
    let counts = (failed?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["nodes"] as? Int }
    #expect(s2 == 1 && counts.reduce(0, +) == 10390, "\(counts)")
  }
}

@Suite struct SWFCommandTests {
  @Test func swfExperimentSideBySide() throws {
    let (s, out, err) = try schedctl(["experiment", "swf", "--log", "Tests/Fixtures/swf/lublin_256.head200.swf",
                                      "--procs", "256", "--window", "0:60"])
    #expect(s == 0, "\(err)")
    #expect(out.contains("fcfs") && out.contains("easy") && out.contains("avg bsld"))
    #expect(try schedctl(["experiment", "swf", "--log", "/nonexistent.swf", "--procs", "4"]).0 == 2)
    #expect(try schedctl(["experiment", "swf", "--log", "x.swf", "--procs", "4", "--window", "3"]).0 == 2)
  }

  /// A window that selects no job is refused: one that ends where it starts
  /// (COUNT 0, in `validate()`, before the log is read) and one that starts
  /// past the log's end (the fixture has 200 runnable jobs; 500:5 replayed 0 jobs with exit 0).
  @Test func emptyWindowsExitTwo() throws {
    let log = "Tests/Fixtures/swf/lublin_256.head200.swf"
    let (s, out, err) = try schedctl(["experiment", "swf", "--log", log, "--procs", "256", "--window", "500:5"])
    #expect(s == 2 && out.isEmpty, "\(out)")
    #expect(err.contains("--window: START 500 is past the end of \(log), which has 200 runnable jobs"), "\(err)")
    let (s1, _, err1) = try schedctl(["experiment", "swf", "--log", log, "--procs", "256", "--window", "200:1"])
    #expect(s1 == 2 && err1.contains("--window: START 200 is past the end"), "\(err1)")
    let (s2, _, err2) = try schedctl(["experiment", "swf", "--log", "/nonexistent.swf", "--procs", "256", "--window", "500:0"])
    #expect(s2 == 2 && err2.contains("--window: expected START:COUNT") && !err2.contains("nonexistent"), "\(err2)")
    let (s3, out3, err3) = try schedctl(["experiment", "swf", "--log", log, "--procs", "256", "--window", "199:5"])
    #expect(s3 == 0 && out3.contains(": 1 jobs"), "\(err3)")
  }
}

@Suite struct SimulateInputsTests {
  @Test func openbAndSWFWorkloads() throws {
    let (s, out, err) = try schedctl(["simulate", "--cluster", "openb:Tests/Fixtures/openb/openb_node_list_gpu_node.head20.csv",
                                      "--workload", "openb:Tests/Fixtures/openb/openb_pod_list_default.head50.csv", "--policy", "fgd"])
    #expect(s == 0, "\(err)")
    #expect(summaryValue(out, "jobs") == "50", "\(out)")
    let (s2, _, err2) = try schedctl(["simulate", "--workload", "swf:Tests/Fixtures/swf/lublin_256.head200.swf"])
    #expect(s2 == 0, "\(err2)")
    let (s3, _, err3) = try schedctl(["simulate", "--workload", "openb:Tests/Fixtures/openb/openb_node_list_gpu_node.head20.csv"])
    #expect(s3 == 2 && err3.contains("head20.csv:1"))
  }
}

@Suite struct FormatCommandTests {
  /// The report without its wall-clock line (the only part that differs between runs).
  func stable(_ report: String) -> String {
    report.split(separator: "\n").filter { !$0.contains(" s wall") }.joined(separator: "\n")
  }

  func tmp(_ name: String, _ text: String? = nil) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(getpid())-formats-\(name)").path
    if let text { #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)), "could not write \(path)") }
    return path
  }

  @Test func csvWorkloadRunsAndBadCSVExitsTwo() throws {
    let (s, out, err) = try schedctl(["simulate", "--workload", "Docs/examples/jobs.csv"])
    #expect(s == 0, "\(err)")
    #expect(summaryValue(out, "jobs") == "4", "\(out)")
    let (s1, out1, _) = try schedctl(["simulate", "--workload", "Docs/examples/jobs.jsonl"])
    #expect(s1 == 0 && stable(out1) == stable(out))
    let bad = tmp("bad.csv", "id,cpu_milli,memory_mib,count\na,1000,1024,1\nb,1000,1024,99999999999999999999\n")
    let (s2, _, err2) = try schedctl(["simulate", "--workload", bad])
    #expect(s2 == 2 && err2.contains("bad.csv:3:13: count: 99999999999999999999 is out of range"), "\(err2)")
    let unknown = tmp("unknown.csv", "id,cpu_milli,memory_mib,colour\na,1,1,red\n")
    let (s3, _, err3) = try schedctl(["simulate", "--workload", unknown])
    #expect(s3 == 2 && err3.contains("unknown.csv:1:25: colour: unknown column"), "\(err3)")
  }

  /// Malformed JSON Lines and SWF workloads: every bad line named with its
  /// field, exit status 2, nothing run; an SWF submit time whose microseconds
  /// would overflow is refused (it trapped before).
  @Test func badJSONLinesAndSWFExitTwo() throws {
    let jsonl = tmp("bad.jsonl", "{\"id\":\"a\",\"groups\":[{\"cpu_milli\":1,\"memory_mib\":\"lots\"}]}\nnot json\n")
    let (s, out, err) = try schedctl(["simulate", "--workload", jsonl])
    #expect(s == 2 && out.isEmpty, "\(out)")
    #expect(err.contains("bad.jsonl:1:49: groups[0].memory_mib: expected an integer, found 'lots'"), "\(err)")
    #expect(err.contains("bad.jsonl:2:1: expected a JSON object"), "\(err)")
    let swf = tmp("bad.swf", "; header\n1 0 -1 ten 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
                  + "2 99999999999999 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
                  + "2 5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
                  + "3 5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n"
                  + "3 6 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n")
    let (s1, out1, err1) = try schedctl(["simulate", "--workload", "swf:" + swf])
    #expect(s1 == 2 && out1.isEmpty, "\(out1)")
    #expect(err1.contains("bad.swf:2: run_time: expected a number, found 'ten'"), "\(err1)")
    #expect(err1.contains("bad.swf:3: submit: submit time 99999999999999 s is beyond 1e9 s"), "\(err1)")
    #expect(err1.contains("bad.swf:6: job: job number 3 is already used at line 5"), "\(err1)")
    let (s2, _, err2) = try schedctl(["experiment", "swf", "--log", swf, "--procs", "8"])
    #expect(s2 == 2 && err2.contains("bad.swf:3: submit: submit time 99999999999999 s is beyond 1e9 s"), "\(err2)")
  }

  /// A workload without a job is refused in every format, naming the file
  /// (an empty CSV job file already was; the others ran a 0-job simulation
  /// with exit 0), by `simulate` and by the experiments that load one.
  @Test func workloadsWithoutJobsExitTwo() throws {
    let header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
      + "scheduled_time\n"
    let cases: [([String], String)] = [
      (["simulate", "--workload", tmp("empty.jsonl", "")], "empty.jsonl: no jobs"),
      (["simulate", "--workload", tmp("comments.jsonl", "# nothing yet\n\n")], "comments.jsonl: no jobs"),
      (["simulate", "--workload", "swf:" + tmp("comments.swf", "; Version: 2.2\n; MaxProcs: 4\n")],
       "comments.swf: no jobs"),
      (["simulate", "--workload", "swf:" + tmp("unrunnable.swf", "; c\n1 0 -1 -1 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n")],
       "unrunnable.swf: no jobs: 1 line skipped as not runnable"),
      (["simulate", "--workload", "openb:" + tmp("header-only.csv", header)], "header-only.csv: no jobs"),
      (["simulate", "--workload", tmp("header-only-jobs.csv", "id,cpu_milli,memory_mib\n")], "header-only-jobs.csv:1:"),
      (["simulate", "--workload", tmp("empty.jsonl", ""), "--export-workload", tmp("never.csv")], "empty.jsonl: no jobs"),
      (["experiment", "swf", "--log", tmp("comments.swf"), "--procs", "4"], "comments.swf: no jobs"),
      (["experiment", "openb", "--pods", tmp("header-only.csv"), "--nodes",
        "Tests/Fixtures/openb/openb_node_list_gpu_node.head20.csv"], "header-only.csv: no jobs"),
    ]
    for (args, message) in cases {
      let (s, out, err) = try schedctl(args)
      #expect(s == 2 && out.isEmpty, "\(args): status \(s) \(out)")
      #expect(err.contains(message) && err.contains("no jobs"), "\(args): \(err)")
    }
    #expect(!FileManager.default.fileExists(atPath: tmp("never.csv")))
  }

  /// An unknown QoS in an openb pod list is an error naming file, line and
  /// field (it was taken for best-effort).
  @Test func unknownOpenbQoSExitsTwo() throws {
    let pods = tmp("qos.csv", "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,"
                   + "deletion_time,scheduled_time\np0,1000,1024,0,0,,LS,Running,0,60,0\np1,1000,1024,0,0,,Platinum,Running,0,60,0\n")
    let (s, out, err) = try schedctl(["simulate", "--workload", "openb:" + pods])
    #expect(s == 2 && out.isEmpty, "\(out)")
    #expect(err.contains("qos.csv:3: qos: unknown QoS 'Platinum' (accepted: LS, Guaranteed, Burstable, BE, or empty)"), "\(err)")
  }

  /// Ids, tenants and site names with commas and quotes are quoted (RFC 4180)
  /// in every CSV `simulate --csv` and `--export-workload` write: each row
  /// parses back to the header's column count with the values intact (jobs.csv
  /// had a column too many per comma).
  @Test func csvOutputsQuoteTextCells() throws {
    let jsonl = tmp("quoted.jsonl", #"""
      {"id": "x,y", "tenant": "acme \"east\", inc", "estimate_s": 60, "groups": [{"cpu_milli": 1000, "memory_mib": 1024}]}
      {"id": "say \"hi\"", "tenant": "plain", "submit_s": 5, "estimate_s": 60, "groups": [{"cpu_milli": 1000, "memory_mib": 1024}]}
      {"id": "#hash", "tenant": "t,2", "submit_s": 9, "estimate_s": 60, "groups": [{"cpu_milli": 1000, "memory_mib": 1024}]}

      """#)
    let ids: Set<String> = ["x,y", "say \"hi\"", "#hash"], tenants: Set<String> = ["acme \"east\", inc", "plain", "t,2"]
    let dir = tmp("quoted-out")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let (s, _, err) = try schedctl(["simulate", "--workload", jsonl, "--csv", dir])
    #expect(s == 0, "\(err)")
    func rows(_ file: String) -> [[String]] {
      let text = (try? String(contentsOfFile: dir + "/" + file, encoding: .utf8)) ?? ""
      let lines = CSVLines.parse(text)
      for l in lines {
        #expect(l.unclosedQuoteColumn == nil && l.fields.count == lines.first?.fields.count, "\(file):\(l.number): \(l.fields)")
      }
      return lines.map(\.fields)
    }
    let jobs = rows("jobs.csv")
    #expect(jobs.count == 4 && jobs[0].prefix(2) == ["id", "tenant"])
    #expect(Set(jobs.dropFirst().map { $0[0] }) == ids && Set(jobs.dropFirst().map { $0[1] }) == tenants, "\(jobs)")
    #expect(jobs.dropFirst().allSatisfy { $0[3] == "finished" }, "\(jobs)")
    let perJob = rows("settlement_jobs.csv")
    #expect(Set(perJob.dropFirst().map { $0[1] }) == ids && Set(perJob.dropFirst().map { $0[0] }) == tenants, "\(perJob)")
    #expect(Set(rows("settlement.csv").dropFirst().map { $0[0] }).isSuperset(of: tenants))
    #expect(rows("timeseries.csv").count > 1)
    // The workload export quotes them too, and reads back equal.
    let exported = tmp("quoted-export.csv")
    let (s1, _, err1) = try schedctl(["simulate", "--workload", jsonl, "--export-workload", exported])
    #expect(s1 == 0, "\(err1)")
    let back = try JobCSV.load(path: exported)
    #expect(back == (try JobSpec.loadLines(path: jsonl)))
  }

  @Test func voucherFileReplacesTheBuiltIns() throws {
    let args = ["simulate", "--jobs", "300", "--duration", "2"]
    let (s, builtin, err) = try schedctl(args)
    #expect(s == 0, "\(err)")
    let (s1, fromFile, err1) = try schedctl(args + ["--vouchers", "Docs/examples/vouchers.yaml"])
    #expect(s1 == 0 && stable(fromFile) == stable(builtin), "\(err1)")
    let (s2, none, err2) = try schedctl(args + ["--vouchers", tmp("none.yaml", "[]\n")])
    #expect(s2 == 0 && stable(none) != stable(builtin), "\(err2)")
    let bad = tmp("bad-vouchers.yaml", "- {id: v, tenant: t, rate_basis_points: 5000, cap_per_year: 10.001}\n")
    let (s3, _, err3) = try schedctl(args + ["--vouchers", bad])
    #expect(s3 == 2 && err3.contains("bad-vouchers.yaml:1:") && err3.contains("[0].cap_per_year: '10.001' has more than two decimals"),
            "\(err3)")
  }

  @Test func exportedWorkloadsSimulateLikeTheOriginal() throws {
    let args = ["simulate", "--jobs", "300", "--duration", "2"]
    let (s, original, err) = try schedctl(args)
    #expect(s == 0, "\(err)")
    for ext in ["csv", "jsonl"] {
      let path = tmp("export.\(ext)")
      let (s1, out1, err1) = try schedctl(args + ["--export-workload", path])
      #expect(s1 == 0 && out1 == "wrote 300 jobs to \(path)\n", "\(err1)")
      let (s2, replay, err2) = try schedctl(["simulate", "--workload", path])
      #expect(s2 == 0 && stable(replay) == stable(original), "\(ext): \(err2)")
    }
    #expect(try schedctl(args + ["--export-workload", tmp("x.txt")]).0 == 2)
  }
}

/// The value of a row of the `simulate` summary table ("label   value").
func summaryValue(_ out: String, _ label: String) -> String? {
  for line in out.split(separator: "\n") where line.hasPrefix(label + " ") {
    return line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)
  }
  return nil
}
