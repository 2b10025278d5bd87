/// A cluster summarised by site and device kind: node and device counts,
/// peak PFLOPS (FP16 and FP64) and the domestic share of accelerator compute.
public struct ClusterSummary: Sendable, Codable {
  /// One device kind's totals, at one site or over the cluster.
  public struct KindLine: Sendable, Codable {
    /// The kind; a `cpu` line counts sockets, and its domestic share is by cores.
    public var kind: DeviceKind
    /// Devices of the kind; for CPUs, sockets.
    public var devices: Int
    /// Peak dense FP16 PFLOPS (0 for models without a published figure).
    public var pflopsFP16: Double
    /// Peak FP64 PFLOPS (CPUs: the model's per-core figure × cores).
    public var pflopsFP64: Double
    /// Share of this line's FP16 peak on domestic devices (CPUs: by core count).
    public var domesticShare: Double
  }

  /// One site's facts and per-kind totals.
  public struct SiteLine: Sendable, Codable {
    /// Site id.
    public var id: String
    /// Display name.
    public var name: String
    /// City ("" when not given).
    public var city: String
    /// Centre, park or edge.
    public var tier: SiteTier
    /// Power usage effectiveness (≥ 1).
    public var pue: Double
    /// Share of green power, 0...1.
    public var greenShare: Double
    /// Names of the latency rings the site is a member of (empty when it has no location).
    public var rings: [String]
    /// Nodes at the site.
    public var nodes: Int
    /// Per device kind present at the site, in `DeviceKind` order.
    public var kinds: [KindLine]
  }

  /// The cluster's name.
  public var name: String
  /// Nodes in the cluster.
  public var nodes: Int
  /// Per site, in cluster order.
  public var sites: [SiteLine]
  /// Per device kind over the whole cluster, in `DeviceKind` order.
  public var totals: [KindLine]
  /// Domestic share of accelerator FP16 peak compute over the whole cluster.
  public var domesticAcceleratorShare: Double

  /// Summarises `cluster`.
  ///
  /// - Complexity: O(nodes)
  public init(_ cluster: Cluster) {
    struct Acc { var devices = 0; var fp16 = 0.0; var fp64 = 0.0; var domFP16 = 0.0; var domCores = 0; var cores = 0 }
    var perSite = Array(repeating: [DeviceKind: Acc](), count: cluster.sites.count)
    var nodeCount = Array(repeating: 0, count: cluster.sites.count)
    for n in cluster.nodes {
      let s = Int(n.site)
      nodeCount[s] += 1
      var cpu = perSite[s][.cpu, default: Acc()]
      let cores = Int(n.cores)
      cpu.devices += Int(n.sockets)
      cpu.cores += cores
      if let m = n.cpuModel.map({ cluster.catalog[$0] }) {
        let perCore = (m.fp64TFLOPS ?? 0) / Double(max(m.coresPerSocket ?? 1, 1))
        cpu.fp64 += perCore * Double(cores)
        if m.domestic { cpu.domCores += cores }
      }
      perSite[s][.cpu] = cpu
      for g in [n.accelerator, n.dpu].compactMap({ $0 }) {
        let m = cluster.catalog[g.model]
        var a = perSite[s][m.kind, default: Acc()]
        a.devices += Int(g.count)
        let f16 = (m.fp16TFLOPS ?? 0) * Double(g.count)
        a.fp16 += f16
        a.fp64 += (m.fp64TFLOPS ?? 0) * Double(g.count)
        if m.domestic { a.domFP16 += f16; a.domCores += Int(g.count) }
        a.cores += Int(g.count)
        perSite[s][m.kind] = a
      }
    }
    func line(_ k: DeviceKind, _ a: Acc) -> KindLine {
      let share: Double
      if k == .cpu || a.fp16 == 0 { share = a.cores > 0 ? Double(a.domCores) / Double(a.cores) : 0 }
      else { share = a.domFP16 / a.fp16 }
      return KindLine(kind: k, devices: a.devices, pflopsFP16: a.fp16 / 1000, pflopsFP64: a.fp64 / 1000,
                      domesticShare: share)
    }
    var totals: [DeviceKind: Acc] = [:]
    var siteLines: [SiteLine] = []
    for (i, s) in cluster.sites.enumerated() {
      let loc = cluster.siteLocation[i]
      let rings = loc >= 0 ? cluster.network.rings(containing: loc).map(\.name) : []
      var kinds: [KindLine] = []
      for k in DeviceKind.allCases {
        guard let a = perSite[i][k] else { continue }
        kinds.append(line(k, a))
        var t = totals[k, default: Acc()]
        t.devices += a.devices; t.fp16 += a.fp16; t.fp64 += a.fp64; t.domFP16 += a.domFP16
        t.domCores += a.domCores; t.cores += a.cores
        totals[k] = t
      }
      siteLines.append(SiteLine(id: s.id, name: s.name, city: s.city, tier: s.tier, pue: s.pue,
                                greenShare: s.greenShare, rings: rings, nodes: nodeCount[i], kinds: kinds))
    }
    name = cluster.name
    nodes = cluster.nodes.count
    sites = siteLines
    self.totals = DeviceKind.allCases.compactMap { k in totals[k].map { line(k, $0) } }
    let acc = totals.filter { $0.key.isAccelerator }.values
    let all = acc.reduce(0) { $0 + $1.fp16 }, dom = acc.reduce(0) { $0 + $1.domFP16 }
    domesticAcceleratorShare = all > 0 ? dom / all : 0
  }

  /// A plain-text table.
  public func table() -> String {
    func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
    func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
    func f(_ x: Double, _ d: Int) -> String {
      if d == 0 { return x.isFinite ? "\(Int(x.rounded()))" : "-" }
      var p = 1.0
      for _ in 0..<d { p *= 10 }
      let r = (x * p).rounded() / p
      var s = "\(r)"
      if let dot = s.firstIndex(of: ".") {
        let decimals = s.distance(from: dot, to: s.endIndex) - 1
        if decimals < d { s += String(repeating: "0", count: d - decimals) }
      } else if d > 0 { s += "." + String(repeating: "0", count: d) }
      return s
    }
    var out = ["cluster \(name): \(nodes) nodes, \(sites.count) sites, domestic share of accelerator FP16 compute \(f(domesticAcceleratorShare * 100, 1))%", ""]
    out.append(pad("site", 20) + pad("tier", 7) + lpad("PUE", 5) + lpad("green", 7) + lpad("nodes", 7) + "  "
               + pad("kind", 5) + lpad("devices", 8) + lpad("PF FP16", 10) + lpad("PF FP64", 9) + lpad("domestic", 10) + "  rings")
    for s in sites {
      for (i, k) in s.kinds.enumerated() {
        let head = i == 0
          ? pad(s.id, 20) + pad(s.tier.rawValue, 7) + lpad(f(s.pue, 2), 5) + lpad(f(s.greenShare * 100, 0) + "%", 7) + lpad("\(s.nodes)", 7)
          : String(repeating: " ", count: 46)
        out.append(head + "  " + pad(k.kind.displayName, 5) + lpad("\(k.devices)", 8) + lpad(f(k.pflopsFP16, 2), 10)
                   + lpad(f(k.pflopsFP64, 2), 9) + lpad(f(k.domesticShare * 100, 0) + "%", 10)
                   + (i == 0 ? "  " + s.rings.joined(separator: ",") : ""))
      }
    }
    out.append("")
    for k in totals {
      out.append(pad("total", 46) + "  " + pad(k.kind.displayName, 5) + lpad("\(k.devices)", 8) + lpad(f(k.pflopsFP16, 2), 10)
                 + lpad(f(k.pflopsFP64, 2), 9) + lpad(f(k.domesticShare * 100, 0) + "%", 10))
    }
    return out.joined(separator: "\n")
  }
}
