/// The mutable free capacity of a cluster: per node (CPU, memory, DPUs, free
/// cores) and per accelerator (free milli-units).
///
/// Storage is struct-of-arrays indexed by `NodeID`, so a node costs a few
/// dozen bytes and no object. `commit(_:)` and `release(_:)` are exact
/// inverses; under `SCHEDCORE_INTERNAL_CHECKS` every mutation is followed by
/// `_checkInvariants(node:)`.
public struct ClusterState: Sendable {
  /// The cluster whose nodes this state tracks (immutable; the state holds only free amounts).
  public let cluster: Cluster
  @usableFromInline var freeCPU: [Int64]
  @usableFromInline var freeMemory: [Int64]
  @usableFromInline var freeDPU: [Int32]
  /// Per accelerator free milli, flattened: node n's devices are
  /// `deviceFree[deviceOffset[n] ..< deviceOffset[n] + count]`.
  @usableFromInline var deviceFree: [Int16]
  @usableFromInline var deviceOffset: [Int32]
  /// Free-core bitmaps, `coreWords` words per node (bit set = core free).
  @usableFromInline var coreBits: [UInt64]
  @usableFromInline let coreWords: Int
  /// Nodes that are down (failed); they take no new work.
  @usableFromInline var down: [Bool]

  /// A state with every node idle.
  ///
  /// - Complexity: O(nodes + devices)
  public init(cluster: Cluster) {
    self.cluster = cluster
    let n = cluster.nodes.count
    freeCPU = cluster.nodes.map(\.milliCPU)
    freeMemory = cluster.nodes.map(\.memoryMiB)
    freeDPU = cluster.nodes.map { $0.dpu?.count ?? 0 }
    var off: [Int32] = []
    off.reserveCapacity(n + 1)
    var total: Int32 = 0
    for node in cluster.nodes {
      off.append(total)
      total += node.acceleratorCount
    }
    off.append(total)
    deviceOffset = off
    deviceFree = [Int16](repeating: 1000, count: Int(total))
    let maxCores = cluster.nodes.reduce(0) { max($0, Int($1.cores)) }
    coreWords = max(1, (maxCores + 63) / 64)
    var bits = [UInt64](repeating: 0, count: n * coreWords)
    for (i, node) in cluster.nodes.enumerated() {
      let c = Int(node.cores)
      for w in 0..<coreWords {
        let lo = w * 64
        if c >= lo + 64 { bits[i * coreWords + w] = .max }
        else if c > lo { bits[i * coreWords + w] = (UInt64(1) << UInt64(c - lo)) - 1 }
      }
    }
    coreBits = bits
    down = [Bool](repeating: false, count: n)
  }

  /// Number of nodes.
  @inlinable public var nodeCount: Int { freeCPU.count }

  /// Free capacity of node `n` as a vector (device memory proportional to free milli).
  public func free(_ n: NodeID) -> ResourceVector {
    let i = Int(n)
    let node = cluster.nodes[i]
    let milli = devices(of: n).reduce(Int64(0)) { $0 + Int64($1) }
    return ResourceVector(milliCPU: freeCPU[i], memoryMiB: freeMemory[i], deviceMilli: milli,
                          deviceMemoryMiB: (node.accelerator?.memoryMiB ?? 0) * milli / 1000,
                          dpuUnits: Int64(freeDPU[i]))
  }

  /// Free milli of each accelerator of node `n`, in device order.
  ///
  /// Always inlined: the placement index calls it (through
  /// `PlacementCore.key(of:)`) from mutating code, where a call copies the
  /// whole state into a temporary first.
  @inlinable @inline(__always)
  public func devices(of n: NodeID) -> ArraySlice<Int16> {
    deviceFree[Int(deviceOffset[Int(n)])..<Int(deviceOffset[Int(n) + 1])]
  }

  /// Free milli-CPU of node `n`.
  @inlinable public func freeMilliCPU(_ n: NodeID) -> Int64 { freeCPU[Int(n)] }
  /// Free memory of node `n`.
  @inlinable public func freeMemoryMiB(_ n: NodeID) -> Int64 { freeMemory[Int(n)] }
  /// Free DPUs of node `n`.
  @inlinable public func freeDPUs(_ n: NodeID) -> Int32 { freeDPU[Int(n)] }
  /// Whether node `n` is down.
  @inlinable public func isDown(_ n: NodeID) -> Bool { down[Int(n)] }

  /// Whether core `c` of node `n` is free (not held exclusively).
  @inlinable
  public func isCoreFree(_ n: NodeID, _ c: Int32) -> Bool {
    guard c >= 0, Int(c) < coreWords * 64 else { return false }
    return coreBits[Int(n) * coreWords + Int(c) / 64] & (UInt64(1) << UInt64(c % 64)) != 0
  }

  /// Free exclusive cores of node `n`, ascending.
  public func freeCores(_ n: NodeID) -> [Int32] {
    var out: [Int32] = []
    for w in 0..<coreWords {
      var b = coreBits[Int(n) * coreWords + w]
      while b != 0 {
        let t = b.trailingZeroBitCount
        out.append(Int32(w * 64 + t))
        b &= b - 1
      }
    }
    return out
  }

  /// Whether every node is completely idle.
  public var isIdle: Bool {
    (0..<nodeCount).allSatisfy { free(NodeID($0)) == cluster.nodes[$0].capacity }
  }
}
