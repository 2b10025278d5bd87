@testable import SchedCore

/// Seeded random clusters and jobs for equivalence and invariant tests.
enum RandomClusters {
  static let acceleratorModels = ["T4", "A10", "V100M32", "Ascend-910B", "Hygon-Z100", "G2"]

  static func cluster(_ g: inout SeededGenerator, maxNodes: Int = 120) -> Cluster {
    let catalog = DeviceCatalog.builtin
    let siteCount = 1 + Int(g.below(4))
    var sites: [Site] = []
    var locations: [Location] = []
    for s in 0..<siteCount {
      let price = PriceList(cpuCoreHour: Money(fen: Int64(3 + g.below(5))),
                            memoryGiBHour: Money(fen: 1),
                            deviceHour: [.gpu: Money(fen: Int64(500 + g.below(1000))),
                                         .npu: Money(fen: Int64(400 + g.below(800))),
                                         .dcu: Money(fen: Int64(300 + g.below(600)))])
      sites.append(Site(id: "s\(s)", name: "Site \(s)", city: "Tianjin", district: "d\(s)",
                        tier: [.centre, .park, .edge][Int(g.below(3))],
                        pue: 1.1 + Double(g.below(40)) / 100, greenShare: 0.3, prices: price))
      locations.append(Location(id: "s\(s)", kind: .site, site: SiteID(s), city: "Tianjin"))
    }
    locations.append(Location(id: "users", kind: .accessPoint, city: "Tianjin"))
    var links: [Link] = []
    for s in 0..<siteCount {
      links.append(Link(a: s, b: siteCount, latencyMicros: Int64(200 + g.below(1500))))
    }
    let ring = LatencyRing(name: "metro", boundMicros: 100_000,
                           members: Array(0..<max(1, siteCount - 1)))
    let network = LatencyNetwork(locations: locations, links: links, rings: [ring])
    let nodeCount = 1 + Int(g.below(UInt64(maxNodes)))
    // A few templates so classes repeat, as in real clusters.
    var templates: [Node] = []
    for _ in 0..<(1 + Int(g.below(6))) {
      let site = SiteID(g.below(UInt64(siteCount)))
      let cores = Int64([8, 16, 32, 64, 96][Int(g.below(5))])
      var accel: DeviceGroup?
      let mi = Int(g.below(UInt64(acceleratorModels.count + 1)))
      if mi < acceleratorModels.count, let id = catalog.id(named: acceleratorModels[mi]) {
        let count = Int32([1, 2, 4, 8][Int(g.below(4))])
        accel = DeviceGroup(model: id, count: count, memoryMiB: catalog[id].memoryMiB ?? 16384)
      }
      let dpu: DeviceGroup? = g.below(4) == 0
        ? DeviceGroup(model: catalog.id(named: "BlueField-3") ?? 0, count: 1 + Int32(g.below(2)), memoryMiB: 0)
        : nil
      let sockets = Int32(1 + g.below(2))
      templates.append(Node(id: "", site: site, cpuModel: catalog.id(named: "Kunpeng-920"),
                            sockets: sockets, milliCPU: cores * 1000,
                            memoryMiB: cores * 4096, accelerator: accel, dpu: dpu))
    }
    var nodes: [Node] = []
    for i in 0..<nodeCount {
      var n = templates[Int(g.below(UInt64(templates.count)))]
      n.id = "n\(i)"
      nodes.append(n)
    }
    return Cluster(name: "random", catalog: catalog, sites: sites, network: network, nodes: nodes)
  }

  static func job(_ g: inout SeededGenerator, id: String, placed: [String]) -> Job {
    var groups: [TaskGroup] = []
    for gi in 0..<(1 + Int(g.below(2))) {
      var device: DeviceRequest?
      var normalized: NormalizedRequest?
      switch g.below(5) {
      case 0:
        device = nil
      case 1:
        device = DeviceRequest(count: 1, milliPerDevice: Int32(100 * (1 + g.below(9))))
      case 2:
        device = DeviceRequest(count: Int32([1, 2, 4, 8][Int(g.below(4))]))
      case 3:
        normalized = NormalizedRequest(tflops: Double(50 + g.below(400)), computeClass: .intelligent)
        device = DeviceRequest(count: 0)
      default:
        device = DeviceRequest(count: 1, milliPerDevice: 1000)
      }
      if var d = device {
        if g.below(4) == 0 { d.models = [acceleratorModels[Int(g.below(UInt64(acceleratorModels.count)))]] }
        if g.below(6) == 0 { d.domesticOnly = true }
        if g.below(6) == 0 { d.minMemoryMiB = 32768 }
        if g.below(5) == 0 { d.kinds = [[DeviceKind.gpu, .npu, .dcu][Int(g.below(3))]] }
        device = d
      }
      let sameSite = g.below(4) == 0
      let spread: Int32 = g.below(5) == 0 ? 2 : 0
      // One group in three without gang (placed in part, so given more
      // tasks); same-site is a gang rule.
      let gang = sameSite || g.below(3) != 0
      let count = Int32(1 + g.below(gang ? 3 : 8))
      groups.append(TaskGroup(
        name: "g\(gi)", count: count,
        milliCPU: g.below(3) == 0 ? Int64(500 * (1 + g.below(8))) : Int64(1000 * (1 + g.below(16))),
        memoryMiB: Int64(1024 * (1 + g.below(64))), device: device, normalized: normalized,
        dpuCount: g.below(8) == 0 ? 1 : 0,
        gang: gang, sameSite: sameSite, spreadSites: spread))
    }
    var latency = LatencyConstraint.none
    switch g.below(6) {
    case 0: latency = .bound(origin: "users", maxMicros: Int64(500 + g.below(1200)))
    case 1: latency = .ring("metro")
    default: break
    }
    var anti: [String] = []
    if !placed.isEmpty && g.below(4) == 0 { anti = [placed[Int(g.below(UInt64(placed.count)))]] }
    return Job(id: id, tenant: "t\(g.below(3))", groups: groups, latency: latency,
               antiAffinity: anti, antiAffinityScope: g.below(2) == 0 ? .node : .site,
               priceCeiling: g.below(6) == 0 ? Money(fen: 900) : nil)
  }

  static func samples(_ jobs: [Job]) -> [TargetWorkload.Sample] {
    jobs.flatMap { j in
      j.groups.map { gr in
        TargetWorkload.Sample(milliCPU: gr.milliCPU, deviceCount: gr.device?.count ?? 0,
                              milliPerDevice: gr.device?.milliPerDevice ?? 0,
                              models: gr.device?.models ?? [])
      }
    }
  }
}
