/// Filter `compute-class`: the node's accelerator (or CPU, for CPU-only
/// tasks) must serve the requested compute class; a normalized request needs
/// a published peak for its class.
enum ComputeClassFilter {
  static func check(_ c: NodeClass, _ r: GroupRequirement, _ cluster: Cluster) -> String? {
    let cls = r.group.normalized?.computeClass ?? r.group.device?.computeClass
    guard let cls else { return nil }
    if r.needsDevice {
      guard c.acceleratorModel >= 0 else { return "no accelerator" }
      let m = cluster.catalog[c.acceleratorModel]
      if !m.classes.contains(cls) { return "model does not serve \(cls.rawValue)" }
      if r.group.normalized != nil, (m.peakTFLOPS(for: cls) ?? 0) <= 0 {
        return "no published \(cls == .supercomputing ? "FP64" : "FP16") peak"
      }
    }
    return nil
  }
}
