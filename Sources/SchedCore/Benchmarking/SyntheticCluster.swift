/// Generated heterogeneous clusters for benchmarks, shaped like the
/// reference cluster: several sites, a mix of CPU-only, GPU, NPU, DCU and
/// DPU-equipped node templates, in fixed proportions.
public enum SyntheticCluster {
  /// Node templates: (accelerator model or nil, count, cores, memory GiB, DPUs, share in 1000).
  static let templates: [(String?, Int32, Int64, Int64, Int32, Int)] = [
    (nil, 0, 64, 256, 0, 250),
    (nil, 0, 128, 512, 1, 50),
    ("Ascend-910B", 8, 192, 1536, 1, 180),
    ("Ascend-310P", 4, 64, 256, 0, 60),
    ("Hygon-K100", 8, 128, 1024, 0, 80),
    ("Hygon-Z100", 4, 64, 256, 0, 50),
    ("MLU370-X8", 8, 96, 768, 0, 40),
    ("A100-80GB", 8, 128, 1024, 1, 90),
    ("H20", 8, 192, 2048, 1, 60),
    ("A10", 2, 64, 256, 0, 60),
    ("T4", 4, 64, 256, 0, 80),
  ]

  /// A cluster of `nodes` nodes over `sites` sites (all in one ring), node
  /// templates assigned round-robin by share, deterministic.
  ///
  /// - Complexity: O(nodes)
  public static func generate(nodes count: Int, sites siteCount: Int = 8) -> Cluster {
    let catalog = DeviceCatalog.builtin
    let sc = max(1, siteCount)
    var sites: [Site] = []
    var locations: [Location] = []
    for s in 0..<sc {
      sites.append(Site(id: "site-\(s)", name: "Site \(s)", city: s < sc / 2 ? "Tianjin" : "Beijing",
                        district: "d\(s)", tier: s == 0 ? .edge : .centre,
                        pue: 1.15 + 0.05 * Double(s % 5), greenShare: 0.2 + 0.1 * Double(s % 4),
                        prices: PriceList(cpuCoreHour: Money(fen: Int64(4 + s % 3)),
                                          memoryGiBHour: Money(fen: 1),
                                          deviceHour: [.gpu: Money(fen: Int64(900 + 50 * s)),
                                                       .npu: Money(fen: Int64(700 + 40 * s)),
                                                       .dcu: Money(fen: Int64(600 + 30 * s)),
                                                       .dpu: Money(fen: 100)])))
      locations.append(Location(id: "site-\(s)", kind: .site, site: SiteID(s), city: "Tianjin"))
    }
    locations.append(Location(id: "users", kind: .accessPoint, city: "Tianjin"))
    let links = (0..<sc).map { Link(a: $0, b: sc, latencyMicros: Int64(300 + 150 * $0)) }
    let network = LatencyNetwork(locations: locations, links: links,
                                 rings: [LatencyRing(name: "metro", boundMicros: 10_000, members: Array(0..<sc))])
    var nodes: [Node] = []
    nodes.reserveCapacity(count)
    // Expand the template shares into a 1000-slot cycle.
    var cycle: [Int] = []
    for (i, t) in templates.enumerated() { cycle += Array(repeating: i, count: t.5) }
    for i in 0..<count {
      let t = templates[cycle[(i * 7919) % cycle.count]]
      let site = SiteID((i / 64) % sc)
      var accel: DeviceGroup?
      if let name = t.0, let id = catalog.id(named: name) {
        accel = DeviceGroup(model: id, count: t.1, memoryMiB: catalog[id].memoryMiB ?? 16_384)
      }
      let dpu = t.4 > 0 ? catalog.id(named: "BlueField-3").map { DeviceGroup(model: $0, count: t.4, memoryMiB: 0) } : nil
      nodes.append(Node(id: "node-\(i)", site: site, cpuModel: catalog.id(named: "Kunpeng-920"), sockets: 2,
                        milliCPU: t.2 * 1000, memoryMiB: t.3 * 1024, accelerator: accel, dpu: dpu))
    }
    return Cluster(name: "synthetic-\(count)", catalog: catalog, sites: sites, network: network, nodes: nodes)
  }

  /// Single-task jobs with openb-like shapes: a third CPU-only, a third
  /// sharing a fraction of one accelerator, a third taking 1-8 whole ones.
  public static func jobs(count: Int, seed: UInt64, prefix: String = "j") -> [Job] {
    var g = SeededGenerator(seed: seed)
    let cpus: [Int64] = [1000, 2000, 4000, 8000, 16000, 32000]
    let mems: [Int64] = [2048, 4096, 8192, 16384, 32768, 65536]
    var out: [Job] = []
    out.reserveCapacity(count)
    for i in 0..<count {
      let cpu = cpus[Int(g.below(UInt64(cpus.count)))]
      let mem = mems[Int(g.below(UInt64(mems.count)))]
      var device: DeviceRequest?
      switch g.below(3) {
      case 0: device = nil
      case 1: device = DeviceRequest(count: 1, milliPerDevice: Int32([100, 200, 250, 500, 750][Int(g.below(5))]))
      default: device = DeviceRequest(count: Int32([1, 1, 2, 4, 8][Int(g.below(5))]))
      }
      out.append(Job(id: "\(prefix)\(i)", groups: [TaskGroup(milliCPU: cpu, memoryMiB: mem, device: device)]))
    }
    return out
  }
}
