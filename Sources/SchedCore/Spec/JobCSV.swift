/// The CSV job format (Docs/Formats.md): a header row naming the columns,
/// then one row per task group; a job with several groups is several
/// consecutive rows with the same `id` and distinct `group` names. Column
/// names are the job YAML's keys, nested ones joined with a dot
/// (`devices.count`, `latency.origin`); list cells separate items with `|`.
/// Every problem is reported with the file, line, column and column name.
public enum JobCSV {
  /// The columns, in the order `write` emits them.
  public enum Column: String, CaseIterable, Sendable {
    case id, tenant, priority
    case submitSeconds = "submit_s", estimateSeconds = "estimate_s", actualSeconds = "actual_s"
    case latencyOrigin = "latency.origin", latencyMaxMicros = "latency.max_us", latencyRing = "latency.ring"
    case priceCeiling = "price_ceiling"
    case antiAffinity = "anti_affinity", antiAffinityScope = "anti_affinity_scope"
    case group, count
    case cpuMilli = "cpu_milli", memoryMiB = "memory_mib"
    case deviceCount = "devices.count", deviceMilli = "devices.milli", deviceKinds = "devices.kinds"
    case deviceModels = "devices.models", deviceDomesticOnly = "devices.domestic_only"
    case deviceMinMemoryMiB = "devices.min_memory_mib", deviceClass = "devices.class"
    case tflopsValue = "tflops.value", tflopsClass = "tflops.class"
    case dpu, gang
    case sameSite = "same_site", spreadSites = "spread_sites"

    /// Whether the column describes the job (the same on every row of a job)
    /// rather than one task group.
    public var isJobLevel: Bool {
      switch self {
      case .id, .tenant, .priority, .submitSeconds, .estimateSeconds, .actualSeconds, .latencyOrigin,
           .latencyMaxMicros, .latencyRing, .priceCeiling, .antiAffinity, .antiAffinityScope: true
      default: false
      }
    }

    static let deviceColumns: [Column] = [.deviceCount, .deviceMilli, .deviceKinds, .deviceModels,
                                          .deviceDomesticOnly, .deviceMinMemoryMiB, .deviceClass]
  }

  /// Columns every file must have.
  public static let requiredColumns: [Column] = [.id, .cpuMilli, .memoryMiB]

  /// The separator of items in list cells (`devices.kinds`, `devices.models`, `anti_affinity`).
  public static let listSeparator: Character = "|"

  /// Reads the CSV job file at `path`.
  public static func load(path: String) throws(SpecErrors) -> [Job] {
    try parse(text: ClusterSpec.readText(path), file: path)
  }

  /// Parses CSV job text; `file` names it in errors. Jobs come out in the
  /// order of their first rows.
  ///
  /// - Complexity: O(characters)
  public static func parse(text: String, file: String) throws(SpecErrors) -> [Job] {
    let lines = CSVLines.parse(text, comments: true)
    guard let header = lines.first else {
      throw .single(file, "the file is empty: expected a header row naming the columns", line: 1, path: "header")
    }
    let columns = try readHeader(header, file: file)
    guard lines.count > 1 else {
      throw .single(file, "no jobs: the file has a header row and no job rows", line: header.number, path: "header")
    }
    var assembler = Assembler(file: file)
    for line in lines.dropFirst() {
      assembler.add(line, columns: columns)
    }
    guard assembler.errors.isEmpty else { throw SpecErrors(assembler.errors) }
    return assembler.jobs.map(\.job)
  }

  /// The header's columns, in file order; every problem in it is an error.
  static func readHeader(_ header: CSVLines.Line, file: String) throws(SpecErrors) -> [Column] {
    var errors: [SpecError] = []
    func fail(_ i: Int, _ path: String, _ message: String) {
      let column = i < header.columns.count ? header.columns[i] : 0
      errors.append(SpecError(file: file, line: header.number, column: column, path: path, message: message))
    }
    if let c = header.unclosedQuoteColumn {
      throw SpecErrors([SpecError(file: file, line: header.number, column: c, path: "header",
                                  message: "unbalanced quote: a quoted column name is never closed")])
    }
    var columns: [Column] = []
    var seen: Set<Column> = []
    for (i, raw) in header.fields.enumerated() {
      let name = raw.trimmingWhitespace()
      guard !name.isEmpty else {
        fail(i, "header", "column \(i + 1) has no name")
        continue
      }
      guard let c = Column(rawValue: name) else {
        fail(i, name, "unknown column (known: \(Column.allCases.map(\.rawValue).joined(separator: ", ")))")
        continue
      }
      if !seen.insert(c).inserted { fail(i, name, "duplicate column") }
      columns.append(c)
    }
    for r in requiredColumns where !seen.contains(r) {
      errors.append(SpecError(file: file, line: header.number, column: 0, path: r.rawValue,
                              message: "missing required column"))
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    return columns
  }
}

extension JobCSV {
  /// Turns rows into jobs: a row whose id is the previous row's adds a
  /// group to that job; any other repeated id is an error.
  struct Assembler {
    struct Entry {
      var job: Job
      /// The first row's line and job-level cells, to check later rows against.
      var firstLine: Int
      var jobCells: [Column: String]
      var groupLines: [String: Int]
    }

    let file: String
    var jobs: [Entry] = []
    var index: [String: Int] = [:]
    var errors: [SpecError] = []

    init(file: String) { self.file = file }

    mutating func add(_ line: CSVLines.Line, columns: [Column]) {
      var row = JobCSVRow(file: file, line: line.number)
      if let c = line.unclosedQuoteColumn {
        let i = (line.columns.lastIndex { $0 <= c } ?? 0)
        let name = i < columns.count ? columns[i].rawValue : "column \(i + 1)"
        errors.append(SpecError(file: file, line: line.number, column: c, path: name,
                                message: "unbalanced quote: the quoted cell is never closed"))
        return
      }
      guard line.fields.count == columns.count else {
        if line.fields.count < columns.count {
          let missing = columns[line.fields.count]
          errors.append(SpecError(file: file, line: line.number, column: 0, path: missing.rawValue,
                                  message: "missing cell: the row has \(line.fields.count) cells, the header \(columns.count) columns"))
        } else {
          errors.append(SpecError(file: file, line: line.number, column: line.columns[columns.count],
                                  path: "column \(columns.count + 1)",
                                  message: "extra cell: the row has \(line.fields.count) cells, the header \(columns.count) columns"))
        }
        return
      }
      for (i, c) in columns.enumerated() {
        let text = line.fields[i].trimmingWhitespace()
        if !text.isEmpty { row.cells[c] = (text, line.columns[i]) }
      }
      guard let id = row.text(.id) else {
        row.fail(.id, "missing the job id (the column is required and the cell empty)")
        errors += row.errors
        return
      }
      let group = row.group()
      let groupName = group?.name ?? row.text(.group) ?? "main"
      if let last = jobs.indices.last, jobs[last].job.id == id {
        // Another group of the job on the previous row.
        if let at = jobs[last].groupLines[groupName] {
          row.fail(.group, "duplicate job id '\(id)': line \(at) already has group '\(groupName)' "
                     + "(rows of one job need distinct group names)")
        }
        for c in Column.allCases where c.isJobLevel && c != .id {
          if let t = row.text(c), t != jobs[last].jobCells[c] {
            let first = jobs[last].jobCells[c].map { "'\($0)'" } ?? "empty"
            row.fail(c, "'\(t)' differs from the job's first row (line \(jobs[last].firstLine): \(first)); "
                       + "leave it empty or repeat it")
          }
        }
        if let group, row.errors.isEmpty {
          jobs[last].job.groups.append(group)
          jobs[last].groupLines[groupName] = line.number
        }
      } else if let k = index[id] {
        if let at = jobs[k].groupLines[groupName] {
          row.fail(.id, "duplicate job id '\(id)' (first at line \(jobs[k].firstLine), group '\(groupName)' at line \(at))")
        } else {
          row.fail(.id, "rows of job '\(id)' must be consecutive (its rows start at line \(jobs[k].firstLine))")
        }
      } else {
        var job = row.job(id: id)
        if let group { job.groups = [group] }
        var cells: [Column: String] = [:]
        for c in Column.allCases where c.isJobLevel { cells[c] = row.text(c) }
        index[id] = jobs.count
        jobs.append(Entry(job: job, firstLine: line.number, jobCells: cells, groupLines: [groupName: line.number]))
      }
      errors += row.errors
    }
  }
}

/// The cells of one CSV job row, read with checked conversions; each bad
/// cell adds an error naming its line, column and column name.
struct JobCSVRow {
  typealias Column = JobCSV.Column

  let file: String
  let line: Int
  var cells: [Column: (text: String, column: Int)] = [:]
  private(set) var errors: [SpecError] = []

  init(file: String, line: Int) {
    self.file = file
    self.line = line
  }

  /// The cell's trimmed text, `nil` when the column is absent or the cell empty.
  func text(_ c: Column) -> String? { cells[c]?.text }

  mutating func fail(_ c: Column, _ message: String) {
    errors.append(SpecError(file: file, line: line, column: cells[c]?.column ?? 0, path: c.rawValue, message: message))
  }

  /// An integer within `range`; no fractions, no overflow.
  mutating func int(_ c: Column, _ range: ClosedRange<Int64>) -> Int64? {
    guard let t = text(c) else { return nil }
    guard let v = Int64(t) else {
      let digits = t.drop { $0 == "-" || $0 == "+" }
      let overflow = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
      fail(c, overflow ? "\(t) is out of range \(range.lowerBound)...\(range.upperBound) (does not fit 64 bits)"
                       : "expected a whole number, found '\(t)'")
      return nil
    }
    guard range.contains(v) else {
      fail(c, "\(v) is out of range \(range.lowerBound)...\(range.upperBound)")
      return nil
    }
    return v
  }

  /// An `Int32` within `range`.
  mutating func int32(_ c: Column, _ range: ClosedRange<Int32>) -> Int32? {
    int(c, Int64(range.lowerBound)...Int64(range.upperBound)).map { Int32(truncatingIfNeeded: $0) }
  }

  /// A finite number within `range`.
  mutating func double(_ c: Column, _ range: ClosedRange<Double>) -> Double? {
    guard let t = text(c) else { return nil }
    let lower = t.lowercased()
    guard let v = Double(t), v.isFinite, !lower.contains("nan"), !lower.contains("inf") else {
      fail(c, "expected a finite number, found '\(t)'")
      return nil
    }
    guard range.contains(v) else {
      fail(c, "\(t) is out of range \(range.lowerBound)...\(range.upperBound)")
      return nil
    }
    return v
  }

  /// Seconds (at most six decimals, 0 … 1e9) as exact microseconds.
  mutating func seconds(_ c: Column) -> Int64? {
    guard let t = text(c) else { return nil }
    guard let v = JobCSV.micros(seconds: t) else {
      fail(c, "expected seconds from 0 to 1000000000 with at most six decimals, found '\(t)'")
      return nil
    }
    return v
  }

  mutating func bool(_ c: Column) -> Bool? {
    guard let t = text(c) else { return nil }
    switch t.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default:
      fail(c, "expected true or false, found '\(t)'")
      return nil
    }
  }

  /// Money in yuan, at most two decimals, 0 … 1e9 (never through a Double).
  mutating func money(_ c: Column) -> Money? {
    guard let t = text(c) else { return nil }
    guard let m = Money(yuan: t), m.fen >= 0, m.fen <= 100_000_000_000 else {
      fail(c, "expected a price in yuan with at most two decimals (0 to 1e9), found '\(t)'")
      return nil
    }
    return m
  }

  /// An enum value by raw name (case-insensitive).
  mutating func choice<E: RawRepresentable & CaseIterable>(_ c: Column, _ type: E.Type) -> E?
  where E.RawValue == String {
    guard let t = text(c) else { return nil }
    if let v = E(rawValue: t.lowercased()) { return v }
    fail(c, "unknown value '\(t)' (expected one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")))")
    return nil
  }

  /// A `|`-separated list of non-empty items.
  mutating func list(_ c: Column) -> [String]? {
    guard let t = text(c) else { return nil }
    let items = t.split(separator: JobCSV.listSeparator, omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
    if let i = items.firstIndex(where: \.isEmpty) {
      fail(c, "item \(i + 1) of '\(t)' is empty (items are separated by '\(JobCSV.listSeparator)')")
      return nil
    }
    return items
  }

  /// The job-level fields of the row (groups left empty).
  mutating func job(id: String) -> Job {
    var job = Job(id: id, groups: [])
    if let t = text(.tenant) { job.tenant = t }
    if let p = choice(.priority, PriorityClass.self) { job.priority = p }
    if let v = seconds(.submitSeconds) { job.submitMicros = v }
    if let v = seconds(.estimateSeconds) { job.estimatedMicros = v; job.actualMicros = v }
    if let v = seconds(.actualSeconds) { job.actualMicros = v }
    let origin = text(.latencyOrigin), maxUs = int(.latencyMaxMicros, 0...ClusterSpec.Limits.maxLatencyMicros)
    if let ring = text(.latencyRing) {
      if origin != nil || text(.latencyMaxMicros) != nil {
        fail(.latencyRing, "give latency.ring or latency.origin with latency.max_us, not both")
      } else {
        job.latency = .ring(ring)
      }
    } else if let origin {
      if let maxUs {
        job.latency = .bound(origin: origin, maxMicros: maxUs)
      } else if text(.latencyMaxMicros) == nil {
        fail(.latencyMaxMicros, "missing: latency.origin '\(origin)' needs a bound in µs")
      }
    } else if text(.latencyMaxMicros) != nil {
      fail(.latencyOrigin, "missing: latency.max_us needs the origin location")
    }
    if let m = money(.priceCeiling) { job.priceCeiling = m }
    if let a = list(.antiAffinity) { job.antiAffinity = a }
    if let s = choice(.antiAffinityScope, JobSpec.AntiAffinityScopeChoice.self) {
      job.antiAffinityScope = s == .site ? .site : .node
    }
    return job
  }

  /// The task group of the row, `nil` when a cell is bad (after recording it).
  mutating func group() -> TaskGroup? {
    let before = errors.count
    var g = TaskGroup(name: "main", milliCPU: 0, memoryMiB: 0)
    if let t = text(.group) { g.name = t }
    if let v = int32(.count, 1...100_000) { g.count = v }
    if text(.cpuMilli) == nil { fail(.cpuMilli, "missing: the column is required and the cell empty") }
    if text(.memoryMiB) == nil { fail(.memoryMiB, "missing: the column is required and the cell empty") }
    if let v = int(.cpuMilli, 0...ClusterSpec.Limits.maxMilliCPU) { g.milliCPU = v }
    if let v = int(.memoryMiB, 0...ClusterSpec.Limits.maxMemoryMiB) { g.memoryMiB = v }
    if let v = int32(.dpu, 0...Int32(ClusterSpec.Limits.maxDPUsPerNode)) { g.dpuCount = v }
    if let v = bool(.gang) { g.gang = v }
    if let v = bool(.sameSite) { g.sameSite = v }
    if let v = int32(.spreadSites, 0...64) { g.spreadSites = v }
    if let (key, why) = g.ruleConflict { fail(key == "gang" ? .gang : .spreadSites, why) }
    if Column.deviceColumns.contains(where: { text($0) != nil }) {
      var req = DeviceRequest(count: 0)
      if let v = int32(.deviceCount, 0...Int32(ClusterSpec.Limits.maxDevicesPerNode)) { req.count = v }
      if let v = int32(.deviceMilli, 1...1000) { req.milliPerDevice = v }
      if req.milliPerDevice < 1000 && req.count > 1 { fail(.deviceMilli, "a fractional share needs devices.count 1") }
      if let items = list(.deviceKinds) {
        for item in items {
          if let k = DeviceKind(rawValue: item.lowercased()) {
            if let why = DeviceRequest.kindProblem(k) { fail(.deviceKinds, why) }
            req.kinds.insert(k)
          } else {
            fail(.deviceKinds, "unknown kind '\(item)' (expected one of: \(DeviceKind.allCases.map(\.rawValue).joined(separator: ", ")))")
          }
        }
      }
      if let v = list(.deviceModels) { req.models = v }
      if let v = bool(.deviceDomesticOnly) { req.domesticOnly = v }
      if let v = int(.deviceMinMemoryMiB, 0...ClusterSpec.Limits.maxDeviceMemoryMiB) { req.minMemoryMiB = v }
      if let v = choice(.deviceClass, ComputeClass.self) { req.computeClass = v }
      g.device = req
    }
    let value = double(.tflopsValue, 0.000001...1e9), cls = choice(.tflopsClass, ComputeClass.self)
    if let value, let cls {
      g.normalized = NormalizedRequest(tflops: value, computeClass: cls)
      if g.device == nil { g.device = DeviceRequest(count: 0) }
    } else if text(.tflopsValue) != nil && text(.tflopsClass) == nil {
      fail(.tflopsClass, "missing: tflops.value needs tflops.class")
    } else if text(.tflopsClass) != nil && text(.tflopsValue) == nil {
      fail(.tflopsValue, "missing: tflops.class needs tflops.value")
    }
    return errors.count == before ? g : nil
  }
}

extension JobCSV {
  /// Exact microseconds from decimal seconds ("12", "0.5", "86399.123456"):
  /// digits, at most six decimals, at most 1e9 s; `nil` for anything else.
  static func micros(seconds text: String) -> Int64? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 1 || parts.count == 2, let whole = parts.first, !whole.isEmpty, whole.count <= 10,
          whole.allSatisfy({ $0.isASCII && $0.isNumber }), let w = Int64(whole), w <= 1_000_000_000 else { return nil }
    var frac: Int64 = 0
    if parts.count == 2 {
      let f = parts[1]
      guard !f.isEmpty, f.count <= 6, f.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(f) else { return nil }
      frac = v
      for _ in f.count..<6 { frac *= 10 }
    }
    let total = w * 1_000_000 + frac  // ≤ 1e15 + 999999: no overflow
    return total <= 1_000_000_000_000_000 ? total : nil
  }

  /// Exact decimal seconds for `micros` ("12", "0.5", "86399.123456").
  static func seconds(micros: Int64) -> String {
    let sign = micros < 0 ? "-" : ""
    let m = micros.magnitude
    let whole = m / 1_000_000, frac = m % 1_000_000
    guard frac > 0 else { return "\(sign)\(whole)" }
    var digits = String(frac)
    digits = String(repeating: "0", count: 6 - digits.count) + digits
    while digits.last == "0" { digits.removeLast() }
    return "\(sign)\(whole).\(digits)"
  }
}
