import Testing
@testable import SchedCore

/// A five-node, three-site cluster where each filter and scorer has a
/// unique right answer.
enum TinyCluster {
  static func make() -> Cluster {
    let cat = DeviceCatalog.builtin
    func id(_ n: String) -> DeviceModelID { cat.id(named: n) ?? -1 }
    func price(_ gpu: Int64, _ npu: Int64, _ dcu: Int64) -> PriceList {
      PriceList(cpuCoreHour: Money(fen: 5), memoryGiBHour: Money(fen: 1),
                deviceHour: [.gpu: Money(fen: gpu), .npu: Money(fen: npu), .dcu: Money(fen: dcu)])
    }
    let sites = [
      Site(id: "tj-a", name: "Tianjin A", city: "Tianjin", district: "Binhai", tier: .centre, pue: 1.2,
           greenShare: 0.3, prices: price(1200, 600, 500)),
      Site(id: "tj-edge", name: "Xiqing edge", city: "Tianjin", district: "Xiqing", tier: .edge, pue: 1.5,
           greenShare: 0.1, prices: price(1500, 900, 900)),
      Site(id: "bj", name: "Beijing", city: "Beijing", district: "Haidian", tier: .centre, pue: 1.3,
           greenShare: 0.2, prices: price(1000, 700, 400)),
    ]
    let locations = [
      Location(id: "tj-a", kind: .site, site: 0, city: "Tianjin"),
      Location(id: "tj-edge", kind: .site, site: 1, city: "Tianjin"),
      Location(id: "bj", kind: .site, site: 2, city: "Beijing"),
      Location(id: "xiqing", kind: .accessPoint, city: "Tianjin"),
    ]
    let links = [Link(a: 3, b: 1, latencyMicros: 300), Link(a: 3, b: 0, latencyMicros: 800),
                 Link(a: 0, b: 1, latencyMicros: 600), Link(a: 0, b: 2, latencyMicros: 1500)]
    let ring = LatencyRing(name: "tianjin-metro", boundMicros: 1000, members: [0, 1, 3])
    let net = LatencyNetwork(locations: locations, links: links, rings: [ring])
    let nodes = [
      Node(id: "n0", site: 0, cpuModel: id("Xeon-8480+"), sockets: 2, milliCPU: 32_000, memoryMiB: 131_072,
           accelerator: DeviceGroup(model: id("A100-80GB"), count: 4, memoryMiB: 81_920)),
      Node(id: "n1", site: 0, cpuModel: id("Kunpeng-920"), sockets: 2, milliCPU: 64_000, memoryMiB: 262_144,
           accelerator: DeviceGroup(model: id("Ascend-910B"), count: 8, memoryMiB: 65_536)),
      Node(id: "n2", site: 1, cpuModel: id("Hygon-7285"), sockets: 1, milliCPU: 16_000, memoryMiB: 65_536,
           accelerator: DeviceGroup(model: id("T4"), count: 2, memoryMiB: 16_384)),
      Node(id: "n3", site: 2, cpuModel: id("Hygon-7285"), sockets: 2, milliCPU: 64_000, memoryMiB: 262_144,
           accelerator: DeviceGroup(model: id("Hygon-K100"), count: 8, memoryMiB: 65_536)),
      Node(id: "n4", site: 2, cpuModel: id("EPYC-9654"), sockets: 2, milliCPU: 96_000, memoryMiB: 393_216,
           dpu: DeviceGroup(model: id("BlueField-3"), count: 1, memoryMiB: 0)),
    ]
    return Cluster(name: "tiny", catalog: cat, sites: sites, network: net, nodes: nodes)
  }

  static func job(_ id: String, count: Int32 = 1, cpu: Int64 = 1000, mem: Int64 = 1024,
                  device: DeviceRequest? = nil, normalized: NormalizedRequest? = nil, dpu: Int32 = 0,
                  sameSite: Bool = false, spread: Int32 = 0, latency: LatencyConstraint = .none,
                  anti: [String] = [], antiScope: AntiAffinityScope = .node, ceiling: Money? = nil) -> Job {
    Job(id: id, groups: [TaskGroup(count: count, milliCPU: cpu, memoryMiB: mem, device: device,
                                   normalized: normalized, dpuCount: dpu, sameSite: sameSite,
                                   spreadSites: spread)],
        latency: latency, antiAffinity: anti, antiAffinityScope: antiScope, priceCeiling: ceiling)
  }
}

/// Places with both the engine and the reference and checks they agree.
struct Both {
  var engine: PlacementEngine
  var reference: ReferencePlacer

  init(_ profile: Profile = .single(.firstFit), cluster: Cluster = TinyCluster.make(),
       target: TargetWorkload = .empty) {
    engine = PlacementEngine(cluster: cluster, profile: profile, target: target)
    reference = ReferencePlacer(cluster: cluster, profile: profile, target: target)
  }

  mutating func place(_ job: Job, sourceLocation: SourceLocation = #_sourceLocation) -> Result<PlacementDecision, Unschedulable> {
    let a = engine.place(job), b = reference.place(job)
    switch (a, b) {
    case (.success(let x), .success(let y)): #expect(x == y, sourceLocation: sourceLocation)
    case (.failure(let x), .failure(let y)):
      #expect(x == y, sourceLocation: sourceLocation)
      #expect(x.explanation.reasons.reduce(0) { $0 + $1.nodes } == x.explanation.totalNodes,
              "reasons do not sum to the nodes: \(x.explanation)", sourceLocation: sourceLocation)
    default: Issue.record("engine \(a) vs reference \(b)", sourceLocation: sourceLocation)
    }
    engine._checkInvariants()
    return a
  }

  /// The node ids a placement chose, or the explanation text.
  mutating func nodes(_ job: Job) -> [String] {
    switch place(job) {
    case .success(let d): return d.allocation.tasks.map { engine.state.cluster.nodes[Int($0.node)].id }
    case .failure(let u): return ["✗ " + u.explanation.description]
    }
  }
}

@Suite struct FilterTests {
  @Test func deviceKind() {
    var p = Both()
    #expect(p.nodes(TinyCluster.job("a", device: DeviceRequest(count: 1, kinds: [.npu]))) == ["n1"])
    #expect(p.nodes(TinyCluster.job("b", device: DeviceRequest(count: 1, kinds: [.dcu]))) == ["n3"])
    #expect(p.nodes(TinyCluster.job("c", device: DeviceRequest(count: 1, kinds: [.dpu]))).first?.hasPrefix("✗") == true)
  }

  @Test func deviceModelAndAliases() {
    var p = Both()
    #expect(p.nodes(TinyCluster.job("a", device: DeviceRequest(count: 1, models: ["T4"]))) == ["n2"])
    #expect(p.nodes(TinyCluster.job("b", device: DeviceRequest(count: 1, models: ["k100", "nope"]))) == ["n3"])
  }

  @Test func domesticOnly() {
    var p = Both()
    #expect(p.nodes(TinyCluster.job("a", device: DeviceRequest(count: 1, domesticOnly: true))) == ["n1"])
    let cpuOnly = TinyCluster.job("b", cpu: 90_000, device: DeviceRequest(count: 0, domesticOnly: true))
    #expect(p.nodes(cpuOnly).first?.contains("not domestic") == true)
  }

  @Test func deviceMemory() {
    var p = Both()
    let r = p.nodes(TinyCluster.job("a", device: DeviceRequest(count: 1, minMemoryMiB: 70_000)))
    #expect(r == ["n0"])
    let none = p.nodes(TinyCluster.job("b", device: DeviceRequest(count: 1, minMemoryMiB: 100_000)))
    #expect(none.first?.contains("device memory") == true)
  }

  @Test func computeClass() {
    var p = Both()
    // Supercomputing needs FP64 ≥ 5 TFLOPS: A100 (n0) first in node order; not the 910B.
    #expect(p.nodes(TinyCluster.job("a", device: DeviceRequest(count: 4, computeClass: .supercomputing))) == ["n0"])
    let second = p.nodes(TinyCluster.job("b", device: DeviceRequest(count: 1, computeClass: .supercomputing)))
    #expect(second == ["n3"])
  }

  @Test func latencyBoundAndExplanation() {
    var p = Both()
    let near = TinyCluster.job("a", latency: .bound(origin: "xiqing", maxMicros: 500))
    #expect(p.nodes(near) == ["n2"])
    let tooTight = TinyCluster.job("b", cpu: 20_000, latency: .bound(origin: "xiqing", maxMicros: 500))
    let text = p.nodes(tooTight).first ?? ""
    #expect(text == "✗ 0/5 nodes fit: 2 latency 2300 µs > 500 µs from xiqing, 2 latency 800 µs > 500 µs from xiqing, 1 insufficient CPU")
  }

  /// The profile's class-filter order decides which reason a class that
  /// fails several filters is counted under; the outcome is the same.
  @Test func classFilterOrderDecidesTheReason() throws {
    // An NPU within 500 µs of xiqing: n1 (the only NPU) is at tj-a, 800 µs away.
    let job = TinyCluster.job("a", device: DeviceRequest(count: 1, kinds: [.npu]),
                              latency: .bound(origin: "xiqing", maxMicros: 500))
    var standard = Both()
    let byKind = standard.nodes(job).first ?? ""
    #expect(byKind == "✗ 0/5 nodes fit: 2 GPU not allowed, 1 DCU not allowed, 1 latency 800 µs > 500 µs from xiqing, 1 no accelerator", "\(byKind)")
    var order = Profile.filterChain.filter(\.isClassLevel)
    order.removeAll { $0 == .latency }
    let latencyFirst = try #require(Profile.single(.firstFit).orderingClassFilters([.latency] + order))
    #expect(latencyFirst.filters.first == .latency && latencyFirst.filters.suffix(5) == Profile.nodeFilters[...])
    var reordered = Both(latencyFirst)
    let byLatency = reordered.nodes(job).first ?? ""
    #expect(byLatency == "✗ 0/5 nodes fit: 2 latency 2300 µs > 500 µs from xiqing, 2 latency 800 µs > 500 µs from xiqing, 1 GPU not allowed", "\(byLatency)")
    // Not an order of the class filters: refused.
    #expect(Profile.single(.firstFit).orderingClassFilters(order) == nil)
    #expect(Profile.single(.firstFit).orderingClassFilters([.resources] + order + [.latency]) == nil)
    #expect(Profile.single(.firstFit).orderingClassFilters([.latency, .latency] + order) == nil)
  }

  @Test func latencyRing() {
    var p = Both()
    let job = TinyCluster.job("a", count: 3, cpu: 10_000, latency: .ring("tianjin-metro"))
    #expect(p.nodes(job) == ["n0", "n0", "n0"])
    let big = TinyCluster.job("b", cpu: 70_000, latency: .ring("tianjin-metro"))
    #expect(p.nodes(big).first?.contains("2 site outside ring tianjin-metro") == true)
  }

  @Test func priceCeiling() {
    var p = Both()
    // GPU device-hour: tj-a 12.00, edge 15.00; NPU 6.00; DCU 4.00 at bj.
    let job = TinyCluster.job("a", device: DeviceRequest(count: 1), ceiling: Money(fen: 650))
    #expect(p.nodes(job) == ["n1"])
    let cheap = TinyCluster.job("b", device: DeviceRequest(count: 1), ceiling: Money(fen: 450))
    #expect(p.nodes(cheap) == ["n3"])
  }

  @Test func resourcesAndDPU() {
    var p = Both()
    #expect(p.nodes(TinyCluster.job("a", dpu: 1)) == ["n4"])
    #expect(p.nodes(TinyCluster.job("b", dpu: 1)).first?.contains("insufficient DPU") == true)
  }

  @Test func antiAffinity() {
    var p = Both()
    #expect(p.nodes(TinyCluster.job("a")) == ["n0"])
    #expect(p.nodes(TinyCluster.job("b", anti: ["a"])) == ["n1"])
    #expect(p.nodes(TinyCluster.job("c", anti: ["a"], antiScope: .site)) == ["n2"])
  }
}

@Suite struct PlacementRuleTests {
  @Test func gangIsAllOrNothing() {
    var p = Both()
    // Three tasks of 4 whole A100-class GPUs: only n0 has 4 GPUs, so the gang fails as a whole.
    let gang = TinyCluster.job("g", count: 3, device: DeviceRequest(count: 4, kinds: [.gpu]))
    guard case .failure(let why) = p.place(gang) else { Issue.record("gang placed"); return }
    #expect(why.task == 1)
    #expect(p.engine.state.isIdle)
    #expect(p.engine.allocations.isEmpty)
  }

  @Test func sameSite() {
    var p = Both()
    // The first task's best node is n1 (tj-a), but tj-a cannot hold a second
    // 40-core task (n0 has 32 cores): the gang goes to the next best site,
    // Beijing, where n3 and n4 take one each.
    let next = TinyCluster.job("s", count: 2, cpu: 40_000, sameSite: true)
    #expect(p.nodes(next) == ["n3", "n4"])
    // Three more fit on no site: the explanation names the sites tried.
    let none = TinyCluster.job("u", count: 3, cpu: 40_000, sameSite: true)
    let why = p.nodes(none).first ?? ""
    #expect(why.contains("4 gang same-site: site cannot hold all 3 tasks"), "\(why)")
    #expect(why.contains("1 insufficient CPU"), "\(why)")
    // A gang its first task's site holds stays there.
    let ok = TinyCluster.job("t", count: 2, cpu: 30_000, sameSite: true)
    #expect(p.nodes(ok) == ["n0", "n1"])
    #expect(p.engine.allocations.count == 2)
  }

  /// A site whose summed free capacity holds the gang but whose nodes do
  /// not: the tasks placed there are taken back and the next site holds all.
  @Test func sameSiteTakesBackAndMovesOn() {
    let tiny = TinyCluster.make()
    let xeon = tiny.catalog.id(named: "Xeon-8480+") ?? -1
    let nodes = [
      Node(id: "a0", site: 0, cpuModel: xeon, sockets: 2, milliCPU: 48_000, memoryMiB: 131_072),
      Node(id: "a1", site: 0, cpuModel: xeon, sockets: 2, milliCPU: 48_000, memoryMiB: 131_072),
      Node(id: "b0", site: 2, cpuModel: xeon, sockets: 2, milliCPU: 96_000, memoryMiB: 131_072),
    ]
    let cluster = Cluster(name: "two-sites", catalog: tiny.catalog, sites: tiny.sites,
                          network: tiny.network, nodes: nodes)
    for policy in [ScorerKind.firstFit, .bestFit, .worstFit] {
      var p = Both(.single(policy), cluster: cluster)
      // tj-a sums 96 cores for three 30-core tasks but each node holds one.
      let gang = TinyCluster.job("g", count: 3, cpu: 30_000, sameSite: true)
      #expect(p.nodes(gang) == ["b0", "b0", "b0"], "\(policy)")
      #expect(p.engine.state.freeMilliCPU(0) == 48_000 && p.engine.state.freeMilliCPU(1) == 48_000)
      // Without the rule the same three tasks take what the policy likes.
      let loose = TinyCluster.job("h", count: 3, cpu: 10_000)
      #expect(p.nodes(loose).count == 3)
    }
  }

  @Test func spreadAcrossSites() {
    var p = Both()
    let dr = TinyCluster.job("dr", count: 2, spread: 2)
    #expect(p.nodes(dr) == ["n0", "n2"])
    let three = TinyCluster.job("dr3", count: 3, spread: 3)
    #expect(p.nodes(three) == ["n0", "n2", "n3"])
    let impossible = TinyCluster.job("dr4", count: 4, spread: 4)
    #expect(p.nodes(impossible).first?.contains("spread: site already used") == true)
  }

  @Test func fractionalSharingPacksOneDevice() {
    var p = Both(.single(.bestFit))
    let share = { (id: String) in TinyCluster.job(id, device: DeviceRequest(count: 1, milliPerDevice: 460, models: ["T4"])) }
    var devices: [[DeviceShare]] = []
    for i in 0..<4 {
      if case .success(let d) = p.place(share("s\(i)")) { devices.append(d.allocation.tasks[0].devices) }
    }
    #expect(devices == [[DeviceShare(index: 0, milli: 460)], [DeviceShare(index: 0, milli: 460)],
                        [DeviceShare(index: 1, milli: 460)], [DeviceShare(index: 1, milli: 460)]])
    #expect(p.engine.state.devices(of: 2) == [80, 80])
    #expect(p.nodes(share("s5")).first?.contains("insufficient GPU") == true)
  }

  @Test func normalizedRequestDerivesDeviceCount() throws {
    var p = Both()
    let peak = try #require(DeviceCatalog.builtin.model(named: "Ascend-910B")?.fp16TFLOPS)
    let want = 1.5 * peak
    let job = TinyCluster.job("n", normalized: NormalizedRequest(tflops: want, computeClass: .intelligent))
    var j = job
    j.groups[0].device = DeviceRequest(count: 0, kinds: [.npu])
    guard case .success(let d) = p.place(j) else { Issue.record("not placed"); return }
    #expect(d.allocation.tasks[0].devices.count == 2)
    #expect(d.allocation.tasks[0].node == 1)
  }

  @Test func numaAwareDevicesAndCores() {
    var p = Both()
    // n0: 2 sockets → NUMA 0 = cores 0-15 + GPUs 0,1; NUMA 1 = cores 16-31 + GPUs 2,3.
    let one = TinyCluster.job("one", cpu: 2000, device: DeviceRequest(count: 1, models: ["A100"]))
    guard case .success(let a) = p.place(one) else { Issue.record("one"); return }
    #expect(a.allocation.tasks[0].devices.map(\.index) == [0])
    #expect(a.allocation.tasks[0].cores == [0, 1])
    let two = TinyCluster.job("two", cpu: 4000, device: DeviceRequest(count: 2, models: ["A100"]))
    guard case .success(let b) = p.place(two) else { Issue.record("two"); return }
    #expect(b.allocation.tasks[0].devices.map(\.index) == [2, 3])
    #expect(b.allocation.tasks[0].cores == [16, 17, 18, 19])
    // With GPU 0 held, no domain has three free GPUs: the lowest three overall.
    p.engine.release(jobID: "two")
    p.reference.release(jobID: "two")
    let three = TinyCluster.job("three", cpu: 2000, device: DeviceRequest(count: 3, models: ["A100"]))
    guard case .success(let c) = p.place(three) else { Issue.record("three"); return }
    #expect(c.allocation.tasks[0].devices.map(\.index) == [1, 2, 3])
  }

  /// A layout whose domains list their cores out of order (as a topology
  /// file may) takes the walked-list path: the preferred domain's free
  /// cores in list order, then the lowest free cores elsewhere, sorted.
  @Test func numaCoresFromUnorderedLists() {
    let tiny = TinyCluster.make()
    let a100 = tiny.catalog.id(named: "A100-80GB") ?? -1
    let layout = NUMALayout(domains: [NUMADomain(cores: [3, 1, 2, 0], devices: [0], memoryMiB: 1024),
                                      NUMADomain(cores: [7, 5, 6, 4], devices: [1], memoryMiB: 1024)])
    let node = Node(id: "u0", site: 0, milliCPU: 8000, memoryMiB: 65_536,
                    accelerator: DeviceGroup(model: a100, count: 2, memoryMiB: 81_920), numa: layout)
    let cluster = Cluster(name: "unordered", catalog: tiny.catalog, sites: tiny.sites, network: tiny.network,
                          nodes: [node])
    var p = Both(cluster: cluster)
    #expect(p.engine.core.numa.offset[0] < 0, "the layout should take the list path")
    let near1 = TinyCluster.job("a", cpu: 2000, device: DeviceRequest(count: 1))
    #expect(p.place(near1).map { $0.allocation.tasks[0].cores } == .success([1, 3]))
    // GPU 1 sits on domain 1: its list order gives 7, 5, 6.
    let near2 = TinyCluster.job("b", cpu: 3000, device: DeviceRequest(count: 1))
    #expect(p.place(near2).map { $0.allocation.tasks[0].cores } == .success([5, 6, 7]))
    // No device: domain 0 has most free (0 and 2); a third core comes from elsewhere (4).
    let cpuOnly = TinyCluster.job("c", cpu: 3000)
    #expect(p.place(cpuOnly).map { $0.allocation.tasks[0].cores } == .success([0, 2, 4]))
  }

  @Test func releaseIsTheExactInverseOfCommit() {
    var p = Both(.single(.bestFit))
    let before = (0..<5).map { p.engine.state.free(NodeID($0)) }
    _ = p.place(TinyCluster.job("x", count: 2, cpu: 3500, device: DeviceRequest(count: 1, milliPerDevice: 300)))
    _ = p.place(TinyCluster.job("y", cpu: 4000, device: DeviceRequest(count: 2)))
    p.engine.release(jobID: "x")
    p.reference.release(jobID: "x")
    p.engine.release(jobID: "y")
    p.reference.release(jobID: "y")
    #expect((0..<5).map { p.engine.state.free(NodeID($0)) } == before)
    #expect(p.engine.state.isIdle)
  }

  @Test func stateRefusesOverCommit() {
    var state = ClusterState(cluster: TinyCluster.make())
    let tooMuch = TaskAssignment(node: 2, milliCPU: 17_000, memoryMiB: 0, dpuUnits: 0, devices: [], cores: [])
    #expect(throws: StateError.self) { try state.commit(tooMuch) }
    let badDevice = TaskAssignment(node: 2, milliCPU: 0, memoryMiB: 0, dpuUnits: 0,
                                   devices: [DeviceShare(index: 5, milli: 10)], cores: [])
    #expect(throws: StateError.self) { try state.commit(badDevice) }
    let notHeld = TaskAssignment(node: 2, milliCPU: 1000, memoryMiB: 0, dpuUnits: 0, devices: [], cores: [])
    #expect(throws: StateError.self) { try state.release(notHeld) }
    #expect(state.isIdle)
  }
}

@Suite struct ScorerTests {
  /// Places `first` (to make n0 and n1 differ), then returns where `probe` goes under `profile`.
  func choice(_ profile: Profile, probe: Job, after first: [Job] = []) -> [String] {
    var p = Both(profile)
    for j in first { _ = p.place(j) }
    return p.nodes(probe)
  }

  let warm = [TinyCluster.job("w", cpu: 24_000, mem: 65_536)]  // lands on n0 first-fit... under each profile

  @Test func firstFitTakesLowestIndex() {
    #expect(choice(.single(.firstFit), probe: TinyCluster.job("p")) == ["n0"])
  }

  @Test func bestFitPrefersFullestAndWorstFitEmptiest() {
    // A CPU-only probe: the T4 edge node (16 cores) is the tightest fit, the EPYC node the loosest.
    #expect(choice(.single(.bestFit), probe: TinyCluster.job("p", cpu: 8000, mem: 8192)) == ["n2"])
    #expect(choice(.single(.worstFit), probe: TinyCluster.job("p", cpu: 8000, mem: 8192)) == ["n4"])
  }

  @Test func dotProductAlignsWithFreeVector() {
    // 8 cores + 60000 MiB on idle nodes: s = mean_d (req_d/cap_d)·(free_d/cap_d) is
    // n0 (.25+.458+0)/3 = .236, n1 and n3 .118, n2 (.5+.916+0)/3 = .472, n4 (.083+.153)/2 = .118.
    #expect(choice(.single(.dotProduct), probe: TinyCluster.job("p", cpu: 8000, mem: 60_000)) == ["n2"])
  }

  @Test func gpuPackingPrefersUsedDevices() {
    let first = [TinyCluster.job("f", device: DeviceRequest(count: 1, milliPerDevice: 500, models: ["K100"]))]
    let probe = TinyCluster.job("p", device: DeviceRequest(count: 1, milliPerDevice: 300))
    #expect(choice(.single(.gpuPacking), probe: probe, after: first) == ["n3"])
  }

  @Test func gpuClusteringPrefersSameSizedShares() {
    let first = [TinyCluster.job("f", device: DeviceRequest(count: 1, milliPerDevice: 250, models: ["T4"])),
                 TinyCluster.job("g", device: DeviceRequest(count: 1, milliPerDevice: 300, models: ["A100"]))]
    let probe = TinyCluster.job("p", device: DeviceRequest(count: 1, milliPerDevice: 250))
    #expect(choice(.single(.gpuClustering), probe: probe, after: first) == ["n2"])
  }

  @Test func randomIsSeededAndUniformish() {
    var seen: Set<String> = []
    for seed in 0..<40 {
      let a = choice(.single(.random, seed: UInt64(seed)), probe: TinyCluster.job("p"))
      let b = choice(.single(.random, seed: UInt64(seed)), probe: TinyCluster.job("p"))
      #expect(a == b, "seed \(seed)")
      seen.formUnion(a)
    }
    #expect(seen.count == 5)
  }

  @Test func energyPrefersLowIntensity() throws {
    // Among accelerators, the lowest TDP × PUE / FP16 peak wins; compute it from the catalog.
    let c = TinyCluster.make()
    let best = try #require(c.nodes.prefix(4).min { a, b in
      let ma = c.catalog[a.accelerator!.model], mb = c.catalog[b.accelerator!.model]
      let ea = Double(ma.tdpWatts ?? 0) * c.sites[Int(a.site)].pue / (ma.fp16TFLOPS ?? 1)
      let eb = Double(mb.tdpWatts ?? 0) * c.sites[Int(b.site)].pue / (mb.fp16TFLOPS ?? 1)
      return ea < eb
    })
    #expect(choice(.single(.energy), probe: TinyCluster.job("p", device: DeviceRequest(count: 1))) == [best.id])
  }

  @Test func priceLatencyDomestic() {
    #expect(choice(.single(.price), probe: TinyCluster.job("p", device: DeviceRequest(count: 1))) == ["n3"])
    #expect(choice(.single(.latency), probe: TinyCluster.job("p", latency: .bound(origin: "xiqing", maxMicros: 5000))) == ["n2"])
    #expect(choice(.single(.domestic), probe: TinyCluster.job("p", device: DeviceRequest(count: 1))) == ["n1"])
  }

  @Test func fgdAvoidsFragmentingWholeDevices() {
    // Target workload: mostly whole-GPU tasks. A 500-milli share should go to a node where it
    // does not break a whole idle device that whole-GPU tasks need… here every node's devices
    // are idle, so FGD must pick by the smallest fragmentation increase; check against the
    // definition computed by hand from FGDScorer.fragmentation for each node.
    let cluster = TinyCluster.make()
    let target = TargetWorkload(types: [
      .init(share: 0.7, deviceCount: 1, milliPerDevice: 1000, milliCPU: 1000, models: nil),
      .init(share: 0.3, deviceCount: 1, milliPerDevice: 500, milliCPU: 1000, models: nil),
    ])
    var p = Both(.single(.fgd), cluster: cluster, target: target)
    _ = p.place(TinyCluster.job("f", device: DeviceRequest(count: 1, milliPerDevice: 500, models: ["T4"])))
    // n2 now has one device at 500 free: another 500 share fills it exactly (fragmentation drops),
    // which beats breaking a fresh device anywhere.
    #expect(p.nodes(TinyCluster.job("p", device: DeviceRequest(count: 1, milliPerDevice: 500))) == ["n2"])
    #expect(p.engine.state.devices(of: 2) == [0, 1000])
  }
}

/// FGD and its target workload against the definitions in Docs/Policies.md
/// (Weng et al., ATC'23): f_n(m), "every device it fits on is tried", and M
/// built from grouped tuples covering a share of tasks, normalised.
@Suite struct FGDDefinitionTests {
  /// f_n(m) on a free-device list: idle milli when m cannot run at all,
  /// else the idle milli of the devices below g_m.
  @Test func fragmentationByDefinition() {
    let a100 = DeviceCatalog.builtin.id(named: "A100-80GB") ?? -1
    let t4 = DeviceCatalog.builtin.id(named: "T4") ?? -1
    func f(_ free: [Int32], cpu: Int64 = 8000, _ types: [TargetWorkload.TaskType]) -> Double {
      free.withUnsafeBufferPointer {
        FGDScorer.fragmentation(free: $0, milliCPU: cpu, model: a100, target: TargetWorkload(types: types))
      }
    }
    let free: [Int32] = [1000, 700, 400, 0]  // idle 2100
    func type(_ k: Int32, _ g: Int32, cpu: Int64 = 1000, models: Set<DeviceModelID>? = nil) -> TargetWorkload.TaskType {
      .init(share: 1, deviceCount: k, milliPerDevice: g, milliCPU: cpu, models: models)
    }
    #expect(f(free, [type(1, 500)]) == 400)                   // devices below 500: 400 (and 0)
    #expect(f(free, [type(2, 700)]) == 400)                   // two devices ≥ 700 fit
    #expect(f(free, [type(3, 400)]) == 0)                     // three devices ≥ 400
    #expect(f(free, [type(3, 700)]) == 2100)                  // only two ≥ 700: cannot run
    #expect(f(free, [type(0, 0)]) == 2100)                    // needs no device
    #expect(f(free, [type(1, 500, models: [t4])]) == 2100)    // model not allowed
    #expect(f(free, cpu: 500, [type(1, 500)]) == 2100)        // too little CPU
    // Σ_m p_m · f_n(m)
    let mixed = [TargetWorkload.TaskType(share: 0.25, deviceCount: 1, milliPerDevice: 500, milliCPU: 0, models: nil),
                 TargetWorkload.TaskType(share: 0.75, deviceCount: 0, milliPerDevice: 0, milliCPU: 0, models: nil)]
    #expect(f(free, mixed) == 0.25 * 400 + 0.75 * 2100)
  }

  /// A shared task tries every device it fits: here neither the least
  /// free fitting device (400) nor the most free (1000) but the 700 one
  /// lowers F most (F 550 → 400 against 450 and 900).
  @Test func sharedTaskTriesEveryDevice() throws {
    let cluster = TinyCluster.make()
    let target = TargetWorkload(types: [
      .init(share: 0.5, deviceCount: 1, milliPerDevice: 400, milliCPU: 0, models: nil),
      .init(share: 0.5, deviceCount: 1, milliPerDevice: 1000, milliCPU: 0, models: nil),
    ])
    var engine = PlacementEngine(cluster: cluster, profile: .single(.fgd), target: target)
    // n0's four A100s at 1000, 700, 400, 0 free.
    let held = TaskAssignment(node: 0, milliCPU: 0, memoryMiB: 0, dpuUnits: 0,
                              devices: [DeviceShare(index: 1, milli: 300), DeviceShare(index: 2, milli: 600),
                                        DeviceShare(index: 3, milli: 1000)], cores: [])
    try engine.commit(Allocation(jobID: "held", tasks: [held]))
    let job = TinyCluster.job("p", device: DeviceRequest(count: 1, milliPerDevice: 300, models: ["A100"]))
    guard case .success(let d) = engine.place(job) else { Issue.record("not placed"); return }
    #expect(d.allocation.tasks[0].devices == [DeviceShare(index: 1, milli: 300)])
    // s = sigmoid((F_before − F_after)/1000) = sigmoid(0.15)
    #expect(abs(d.scores[0] - 1 / (1 + _exp(-0.15))) < 1e-6, "\(d.scores)")
    engine._checkInvariants()
  }

  /// M: identical (cpu, milli, count, models) tuples grouped, the most
  /// frequent kept until they cover the share of tasks, shares normalised;
  /// a group of n tasks counts n times.
  @Test func targetWorkloadCoversAShareOfTasks() {
    let cat = DeviceCatalog.builtin
    func sample(_ milli: Int32, models: [String] = []) -> TargetWorkload.Sample {
      .init(milliCPU: 1000, deviceCount: 1, milliPerDevice: milli, models: models)
    }
    // 50 × a, 30 × b, 15 × c, 5 × d (d: b's amounts with a model list).
    let samples = Array(repeating: sample(500), count: 50) + Array(repeating: sample(250), count: 30)
      + Array(repeating: sample(1000), count: 15) + Array(repeating: sample(250, models: ["T4"]), count: 5)
    let m = TargetWorkload.build(from: samples, coverage: 0.95, catalog: cat)
    #expect(m.types.map(\.milliPerDevice) == [500, 250, 1000])
    let shares: [Double] = [50, 30, 15].map { $0 / 95 }
    #expect(m.types.map(\.share) == shares)
    let half = TargetWorkload.build(from: samples, coverage: 0.5, catalog: cat)
    #expect(half.types.map(\.share) == [1.0])
    let all = TargetWorkload.build(from: samples, coverage: 1, catalog: cat)
    #expect(all.types.count == 4 && all.types[3].models == [cat.id(named: "T4") ?? -1])
    #expect(Profile.single(.fgd).fgdCoverage == 0.95)
    // Tasks, not groups: one group of 3 tasks outweighs two single-task jobs.
    let jobs = [TinyCluster.job("a", count: 3, device: DeviceRequest(count: 1, milliPerDevice: 200)),
                TinyCluster.job("b", device: DeviceRequest(count: 1, milliPerDevice: 700)),
                TinyCluster.job("c", device: DeviceRequest(count: 1, milliPerDevice: 700))]
    let byTasks = TargetWorkload.build(from: TargetWorkload.samples(of: jobs), coverage: 0.5, catalog: cat)
    #expect(byTasks.types.map(\.milliPerDevice) == [200])
    // Weighted by task counts without a sample per task: the same workload.
    #expect(TargetWorkload.build(jobs: jobs, coverage: 0.5, catalog: cat) == byTasks)
    #expect(TargetWorkload.build(jobs: jobs, coverage: 1, catalog: cat)
            == TargetWorkload.build(from: TargetWorkload.samples(of: jobs), coverage: 1, catalog: cat))
    // The simulator builds M by tasks too: the 3-task group leads it with
    // 3/5 of the tasks (by groups the 700-milli type would, with 2/3).
    let simM = Simulator.fgdTarget(jobs, SimulationConfig(profile: .single(.fgd)), cat)
    #expect(simM.types.map(\.milliPerDevice) == [200, 700] && simM.types.map(\.share) == [0.6, 0.4])
  }
}
