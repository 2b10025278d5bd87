import Foundation
import Testing
@testable import SchedCore

/// A small valid cluster file; bad-input cases edit one line of it.
let validClusterYAML = """
name: test
catalog:
  - {name: Acme-X1, vendor: Acme, kind: npu, domestic: true, memory_mib: 32768, fp16_tflops: 100, tdp_watts: 300}
sites:
  - id: tj
    name: Tianjin
    city: Tianjin
    tier: centre
    pue: 1.25
    green_share: 0.3
    prices:
      cpu_core_hour: 0.05
      memory_gib_hour: 0.01
      device_hour: {gpu: 12.00, npu: 8.50}
      model_hour: {T4: 2.50}
  - {id: bj, name: Beijing, tier: park, pue: 1.3}
locations:
  - {id: users, kind: access, city: Tianjin}
links:
  - {a: tj, b: users, latency_us: 300}
  - {a: tj, b: bj, latency_us: 1500}
rings:
  - {name: metro, bound_us: 1000, members: [tj, users]}
node_groups:
  - name: npu
    site: tj
    count: 12
    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}
    memory_gib: 1024
    accelerators: {model: Acme-X1, count: 8}
    dpu: {model: BlueField-3, count: 1}
    numa_nodes: 4
    labels: {rack: r1}
nodes:
  - id: special
    site: bj
    cpu: {milli_cpu: 64000}
    memory_mib: 262144
    accelerators: {model: T4, count: 2, memory_mib: 16384}
    numa: [{cores: "0-31", devices: [0], memory_mib: 131072}, {cores: "32-63", devices: [1]}]

"""

@Suite struct ClusterSpecTests {
  @Test func validFileBuildsTheCluster() throws {
    let c = try ClusterSpec.parse(yaml: validClusterYAML, file: "t.yaml")
    #expect(c.nodes.count == 13)
    #expect(c.nodes.first?.id == "npu-01")
    #expect(c.nodes[11].id == "npu-12")
    #expect(c.nodes.last?.id == "special")
    #expect(c.nodes[0].milliCPU == 128_000)
    #expect(c.nodes[0].memoryMiB == 1024 * 1024)
    #expect(c.nodes[0].numa.domains.count == 4)
    #expect(c.nodes[0].accelerator?.memoryMiB == 32768)
    #expect(c.catalog.model(named: "Acme-X1")?.domestic == true)
    #expect(c.sites[0].prices.deviceHour[.npu] == Money(fen: 850))
    #expect(c.sites[0].prices.modelHour["T4"] == Money(fen: 250))
    #expect(c.nodes[12].numa.domains[1].cores.count == 32)
    #expect(c.network.latency(0, 1) == 1500)
    #expect(c.network.ring(named: "metro")?.members.count == 2)
    #expect(c.acceleratorCount == 12 * 8 + 2)
  }

  /// (replace this line, with this, expect this path, this message fragment, on this line)
  static let badCases: [(String, String, String, String, Int)] = [
    ("    pue: 1.25", "    pue: 0.5", "sites[0].pue", "out of range", 9),
    ("    pue: 1.25", "    pue: .nan", "sites[0].pue", "finite number", 9),
    ("    pue: 1.25", "    pue: abc", "sites[0].pue", "finite number", 9),
    ("    green_share: 0.3", "    green_share: 1.5", "sites[0].green_share", "out of range", 10),
    ("    tier: centre", "    tier: huge", "sites[0].tier", "unknown value 'huge'", 8),
    ("    tier: centre", "    tierr: centre", "sites[0].tierr", "unknown field", 8),
    ("      cpu_core_hour: 0.05", "      cpu_core_hour: 0.055", "sites[0].prices.cpu_core_hour", "at most two decimals", 12),
    ("      cpu_core_hour: 0.05", "      cpu_core_hour: -1", "sites[0].prices.cpu_core_hour", "at most two decimals", 12),
    ("      model_hour: {T4: 2.50}", "      model_hour: {Z9: 2.50}", "sites[0].prices.model_hour.Z9", "unknown device model", 15),
    ("  - {id: bj, name: Beijing, tier: park, pue: 1.3}", "  - {id: tj, name: Beijing, tier: park, pue: 1.3}", "sites[1].id", "duplicate site id", 16),
    ("  - {id: bj, name: Beijing, tier: park, pue: 1.3}", "  - {id: bj, name: Beijing, tier: park}", "sites[1].pue", "missing required field", 16),
    ("  - {id: users, kind: access, city: Tianjin}", "  - {id: tj, kind: access, city: Tianjin}", "locations[0].id", "duplicate location id", 18),
    ("  - {id: users, kind: access, city: Tianjin}", "  - {id: users, kind: site, city: Tianjin}", "locations[0].kind", "only access points", 18),
    ("  - {a: tj, b: users, latency_us: 300}", "  - {a: tj, b: nowhere, latency_us: 300}", "links[0].b", "unknown location 'nowhere'", 20),
    ("  - {a: tj, b: users, latency_us: 300}", "  - {a: tj, b: users, latency_us: -3}", "links[0].latency_us", "out of range", 20),
    ("  - {a: tj, b: users, latency_us: 300}", "  - {a: tj, b: tj, latency_us: 3}", "links[0]", "two different locations", 20),
    ("  - {a: tj, b: users, latency_us: 300}", "  - {a: tj, b: users, latency_us: 99999999999999999999}", "links[0].latency_us", "too large", 20),
    ("  - {a: tj, b: users, latency_us: 300}", "  - {a: bj, b: bj2, latency_us: 3}", "links[0].b", "unknown location", 20),
    ("  - {name: metro, bound_us: 1000, members: [tj, users]}", "  - {name: metro, bound_us: 100, members: [tj, users]}", "rings[0]", "tj to users is 300 µs > 100 µs", 23),
    ("  - {name: metro, bound_us: 1000, members: [tj, users]}", "  - {name: metro, bound_us: 1000, members: [tj, bj]}", "rings[0]", "tj to bj is 1500 µs > 1000 µs", 23),
    ("  - {name: metro, bound_us: 1000, members: [tj, users]}", "  - {name: metro, bound_us: 1000, members: [tj, tj]}", "rings[0].members[1]", "listed twice", 23),
    ("  - {name: metro, bound_us: 1000, members: [tj, users]}", "  - {name: metro, bound_us: 0, members: [tj]}", "rings[0].bound_us", "out of range", 23),
    ("    site: tj", "    site: mars", "node_groups[0].site", "unknown site 'mars'", 26),
    ("    count: 12", "    count: 0", "node_groups[0].count", "out of range", 27),
    ("    count: 12", "    count: 3000000", "node_groups[0].count", "out of range", 27),
    ("    count: 12", "    count: 2.5", "node_groups[0].count", "whole number", 27),
    ("    count: 12", "    count: [1]", "node_groups[0].count", "expected an integer, found a list", 27),
    ("    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}", "    cpu: {model: T4, sockets: 2, cores: 128}", "node_groups[0].cpu.model", "not a CPU model", 28),
    ("    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}", "    cpu: {model: Kunpeng-920, sockets: 2}", "node_groups[0].cpu.cores", "missing required field", 28),
    ("    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}", "    cpu: {cores: 128, milli_cpu: 128000}", "node_groups[0].cpu", "not both", 28),
    ("    cpu: {model: Kunpeng-920, sockets: 2, cores: 128}", "    cpu: {cores: -4}", "node_groups[0].cpu.cores", "out of range", 28),
    ("    memory_gib: 1024", "    memory_gib: 0", "node_groups[0].memory_gib", "out of range", 29),
    ("    memory_gib: 1024", "    memory_mb: 1024", "node_groups[0].memory_mb", "unknown field", 29),
    ("    accelerators: {model: Acme-X1, count: 8}", "    accelerators: {model: Acme-X1, count: 17}", "node_groups[0].accelerators.count", "out of range", 30),
    ("    accelerators: {model: Acme-X1, count: 8}", "    accelerators: {model: Kunpeng-920, count: 8}", "node_groups[0].accelerators.model", "not an accelerator", 30),
    ("    accelerators: {model: Acme-X1, count: 8}", "    accelerators: {model: Nope-9, count: 8}", "node_groups[0].accelerators.model", "unknown device model", 30),
    ("    dpu: {model: BlueField-3, count: 1}", "    dpu: {model: T4, count: 1}", "node_groups[0].dpu.model", "not a DPU", 31),
    ("    numa_nodes: 4", "    numa_nodes: 500", "node_groups[0].numa_nodes", "out of range", 32),
    ("    labels: {rack: r1}", "    labels: [r1]", "node_groups[0].labels", "expected a mapping", 33),
    ("  - id: special", "  - id: npu-01", "nodes[0].id", "duplicate node id", 35),
    ("    numa: [{cores: \"0-31\", devices: [0], memory_mib: 131072}, {cores: \"32-63\", devices: [1]}]",
     "    numa: [{cores: \"0-40\", devices: [0]}, {cores: \"32-63\", devices: [1]}]", "nodes[0].numa[1].cores", "in two NUMA domains", 40),
    ("    numa: [{cores: \"0-31\", devices: [0], memory_mib: 131072}, {cores: \"32-63\", devices: [1]}]",
     "    numa: [{cores: \"0-31\", devices: [5]}]", "nodes[0].numa[0].devices[0]", "out of range", 40),
    ("    numa: [{cores: \"0-31\", devices: [0], memory_mib: 131072}, {cores: \"32-63\", devices: [1]}]",
     "    numa: [{cores: \"31-0\"}]", "nodes[0].numa[0].cores", "expected a list like", 40),
    ("  - {name: Acme-X1, vendor: Acme, kind: npu, domestic: true, memory_mib: 32768, fp16_tflops: 100, tdp_watts: 300}",
     "  - {name: Acme-X1, vendor: Acme, kind: tpu}", "catalog[0].kind", "unknown value 'tpu'", 3),
    ("  - {name: Acme-X1, vendor: Acme, kind: npu, domestic: true, memory_mib: 32768, fp16_tflops: 100, tdp_watts: 300}",
     "  - {name: Acme-X1, kind: npu, fp16_tflops: -5}", "catalog[0].fp16_tflops", "out of range", 3),
    ("  - {name: Acme-X1, vendor: Acme, kind: npu, domestic: true, memory_mib: 32768, fp16_tflops: 100, tdp_watts: 300}",
     "  - {name: Acme-X1, kind: npu, domestic: maybe}", "catalog[0].domestic", "true or false", 3),
    ("name: test", "name: [test", "", "YAML syntax", 0),
    ("  - {id: users, kind: access, city: Tianjin}", "  - {id: users, kind: access, city: Tianjin}\n  - {id: island, kind: access}", "locations[1]", "unreachable", 19),
  ]

  @Test(arguments: 0..<badCases.count)
  func badInputNamesFileLineAndField(_ i: Int) {
    let (from, to, path, fragment, line) = Self.badCases[i]
    #expect(validClusterYAML.contains(from), "case \(i): base text lacks the line")
    let text = validClusterYAML.replacingOccurrences(of: from, with: to)
    do {
      _ = try ClusterSpec.parse(yaml: text, file: "bad.yaml")
      Issue.record("case \(i): accepted \(to)")
    } catch {
      let hit = error.errors.first { $0.path == path && $0.message.contains(fragment) }
      #expect(hit != nil, "case \(i): expected \(path): …\(fragment)… in\n\(error)")
      if let hit, line > 0 { #expect(hit.line == line, "case \(i): line \(hit.line) != \(line)") }
      #expect(error.errors.allSatisfy { $0.file == "bad.yaml" })
      #expect(error.description.contains("bad.yaml:"))
    }
  }

  @Test func structuralErrors() {
    for (text, fragment) in [("", "empty"), ("- a\n- b\n", "expected a mapping"), ("name: x\n", "sites"),
                             ("sites: {}\nnode_groups: []\n", "expected a list"),
                             ("sites: []\nnode_groups: []\n", "at least one site")] {
      do {
        _ = try ClusterSpec.parse(yaml: text, file: "s.yaml")
        Issue.record("accepted \(text)")
      } catch {
        #expect(error.description.contains(fragment), "\(error)")
      }
    }
  }

  @Test func allErrorsAreReportedTogether() {
    let text = validClusterYAML.replacingOccurrences(of: "    pue: 1.25", with: "    pue: 9")
      .replacingOccurrences(of: "    count: 12", with: "    count: -1")
    do {
      _ = try ClusterSpec.parse(yaml: text, file: "b.yaml")
      Issue.record("accepted")
    } catch {
      #expect(error.errors.count >= 2)
    }
  }

  @Test func missingFileIsAnError() {
    #expect(throws: SpecErrors.self) { try ClusterSpec.load(path: "/nonexistent/cluster.yaml") }
  }

  /// Seeded random damage to a valid file never traps: it either parses or
  /// throws located errors.
  @Test func randomDamageNeverTraps() {
    let lines = validClusterYAML.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let garbage = ["", "- ", "{", "]", "x: [", "99999999999999999999999", "-1", ".inf", "nan", "~", "&a b", "*a",
                   "{a: 1}", "[1, 2]", "count: 1e308", "  - {id: x}", "\t", "\"unterminated"]
    for seed in 0..<400 {
      var g = SeededGenerator(seed: UInt64(seed))
      var l = lines
      for _ in 0..<(1 + Int(g.below(3))) {
        let i = Int(g.below(UInt64(l.count)))
        switch g.below(4) {
        case 0: l.remove(at: i)
        case 1: l.insert(l[i], at: i)
        case 2: l[i] = garbage[Int(g.below(UInt64(garbage.count)))]
        default:
          if let colon = l[i].firstIndex(of: ":") {
            l[i] = String(l[i][...colon]) + " " + garbage[Int(g.below(UInt64(garbage.count)))]
          }
        }
        if l.isEmpty { break }
      }
      do {
        let c = try ClusterSpec.parse(yaml: l.joined(separator: "\n"), file: "r.yaml")
        #expect(!c.nodes.isEmpty, "seed \(seed)")
      } catch {
        #expect(!error.errors.isEmpty, "seed \(seed)")
      }
    }
  }

  @Test func referenceClusterLoads() throws {
    let c = try Cluster.reference()
    #expect((9_000...11_000).contains(c.nodes.count))
    let kinds = Set(c.nodes.flatMap { n in [n.accelerator, n.dpu].compactMap { $0 }.map { c.catalog[$0.model].kind } })
    #expect(kinds == [.gpu, .npu, .dcu, .dpu])
    #expect(c.network.ring(named: "tianjin-metro")?.boundMicros == 1000)
    #expect(c.network.ring(named: "jingjinji")?.boundMicros == 2000)
    #expect(c.network.ringViolations().isEmpty)
    #expect(ClusterSummary(c).domesticAcceleratorShare > 0.6)
    #expect(c.sites.contains { $0.tier == .edge })
  }
}
