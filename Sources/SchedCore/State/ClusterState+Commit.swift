extension ClusterState {
  /// Takes the resources of `task` from its node.
  ///
  /// Throws, leaving the state unchanged, if any dimension, device or core
  /// is not free: a node is never over-committed.
  ///
  /// - Complexity: O(devices + cores of the task)
  public mutating func commit(_ task: TaskAssignment) throws(StateError) {
    let i = Int(task.node)
    guard i >= 0, i < nodeCount else { throw StateError("no node #\(task.node)") }
    guard task.milliCPU >= 0, task.memoryMiB >= 0, task.dpuUnits >= 0 else {
      throw StateError("node \(cluster.nodes[i].id): negative request")
    }
    guard task.milliCPU <= freeCPU[i] else { throw .overCommit(cluster.nodes[i].id, "CPU") }
    guard task.memoryMiB <= freeMemory[i] else { throw .overCommit(cluster.nodes[i].id, "memory") }
    guard task.dpuUnits <= freeDPU[i] else { throw .overCommit(cluster.nodes[i].id, "DPU") }
    let base = Int(deviceOffset[i]), count = Int(deviceOffset[i + 1]) - base
    // Device indices must be distinct: a bit set for the first 64, a scan beyond.
    var seen: UInt64 = 0
    for (k, d) in task.devices.enumerated() {
      guard d.index >= 0, Int(d.index) < count else { throw StateError("node \(cluster.nodes[i].id): bad device index \(d.index)") }
      let repeated: Bool
      if d.index < 64 {
        repeated = seen & (UInt64(1) << UInt64(d.index)) != 0
        seen |= UInt64(1) << UInt64(d.index)
      } else {
        repeated = task.devices[..<k].contains { $0.index == d.index }
      }
      guard !repeated else { throw StateError("node \(cluster.nodes[i].id): bad device index \(d.index)") }
      guard d.milli > 0, Int(d.milli) <= Int(deviceFree[base + Int(d.index)]) else {
        throw .overCommit(cluster.nodes[i].id, "device \(d.index)")
      }
    }
    // Cores as one mask per bitmap word when they fit four words (nodes up
    // to 256 cores): checked and taken a word at a time; else core by core.
    let row = i * coreWords
    let masks = CoreWordMasks(task.cores, words: coreWords)
    if masks?.all(free: true, in: coreBits, row: row, words: coreWords) != true {
      for c in task.cores {
        guard c >= 0, Int(c) < coreWords * 64, coreBits[row + Int(c) / 64] & (UInt64(1) << UInt64(c % 64)) != 0 else {
          throw .overCommit(cluster.nodes[i].id, "core \(c)")
        }
      }
    }
    guard Int64(task.cores.count) * 1000 <= task.milliCPU else {
      throw StateError("node \(cluster.nodes[i].id): \(task.cores.count) exclusive cores exceed \(task.milliCPU) milli-CPU")
    }
    freeCPU[i] -= task.milliCPU
    freeMemory[i] -= task.memoryMiB
    freeDPU[i] -= task.dpuUnits
    for d in task.devices { deviceFree[base + Int(d.index)] -= Int16(d.milli) }
    if let masks {
      for w in 0..<min(coreWords, CoreWordMasks.capacity) where masks[w] != 0 { coreBits[row + w] &= ~masks[w] }
    } else {
      for c in task.cores { coreBits[row + Int(c) / 64] &= ~(UInt64(1) << UInt64(c % 64)) }
    }
    #if SCHEDCORE_INTERNAL_CHECKS
    _checkInvariants(node: task.node)
    #endif
  }

  /// Gives the resources of `task` back to its node: the exact inverse of
  /// `commit(_:)`. Throws, leaving the state unchanged, if that would raise
  /// any free amount above the node's capacity.
  ///
  /// - Complexity: O(devices + cores of the task)
  public mutating func release(_ task: TaskAssignment) throws(StateError) {
    let i = Int(task.node)
    guard i >= 0, i < nodeCount else { throw StateError("no node #\(task.node)") }
    // Fields are read through the array (copying the whole `Node` retains all its fields).
    guard task.milliCPU >= 0, task.memoryMiB >= 0, task.dpuUnits >= 0,
          freeCPU[i] + task.milliCPU <= cluster.nodes[i].milliCPU,
          freeMemory[i] + task.memoryMiB <= cluster.nodes[i].memoryMiB,
          freeDPU[i] + task.dpuUnits <= (cluster.nodes[i].dpu?.count ?? 0) else {
      throw StateError("node \(cluster.nodes[i].id): release exceeds capacity")
    }
    let base = Int(deviceOffset[i]), count = Int(deviceOffset[i + 1]) - base
    for d in task.devices {
      guard d.index >= 0, Int(d.index) < count, d.milli > 0,
            Int(deviceFree[base + Int(d.index)]) + Int(d.milli) <= 1000 else {
        throw StateError("node \(cluster.nodes[i].id): release exceeds device \(d.index)")
      }
    }
    let cores = cluster.nodes[i].cores
    let row = i * coreWords
    // As in `commit`: a word at a time when the cores fit four words and
    // none is beyond the node's cores.
    let masks = CoreWordMasks(task.cores, words: coreWords, below: cores)
    if masks?.all(free: false, in: coreBits, row: row, words: coreWords) != true {
      for c in task.cores {
        guard c >= 0, c < cores, coreBits[row + Int(c) / 64] & (UInt64(1) << UInt64(c % 64)) == 0 else {
          throw StateError("node \(cluster.nodes[i].id): core \(c) is not held")
        }
      }
    }
    freeCPU[i] += task.milliCPU
    freeMemory[i] += task.memoryMiB
    freeDPU[i] += task.dpuUnits
    for d in task.devices { deviceFree[base + Int(d.index)] += Int16(d.milli) }
    if let masks {
      for w in 0..<min(coreWords, CoreWordMasks.capacity) where masks[w] != 0 { coreBits[row + w] |= masks[w] }
    } else {
      for c in task.cores { coreBits[row + Int(c) / 64] |= UInt64(1) << UInt64(c % 64) }
    }
    #if SCHEDCORE_INTERNAL_CHECKS
    _checkInvariants(node: task.node)
    #endif
  }

  /// Marks node `n` down or up. A down node takes no new work; what runs
  /// there is the caller's to release.
  public mutating func setDown(_ n: NodeID, _ isDown: Bool) {
    down[Int(n)] = isDown
  }

  /// Verifies that node `n`'s free amounts lie between zero and its capacity
  /// in every dimension, per device, and that free cores cover free CPU.
  public func _checkInvariants(node n: NodeID) {
    let i = Int(n)
    let node = cluster.nodes[i]
    precondition(freeCPU[i] >= 0 && freeCPU[i] <= node.milliCPU, "CPU out of range on \(node.id)")
    precondition(freeMemory[i] >= 0 && freeMemory[i] <= node.memoryMiB, "memory out of range on \(node.id)")
    precondition(freeDPU[i] >= 0 && freeDPU[i] <= (node.dpu?.count ?? 0), "DPU out of range on \(node.id)")
    for f in devices(of: n) { precondition(f >= 0 && f <= 1000, "device out of range on \(node.id)") }
    var freeCoreCount = 0
    for w in 0..<coreWords { freeCoreCount += coreBits[i * coreWords + w].nonzeroBitCount }
    precondition(freeCoreCount >= Int(freeCPU[i] / 1000),
                 "free cores do not cover free CPU on \(node.id)")
  }

  /// Verifies every node (see `_checkInvariants(node:)`).
  ///
  /// - Complexity: O(nodes + devices)
  public func _checkInvariants() {
    for n in 0..<nodeCount { _checkInvariants(node: NodeID(n)) }
  }
}

/// A task's cores as bit masks over the first four 64-core words of a
/// node's free-core bitmap, kept inline (no allocation): what commit and
/// release check and flip a word at a time.
struct CoreWordMasks {
  static let capacity = 4
  var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

  /// The masks of `cores`, or nil when one lies outside the first
  /// `min(words, 4)` words (negative, or beyond the bitmap or the masks).
  /// Also nil when a core is not below `bound` (a node's core count).
  @inline(__always)
  init?(_ cores: [Int32], words: Int, below bound: Int32 = .max) {
    let limit = min(Int32(min(words, Self.capacity) * 64), bound)
    // The four words as one buffer, indexed by word: no branch per core.
    var m: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    let ok = cores.withUnsafeBufferPointer { list in
      withUnsafeMutableBytes(of: &m) { raw in
        let w = raw.bindMemory(to: UInt64.self)
        for c in list {
          guard c >= 0 && c < limit else { return false }
          w[Int(c &>> 6)] |= UInt64(1) &<< UInt64(c & 63)
        }
        return true
      }
    }
    guard ok else { return nil }
    (w0, w1, w2, w3) = m
  }

  /// Whether every masked core is free (`free`) or held (`!free`) in the
  /// bitmap row of `words` words at `row` of `bits`.
  @inline(__always)
  func all(free: Bool, in bits: [UInt64], row: Int, words: Int) -> Bool {
    for w in 0..<min(words, Self.capacity) where bits[row + w] & self[w] != (free ? self[w] : 0) { return false }
    return true
  }

  @inline(__always)
  subscript(w: Int) -> UInt64 {
    switch w {
    case 0: return w0
    case 1: return w1
    case 2: return w2
    default: return w3
    }
  }
}

/// The free amounts of some nodes, as `ClusterState.snapshot` took them.
struct NodeSnapshot {
  var nodes: [NodeID] = []
  var cpu: [Int64] = []
  var memory: [Int64] = []
  var dpu: [Int32] = []
  /// The nodes' devices' free milli, node after node.
  var devices: [Int16] = []
  /// The nodes' free-core words, `coreWords` per node.
  var cores: [UInt64] = []
}

extension ClusterState {
  /// The free amounts of `nodes` (each listed once), for `restore(_:)`.
  ///
  /// - Complexity: O(nodes × (devices + core words))
  func snapshot(_ nodes: [NodeID]) -> NodeSnapshot {
    var s = NodeSnapshot()
    s.nodes = nodes
    s.cpu.reserveCapacity(nodes.count)
    s.memory.reserveCapacity(nodes.count)
    s.dpu.reserveCapacity(nodes.count)
    s.cores.reserveCapacity(nodes.count * coreWords)
    var deviceCount = 0
    for n in nodes { deviceCount += Int(deviceOffset[Int(n) + 1] - deviceOffset[Int(n)]) }
    s.devices.reserveCapacity(deviceCount)
    for n in nodes {
      let i = Int(n)
      s.cpu.append(freeCPU[i])
      s.memory.append(freeMemory[i])
      s.dpu.append(freeDPU[i])
      s.devices.append(contentsOf: devices(of: n))
      s.cores.append(contentsOf: coreBits[(i * coreWords)..<((i + 1) * coreWords)])
    }
    return s
  }

  /// Puts the nodes of `s` back to their free amounts when it was taken:
  /// every commit and release on them since is undone at once (the caller
  /// keeps whatever else tracks them in step).
  ///
  /// - Complexity: O(nodes × (devices + core words))
  mutating func restore(_ s: NodeSnapshot) {
    var d = 0
    for (k, n) in s.nodes.enumerated() {
      let i = Int(n)
      freeCPU[i] = s.cpu[k]
      freeMemory[i] = s.memory[k]
      freeDPU[i] = s.dpu[k]
      for j in Int(deviceOffset[i])..<Int(deviceOffset[i + 1]) {
        deviceFree[j] = s.devices[d]
        d += 1
      }
      for w in 0..<coreWords { coreBits[i * coreWords + w] = s.cores[k * coreWords + w] }
      #if SCHEDCORE_INTERNAL_CHECKS
      _checkInvariants(node: n)
      #endif
    }
  }
}
