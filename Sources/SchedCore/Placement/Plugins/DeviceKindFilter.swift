/// Filter `device-kind`: a task needing accelerators runs only on nodes that
/// have one, of an allowed kind (any accelerator kind when none is listed).
enum DeviceKindFilter {
  static func check(_ c: NodeClass, _ r: GroupRequirement, _ cluster: Cluster) -> String? {
    guard r.needsDevice else { return nil }
    guard c.acceleratorModel >= 0 else { return "no accelerator" }
    let kind = cluster.catalog[c.acceleratorModel].kind
    if !r.kinds.isEmpty && !r.kinds.contains(kind) { return "\(kind.displayName) not allowed" }
    return nil
  }
}
