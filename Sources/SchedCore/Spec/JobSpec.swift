import Yams

/// The job YAML format (Docs/Formats.md): one job with its task groups,
/// latency rule, price ceiling and anti-affinity.
public enum JobSpec {
  /// Reads and parses the job file at `path`; throws `SpecErrors` if it cannot be read or parsed.
  public static func load(path: String) throws(SpecErrors) -> Job {
    try parse(yaml: ClusterSpec.readText(path), file: path)
  }

  /// As `load(path:)`, also checking the names the job gives against
  /// `cluster`: a latency origin or ring its network does not have, or a
  /// device model its catalog does not know, is an error at its line and
  /// field. (Read without a cluster, such names reach placement, which
  /// rejects the job with that reason, or never matches the model.)
  public static func load(path: String, cluster: Cluster) throws(SpecErrors) -> Job {
    try parse(yaml: ClusterSpec.readText(path), file: path, cluster: cluster)
  }

  static let keys: Set<String> = ["id", "tenant", "priority", "submit_s", "estimate_s", "actual_s", "latency",
                                  "price_ceiling", "anti_affinity", "anti_affinity_scope", "groups"]
  static let groupKeys: Set<String> = ["name", "count", "cpu_milli", "memory_mib", "devices", "tflops", "dpu", "gang",
                                       "same_site", "spread_sites"]
  static let deviceKeys: Set<String> = ["count", "milli", "kinds", "models", "domestic_only", "min_memory_mib", "class"]

  /// Parses one job; with `cluster`, names are checked as in `load(path:cluster:)`.
  public static func parse(yaml: String, file: String, cluster: Cluster? = nil) throws(SpecErrors) -> Job {
    var r = YAMLReader(file: file)
    guard let root = r.compose(yaml) else { throw SpecErrors(r.errors) }
    guard let m = r.mapping(root, "", allowed: keys, required: ["id", "groups"]) else { throw SpecErrors(r.errors) }
    let id = m["id"].flatMap { r.string($0, "id") } ?? ""
    var job = Job(id: id, groups: [])
    if let t = m["tenant"], let s = r.string(t, "tenant") { job.tenant = s }
    if let p = m["priority"], let v = r.choice(p, "priority", PriorityClass.self) { job.priority = v }
    let seconds: (String) -> Int64? = { key in
      guard let n = m[key], let v = r.double(n, key, 0...1e9) else { return nil }
      return Int64((v * 1e6).rounded())
    }
    if let v = seconds("submit_s") { job.submitMicros = v }
    if let v = seconds("estimate_s") { job.estimatedMicros = v; job.actualMicros = v }
    if let v = seconds("actual_s") { job.actualMicros = v }
    if let l = m["latency"], let lm = r.mapping(l, "latency", allowed: ["origin", "max_us", "ring"]) {
      if let ring = lm["ring"] {
        if lm["origin"] != nil || lm["max_us"] != nil {
          r.fail(l, "latency", "give origin and max_us, or ring, not both")
        } else if let s = r.string(ring, "latency.ring") {
          if let cluster, cluster.network.ring(named: s) == nil {
            r.fail(ring, "latency.ring", "unknown ring '\(s)' (the cluster has: \(cluster.network.rings.map(\.name).joined(separator: ", ")))")
          }
          job.latency = .ring(s)
        }
      } else if let o = lm["origin"], let origin = r.string(o, "latency.origin") {
        if let cluster, cluster.network.index(of: origin) == nil {
          r.fail(o, "latency.origin", "unknown location '\(origin)' (not in the cluster's latency network)")
        }
        if let mx = lm["max_us"], let v = r.int(mx, "latency.max_us", 0...ClusterSpec.Limits.maxLatencyMicros) {
          job.latency = .bound(origin: origin, maxMicros: v)
        } else if lm["max_us"] == nil {
          r.fail(l, "latency.max_us", "missing required field")
        }
      } else {
        r.fail(l, "latency", "give origin and max_us, or ring")
      }
    }
    if let p = m["price_ceiling"], let v = r.money(p, "price_ceiling") { job.priceCeiling = v }
    if let a = m["anti_affinity"], let v = r.strings(a, "anti_affinity") { job.antiAffinity = v }
    if let a = m["anti_affinity_scope"], let v = r.choice(a, "anti_affinity_scope", AntiAffinityScopeChoice.self) {
      job.antiAffinityScope = v == .site ? .site : .node
    }
    if let g = m["groups"], let items = r.sequence(g, "groups") {
      if items.isEmpty { r.fail(g, "groups", "a job needs at least one group") }
      for (i, item) in items.enumerated() {
        if let group = group(item, "groups[\(i)]", catalog: cluster?.catalog, &r) { job.groups.append(group) }
      }
    }
    guard r.errors.isEmpty else { throw SpecErrors(r.errors) }
    return job
  }

  /// One task group; with `catalog`, every model name must be one it knows.
  static func group(_ node: Yams.Node, _ path: String, catalog: DeviceCatalog? = nil,
                    _ r: inout YAMLReader) -> TaskGroup? {
    guard let m = r.mapping(node, path, allowed: groupKeys, required: ["cpu_milli", "memory_mib"]) else { return nil }
    var g = TaskGroup(name: "main", milliCPU: 0, memoryMiB: 0)
    var ok = true
    if let n = m["name"], let s = r.string(n, path + ".name") { g.name = s }
    if let c = m["count"] { if let v = r.int(c, path + ".count", 1...100_000) { g.count = Int32(v) } else { ok = false } }
    if let c = m["cpu_milli"] { if let v = r.int(c, path + ".cpu_milli", 0...ClusterSpec.Limits.maxMilliCPU) { g.milliCPU = v } else { ok = false } }
    if let c = m["memory_mib"] { if let v = r.int(c, path + ".memory_mib", 0...ClusterSpec.Limits.maxMemoryMiB) { g.memoryMiB = v } else { ok = false } }
    if let c = m["dpu"] { if let v = r.int(c, path + ".dpu", 0...ClusterSpec.Limits.maxDPUsPerNode) { g.dpuCount = Int32(v) } else { ok = false } }
    if let c = m["gang"] { if let v = r.bool(c, path + ".gang") { g.gang = v } else { ok = false } }
    if let c = m["same_site"] { if let v = r.bool(c, path + ".same_site") { g.sameSite = v } else { ok = false } }
    if let c = m["spread_sites"] { if let v = r.int(c, path + ".spread_sites", 0...64) { g.spreadSites = Int32(v) } else { ok = false } }
    if let (key, why) = g.ruleConflict {
      r.fail(m[key], path + "." + key, why)
      ok = false
    }
    if let d = m["devices"], let dm = r.mapping(d, path + ".devices", allowed: deviceKeys) {
      let p = path + ".devices"
      var req = DeviceRequest(count: 0)
      if let c = dm["count"] { if let v = r.int(c, p + ".count", 0...ClusterSpec.Limits.maxDevicesPerNode) { req.count = Int32(v) } else { ok = false } }
      if let c = dm["milli"] { if let v = r.int(c, p + ".milli", 1...1000) { req.milliPerDevice = Int32(v) } else { ok = false } }
      if req.milliPerDevice < 1000 && req.count > 1 {
        r.fail(dm["milli"], p + ".milli", "a fractional share needs count 1")
        ok = false
      }
      if let k = dm["kinds"], let items = r.sequence(k, p + ".kinds") {
        for (i, it) in items.enumerated() {
          if let v = r.choice(it, "\(p).kinds[\(i)]", DeviceKind.self) {
            if let why = DeviceRequest.kindProblem(v) {
              r.fail(it, "\(p).kinds[\(i)]", why)
              ok = false
            }
            req.kinds.insert(v)
          } else {
            ok = false
          }
        }
      }
      if let c = dm["models"], let v = r.strings(c, p + ".models") {
        req.models = v
        if let catalog, case .sequence(let items) = c, items.count == v.count {
          for (i, (name, item)) in zip(v, items).enumerated() where catalog.id(named: name) == nil {
            r.fail(item, "\(p).models[\(i)]", "unknown device model '\(name)' (not in the cluster's catalog)")
          }
        }
      }
      if let c = dm["domestic_only"], let v = r.bool(c, p + ".domestic_only") { req.domesticOnly = v }
      if let c = dm["min_memory_mib"], let v = r.int(c, p + ".min_memory_mib", 0...ClusterSpec.Limits.maxDeviceMemoryMiB) { req.minMemoryMiB = v }
      if let c = dm["class"], let v = r.choice(c, p + ".class", ComputeClass.self) { req.computeClass = v }
      g.device = req
    }
    if let t = m["tflops"], let tm = r.mapping(t, path + ".tflops", allowed: ["value", "class"], required: ["value", "class"]) {
      if let v = tm["value"].flatMap({ r.double($0, path + ".tflops.value", 0.000001...1e9) }),
         let c = tm["class"].flatMap({ r.choice($0, path + ".tflops.class", ComputeClass.self) }) {
        g.normalized = NormalizedRequest(tflops: v, computeClass: c)
        if g.device == nil { g.device = DeviceRequest(count: 0) }
      } else { ok = false }
    }
    return ok ? g : nil
  }

  enum AntiAffinityScopeChoice: String, CaseIterable { case node, site }
}

extension JobSpec {
  /// A JSON Lines job file: one job per line, each a JSON object with the
  /// keys of the job YAML format (JSON is YAML's flow syntax, so each line is
  /// read by the same parser). Blank lines and lines starting with `#` are
  /// skipped. Errors carry the file's line and the field path. A file
  /// without a job (empty, or only blank and comment lines) is an error.
  public static func loadLines(path: String) throws(SpecErrors) -> [Job] {
    try parseLines(text: ClusterSpec.readText(path), file: path)
  }

  /// Parses JSON-lines job text (`file` names it in errors): as `loadLines(path:)`.
  public static func parseLines(text: String, file: String) throws(SpecErrors) -> [Job] {
    var jobs: [Job] = []
    var errors: [SpecError] = []
    var ids: Set<String> = []
    var n = 0
    for raw in text.textLines() {
      n += 1
      let line = raw.trimmingWhitespace()
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard line.hasPrefix("{") else {
        errors.append(SpecError(file: file, line: n, column: 1, path: "", message: "expected a JSON object"))
        continue
      }
      do {
        let job = try parse(yaml: line, file: file)
        if !ids.insert(job.id).inserted {
          errors.append(SpecError(file: file, line: n, column: 0, path: "id", message: "duplicate job id '\(job.id)'"))
        } else {
          jobs.append(job)
        }
      } catch {
        for var e in error.errors {
          e.line = n
          errors.append(e)
        }
      }
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    guard !jobs.isEmpty else {
      throw .single(file, text.allSatisfy(\.isWhitespace) ? "no jobs: the file is empty"
                      : "no jobs: the file has only blank and comment lines")
    }
    return jobs
  }
}
