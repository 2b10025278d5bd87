/// Filter `resources`: the task's CPU, memory, DPUs and devices fit the
/// node's free state (a shared task needs one device with enough free milli;
/// a k-device task needs k devices each with enough free milli). A node is
/// never over-committed in any dimension.
enum ResourcesFilter {
  /// `nil` when it fits, else the first missing dimension.
  static func check(_ s: NodeStateKey, _ shape: TaskShape, _ c: NodeClass, _ cluster: Cluster) -> NodeReason? {
    ResourceShortage.first(s, shape, c, cluster)
  }
}
