/// The filters of the placement pipeline (order: `Profile.filterChain`).
/// Each is defined in its own file under Plugins/.
public enum FilterKind: String, CaseIterable, Sendable, Hashable {
  /// The node has an accelerator of an allowed kind (tasks needing devices).
  case deviceKind = "device-kind"
  /// The node's accelerator is one of the allowed models, when any are listed.
  case deviceModel = "device-model"
  /// Domestic-only tasks run on domestic accelerators (CPUs for CPU-only tasks).
  case domestic
  /// Each device has at least the requested memory.
  case deviceMemory = "device-memory"
  /// The node's accelerator (or CPU) serves the requested compute class.
  case computeClass = "compute-class"
  /// The site is within the job's latency bound of its origin, or in its ring.
  case latency
  /// The site's device-hour (or core-hour) price is within the job's ceiling.
  case priceCeiling = "price-ceiling"
  /// The node is not down (failed).
  case nodeDown = "node-down"
  /// A spread group's next task avoids sites it already uses until enough are used.
  case spread
  /// A same-site group's tasks stay on its first task's site.
  case sameSite = "same-site"
  /// The node (or site) holds no task of a job named in `antiAffinity`.
  case antiAffinity = "anti-affinity"
  /// The task's CPU, memory, DPUs and devices fit the node's free state.
  case resources

  /// Whether the filter depends only on the node class (evaluated once per
  /// class per task group), not on the node's free state.
  public var isClassLevel: Bool {
    switch self {
    case .deviceKind, .deviceModel, .domestic, .deviceMemory, .computeClass, .latency, .priceCeiling:
      true
    case .nodeDown, .spread, .sameSite, .antiAffinity, .resources:
      false
    }
  }
}

/// A task group's requirements with names resolved against the cluster:
/// everything the class filters and shape resolution need.
public struct GroupRequirement: Sendable {
  /// The task group as submitted (names unresolved).
  public var group: TaskGroup
  /// Allowed accelerator kinds; empty = any.
  public var kinds: Set<DeviceKind>
  /// Allowed model ids; `nil` = any.
  public var models: Set<DeviceModelID>?
  /// Whether the tasks need accelerators: a device count above 0 or a normalized request.
  public var needsDevice: Bool

  /// Resolves `group`'s model names against `catalog`; unknown names are
  /// simply never matched (the job may still fit other models).
  public init(_ group: TaskGroup, catalog: DeviceCatalog) {
    self.group = group
    let d = group.device
    kinds = d?.kinds ?? []
    if let names = d?.models, !names.isEmpty {
      models = Set(names.compactMap { catalog.id(named: $0) })
    } else {
      models = nil
    }
    needsDevice = (d.map { $0.count > 0 } ?? false) || group.normalized != nil
  }
}
