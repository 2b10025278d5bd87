extension JobSpec {
  /// The jobs as a JSON Lines job file (one JSON object per line, keys of the
  /// job YAML format, defaults left out), such that `parseLines` gives back
  /// equal `Job` values. Times are written as exact decimal seconds.
  ///
  /// - Complexity: O(jobs × groups)
  public static func writeLines(_ jobs: [Job]) -> String {
    var out = ""
    for job in jobs {
      out += jsonLine(job)
      out += "\n"
    }
    return out
  }

  /// One job as a single-line JSON object.
  public static func jsonLine(_ job: Job) -> String {
    var f: [String] = [
      "\"id\": \(json(job.id))", "\"tenant\": \(json(job.tenant))", "\"priority\": \(json(job.priority.rawValue))",
      "\"submit_s\": \(JobCSV.seconds(micros: job.submitMicros))",
      "\"estimate_s\": \(JobCSV.seconds(micros: job.estimatedMicros))",
    ]
    if job.actualMicros != job.estimatedMicros { f.append("\"actual_s\": \(JobCSV.seconds(micros: job.actualMicros))") }
    switch job.latency {
    case .none: break
    case .bound(let origin, let us): f.append("\"latency\": {\"origin\": \(json(origin)), \"max_us\": \(us)}")
    case .ring(let ring): f.append("\"latency\": {\"ring\": \(json(ring))}")
    }
    if let p = job.priceCeiling { f.append("\"price_ceiling\": \(p.yuanString)") }
    if !job.antiAffinity.isEmpty { f.append("\"anti_affinity\": \(json(job.antiAffinity))") }
    if job.antiAffinityScope != .node { f.append("\"anti_affinity_scope\": \(json(job.antiAffinityScope.rawValue))") }
    f.append("\"groups\": [" + job.groups.map(groupObject).joined(separator: ", ") + "]")
    return "{" + f.joined(separator: ", ") + "}"
  }

  static func groupObject(_ g: TaskGroup) -> String {
    var f: [String] = ["\"name\": \(json(g.name))", "\"count\": \(g.count)", "\"cpu_milli\": \(g.milliCPU)",
                       "\"memory_mib\": \(g.memoryMiB)"]
    if let d = g.device {
      var df: [String] = ["\"count\": \(d.count)"]
      if d.milliPerDevice != 1000 { df.append("\"milli\": \(d.milliPerDevice)") }
      if !d.kinds.isEmpty { df.append("\"kinds\": \(json(d.kinds.sorted().map(\.rawValue)))") }
      if !d.models.isEmpty { df.append("\"models\": \(json(d.models))") }
      if d.domesticOnly { df.append("\"domestic_only\": true") }
      if d.minMemoryMiB != 0 { df.append("\"min_memory_mib\": \(d.minMemoryMiB)") }
      if let c = d.computeClass { df.append("\"class\": \(json(c.rawValue))") }
      f.append("\"devices\": {" + df.joined(separator: ", ") + "}")
    }
    if let n = g.normalized {
      f.append("\"tflops\": {\"value\": \(n.tflops), \"class\": \(json(n.computeClass.rawValue))}")
    }
    if g.dpuCount != 0 { f.append("\"dpu\": \(g.dpuCount)") }
    if !g.gang { f.append("\"gang\": false") }
    if g.sameSite { f.append("\"same_site\": true") }
    if g.spreadSites != 0 { f.append("\"spread_sites\": \(g.spreadSites)") }
    return "{" + f.joined(separator: ", ") + "}"
  }

  static func json(_ items: [String]) -> String { "[" + items.map(json).joined(separator: ", ") + "]" }

  /// A JSON string literal; control and other characters YAML will not take
  /// raw in a double-quoted scalar are written as `\uXXXX`.
  static func json(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        let v = u.value
        if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || v == 0xFFFE || v == 0xFFFF {
          let hex = String(v, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
