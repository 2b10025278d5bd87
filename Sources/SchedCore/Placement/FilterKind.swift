/// The filters of the placement pipeline (order: `Profile.filterChain`).
/// Each is defined in its own file under Plugins/.
public enum FilterKind: String, CaseIterable, Sendable, Hashable {
  case deviceKind = "device-kind"
  case deviceModel = "device-model"
  case domestic
  case deviceMemory = "device-memory"
  case computeClass = "compute-class"
  case latency
  case priceCeiling = "price-ceiling"
  case nodeDown = "node-down"
  case spread
  case sameSite = "same-site"
  case antiAffinity = "anti-affinity"
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
