extension JobCSV {
  /// The jobs as a CSV job file (every column, in `Column` order; one row
  /// per task group; job-level cells repeated on every row of a job), such
  /// that `parse` gives back equal `Job` values.
  ///
  /// Throws, naming the job, for what the format cannot hold: a repeated job
  /// id, a job without groups, two groups of one job with the same name, and
  /// names that are empty, span lines, have surrounding spaces or (in lists)
  /// contain `|`. Numbers are not range-checked here; `parse` checks them.
  ///
  /// `file` names the destination in errors.
  ///
  /// - Complexity: O(jobs × groups)
  public static func write(_ jobs: [Job], file: String = "jobs.csv") throws(SpecErrors) -> String {
    var errors: [SpecError] = []
    func fail(_ path: String, _ message: String) {
      errors.append(SpecError(file: file, line: 0, column: 0, path: path, message: message))
    }
    func name(_ s: String, _ path: String, listItem: Bool = false) {
      if s.trimmingWhitespace().isEmpty {
        fail(path, "is empty")
      } else if s.contains(where: \.isNewline) {
        fail(path, "'\(s)' spans lines")
      } else if s != s.trimmingWhitespace() {
        fail(path, "'\(s)' has surrounding spaces (a CSV reader trims cells)")
      } else if listItem && s.contains(listSeparator) {
        fail(path, "'\(s)' contains the list separator '\(listSeparator)'")
      }
    }
    var out = Column.allCases.map(\.rawValue).joined(separator: ",") + "\n"
    var ids: Set<String> = []
    for (j, job) in jobs.enumerated() {
      let p = "jobs[\(j)]"
      name(job.id, p + ".id")
      if !ids.insert(job.id).inserted { fail(p + ".id", "duplicate job id '\(job.id)'") }
      name(job.tenant, p + ".tenant")
      if job.groups.isEmpty { fail(p + ".groups", "job '\(job.id)' has no task group") }
      var groupNames: Set<String> = []
      for (i, g) in job.groups.enumerated() {
        name(g.name, "\(p).groups[\(i)].name")
        if !groupNames.insert(g.name).inserted {
          fail("\(p).groups[\(i)].name", "job '\(job.id)' has two groups named '\(g.name)'")
        }
        for (k, m) in (g.device?.models ?? []).enumerated() { name(m, "\(p).groups[\(i)].devices.models[\(k)]", listItem: true) }
      }
      for (k, a) in job.antiAffinity.enumerated() { name(a, "\(p).anti_affinity[\(k)]", listItem: true) }
      switch job.latency {
      case .none: break
      case .bound(let origin, _): name(origin, p + ".latency.origin")
      case .ring(let ring): name(ring, p + ".latency.ring")
      }
      for g in job.groups { out += row(job, g) }
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    return out
  }

  /// One row: the job-level cells and the cells of group `g`.
  static func row(_ job: Job, _ g: TaskGroup) -> String {
    var cells: [String] = []
    cells.reserveCapacity(Column.allCases.count)
    for c in Column.allCases {
      cells.append(cell(c, job, g))
    }
    return cells.joined(separator: ",") + "\n"
  }

  static func cell(_ c: Column, _ job: Job, _ g: TaskGroup) -> String {
    let d = g.device
    switch c {
    case .id: return csvField(job.id)
    case .tenant: return csvField(job.tenant)
    case .priority: return job.priority.rawValue
    case .submitSeconds: return seconds(micros: job.submitMicros)
    case .estimateSeconds: return seconds(micros: job.estimatedMicros)
    case .actualSeconds: return job.actualMicros == job.estimatedMicros ? "" : seconds(micros: job.actualMicros)
    case .latencyOrigin:
      if case .bound(let origin, _) = job.latency { return csvField(origin) }
      return ""
    case .latencyMaxMicros:
      if case .bound(_, let us) = job.latency { return String(us) }
      return ""
    case .latencyRing:
      if case .ring(let ring) = job.latency { return csvField(ring) }
      return ""
    case .priceCeiling: return job.priceCeiling?.yuanString ?? ""
    case .antiAffinity: return csvField(job.antiAffinity.joined(separator: String(listSeparator)))
    case .antiAffinityScope: return job.antiAffinity.isEmpty && job.antiAffinityScope == .node ? "" : job.antiAffinityScope.rawValue
    case .group: return csvField(g.name)
    case .count: return String(g.count)
    case .cpuMilli: return String(g.milliCPU)
    case .memoryMiB: return String(g.memoryMiB)
    case .deviceCount: return d.map { String($0.count) } ?? ""
    case .deviceMilli: return d.map { $0.milliPerDevice == 1000 ? "" : String($0.milliPerDevice) } ?? ""
    case .deviceKinds: return d.map { $0.kinds.sorted().map(\.rawValue).joined(separator: String(listSeparator)) } ?? ""
    case .deviceModels: return csvField(d?.models.joined(separator: String(listSeparator)) ?? "")
    case .deviceDomesticOnly: return d?.domesticOnly == true ? "true" : ""
    case .deviceMinMemoryMiB: return d.map { $0.minMemoryMiB == 0 ? "" : String($0.minMemoryMiB) } ?? ""
    case .deviceClass: return d?.computeClass?.rawValue ?? ""
    case .tflopsValue: return g.normalized.map { "\($0.tflops)" } ?? ""
    case .tflopsClass: return g.normalized?.computeClass.rawValue ?? ""
    case .dpu: return g.dpuCount == 0 ? "" : String(g.dpuCount)
    case .gang: return g.gang ? "" : "false"
    case .sameSite: return g.sameSite ? "true" : ""
    case .spreadSites: return g.spreadSites == 0 ? "" : String(g.spreadSites)
    }
  }
}
