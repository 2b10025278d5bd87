/// Filter `device-model`: when the task lists allowed models, the node's
/// accelerator must be one of them.
enum DeviceModelFilter {
  static func check(_ c: NodeClass, _ r: GroupRequirement, _ cluster: Cluster) -> String? {
    guard r.needsDevice, let allowed = r.models else { return nil }
    return allowed.contains(c.acceleratorModel) ? nil : "model not allowed"
  }
}
