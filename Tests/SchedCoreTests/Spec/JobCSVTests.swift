import Foundation
import Testing
@testable import SchedCore

@Suite struct JobCSVTests {
  @Test func exampleFileEqualsTheJSONLinesExample() throws {
    let csv = try JobCSV.load(path: TestPaths.packageRoot + "/Docs/examples/jobs.csv")
    let lines = try JobSpec.loadLines(path: TestPaths.packageRoot + "/Docs/examples/jobs.jsonl")
    #expect(csv.count == 4)
    #expect(csv == lines)
    #expect(csv[3].groups.count == 2 && csv[3].groups[1].device?.models == ["Ascend-310P"])
  }

  /// Jobs that use every field, with names that need quoting.
  static func handMade() -> [Job] {
    let a = Job(id: "quoted, \"job\"", tenant: "acme, \"north\"", priority: .system, submitMicros: 1,
                estimatedMicros: 86_399_123_456, actualMicros: 7,
                groups: [TaskGroup(name: "g,1", count: 3, milliCPU: 0, memoryMiB: 1 << 40,
                                   device: DeviceRequest(count: 1, milliPerDevice: 1, kinds: [.dcu, .gpu],
                                                         models: ["A100-80GB", "Xeon-8480+"], domesticOnly: true,
                                                         minMemoryMiB: 16_384, computeClass: .intelligent),
                                   dpuCount: 2, gang: false, spreadSites: 3),
                         // same_site here: with spread over 3 sites it would contradict (refused).
                         TaskGroup(name: "norm", milliCPU: 500, memoryMiB: 1,
                                   device: DeviceRequest(count: 0, kinds: [.npu]),
                                   normalized: NormalizedRequest(tflops: 0.1 + 0.2, computeClass: .supercomputing),
                                   sameSite: true)],
                latency: .ring("tianjin-metro"), antiAffinity: ["x", "#y"], antiAffinityScope: .site,
                priceCeiling: Money(fen: 1205))
    let b = Job(id: "#starts-with-hash", priority: .bestEffort, submitMicros: 1_000_000_000_000_000,
                groups: [TaskGroup(milliCPU: 1, memoryMiB: 2, device: DeviceRequest(count: 0))],
                latency: .bound(origin: "tianjin-users", maxMicros: 0), antiAffinityScope: .site)
    return [a, b]
  }

  @Test func roundTripThroughCSVAndJSONLines() throws {
    let cluster = try Cluster.reference()
    let synthetic = SyntheticWorkload(jobs: 3000, durationMicros: 24 * 3_600_000_000, seed: 42, cluster: cluster).generate()
    let jobs = synthetic + Self.handMade()
    let csv = try JobCSV.write(jobs)
    let jsonl = JobSpec.writeLines(jobs)
    let fromCSV = try JobCSV.parse(text: csv, file: "w.csv")
    let fromLines = try JobSpec.parseLines(text: jsonl, file: "w.jsonl")
    #expect(fromCSV.count == jobs.count && fromLines.count == jobs.count)
    #expect(fromCSV == fromLines)
    for (i, j) in jobs.enumerated() where fromCSV[i] != j || fromLines[i] != j {
      Issue.record("job \(i) differs:\n\(j)\ncsv:  \(fromCSV[i])\njson: \(fromLines[i])")
      break
    }
    // The synthetic workload exercises fractional seconds, shares, latency, normalized requests.
    #expect(synthetic.contains { $0.groups[0].normalized != nil })
    #expect(synthetic.contains { if case .bound = $0.latency { true } else { false } })
    #expect(synthetic.contains { $0.submitMicros % 1_000_000 != 0 })
    // Quoting: the comma and doubled quotes survive.
    #expect(csv.contains("\"quoted, \"\"job\"\"\""))
    #expect(fromCSV[jobs.count - 2].tenant == "acme, \"north\"")
  }

  @Test func columnsInAnyOrderAndQuotedCells() throws {
    let text = #"""
    memory_mib ,cpu_milli, "id",tenant,devices.models,anti_affinity
    1024,2000,"a,b","say ""hi""",T4|A10 , x | y
    """#
    let jobs = try JobCSV.parse(text: text, file: "q.csv")
    #expect(jobs.count == 1)
    #expect(jobs[0].id == "a,b" && jobs[0].tenant == "say \"hi\"")
    #expect(jobs[0].groups[0].milliCPU == 2000 && jobs[0].groups[0].memoryMiB == 1024)
    #expect(jobs[0].groups[0].device == DeviceRequest(count: 0, models: ["T4", "A10"]))
    #expect(jobs[0].antiAffinity == ["x", "y"])
  }

  @Test func defaultsMatchTheJobYAML() throws {
    let csv = try JobCSV.parse(text: "id,cpu_milli,memory_mib\nj,1000,2048\n", file: "d.csv")
    let yaml = try JobSpec.parse(yaml: "{id: j, groups: [{cpu_milli: 1000, memory_mib: 2048}]}", file: "d.yaml")
    #expect(csv == [yaml])
  }

  @Test func windowsLineEndingsAndComments() throws {
    let text = "# comment\r\nid,cpu_milli,memory_mib,group\r\n\r\nj,1,2,a\r\n  # another\r\nj,3,4,b\r\n"
    let jobs = try JobCSV.parse(text: text, file: "w.csv")
    #expect(jobs.count == 1 && jobs[0].groups.map(\.name) == ["a", "b"])
    let lines = "{\"id\": \"a\", \"groups\": [{\"cpu_milli\": 1, \"memory_mib\": 1}]}\r\n# c\r\n"
      + "{\"id\": \"b\", \"groups\": [{\"cpu_milli\": 1, \"memory_mib\": 1}]}\r\n"
    #expect(try JobSpec.parseLines(text: lines, file: "w.jsonl").map(\.id) == ["a", "b"])
    do {
      _ = try JobCSV.parse(text: "id,cpu_milli,memory_mib\r\nj,x,4\r\n", file: "w.csv")
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.line) == [2] && error.errors[0].path == "cpu_milli", "\(error)")
    }
  }

  @Test func multiGroupJob() throws {
    let text = """
    id,tenant,priority,group,count,cpu_milli,memory_mib,devices.count,gang
    p,t,online,front,2,1000,1024,,
    p,t,,back,1,8000,65536,4,false
    q,t,batch,,1,1,1,,
    """
    let jobs = try JobCSV.parse(text: text, file: "m.csv")
    #expect(jobs.map(\.id) == ["p", "q"])
    #expect(jobs[0].groups.map(\.name) == ["front", "back"] && jobs[0].priority == .online)
    #expect(jobs[0].groups[1].device?.count == 4 && !jobs[0].groups[1].gang && jobs[0].groups[0].device == nil)
  }

  // MARK: Bad input

  static let header = "id,tenant,priority,submit_s,estimate_s,group,count,cpu_milli,memory_mib,devices.count,"
    + "devices.milli,devices.kinds,latency.origin,latency.max_us,latency.ring,price_ceiling,gang,tflops.value,tflops.class"
  static let base: [String: String] = ["id": "a", "tenant": "t", "priority": "batch", "submit_s": "0", "estimate_s": "60",
                                       "count": "1", "cpu_milli": "1000", "memory_mib": "1024"]

  /// One row in `header` order: `base` with `changes` applied.
  static func row(_ changes: [String: String] = [:]) -> String {
    let cells = base.merging(changes) { $1 }
    return header.split(separator: ",").map { cells[String($0)] ?? "" }.joined(separator: ",")
  }

  /// (rows after the header, the line, the field, a fragment of the message)
  static let bad: [(String, Int, String, String)] = [
    (row(["cpu_milli": "lots"]), 2, "cpu_milli", "expected a whole number, found 'lots'"),
    (row(["cpu_milli": "1.5"]), 2, "cpu_milli", "expected a whole number"),
    (row(["count": "-1"]), 2, "count", "-1 is out of range 1...100000"),
    (row(["count": "0"]), 2, "count", "out of range"),
    (row(["count": "99999999999999999999"]), 2, "count", "does not fit 64 bits"),
    (row(["memory_mib": "99999999999999999999"]), 2, "memory_mib", "out of range 0...1099511627776"),
    (row(["memory_mib": "-99999999999999999999"]), 2, "memory_mib", "does not fit 64 bits"),
    (row(["devices.count": "2", "devices.milli": "500"]), 2, "devices.milli", "fractional share"),
    (row(["devices.milli": "0"]), 2, "devices.milli", "out of range 1...1000"),
    (row(["devices.kinds": "gpu|tpu"]), 2, "devices.kinds", "unknown kind 'tpu'"),
    (row(["devices.kinds": "gpu|cpu"]), 2, "devices.kinds", "'cpu' is not an accelerator"),
    (row(["devices.kinds": "gpu||npu"]), 2, "devices.kinds", "item 2"),
    (row(["priority": "urgent"]), 2, "priority", "unknown value 'urgent'"),
    (row(["submit_s": "-5"]), 2, "submit_s", "expected seconds"),
    (row(["submit_s": "1e3"]), 2, "submit_s", "expected seconds"),
    (row(["estimate_s": "0.1234567"]), 2, "estimate_s", "six decimals"),
    (row(["estimate_s": "99999999999999999999"]), 2, "estimate_s", "expected seconds"),
    (row(["latency.origin": "tianjin-users"]), 2, "latency.max_us", "missing"),
    (row(["latency.max_us": "100"]), 2, "latency.origin", "missing"),
    (row(["latency.ring": "r", "latency.origin": "o", "latency.max_us": "1"]), 2, "latency.ring", "not both"),
    (row(["latency.origin": "o", "latency.max_us": "x"]), 2, "latency.max_us", "expected a whole number"),
    (row(["price_ceiling": "9.505"]), 2, "price_ceiling", "two decimals"),
    (row(["price_ceiling": "-1"]), 2, "price_ceiling", "two decimals"),
    (row(["gang": "maybe"]), 2, "gang", "expected true or false"),
    (row(["tflops.value": "nan", "tflops.class": "intelligent"]), 2, "tflops.value", "finite"),
    (row(["tflops.value": "10"]), 2, "tflops.class", "missing"),
    (row(["id": ""]), 2, "id", "missing the job id"),
    (row(["cpu_milli": ""]), 2, "cpu_milli", "missing"),
    (row(["tenant": "\"unclosed"]), 2, "tenant", "unbalanced quote"),
    (row(["tenant": "\"ok, \"\"quoted\"\"\""]) + "\n" + row(["id": "b", "tenant": "\"bad"]), 3, "tenant", "unbalanced quote"),
    (row() + ",extra", 2, "column 20", "extra cell"),
    ("a,t,batch", 2, "submit_s", "missing cell"),
    (row() + "\n" + row(["id": "b"]) + "\n" + row(), 4, "id", "duplicate job id 'a' (first at line 2"),
    (row(["group": "g1"]) + "\n" + row(["id": "b"]) + "\n" + row(["group": "g2"]), 4, "id", "must be consecutive"),
    (row() + "\n" + row(), 3, "group", "duplicate job id 'a'"),
    (row(["group": "g1"]) + "\n" + row(["group": "g1"]), 3, "group", "already has group 'g1'"),
    (row(["group": "g1"]) + "\n" + row(["group": "g2", "tenant": "u"]), 3, "tenant", "differs from the job's first row (line 2"),
    ("# a comment\n" + row() + "\n" + row(["id": "b", "count": "x"]), 4, "count", "expected a whole number"),
  ]

  @Test(arguments: 0..<bad.count)
  func badRowNamesLineAndField(_ i: Int) {
    let (rows, line, path, fragment) = Self.bad[i]
    do {
      let jobs = try JobCSV.parse(text: Self.header + "\n" + rows + "\n", file: "bad.csv")
      Issue.record("case \(i) accepted: \(jobs)")
    } catch {
      #expect(error.errors.contains { $0.line == line && $0.path == path && $0.message.contains(fragment) },
              "case \(i): \(error)")
      #expect(error.description.contains("bad.csv:\(line)"), "case \(i): \(error)")
    }
  }

  /// (whole file, the line, the field, a fragment of the message)
  static let badFiles: [(String, Int, String, String)] = [
    ("", 1, "header", "the file is empty"),
    ("\n\n# only a comment\n", 1, "header", "the file is empty"),
    ("id,cpu_milli,memory_mib\n", 1, "header", "no jobs"),
    ("# c\nid,cpu_milli,memory_mib\n\n", 2, "header", "no jobs"),
    ("id,cpu_milli,memory_mib,colour\na,1,1,red\n", 1, "colour", "unknown column"),
    ("id,cpu_milli\na,1\n", 1, "memory_mib", "missing required column"),
    ("cpu_milli,memory_mib\n1,1\n", 1, "id", "missing required column"),
    ("id,cpu_milli,memory_mib,cpu_milli\na,1,1,1\n", 1, "cpu_milli", "duplicate column"),
    ("id,,cpu_milli,memory_mib\na,,1,1\n", 1, "header", "column 2 has no name"),
    ("id,\"cpu_milli,memory_mib\na,1,1\n", 1, "header", "unbalanced quote"),
  ]

  @Test(arguments: 0..<badFiles.count)
  func badFileNamesLineAndField(_ i: Int) {
    let (text, line, path, fragment) = Self.badFiles[i]
    do {
      _ = try JobCSV.parse(text: text, file: "bad.csv")
      Issue.record("case \(i) accepted")
    } catch {
      #expect(error.errors.contains { $0.line == line && $0.path == path && $0.message.contains(fragment) },
              "case \(i): \(error)")
    }
  }

  @Test func errorsCarryTheColumn() {
    do {
      _ = try JobCSV.parse(text: "id,cpu_milli,memory_mib\n\"a,b\",12x,1\n", file: "c.csv")
      Issue.record("accepted")
    } catch {
      #expect(error.description == "c.csv:2:7: cpu_milli: expected a whole number, found '12x'")
    }
  }

  @Test func everyErrorOfAFileIsReported() {
    let text = Self.header + "\n" + Self.row(["count": "x"]) + "\n" + Self.row(["id": "b", "priority": "p"]) + "\n"
      + Self.row(["id": "c"])
    do {
      _ = try JobCSV.parse(text: text, file: "e.csv")
      Issue.record("accepted")
    } catch {
      #expect(error.errors.map(\.line) == [2, 3])
    }
  }

  @Test func writerRefusesWhatTheFormatCannotHold() {
    let g = TaskGroup(milliCPU: 1, memoryMiB: 1)
    let cases: [([Job], String)] = [
      ([Job(id: "a", groups: [g]), Job(id: "a", groups: [g])], "duplicate job id"),
      ([Job(id: "a", groups: [g, g])], "two groups named 'main'"),
      ([Job(id: "a\nb", groups: [g])], "spans lines"),
      ([Job(id: " a", groups: [g])], "surrounding spaces"),
      ([Job(id: "a", groups: [])], "no task group"),
      ([Job(id: "a", groups: [g], antiAffinity: ["x|y"])], "list separator"),
    ]
    for (jobs, fragment) in cases {
      do {
        _ = try JobCSV.write(jobs, file: "out.csv")
        Issue.record("wrote \(jobs)")
      } catch {
        #expect(error.errors.contains { $0.file == "out.csv" && $0.message.contains(fragment) }, "\(error)")
      }
    }
  }

  @Test func exactSeconds() {
    #expect(JobCSV.micros(seconds: "86399.123456") == 86_399_123_456)
    #expect(JobCSV.micros(seconds: "0.5") == 500_000)
    #expect(JobCSV.micros(seconds: "1000000000") == 1_000_000_000_000_000)
    #expect(JobCSV.micros(seconds: "1000000000.000001") == nil)
    #expect(JobCSV.micros(seconds: "1.") == nil && JobCSV.micros(seconds: ".5") == nil)
    #expect(JobCSV.seconds(micros: 86_399_123_450) == "86399.12345" && JobCSV.seconds(micros: 7) == "0.000007")
  }
}
