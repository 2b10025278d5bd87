import Foundation
import Testing
@testable import SchedCore

@Suite struct JobSpecTests {
  static let valid = """
  id: j1
  tenant: t
  priority: online
  estimate_s: 60
  latency: {origin: users, max_us: 1000}
  price_ceiling: 9.50
  groups:
    - name: g
      count: 2
      cpu_milli: 4000
      memory_mib: 8192
      devices: {count: 1, milli: 500, kinds: [gpu], models: [T4], min_memory_mib: 8192}
      spread_sites: 2
  """

  @Test func validJob() throws {
    let j = try JobSpec.parse(yaml: Self.valid, file: "j.yaml")
    #expect(j.priority == .online && j.estimatedMicros == 60_000_000)
    #expect(j.priceCeiling == Money(fen: 950))
    #expect(j.groups[0].device == DeviceRequest(count: 1, milliPerDevice: 500, kinds: [.gpu], models: ["T4"], minMemoryMiB: 8192))
    if case .bound(let o, let m) = j.latency { #expect(o == "users" && m == 1000) } else { Issue.record("latency") }
  }

  static let bad: [(String, String, String, String)] = [
    ("priority: online", "priority: urgent", "priority", "unknown value"),
    ("price_ceiling: 9.50", "price_ceiling: 9.505", "price_ceiling", "two decimals"),
    ("    count: 2", "    count: 0", "groups[0].count", "out of range"),
    ("    cpu_milli: 4000", "    cpu_milli: lots", "groups[0].cpu_milli", "expected an integer"),
    ("devices: {count: 1, milli: 500,", "devices: {count: 2, milli: 500,", "groups[0].devices.milli", "needs count 1"),
    ("devices: {count: 1, milli: 500,", "devices: {count: 1, milli: 5000,", "groups[0].devices.milli", "out of range"),
    ("kinds: [gpu]", "kinds: [tpu]", "groups[0].devices.kinds[0]", "unknown value"),
    ("kinds: [gpu]", "kinds: [cpu]", "groups[0].devices.kinds[0]", "not an accelerator"),
    ("kinds: [gpu]", "kinds: [npu, dpu]", "groups[0].devices.kinds[1]", "not an accelerator"),
    ("latency: {origin: users, max_us: 1000}", "latency: {origin: users}", "latency.max_us", "missing"),
    ("estimate_s: 60", "estimate_s: -5", "estimate_s", "out of range"),
    ("    spread_sites: 2", "    spread: 2", "groups[0].spread", "unknown field"),
  ]

  @Test(arguments: 0..<bad.count)
  func badJob(_ i: Int) {
    let (from, to, path, fragment) = Self.bad[i]
    #expect(Self.valid.contains(from))
    do {
      _ = try JobSpec.parse(yaml: Self.valid.replacingOccurrences(of: from, with: to), file: "j.yaml")
      Issue.record("case \(i) accepted")
    } catch {
      #expect(error.errors.contains { $0.path == path && $0.message.contains(fragment) && $0.line > 0 }, "case \(i): \(error)")
    }
  }
}

/// Inputs the job reader must refuse with a line and field (exit 2 in
/// `schedctl place`), found by the #3 audit.
@Suite struct JobSpecAuditTests {
  static func errors(_ yaml: String, cluster: Cluster? = nil) -> [SpecError] {
    do {
      _ = try JobSpec.parse(yaml: yaml, file: "j.yaml", cluster: cluster)
      return []
    } catch {
      return error.errors
    }
  }

  /// A ring and an origin bound together were accepted and the bound
  /// silently dropped.
  @Test func ringAndBoundTogetherAreRefused() {
    let yaml = "id: x\nlatency: {ring: tianjin-metro, origin: xiqing, max_us: 10}\ngroups:\n  - {cpu_milli: 1, memory_mib: 1}\n"
    let e = Self.errors(yaml)
    #expect(e.contains { $0.path == "latency" && $0.message.contains("not both") && $0.line == 2 }, "\(e)")
  }

  /// Duplicated keys were reported without a line.
  @Test(arguments: [("id: x\nid: y\ngroups:\n  - {cpu_milli: 1, memory_mib: 1}\n", "id"),
                    ("id: x\ngroups:\n  - {cpu_milli: 1, cpu_milli: 2, memory_mib: 1}\n", "cpu_milli")])
  func duplicatedKeysNameTheirLine(_ yaml: String, _ key: String) {
    let e = Self.errors(yaml)
    #expect(e.count == 1 && e[0].line > 0 && e[0].message.contains("duplicated keys: \(key)"), "\(e)")
  }

  /// A spread rule no cluster can meet: same_site with spread over 2 sites
  /// was rejected at placement as "gang same-site: site cannot hold all 2
  /// tasks" on every node (misleading); spread over more sites than tasks at
  /// run time too. Both are input errors now, in YAML and CSV.
  @Test(arguments: [("same_site: true, spread_sites: 2", "contradicts same_site"),
                    ("spread_sites: 3", "needs at least as many tasks")])
  func impossibleSpreadIsAnInputError(_ rule: String, _ message: String) {
    let yaml = "id: x\ngroups:\n  - {count: 2, \(rule), cpu_milli: 1, memory_mib: 1}\n"
    let e = Self.errors(yaml)
    #expect(e.contains { $0.path == "groups[0].spread_sites" && $0.message.contains(message) && $0.line == 3 }, "\(e)")
    let sameSite = rule.contains("same_site")
    let csv = "id,count,cpu_milli,memory_mib,same_site,spread_sites\nx,2,1,1,\(sameSite),\(sameSite ? 2 : 3)\n"
    do {
      _ = try JobCSV.parse(text: csv, file: "j.csv")
      Issue.record("CSV accepted \(rule)")
    } catch {
      #expect(error.errors.contains { $0.path == "spread_sites" && $0.message.contains(message) && $0.line == 2 },
              "\(error)")
    }
    #expect(Self.errors("id: x\ngroups:\n  - {count: 2, spread_sites: 2, cpu_milli: 1, memory_mib: 1}\n").isEmpty)
  }

  /// Same-site is a gang rule: a group asking for it without gang is an
  /// input error at its `gang` field, in YAML and CSV; gang: false alone is fine.
  @Test func sameSiteWithoutGangIsAnInputError() {
    let yaml = "id: x\ngroups:\n  - count: 2\n    same_site: true\n    gang: false\n    cpu_milli: 1\n    memory_mib: 1\n"
    let e = Self.errors(yaml)
    #expect(e.count == 1 && e[0].path == "groups[0].gang" && e[0].line == 5 && e[0].message.contains("gang rule"), "\(e)")
    #expect(Self.errors(yaml.replacingOccurrences(of: "    same_site: true\n", with: "")).isEmpty)
    let csv = "id,count,cpu_milli,memory_mib,same_site,gang\nx,2,1,1,true,false\n"
    do {
      _ = try JobCSV.parse(text: csv, file: "j.csv")
      Issue.record("CSV accepted same_site without gang")
    } catch {
      #expect(error.errors.contains { $0.path == "gang" && $0.message.contains("gang rule") && $0.line == 2 }, "\(error)")
    }
  }

  /// Read against a cluster, names it lacks are errors at their field;
  /// read without one they are left to placement.
  @Test func namesAreCheckedAgainstTheCluster() {
    let cluster = TinyCluster.make()
    let ok = "id: x\nlatency: {origin: xiqing, max_us: 900}\ngroups:\n  - {cpu_milli: 1, memory_mib: 1, devices: {count: 1, models: [T4, k100]}}\n"
    #expect(Self.errors(ok, cluster: cluster).isEmpty)
    #expect(Self.errors("id: x\nlatency: {ring: tianjin-metro}\ngroups:\n  - {cpu_milli: 1, memory_mib: 1}\n", cluster: cluster).isEmpty)
    let cases = [
      (ok.replacingOccurrences(of: "origin: xiqing", with: "origin: nowhere"), "latency.origin", 2),
      ("id: x\nlatency: {ring: nope}\ngroups:\n  - {cpu_milli: 1, memory_mib: 1}\n", "latency.ring", 2),
      (ok.replacingOccurrences(of: "k100", with: "NoSuchGPU"), "groups[0].devices.models[1]", 4),
    ]
    for (yaml, path, line) in cases {
      #expect(Self.errors(yaml).isEmpty, "\(path) without a cluster")
      let e = Self.errors(yaml, cluster: cluster)
      #expect(e.contains { $0.path == path && $0.message.contains("unknown") && $0.line == line }, "\(path): \(e)")
    }
  }
}

@Suite struct ProfileSpecTests {
  @Test func validProfile() throws {
    let p = try ProfileSpec.parse(yaml: "name: g\nscorers:\n  - {scorer: best-fit, weight: 1}\n  - {scorer: energy, weight: 0.5}\ntie_break: seeded\nseed: 7\n", file: "p.yaml")
    #expect(p.scorers == [WeightedScorer(.bestFit, weight: 1), WeightedScorer(.energy, weight: 0.5)])
    #expect(p.tieBreak == .seededPermutation(seed: 7))
    #expect(p.filters == Profile.filterChain)
    let ordered = try ProfileSpec.parse(yaml: "scorers:\n  - {scorer: best-fit}\nfilters: [latency, price-ceiling, device-kind, device-model, domestic, device-memory, compute-class]\n", file: "p.yaml")
    #expect(ordered.filters == [.latency, .priceCeiling, .deviceKind, .deviceModel, .domestic, .deviceMemory,
                                .computeClass] + Profile.nodeFilters)
  }

  @Test(arguments: [("scorers:\n  - {scorer: magic}\n", "scorers[0].scorer"), ("scorers: []\n", "scorers"),
                    ("scorers:\n  - {scorer: fgd, weight: -1}\n", "scorers[0].weight"),
                    ("scorers:\n  - {scorer: fgd}\ntie_break: coin\n", "tie_break"), ("name: x\n", "scorers"),
                    ("scorers:\n  - {scorer: fgd}\nfilters: [latency]\n", "filters"),
                    ("scorers:\n  - {scorer: fgd}\nfilters: [latency, price-ceiling, device-kind, device-model, domestic, device-memory, compute-class, resources]\n", "filters"),
                    ("scorers:\n  - {scorer: fgd}\nfilters: [latency, latency, price-ceiling, device-kind, device-model, domestic, device-memory, compute-class]\n", "filters"),
                    ("scorers:\n  - {scorer: fgd}\nfilters: [speed]\n", "filters[0]")])
  func badProfiles(_ text: String, _ path: String) {
    do {
      _ = try ProfileSpec.parse(yaml: text, file: "p.yaml")
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.errors.contains { $0.path == path && $0.line > 0 }, "\(error)")
    }
  }
}

@Suite struct JobLinesTests {
  @Test func exampleFileLoads() throws {
    let jobs = try JobSpec.loadLines(path: TestPaths.packageRoot + "/Docs/examples/jobs.jsonl")
    #expect(jobs.map(\.id) == ["batch-1", "infer-1", "train-1", "pipeline-1"])
    #expect(jobs[3].groups.map(\.name) == ["ingest", "infer"] && jobs[3].latency == .ring("tianjin-metro"))
    #expect(jobs[1].groups[0].device?.milliPerDevice == 500)
    #expect(jobs[0].actualMicros == 1_800_000_000)
  }

  @Test func badLinesNameTheirLine() {
    let text = """
    {"id": "a", "groups": [{"cpu_milli": 1, "memory_mib": 1}]}
    # comment

    {"id": "b", "groups": [{"cpu_milli": 1, "memory_mib": "lots"}]}
    not json
    {"id": "a", "groups": [{"cpu_milli": 1, "memory_mib": 1}]}
    {"id": "c", "groups": [{"cpu_milli": 1, "memory_mib": 1}
    """
    do {
      _ = try JobSpec.parseLines(text: text, file: "w.jsonl")
      Issue.record("accepted")
    } catch {
      let lines = Set(error.errors.map(\.line))
      #expect(lines == [4, 5, 6, 7], "\(error)")
      #expect(error.errors.contains { $0.line == 4 && $0.path == "groups[0].memory_mib" })
      #expect(error.errors.contains { $0.line == 6 && $0.message.contains("duplicate job id") })
    }
  }

  /// A JSON Lines file without a job is refused (it ran a 0-job simulation).
  @Test(arguments: [("", "no jobs: the file is empty"), ("\n  \n", "no jobs: the file is empty"),
                    ("# only\n\n# comments\n", "no jobs: the file has only blank and comment lines")])
  func noJobsIsAnError(_ text: String, _ message: String) {
    do {
      _ = try JobSpec.parseLines(text: text, file: "w.jsonl")
      Issue.record("accepted")
    } catch {
      #expect(error.description == "w.jsonl: " + message, "\(error)")
    }
  }
}
