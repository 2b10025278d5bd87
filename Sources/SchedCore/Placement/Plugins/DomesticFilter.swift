/// Filter `domestic`: a domestic-only task runs only on domestic accelerators
/// (or, for CPU-only tasks, domestic CPUs).
enum DomesticFilter {
  static func check(_ c: NodeClass, _ r: GroupRequirement, _ cluster: Cluster) -> String? {
    guard r.group.device?.domesticOnly == true else { return nil }
    return c.domestic ? nil : "not domestic"
  }
}
