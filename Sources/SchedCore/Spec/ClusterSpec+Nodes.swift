import Yams

extension ClusterBuilder {
  static let nodeKeys: Set<String> = ["site", "cpu", "memory_mib", "memory_gib", "accelerators", "dpu",
                                      "numa_nodes", "numa", "labels"]

  mutating func nodeGroup(_ node: Yams.Node, _ path: String) {
    guard let m = reader.mapping(node, path, allowed: Self.nodeKeys.union(["name", "count"]),
                                 required: ["name", "count", "site", "cpu"]) else { return }
    let name = m["name"].flatMap { reader.string($0, path + ".name") }
    let count = m["count"].flatMap { reader.int($0, path + ".count", 1...ClusterSpec.Limits.maxNodes) }
    guard let template = nodeTemplate(m, node, path), let name, let count else { return }
    guard Int64(nodes.count) + count <= ClusterSpec.Limits.maxNodes else {
      reader.fail(m["count"], path + ".count", "the cluster would exceed \(ClusterSpec.Limits.maxNodes) nodes")
      return
    }
    let width = String(count).count
    for i in 1...count {
      var n = template
      let digits = String(i)
      n.id = "\(name)-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
      if !nodeIDs.insert(n.id).inserted {
        reader.fail(m["name"], path + ".name", "generated node id '\(n.id)' is already used")
        return
      }
      nodes.append(n)
    }
  }

  mutating func singleNode(_ node: Yams.Node, _ path: String) {
    guard let m = reader.mapping(node, path, allowed: Self.nodeKeys.union(["id"]),
                                 required: ["id", "site", "cpu"]) else { return }
    guard let id = m["id"].flatMap({ reader.string($0, path + ".id") }),
          var n = nodeTemplate(m, node, path) else { return }
    guard Int64(nodes.count) < ClusterSpec.Limits.maxNodes else {
      reader.fail(node, path, "the cluster would exceed \(ClusterSpec.Limits.maxNodes) nodes")
      return
    }
    if !nodeIDs.insert(id).inserted {
      reader.fail(m["id"], path + ".id", "duplicate node id '\(id)'")
      return
    }
    n.id = id
    nodes.append(n)
  }

  /// The node described by the shared fields (site, cpu, memory, devices,
  /// NUMA, labels), with an empty id.
  mutating func nodeTemplate(_ m: [String: Yams.Node], _ node: Yams.Node, _ path: String) -> Node? {
    var ok = true
    var site: SiteID = 0
    if let s = m["site"], let name = reader.string(s, path + ".site") {
      if let id = siteIndex[name] { site = id } else {
        reader.fail(s, path + ".site", "unknown site '\(name)'")
        ok = false
      }
    } else { ok = false }

    // CPU
    var milliCPU: Int64 = 0, sockets: Int64 = 1
    var cpuModel: DeviceModelID?
    if let c = m["cpu"], let cm = reader.mapping(c, path + ".cpu", allowed: ["model", "sockets", "cores", "milli_cpu"]) {
      if let mn = cm["model"], let name = reader.string(mn, path + ".cpu.model") {
        if let id = catalog.id(named: name), catalog[id].kind == .cpu {
          cpuModel = id
        } else if catalog.id(named: name) != nil {
          reader.fail(mn, path + ".cpu.model", "'\(name)' is not a CPU model")
          ok = false
        } else {
          reader.fail(mn, path + ".cpu.model", "unknown CPU model '\(name)'")
          ok = false
        }
      }
      sockets = cm["sockets"].flatMap { reader.int($0, path + ".cpu.sockets", 1...64) } ?? 1
      switch (cm["cores"], cm["milli_cpu"]) {
      case (let cores?, nil):
        if let v = reader.int(cores, path + ".cpu.cores", 1...(ClusterSpec.Limits.maxMilliCPU / 1000)) {
          milliCPU = v * 1000
        } else { ok = false }
      case (nil, let milli?):
        if let v = reader.int(milli, path + ".cpu.milli_cpu", 1...ClusterSpec.Limits.maxMilliCPU) {
          milliCPU = v
        } else { ok = false }
      case (.some, .some):
        reader.fail(c, path + ".cpu", "give cores or milli_cpu, not both")
        ok = false
      case (nil, nil):
        reader.fail(c, path + ".cpu.cores", "missing required field (cores or milli_cpu)")
        ok = false
      }
    } else { ok = false }

    // Memory
    var memory: Int64 = 0
    switch (m["memory_mib"], m["memory_gib"]) {
    case (let mib?, nil):
      if let v = reader.int(mib, path + ".memory_mib", 1...ClusterSpec.Limits.maxMemoryMiB) { memory = v } else { ok = false }
    case (nil, let gib?):
      if let v = reader.int(gib, path + ".memory_gib", 1...(ClusterSpec.Limits.maxMemoryMiB / 1024)) {
        memory = v * 1024
      } else { ok = false }
    case (.some, .some):
      reader.fail(node, path + ".memory_mib", "give memory_mib or memory_gib, not both")
      ok = false
    case (nil, nil):
      reader.fail(node, path + ".memory_mib", "missing required field (memory_mib or memory_gib)")
      ok = false
    }

    // Accelerators
    var accel: DeviceGroup?
    if let a = m["accelerators"] {
      if let g = deviceGroup(a, path + ".accelerators", dpu: false) { accel = g } else { ok = false }
    }
    var dpu: DeviceGroup?
    if let d = m["dpu"] {
      if let g = deviceGroup(d, path + ".dpu", dpu: true) { dpu = g } else { ok = false }
    }

    // Labels
    var labels: [String: String] = [:]
    if let l = m["labels"] {
      if case .mapping(let lm) = l {
        for (k, v) in lm {
          guard let ks = k.scalar?.string, let vs = v.scalar?.string else {
            reader.fail(k, path + ".labels", "labels map names to text values")
            ok = false
            continue
          }
          labels[ks] = vs
        }
      } else {
        reader.fail(l, path + ".labels", "expected a mapping of label names to values")
        ok = false
      }
    }
    guard ok else { return nil }
    let cores = Int32(milliCPU / 1000)
    let devCount = accel?.count ?? 0
    var numa: NUMALayout?
    switch (m["numa_nodes"], m["numa"]) {
    case (let n?, nil):
      if let v = reader.int(n, path + ".numa_nodes", 1...Int64(max(cores, 1))) {
        numa = .uniform(cores: cores, devices: devCount, memoryMiB: memory, numaNodes: Int32(v))
      } else { return nil }
    case (nil, let layout?):
      guard let l = numaLayout(layout, path + ".numa", cores: cores, devices: devCount, memory: memory) else { return nil }
      numa = l
    case (.some, .some):
      reader.fail(node, path + ".numa", "give numa_nodes or numa, not both")
      return nil
    case (nil, nil):
      break
    }
    return Node(id: "", site: site, cpuModel: cpuModel, sockets: Int32(sockets), milliCPU: milliCPU,
                memoryMiB: memory, accelerator: accel, dpu: dpu, numa: numa, labels: labels)
  }

  mutating func deviceGroup(_ node: Yams.Node, _ path: String, dpu: Bool) -> DeviceGroup? {
    guard let m = reader.mapping(node, path, allowed: ["model", "count", "memory_mib"],
                                 required: ["model", "count"]) else { return nil }
    let maxCount = dpu ? ClusterSpec.Limits.maxDPUsPerNode : ClusterSpec.Limits.maxDevicesPerNode
    let count = m["count"].flatMap { reader.int($0, path + ".count", 1...maxCount) }
    guard let mn = m["model"], let name = reader.string(mn, path + ".model") else { return nil }
    guard let id = catalog.id(named: name) else {
      reader.fail(mn, path + ".model", "unknown device model '\(name)' (add it under catalog:)")
      return nil
    }
    let kind = catalog[id].kind
    if dpu && kind != .dpu {
      reader.fail(mn, path + ".model", "'\(name)' is a \(kind.displayName), not a DPU")
      return nil
    }
    if !dpu && !kind.isAccelerator {
      reader.fail(mn, path + ".model", "'\(name)' is a \(kind.displayName), not an accelerator (GPU, DCU or NPU)")
      return nil
    }
    let mem = m["memory_mib"].flatMap { reader.int($0, path + ".memory_mib", 1...ClusterSpec.Limits.maxDeviceMemoryMiB) }
      ?? catalog[id].memoryMiB ?? 0
    if m["memory_mib"] != nil && mem == 0 { return nil }
    guard let count else { return nil }
    return DeviceGroup(model: id, count: Int32(count), memoryMiB: mem)
  }

  mutating func numaLayout(_ node: Yams.Node, _ path: String, cores: Int32, devices: Int32,
                           memory: Int64) -> NUMALayout? {
    guard let items = reader.sequence(node, path) else { return nil }
    if items.isEmpty {
      reader.fail(node, path, "a NUMA layout needs at least one domain")
      return nil
    }
    var domains: [NUMADomain] = []
    var seenCores = Set<Int32>(), seenDevices = Set<Int32>()
    var ok = true
    for (i, it) in items.enumerated() {
      let p = "\(path)[\(i)]"
      guard let m = reader.mapping(it, p, allowed: ["cores", "devices", "memory_mib"], required: ["cores"]) else {
        ok = false
        continue
      }
      var cs: [Int32] = []
      if let c = m["cores"] {
        guard let list = indexList(c, p + ".cores", limit: cores) else { ok = false; continue }
        for x in list where !seenCores.insert(x).inserted {
          reader.fail(c, p + ".cores", "core \(x) is in two NUMA domains")
          ok = false
        }
        cs = list
      }
      var ds: [Int32] = []
      if let d = m["devices"] {
        guard let list = indexList(d, p + ".devices", limit: devices) else { ok = false; continue }
        for x in list where !seenDevices.insert(x).inserted {
          reader.fail(d, p + ".devices", "device \(x) is in two NUMA domains")
          ok = false
        }
        ds = list
      }
      let mem = m["memory_mib"].flatMap { reader.int($0, p + ".memory_mib", 0...ClusterSpec.Limits.maxMemoryMiB) }
        ?? memory / Int64(items.count)
      domains.append(NUMADomain(cores: cs, devices: ds, memoryMiB: mem))
    }
    return ok ? NUMALayout(domains: domains) : nil
  }

  /// A list of indices below `limit`: `[0, 1, 2]` or a range string `"0-31,64-95"`.
  mutating func indexList(_ node: Yams.Node, _ path: String, limit: Int32) -> [Int32]? {
    var out: [Int32] = []
    switch node {
    case .sequence(let s):
      for (i, it) in s.enumerated() {
        guard let v = reader.int(it, "\(path)[\(i)]", 0...Int64(max(limit - 1, 0))) else { return nil }
        if limit == 0 { reader.fail(it, path, "the node has none"); return nil }
        out.append(Int32(v))
      }
    case .scalar(let sc):
      for part in sc.string.split(separator: ",") {
        let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 1 || bounds.count == 2,
              let lo = Int32(bounds[0].trimmingWhitespace()),
              let hi = Int32(bounds[bounds.count - 1].trimmingWhitespace()), lo <= hi, lo >= 0 else {
          reader.fail(node, path, "expected a list like [0, 1] or a range like \"0-31\", found '\(sc.string)'")
          return nil
        }
        guard hi < limit else {
          reader.fail(node, path, "index \(hi) is out of range (the node has \(limit))")
          return nil
        }
        out.append(contentsOf: lo...hi)
      }
    default:
      reader.fail(node, path, "expected a list of indices")
      return nil
    }
    return out
  }
}
