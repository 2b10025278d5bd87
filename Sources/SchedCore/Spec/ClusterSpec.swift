import Foundation
import Yams

/// The cluster YAML format (Docs/Formats.md): catalog extensions, sites,
/// access points, links, latency rings, node groups and single nodes.
///
/// Parsing checks everything it can in one pass and throws all problems at
/// once, each naming file, line, column and field path; it never traps.
public enum ClusterSpec {
  /// Limits that keep every later computation free of overflow.
  public enum Limits {
    /// Most nodes in a cluster.
    public static let maxNodes: Int64 = 2_000_000
    /// Most milli-CPU per node (one million cores).
    public static let maxMilliCPU: Int64 = 1_000_000_000
    /// Most host memory per node, MiB (2⁴⁰ MiB).
    public static let maxMemoryMiB: Int64 = 1 << 40
    /// Most memory per device, MiB (2³⁰ MiB); also bounds a request's `min_memory_mib`.
    public static let maxDeviceMemoryMiB: Int64 = 1 << 30
    /// Most accelerators per node (`NodeStateKey.maxDevices`).
    public static let maxDevicesPerNode: Int64 = Int64(NodeStateKey.maxDevices)
    /// Most DPUs per node (and per task).
    public static let maxDPUsPerNode: Int64 = 64
    /// Largest link latency, µs (1000 s).
    public static let maxLatencyMicros: Int64 = 1_000_000_000
  }

  /// Reads and parses the cluster file at `path`.
  public static func load(path: String) throws(SpecErrors) -> Cluster {
    let text = try readText(path)
    return try parse(yaml: text, file: path)
  }

  /// Reads a whole text file, or throws a `SpecErrors` naming it.
  static func readText(_ path: String) throws(SpecErrors) -> String {
    guard FileManager.default.fileExists(atPath: path) else {
      throw .single(path, "no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .single(path, "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .single(path, "the file is not UTF-8 text")
    }
    return text
  }

  /// Parses cluster YAML text; `file` names it in errors.
  public static func parse(yaml: String, file: String) throws(SpecErrors) -> Cluster {
    var r = YAMLReader(file: file)
    guard let root = r.compose(yaml) else { throw SpecErrors(r.errors) }
    var b = ClusterBuilder(reader: r)
    let cluster = b.build(root)
    if !b.reader.errors.isEmpty || cluster == nil {
      throw SpecErrors(b.reader.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }
    guard let cluster else { throw .single(file, "no cluster") }
    return cluster
  }
}

/// Builds a `Cluster` from a composed YAML tree.
struct ClusterBuilder {
  var reader: YAMLReader
  var catalog = DeviceCatalog.builtin
  var sites: [Site] = []
  var siteIndex: [String: SiteID] = [:]
  var locations: [Location] = []
  var locationIndex: [String: Int] = [:]
  var nodes: [Node] = []
  var nodeIDs: Set<String> = []
  var locationNodes: [Yams.Node] = []

  init(reader: YAMLReader) { self.reader = reader }

  static let rootKeys: Set<String> = ["name", "catalog", "sites", "locations", "links", "rings",
                                      "node_groups", "nodes"]

  mutating func build(_ root: Yams.Node) -> Cluster? {
    guard let top = reader.mapping(root, "", allowed: Self.rootKeys, required: ["sites"]) else { return nil }
    let name = top["name"].flatMap { reader.string($0, "name") } ?? "cluster"
    if let c = top["catalog"], let items = reader.sequence(c, "catalog") {
      for (i, item) in items.enumerated() { catalogEntry(item, "catalog[\(i)]") }
    }
    if let s = top["sites"], let items = reader.sequence(s, "sites") {
      if items.isEmpty { reader.fail(s, "sites", "at least one site is required") }
      for (i, item) in items.enumerated() { site(item, "sites[\(i)]") }
    }
    if let l = top["locations"], let items = reader.sequence(l, "locations") {
      for (i, item) in items.enumerated() { accessPoint(item, "locations[\(i)]") }
    }
    var links: [Link] = []
    if let l = top["links"], let items = reader.sequence(l, "links") {
      for (i, item) in items.enumerated() {
        if let link = link(item, "links[\(i)]") { links.append(link) }
      }
    }
    var rings: [LatencyRing] = []
    var ringNodes: [Yams.Node] = []
    if let rg = top["rings"], let items = reader.sequence(rg, "rings") {
      for (i, item) in items.enumerated() {
        if let ring = ring(item, "rings[\(i)]", existing: rings) {
          rings.append(ring)
          ringNodes.append(item)
        }
      }
    }
    if let g = top["node_groups"], let items = reader.sequence(g, "node_groups") {
      for (i, item) in items.enumerated() { nodeGroup(item, "node_groups[\(i)]") }
    }
    if let n = top["nodes"], let items = reader.sequence(n, "nodes") {
      for (i, item) in items.enumerated() { singleNode(item, "nodes[\(i)]") }
    }
    if top["node_groups"] == nil && top["nodes"] == nil {
      reader.fail(root, "node_groups", "the cluster has no nodes (give node_groups or nodes)")
    }
    let network = LatencyNetwork(locations: locations, links: links, rings: rings)
    for v in network.ringViolations() {
      let at = rings.firstIndex { $0.name == v.ring } ?? 0
      reader.fail(at < ringNodes.count ? ringNodes[at] : nil, "rings[\(at)]", v.description)
    }
    // Every access point must reach some site.
    for (i, loc) in locations.enumerated() where loc.kind == .accessPoint {
      let reaches = (0..<locations.count).contains { j in
        locations[j].kind == .site && network.latency(i, j) != nil
      }
      if !reaches {
        let at = locationNodes.indices.contains(i - sites.count) ? locationNodes[i - sites.count] : nil
        reader.fail(at, "locations[\(i - sites.count)]", "access point \(loc.id) is unreachable: no link path to any site")
      }
    }
    guard reader.errors.isEmpty else { return nil }
    // An exact-size copy: the array grew by doubling while parsing, and the
    // cluster lives as long as the program.
    var exact: [Node] = []
    exact.reserveCapacity(nodes.count)
    exact.append(contentsOf: nodes)
    return Cluster(name: name, catalog: catalog, sites: sites, network: network, nodes: exact)
  }

  // MARK: Catalog

  static let catalogKeys: Set<String> = ["name", "aliases", "vendor", "kind", "domestic", "memory_mib",
                                         "fp64_tflops", "fp32_tflops", "fp16_tflops", "int8_tops",
                                         "tdp_watts", "cores_per_socket", "classes"]

  mutating func catalogEntry(_ node: Yams.Node, _ path: String) {
    guard let m = reader.mapping(node, path, allowed: Self.catalogKeys, required: ["name", "kind"]) else { return }
    guard let name = m["name"].flatMap({ reader.string($0, path + ".name") }),
          let kind = m["kind"].flatMap({ reader.choice($0, path + ".kind", DeviceKind.self) }) else { return }
    let flops = 0.0...1_000_000.0
    let classes: Set<ComputeClass>? = m["classes"].flatMap { n in
      guard let items = reader.sequence(n, path + ".classes") else { return nil }
      var out: Set<ComputeClass> = []
      for (i, it) in items.enumerated() {
        if let c = reader.choice(it, "\(path).classes[\(i)]", ComputeClass.self) { out.insert(c) }
      }
      return out
    }
    let model = DeviceModel(
      name: name,
      aliases: m["aliases"].flatMap { reader.strings($0, path + ".aliases") } ?? [],
      vendor: m["vendor"].flatMap { reader.string($0, path + ".vendor") } ?? "unknown",
      kind: kind,
      domestic: m["domestic"].flatMap { reader.bool($0, path + ".domestic") } ?? false,
      memoryMiB: m["memory_mib"].flatMap { reader.int($0, path + ".memory_mib", 1...ClusterSpec.Limits.maxDeviceMemoryMiB) },
      fp64TFLOPS: m["fp64_tflops"].flatMap { reader.double($0, path + ".fp64_tflops", flops) },
      fp32TFLOPS: m["fp32_tflops"].flatMap { reader.double($0, path + ".fp32_tflops", flops) },
      fp16TFLOPS: m["fp16_tflops"].flatMap { reader.double($0, path + ".fp16_tflops", flops) },
      int8TOPS: m["int8_tops"].flatMap { reader.double($0, path + ".int8_tops", flops) },
      tdpWatts: m["tdp_watts"].flatMap { reader.int($0, path + ".tdp_watts", 1...100_000) },
      coresPerSocket: m["cores_per_socket"].flatMap { reader.int($0, path + ".cores_per_socket", 1...100_000) },
      classes: classes)
    catalog.upsert(model)
  }

  // MARK: Sites and network

  static let siteKeys: Set<String> = ["id", "name", "city", "district", "tier", "pue", "green_share", "prices"]
  static let priceKeys: Set<String> = ["cpu_core_hour", "memory_gib_hour", "device_hour", "model_hour"]

  mutating func site(_ node: Yams.Node, _ path: String) {
    guard let m = reader.mapping(node, path, allowed: Self.siteKeys, required: ["id", "tier", "pue"]) else { return }
    guard let id = m["id"].flatMap({ reader.string($0, path + ".id") }) else { return }
    if siteIndex[id] != nil {
      reader.fail(m["id"], path + ".id", "duplicate site id '\(id)'")
      return
    }
    let tier = m["tier"].flatMap { reader.choice($0, path + ".tier", SiteTier.self) }
    let pue = m["pue"].flatMap { reader.double($0, path + ".pue", 1.0...3.0) }
    let green = m["green_share"].flatMap { reader.double($0, path + ".green_share", 0.0...1.0) } ?? 0
    var prices = PriceList()
    if let p = m["prices"], let pm = reader.mapping(p, path + ".prices", allowed: Self.priceKeys) {
      let pp = path + ".prices"
      prices.cpuCoreHour = pm["cpu_core_hour"].flatMap { reader.money($0, pp + ".cpu_core_hour") } ?? .zero
      prices.memoryGiBHour = pm["memory_gib_hour"].flatMap { reader.money($0, pp + ".memory_gib_hour") } ?? .zero
      if let d = pm["device_hour"],
         let dm = reader.mapping(d, pp + ".device_hour", allowed: Set(DeviceKind.allCases.map(\.rawValue))) {
        for (k, v) in dm {
          if let kind = DeviceKind(rawValue: k), let money = reader.money(v, "\(pp).device_hour.\(k)") {
            prices.deviceHour[kind] = money
          }
        }
      }
      if let d = pm["model_hour"], case .mapping(let mm) = d {
        for (k, v) in mm {
          let key = k.scalar?.string ?? ""
          guard let model = catalog.model(named: key) else {
            reader.fail(k, "\(pp).model_hour.\(key)", "unknown device model '\(key)'")
            continue
          }
          if let money = reader.money(v, "\(pp).model_hour.\(key)") { prices.modelHour[model.name] = money }
        }
      } else if let d = pm["model_hour"] {
        reader.fail(d, pp + ".model_hour", "expected a mapping of model name to price")
      }
    }
    guard let tier, let pue else { return }
    siteIndex[id] = SiteID(sites.count)
    let city = m["city"].flatMap { reader.string($0, path + ".city", allowEmpty: true) } ?? ""
    sites.append(Site(id: id, name: m["name"].flatMap { reader.string($0, path + ".name") } ?? id,
                      city: city,
                      district: m["district"].flatMap { reader.string($0, path + ".district", allowEmpty: true) } ?? "",
                      tier: tier, pue: pue, greenShare: green, prices: prices))
    locationIndex[id] = locations.count
    locations.append(Location(id: id, kind: .site, site: SiteID(sites.count - 1), city: city))
  }

  mutating func accessPoint(_ node: Yams.Node, _ path: String) {
    guard let m = reader.mapping(node, path, allowed: ["id", "kind", "city"], required: ["id"]) else { return }
    guard let id = m["id"].flatMap({ reader.string($0, path + ".id") }) else { return }
    if let k = m["kind"], let kind = reader.string(k, path + ".kind"), kind != "access" {
      reader.fail(k, path + ".kind", "only access points are listed here (kind: access); sites are locations already")
      return
    }
    if locationIndex[id] != nil {
      reader.fail(m["id"], path + ".id", "duplicate location id '\(id)' (sites are locations too)")
      return
    }
    locationIndex[id] = locations.count
    locations.append(Location(id: id, kind: .accessPoint,
                              city: m["city"].flatMap { reader.string($0, path + ".city", allowEmpty: true) } ?? ""))
    locationNodes.append(node)
  }

  mutating func link(_ node: Yams.Node, _ path: String) -> Link? {
    guard let m = reader.mapping(node, path, allowed: ["a", "b", "latency_us"], required: ["a", "b", "latency_us"]) else {
      return nil
    }
    let a = m["a"].flatMap { location($0, path + ".a") }
    let b = m["b"].flatMap { location($0, path + ".b") }
    let l = m["latency_us"].flatMap { reader.int($0, path + ".latency_us", 0...ClusterSpec.Limits.maxLatencyMicros) }
    guard let a, let b, let l else { return nil }
    if a == b {
      reader.fail(node, path, "a link must join two different locations")
      return nil
    }
    return Link(a: a, b: b, latencyMicros: l)
  }

  mutating func location(_ node: Yams.Node, _ path: String) -> Int? {
    guard let name = reader.string(node, path) else { return nil }
    guard let i = locationIndex[name] else {
      reader.fail(node, path, "unknown location '\(name)'")
      return nil
    }
    return i
  }

  mutating func ring(_ node: Yams.Node, _ path: String, existing: [LatencyRing]) -> LatencyRing? {
    guard let m = reader.mapping(node, path, allowed: ["name", "bound_us", "members"],
                                 required: ["name", "bound_us", "members"]) else { return nil }
    let name = m["name"].flatMap { reader.string($0, path + ".name") }
    let bound = m["bound_us"].flatMap { reader.int($0, path + ".bound_us", 1...ClusterSpec.Limits.maxLatencyMicros) }
    var members: [Int] = []
    if let mm = m["members"], let items = reader.sequence(mm, path + ".members") {
      if items.isEmpty { reader.fail(mm, path + ".members", "a ring needs at least one member") }
      for (i, it) in items.enumerated() {
        if let l = location(it, "\(path).members[\(i)]") {
          if members.contains(l) { reader.fail(it, "\(path).members[\(i)]", "listed twice") } else { members.append(l) }
        }
      }
    }
    guard let name, let bound else { return nil }
    if existing.contains(where: { $0.name == name }) {
      reader.fail(m["name"], path + ".name", "duplicate ring name '\(name)'")
      return nil
    }
    return LatencyRing(name: name, boundMicros: bound, members: members)
  }
}
