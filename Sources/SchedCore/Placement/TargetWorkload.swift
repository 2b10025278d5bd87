/// The target workload M of FGD (Weng et al., ATC'23 §4): task types with
/// their popularity p_m, device count k_m, per-device milli g_m, milli-CPU
/// c_m and allowed models.
public struct TargetWorkload: Sendable, Hashable {
  /// One task type of the target workload.
  public struct TaskType: Sendable, Hashable {
    /// Share of tasks of this type (the shares sum to 1).
    public var share: Double
    /// Devices per task (0 for CPU-only tasks).
    public var deviceCount: Int32
    /// Milli per device (1...1000; 0 for CPU-only tasks).
    public var milliPerDevice: Int32
    /// Milli-CPU per task.
    public var milliCPU: Int64
    /// Allowed accelerator models; `nil` = any.
    public var models: Set<DeviceModelID>?

    /// A task type; `share`s of a workload's types should sum to 1.
    public init(share: Double, deviceCount: Int32, milliPerDevice: Int32, milliCPU: Int64,
                models: Set<DeviceModelID>?) {
      self.share = share
      self.deviceCount = deviceCount
      self.milliPerDevice = milliPerDevice
      self.milliCPU = milliCPU
      self.models = models
    }
  }

  /// Task types (most frequent first when made by `build`); empty: fragmentation is 0
  /// everywhere, so FGD scores every node alike.
  public var types: [TaskType] {
    didSet { table = FGDTable(types) }
  }
  /// `types` laid out for `FGDScorer.fragmentation` (derived from them:
  /// equality and hashing read `types` only).
  private(set) var table: FGDTable

  /// A workload of `types` as given (shares not normalised).
  public init(types: [TaskType]) {
    self.types = types
    table = FGDTable(types)
  }

  /// Equal when the task types are.
  public static func == (a: TargetWorkload, b: TargetWorkload) -> Bool { a.types == b.types }

  /// Hashes the task types.
  public func hash(into h: inout Hasher) { h.combine(types) }

  /// No task types (the default when the profile does not use FGD).
  public static let empty = TargetWorkload(types: [])

  /// A task as seen by `build`: milli-CPU, devices, per-device milli and
  /// allowed model names.
  public struct Sample: Sendable, Hashable {
    /// Milli-CPU per task.
    public var milliCPU: Int64
    /// Devices per task (0 for CPU-only tasks).
    public var deviceCount: Int32
    /// Milli per device (0 when `deviceCount` is 0).
    public var milliPerDevice: Int32
    /// Allowed model names (catalog names or aliases); empty = any.
    public var models: [String]

    /// A sample; `milliPerDevice` is set to 0 when `deviceCount` is 0.
    public init(milliCPU: Int64, deviceCount: Int32, milliPerDevice: Int32, models: [String]) {
      self.milliCPU = milliCPU
      self.deviceCount = deviceCount
      self.milliPerDevice = deviceCount == 0 ? 0 : milliPerDevice
      self.models = models
    }
  }

  /// One sample per task of `jobs` (a group of n tasks gives n), for
  /// `build(from:coverage:catalog:)`, whose coverage counts tasks. A group
  /// asking normalized compute counts as its `device` request (count 0
  /// when it gives none). `build(jobs:coverage:catalog:)` gives the same
  /// workload without repeating a sample per task.
  ///
  /// - Complexity: O(tasks)
  public static func samples<S: Sequence>(of jobs: S) -> [Sample] where S.Element == Job {
    var out: [Sample] = []
    for j in jobs {
      for g in j.groups { out.append(contentsOf: repeatElement(sample(of: g), count: Int(max(g.count, 0)))) }
    }
    return out
  }

  /// The sample of one task of `g`.
  static func sample(of g: TaskGroup) -> Sample {
    Sample(milliCPU: g.milliCPU, deviceCount: g.device?.count ?? 0,
           milliPerDevice: g.device?.milliPerDevice ?? 0, models: g.device?.models ?? [])
  }

  /// Groups identical (CPU, milli, count, models) tuples, takes the most
  /// frequent until they cover `coverage` of the tasks, and normalises.
  /// Ties in frequency keep first-seen order.
  ///
  /// - Complexity: O(n log n) in the number of samples.
  public static func build(from samples: [Sample], coverage: Double, catalog: DeviceCatalog) -> TargetWorkload {
    build(weighted: samples.lazy.map { ($0, 1) }, coverage: coverage, catalog: catalog)
  }

  /// As `build(from:coverage:catalog:)` over every task of `jobs`, each
  /// group counting as many times as it has tasks (FGD's M covers a share
  /// of tasks, not of groups: a gang of 512 weighs 512).
  ///
  /// - Complexity: O(g log g) in the number of groups.
  public static func build<S: Sequence>(jobs: S, coverage: Double, catalog: DeviceCatalog) -> TargetWorkload
  where S.Element == Job {
    build(weighted: jobs.lazy.flatMap { $0.groups.lazy.map { (sample(of: $0), Int(max($0.count, 0))) } },
          coverage: coverage, catalog: catalog)
  }

  /// The workload of samples with weights (task counts; summed saturating).
  static func build<S: Sequence>(weighted samples: S, coverage: Double, catalog: DeviceCatalog) -> TargetWorkload
  where S.Element == (Sample, Int) {
    var counts: [Sample: Int] = [:]
    var order: [Sample] = []
    var total = 0
    for (s, w) in samples where w > 0 {
      let old = counts[s]
      if old == nil { order.append(s) }
      let (c, over) = (old ?? 0).addingReportingOverflow(w)
      counts[s] = over ? .max : c
      let (t, overTotal) = total.addingReportingOverflow(w)
      total = overTotal ? .max : t
    }
    guard total > 0 else { return .empty }
    let ranked = order.enumerated().sorted { a, b in
      let ca = counts[a.element] ?? 0, cb = counts[b.element] ?? 0
      return ca != cb ? ca > cb : a.offset < b.offset
    }.map(\.element)
    var taken: [(Sample, Int)] = []
    var covered = 0.0
    for s in ranked {
      let c = counts[s] ?? 0
      taken.append((s, c))
      covered += Double(c)
      if covered / Double(total) >= coverage { break }
    }
    return TargetWorkload(types: taken.map { s, c in
      TaskType(share: Double(c) / covered, deviceCount: s.deviceCount, milliPerDevice: s.milliPerDevice,
               milliCPU: s.milliCPU,
               models: s.models.isEmpty ? nil : Set(s.models.compactMap { catalog.id(named: $0) }))
    })
  }
}

/// A target workload's task types laid out for scoring, with each type's
/// model rule decided in advance for every model any type names: what
/// `FGDScorer.fragmentation` reads for every scored state (a set lookup
/// per type there hashed the model each time).
struct FGDTable: Sendable {
  /// One task type's numbers.
  struct Entry: Sendable, BitwiseCopyable {
    var share: Double
    var milliCPU: Int64
    var deviceCount: Int32
    /// The index of the type's per-device milli in `milli`.
    var milliIndex: Int32
  }

  var entries: [Entry]
  /// The distinct per-device milli of the types, in first-seen order, and
  /// their indices in descending order of milli.
  var milli: [Int32]
  var milliDescending: [Int32]
  /// Rows of `entries.count` flags (see `row(of:)`): whether the type's
  /// allowed models leave the row's model out. Row 0 is for every model no
  /// type names (and for none); row r + 1 for the r-th named model.
  var excluded: [Bool]
  /// Each named model's row, by model id while the ids are small (ids from
  /// a catalog are); else looked up in `sparseRows`.
  var denseRows: [Int32]
  var sparseRows: [DeviceModelID: Int32]

  /// The largest model id `denseRows` covers; a larger named id (only
  /// possible for types built by hand) goes to `sparseRows`.
  static let denseLimit: DeviceModelID = 4096

  init(_ types: [TargetWorkload.TaskType]) {
    var milli: [Int32] = []
    entries = types.map { t in
      let k = milli.firstIndex(of: t.milliPerDevice) ?? milli.count
      if k == milli.count { milli.append(t.milliPerDevice) }
      return Entry(share: t.share, milliCPU: t.milliCPU, deviceCount: t.deviceCount, milliIndex: Int32(k))
    }
    self.milli = milli
    milliDescending = milli.indices.sorted { milli[$0] > milli[$1] }.map { Int32($0) }
    let named = Set(types.flatMap { $0.models ?? [] }).filter { $0 >= 0 }.sorted()
    denseRows = []
    sparseRows = [:]
    for (r, m) in named.enumerated() {
      if m < Self.denseLimit {
        if denseRows.count <= Int(m) { denseRows.append(contentsOf: repeatElement(0, count: Int(m) + 1 - denseRows.count)) }
        denseRows[Int(m)] = Int32(r + 1)
      } else {
        sparseRows[m] = Int32(r + 1)
      }
    }
    excluded = []
    excluded.reserveCapacity((named.count + 1) * types.count)
    for model in [-1] + named {
      for t in types { excluded.append(t.models.map { !$0.contains(model) } ?? false) }
    }
  }

  /// The first flag of `model`'s row in `excluded`.
  @inline(__always)
  func row(of model: DeviceModelID) -> Int {
    var r: Int32 = 0
    if model >= 0 {
      if Int(model) < denseRows.count { r = denseRows[Int(model)] } else if !sparseRows.isEmpty { r = sparseRows[model] ?? 0 }
    }
    return Int(r) &* entries.count
  }
}
