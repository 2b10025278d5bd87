/// Importers for public node lists into a one-site cluster.
public enum NodeListImporter {
  /// The Alibaba GPU cluster trace 2023 ("openb") node list:
  /// `sn,cpu_milli,memory_mib,gpu,model` (header required). Node order is
  /// file order (the FGD experiment depends on it). Models resolve through
  /// the built-in catalog (names and aliases: G2, T4, G3, P100, V100M32,
  /// V100M16, A10); an unknown model gets a catalog entry of kind GPU with
  /// unknown figures. Rows with 0 GPUs are CPU-only nodes.
  public static func openb(path: String) throws(SpecErrors) -> Cluster {
    let text = try ClusterSpec.readText(path)
    return try openb(text: text, file: path)
  }

  /// As `openb(path:)`, from the file's text (`file` names it in errors).
  public static func openb(text: String, file: String) throws(SpecErrors) -> Cluster {
    let lines = CSVLines.parse(text)
    guard let header = lines.first else { throw .single(file, "the file is empty") }
    let expected = ["sn", "cpu_milli", "memory_mib", "gpu", "model"]
    guard header.fields.map({ $0.trimmingWhitespace() }) == expected else {
      throw .single(file, "expected header '\(expected.joined(separator: ","))', found '\(header.fields.joined(separator: ","))'",
                    line: header.number)
    }
    var catalog = DeviceCatalog.builtin
    var nodes: [Node] = []
    var errors: [SpecError] = []
    var ids: Set<String> = []
    func err(_ l: CSVLines.Line, _ field: String, _ msg: String) {
      errors.append(SpecError(file: file, line: l.number, column: 0, path: field, message: msg))
    }
    for l in lines.dropFirst() {
      guard l.fields.count == 5 else {
        err(l, "", "expected 5 fields (sn,cpu_milli,memory_mib,gpu,model), found \(l.fields.count)")
        continue
      }
      let f = l.fields.map { $0.trimmingWhitespace() }
      guard !f[0].isEmpty else { err(l, "sn", "empty node name"); continue }
      guard ids.insert(f[0]).inserted else { err(l, "sn", "duplicate node '\(f[0])'"); continue }
      guard let cpu = Int64(f[1]), cpu > 0, cpu <= ClusterSpec.Limits.maxMilliCPU else {
        err(l, "cpu_milli", "expected a positive integer up to \(ClusterSpec.Limits.maxMilliCPU), found '\(f[1])'")
        continue
      }
      guard let mem = Int64(f[2]), mem > 0, mem <= ClusterSpec.Limits.maxMemoryMiB else {
        err(l, "memory_mib", "expected a positive integer, found '\(f[2])'")
        continue
      }
      guard let gpus = Int32(f[3]), gpus >= 0, Int64(gpus) <= ClusterSpec.Limits.maxDevicesPerNode else {
        err(l, "gpu", "expected 0 to \(ClusterSpec.Limits.maxDevicesPerNode), found '\(f[3])'")
        continue
      }
      var accel: DeviceGroup?
      if gpus > 0 {
        guard !f[4].isEmpty else { err(l, "model", "a node with GPUs needs a model"); continue }
        guard let g = acceleratorGroup(f[4], count: gpus, catalog: &catalog) else {
          err(l, "model", "'\(f[4])' is not an accelerator"); continue
        }
        accel = g
      }
      nodes.append(Node(id: f[0], site: 0, milliCPU: cpu, memoryMiB: mem, accelerator: accel))
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    guard !nodes.isEmpty else { throw .single(file, "no nodes after the header") }
    return oneSite(name: "openb", siteID: "openb", nodes: nodes, catalog: catalog)
  }

  /// The Alibaba PAI 2020 machine list (`machine,gpu_type,cap_cpu,cap_mem,cap_gpu`,
  /// no header; cap_cpu in cores, cap_mem in GiB). `gpu_type` CPU means no
  /// GPU; PAI's "V100" is the 16 GB card, "V100M32" the 32 GB one; other
  /// unknown types (e.g. MISC) get a catalog entry of kind GPU with unknown figures.
  public static func pai(path: String) throws(SpecErrors) -> Cluster {
    let text = try ClusterSpec.readText(path)
    return try pai(text: text, file: path)
  }

  /// As `pai(path:)`, from the file's text (`file` names it in errors).
  public static func pai(text: String, file: String) throws(SpecErrors) -> Cluster {
    var catalog = DeviceCatalog.builtin
    var nodes: [Node] = []
    var errors: [SpecError] = []
    var ids: Set<String> = []
    func err(_ l: CSVLines.Line, _ field: String, _ msg: String) {
      errors.append(SpecError(file: file, line: l.number, column: 0, path: field, message: msg))
    }
    for l in CSVLines.parse(text) {
      let f = l.fields.map { $0.trimmingWhitespace() }
      if l.number == 1 && f.first == "machine" { continue }  // tolerate a header line
      guard f.count == 5 else {
        err(l, "", "expected 5 fields (machine,gpu_type,cap_cpu,cap_mem,cap_gpu), found \(f.count)")
        continue
      }
      guard !f[0].isEmpty else { err(l, "machine", "empty machine name"); continue }
      guard ids.insert(f[0]).inserted else { err(l, "machine", "duplicate machine '\(f[0])'"); continue }
      guard let cores = Int64(f[2]), cores > 0, cores <= ClusterSpec.Limits.maxMilliCPU / 1000 else {
        err(l, "cap_cpu", "expected a positive whole number of cores, found '\(f[2])'")
        continue
      }
      guard let gib = Int64(f[3]), gib > 0, gib <= ClusterSpec.Limits.maxMemoryMiB / 1024 else {
        err(l, "cap_mem", "expected a positive whole number of GiB, found '\(f[3])'")
        continue
      }
      guard let gpus = Int32(f[4]), gpus >= 0, Int64(gpus) <= ClusterSpec.Limits.maxDevicesPerNode else {
        err(l, "cap_gpu", "expected 0 to \(ClusterSpec.Limits.maxDevicesPerNode), found '\(f[4])'")
        continue
      }
      var accel: DeviceGroup?
      if gpus > 0 {
        guard !f[1].isEmpty, f[1] != "CPU" else { err(l, "gpu_type", "\(gpus) GPUs but type '\(f[1])'"); continue }
        guard let g = acceleratorGroup(f[1] == "V100" ? "V100-16GB" : f[1], count: gpus, catalog: &catalog) else {
          err(l, "gpu_type", "'\(f[1])' is not an accelerator"); continue
        }
        accel = g
      }
      nodes.append(Node(id: f[0], site: 0, milliCPU: cores * 1000, memoryMiB: gib * 1024, accelerator: accel))
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    guard !nodes.isEmpty else { throw .single(file, "no machines in the file") }
    return oneSite(name: "pai-2020", siteID: "pai", nodes: nodes, catalog: catalog)
  }

  /// `count` devices of the model `name`, adding an unknown-figures GPU entry
  /// to `catalog` for a name it lacks; `nil` when the name is not an accelerator.
  static func acceleratorGroup(_ name: String, count: Int32, catalog: inout DeviceCatalog) -> DeviceGroup? {
    let id = catalog.id(named: name) ?? catalog.upsert(DeviceModel(name: name, vendor: "unknown", kind: .gpu,
                                                                   domestic: false))
    guard catalog[id].kind.isAccelerator else { return nil }
    return DeviceGroup(model: id, count: count, memoryMiB: catalog[id].memoryMiB ?? 0)
  }

  static func oneSite(name: String, siteID: String, nodes: [Node], catalog: DeviceCatalog) -> Cluster {
    let site = Site(id: siteID, name: name, city: "", district: "", tier: .centre, pue: 1.3, greenShare: 0,
                    prices: PriceList())
    let net = LatencyNetwork(locations: [Location(id: siteID, kind: .site, site: 0)], links: [], rings: [])
    return Cluster(name: name, catalog: catalog, sites: [site], network: net, nodes: nodes)
  }
}

/// Where a cluster comes from, as the CLI's `--cluster` takes it:
/// `reference` (the embedded Jing-Jin-Ji cluster), `openb:PATH`, `pai:PATH`,
/// or a cluster YAML file.
public enum ClusterSource {
  /// The cluster `argument` names; throws `SpecErrors` when it cannot be read or parsed.
  public static func load(_ argument: String) throws(SpecErrors) -> Cluster {
    if argument == "reference" { return try Cluster.reference() }
    if argument.hasPrefix("openb:") { return try NodeListImporter.openb(path: String(argument.dropFirst(6))) }
    if argument.hasPrefix("pai:") { return try NodeListImporter.pai(path: String(argument.dropFirst(4))) }
    return try ClusterSpec.load(path: argument)
  }
}
