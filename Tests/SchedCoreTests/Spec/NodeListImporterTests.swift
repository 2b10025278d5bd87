import Foundation
import Testing
@testable import SchedCore

/// Paths to test fixtures and the shared data folder, from this file's location.
enum TestPaths {
  static let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }  // Tests/SchedCoreTests/Spec/x.swift
    return url.path
  }()
  static func fixture(_ rel: String) -> String { packageRoot + "/Tests/Fixtures/" + rel }
  static func shared(_ rel: String) -> String { packageRoot + "/../shared/data/" + rel }
  static func hasShared(_ rel: String) -> Bool {
    let ok = FileManager.default.fileExists(atPath: shared(rel))
    if !ok { print("SKIP: ../shared/data/\(rel) is not present; the real-data check is skipped") }
    return ok
  }
}

@Suite struct NodeListImporterTests {
  @Test func openbFixture() throws {
    let c = try NodeListImporter.openb(path: TestPaths.fixture("openb/openb_node_list_gpu_node.head20.csv"))
    #expect(c.nodes.count == 20)
    #expect(c.nodes[0].id == "openb-node-0000")
    #expect(c.nodes[0].milliCPU == 64000)
    #expect(c.nodes[0].accelerator.map { c.catalog[$0.model].name } == "P100")
  }

  @Test func openbRealCounts() throws {
    guard TestPaths.hasShared("openb/openb_node_list_gpu_node.csv") else { return }
    let c = try NodeListImporter.openb(path: TestPaths.shared("openb/openb_node_list_gpu_node.csv"))
    #expect(c.nodes.count == 1213)
    #expect(c.acceleratorCount == 6212)
    let all = try NodeListImporter.openb(path: TestPaths.shared("openb/openb_node_list_all_node.csv"))
    #expect(all.nodes.count == 1523)
    #expect(all.acceleratorCount == 6212)
    let models = Set(c.nodes.compactMap { $0.accelerator.map { c.catalog[$0.model].name } })
    #expect(models == ["G2", "T4", "G3", "P100", "V100-32GB", "V100-16GB", "A10"])
  }

  @Test func paiFixtureAndRealCounts() throws {
    let f = try NodeListImporter.pai(path: TestPaths.fixture("pai/pai_machine_spec.head20.csv"))
    #expect(f.nodes.count == 20)
    guard TestPaths.hasShared("pai_v2020/pai_machine_spec.csv") else { return }
    let c = try NodeListImporter.pai(path: TestPaths.shared("pai_v2020/pai_machine_spec.csv"))
    #expect(c.nodes.count == 1897)
    #expect(c.acceleratorCount == 6742)
  }

  static let openbBad: [(String, Int, String, String)] = [
    ("sn,cpu,memory_mib,gpu,model\n", 1, "", "expected header"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,64000,262144,2\n", 2, "", "expected 5 fields"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,x,262144,2,T4\n", 2, "cpu_milli", "positive integer"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,-5,262144,2,T4\n", 2, "cpu_milli", "positive integer"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,64000,99999999999999999999,2,T4\n", 2, "memory_mib", "positive integer"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,64000,1024,99,T4\n", 2, "gpu", "expected 0 to 16"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,64000,1024,2,\n", 2, "model", "needs a model"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,64000,1024,2,T4\na,64000,1024,2,T4\n", 3, "sn", "duplicate"),
    ("sn,cpu_milli,memory_mib,gpu,model\n,64000,1024,2,T4\n", 2, "sn", "empty node name"),
    ("sn,cpu_milli,memory_mib,gpu,model\na,64000,1024,2,Kunpeng-920\n", 2, "model", "not an accelerator"),
    ("sn,cpu_milli,memory_mib,gpu,model\n", 0, "", "no nodes"),
  ]

  @Test(arguments: 0..<openbBad.count)
  func openbBadInput(_ i: Int) {
    let (text, line, field, fragment) = Self.openbBad[i]
    do {
      _ = try NodeListImporter.openb(text: text, file: "nodes.csv")
      Issue.record("case \(i) accepted")
    } catch {
      let hit = error.errors.first { $0.line == line && $0.path == field && $0.message.contains(fragment) }
      #expect(hit != nil, "case \(i): \(error)")
      #expect(error.description.hasPrefix("nodes.csv"))
    }
  }

  static let paiBad: [(String, Int, String, String)] = [
    ("m1,T4,96,512\n", 1, "", "expected 5 fields"),
    ("m1,T4,lots,512,2\n", 1, "cap_cpu", "whole number of cores"),
    ("m1,T4,96,-1,2\n", 1, "cap_mem", "whole number of GiB"),
    ("m1,T4,96,512,x\n", 1, "cap_gpu", "expected 0 to 16"),
    ("m1,CPU,96,512,2\n", 1, "gpu_type", "GPUs but type"),
    ("m1,T4,96,512,2\nm1,T4,96,512,2\n", 2, "machine", "duplicate"),
    ("", 0, "", "no machines"),
  ]

  @Test(arguments: 0..<paiBad.count)
  func paiBadInput(_ i: Int) {
    let (text, line, field, fragment) = Self.paiBad[i]
    do {
      _ = try NodeListImporter.pai(text: text, file: "pai.csv")
      Issue.record("case \(i) accepted")
    } catch {
      let hit = error.errors.first { $0.line == line && $0.path == field && $0.message.contains(fragment) }
      #expect(hit != nil, "case \(i): \(error)")
    }
  }
}
