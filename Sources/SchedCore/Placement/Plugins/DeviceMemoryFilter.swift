/// Filter `device-memory`: each device must have at least the requested memory.
enum DeviceMemoryFilter {
  static func check(_ c: NodeClass, _ r: GroupRequirement, _ cluster: Cluster) -> String? {
    guard r.needsDevice, let min = r.group.device?.minMemoryMiB, min > 0 else { return nil }
    return c.deviceMemoryMiB >= min ? nil : "device memory \(c.deviceMemoryMiB) MiB < \(min) MiB"
  }
}
