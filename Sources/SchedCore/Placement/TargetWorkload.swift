/// The target workload M of FGD (Weng et al., ATC'23 §4): task types with
/// their popularity p_m, device count k_m, per-device milli g_m, milli-CPU
/// c_m and allowed models.
public struct TargetWorkload: Sendable, Hashable {
  public struct TaskType: Sendable, Hashable {
    /// Share of tasks of this type (the shares sum to 1).
    public var share: Double
    public var deviceCount: Int32
    public var milliPerDevice: Int32
    public var milliCPU: Int64
    /// Allowed accelerator models; `nil` = any.
    public var models: Set<DeviceModelID>?

    public init(share: Double, deviceCount: Int32, milliPerDevice: Int32, milliCPU: Int64,
                models: Set<DeviceModelID>?) {
      self.share = share
      self.deviceCount = deviceCount
      self.milliPerDevice = milliPerDevice
      self.milliCPU = milliCPU
      self.models = models
    }
  }

  public var types: [TaskType]

  public init(types: [TaskType]) { self.types = types }

  public static let empty = TargetWorkload(types: [])

  /// A task as seen by `build`: milli-CPU, devices, per-device milli and
  /// allowed model names.
  public struct Sample: Sendable, Hashable {
    public var milliCPU: Int64
    public var deviceCount: Int32
    public var milliPerDevice: Int32
    public var models: [String]

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
  /// when it gives none).
  ///
  /// - Complexity: O(tasks)
  public static func samples<S: Sequence>(of jobs: S) -> [Sample] where S.Element == Job {
    var out: [Sample] = []
    for j in jobs {
      for g in j.groups {
        let s = Sample(milliCPU: g.milliCPU, deviceCount: g.device?.count ?? 0,
                       milliPerDevice: g.device?.milliPerDevice ?? 0, models: g.device?.models ?? [])
        out.append(contentsOf: repeatElement(s, count: Int(max(g.count, 0))))
      }
    }
    return out
  }

  /// Groups identical (CPU, milli, count, models) tuples, takes the most
  /// frequent until they cover `coverage` of the tasks, and normalises.
  /// Ties in frequency keep first-seen order.
  ///
  /// - Complexity: O(n log n) in the number of samples.
  public static func build(from samples: [Sample], coverage: Double, catalog: DeviceCatalog) -> TargetWorkload {
    guard !samples.isEmpty else { return .empty }
    var counts: [Sample: Int] = [:]
    var order: [Sample] = []
    for s in samples {
      if counts[s] == nil { order.append(s) }
      counts[s, default: 0] += 1
    }
    let ranked = order.enumerated().sorted { a, b in
      let ca = counts[a.element] ?? 0, cb = counts[b.element] ?? 0
      return ca != cb ? ca > cb : a.offset < b.offset
    }.map(\.element)
    let total = Double(samples.count)
    var taken: [(Sample, Int)] = []
    var covered = 0
    for s in ranked {
      let c = counts[s] ?? 0
      taken.append((s, c))
      covered += c
      if Double(covered) / total >= coverage { break }
    }
    let sum = Double(covered)
    return TargetWorkload(types: taken.map { s, c in
      TaskType(share: Double(c) / sum, deviceCount: s.deviceCount, milliPerDevice: s.milliPerDevice,
               milliCPU: s.milliCPU,
               models: s.models.isEmpty ? nil : Set(s.models.compactMap { catalog.id(named: $0) }))
    })
  }
}
