import Foundation
import Testing
@testable import SchedCore

/// Runs one of hwloc's own tools and returns its standard output.
func hwlocTool(_ tool: String, _ args: [String]) throws -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  p.arguments = [tool] + args
  let out = Pipe()
  p.standardOutput = out
  p.standardError = Pipe()
  try p.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  guard p.terminationStatus == 0 else {
    throw TopologyError(source: tool, message: "exited \(p.terminationStatus) for \(args) — is the hwloc package installed? (make test installs it)")
  }
  return String(decoding: data, as: UTF8.self)
}

@Suite struct TopologyTests {
  static var xmlFiles: [String] {
    let shared = TestPaths.shared("hwloc-xml")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: shared))?.filter { $0.hasSuffix(".xml") }.sorted()
    if let names, !names.isEmpty { return names.map { shared + "/" + $0 } }
    print("SKIP: ../shared/data/hwloc-xml is not present; checking the vendored fixtures only")
    return ["power8gpudistances.xml", "16em64t-4s2c2t.xml"].map { TestPaths.fixture("hwloc/" + $0) }
  }

  static let synthetic = ["pack:2 numa:2 core:8 pu:2", "pack:1 core:4 pu:1", "numa:4 core:6 pu:2",
                          "pack:4 l3:2 core:4 pu:2"]

  /// Counts of packages, NUMA nodes, cores and PUs as hwloc-calc reports them.
  func calcCounts(_ input: String) throws -> [Int] {
    try ["package", "numa", "core", "pu"].map { t in
      // hwloc-calc prints nothing for a type the machine does not have.
      let text = try hwlocTool("hwloc-calc", ["--input", input, "-N", t, "all"]).trimmingCharacters(in: .whitespacesAndNewlines)
      return text.isEmpty ? 0 : (Int(text) ?? -1)
    }
  }

  @Test(arguments: xmlFiles)
  func xmlMatchesHwlocTools(_ file: String) throws {
    let t = try Topology.load(.xml(path: file))
    let expected = try calcCounts(file)
    #expect([t.packages.count, t.numaNodes.count, t.cores.count, t.puCount] == expected, "\(file)")
    let pci = try hwlocTool("lstopo-no-graphics", ["--input", file, "--only", "pcidev"])
      .split(separator: "\n").filter { $0.hasPrefix("PCI") }.count
    #expect(t.pciDevices.count == pci, "\(file)")
    let os = try hwlocTool("lstopo-no-graphics", ["--input", file, "--only", "osdev"]).split(separator: "\n")
    #expect(t.osDevices.count == os.count, "\(file)")
    for d in t.osDevices {
      let numa = try hwlocTool("hwloc-calc", ["--input", file, "os=\(d.name)", "--intersect", "NUMAnode"])
        .trimmingCharacters(in: .whitespacesAndNewlines)
      let want = numa.split(separator: ",").compactMap { Int($0) }
      #expect(d.numaNodes == want, "\(file) \(d.name): \(d.numaNodes) vs hwloc-calc \(numa)")
    }
    #expect(t.cores.allSatisfy { !$0.pus.isEmpty })
  }

  @Test(arguments: synthetic)
  func syntheticMatchesHwlocTools(_ desc: String) throws {
    let t = try Topology.load(.synthetic(desc))
    #expect([t.packages.count, t.numaNodes.count, t.cores.count, t.puCount] == (try calcCounts(desc)), "\(desc)")
  }

  @Test func fourGPUMachineBecomesANode() throws {
    let t = try Topology.load(.xml(path: TestPaths.fixture("hwloc/power8gpudistances.xml")))
    #expect(t.distances == [[10, 40], [40, 10]])
    let (node, unknown) = t.node(id: "p8", site: 0, catalog: .builtin)
    #expect(unknown.isEmpty)
    #expect(node.accelerator.map { DeviceCatalog.builtin[$0.model].name } == "P100")
    #expect(node.acceleratorCount == 4)
    #expect(node.numa.domains.map(\.devices) == [[0, 1], [2, 3]])
    #expect(node.numa.domains.map(\.cores) == [[0, 1, 2, 3], [4, 5, 6, 7]])
    // The placement engine keeps a 2-GPU task on one NUMA node of this real layout.
    let site = Site(id: "s", name: "s", city: "", district: "", tier: .centre, pue: 1.2, greenShare: 0, prices: PriceList())
    let net = LatencyNetwork(locations: [Location(id: "s", kind: .site, site: 0)], links: [], rings: [])
    let cluster = Cluster(name: "local", catalog: .builtin, sites: [site], network: net, nodes: [node])
    var e = PlacementEngine(cluster: cluster, profile: .single(.firstFit))
    _ = e.place(Job(id: "a", groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1, device: DeviceRequest(count: 1))]))
    guard case .success(let d) = e.place(Job(id: "b", groups: [TaskGroup(milliCPU: 2000, memoryMiB: 1,
                                                                           device: DeviceRequest(count: 2))])) else {
      Issue.record("not placed"); return
    }
    #expect(d.allocation.tasks[0].devices.map(\.index) == [2, 3])
    #expect(d.allocation.tasks[0].cores == [4, 5])
  }

  @Test func badSourcesAreErrors() {
    #expect(throws: TopologyError.self) { try Topology.load(.synthetic("pack:x core:2")) }
    #expect(throws: TopologyError.self) { try Topology.load(.synthetic("")) }
    #expect(throws: TopologyError.self) { try Topology.load(.xml(path: "/nonexistent.xml")) }
    let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).xml").path
    FileManager.default.createFile(atPath: bad, contents: Data("<topology><object".utf8))
    defer { try? FileManager.default.removeItem(atPath: bad) }
    #expect(throws: TopologyError.self) { try Topology.load(.xml(path: bad)) }
  }

  @Test func liveMachineLoads() throws {
    let t = try Topology.load(.live)
    #expect(t.cores.count >= 1 && t.puCount >= t.cores.count)
    #expect(t.numaNodes.count >= 1)
  }

  @Test func coreListParsing() {
    #expect(Binding.parseList("0-3,8") == [0, 1, 2, 3, 8])
    #expect(Binding.parseList("2,1,1") == [1, 2])
    for bad in ["", "1-", "a", "3-1", "-1", "1,,2"] { #expect(Binding.parseList(bad) == nil, "\(bad)") }
  }
}
