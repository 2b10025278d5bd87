import CNuma

/// The one file that talks to libnuma: memory binding of the calling
/// process (inherited across exec).
enum NumaBinding {
  /// Whether the kernel and libnuma support NUMA policy here.
  static var available: Bool { numa_available() >= 0 }

  /// The highest NUMA node number, or -1 without NUMA support.
  static var maxNode: Int { available ? Int(numa_max_node()) : -1 }

  /// Restricts the calling process's memory allocations to NUMA node `node`.
  static func bindMemory(toNode node: Int) throws(TopologyError) {
    guard available else { throw TopologyError(source: "live machine", message: "this machine has no NUMA support") }
    guard node >= 0, node <= maxNode else {
      throw TopologyError(source: "live machine", message: "NUMA node \(node) does not exist (nodes 0...\(maxNode))")
    }
    guard let mask = numa_allocate_nodemask() else {
      throw TopologyError(source: "live machine", message: "numa_allocate_nodemask failed")
    }
    defer { numa_bitmask_free(mask) }
    numa_bitmask_setbit(mask, UInt32(node))
    numa_set_membind(mask)
  }
}
