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
    // Devices held as a bit set and one amount (see `DeviceList`) are
    // checked at once; any other list share by share (also to name the
    // first bad share when the quick check fails).
    let devicesFit = task.deviceList.uniform.map { u in
      devices(u.mask, u.milli, base: base, count: count, all: { Int(u.milli) <= $0 })
    } ?? false
    if !devicesFit { try checkDevicesFit(task, node: i) }
    // Cores held as bit words (see `CoreList`) are checked a word at a
    // time; any other list core by core.
    let row = i * coreWords
    let coresFree = task.coreList.words.map { c in
      (0..<4).allSatisfy { k in
        let m = CoreList.word(k, of: c.w)
        return m == 0 || (c.base + k < coreWords && coreBits[row + c.base + k] & m == m)
      }
    } ?? false
    if !coresFree { try checkCoresFree(task, node: i) }
    let coreCount = task.coreList.count
    guard Int64(coreCount) * 1000 <= task.milliCPU else {
      throw StateError("node \(cluster.nodes[i].id): \(coreCount) exclusive cores exceed \(task.milliCPU) milli-CPU")
    }
    apply(task, sign: -1)
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
    // As in `commit`: a bit set and one amount at once.
    let devicesHeld = task.deviceList.uniform.map { u in
      devices(u.mask, u.milli, base: base, count: count, all: { $0 + Int(u.milli) <= 1000 })
    } ?? false
    if !devicesHeld { try checkDevicesHeld(task, node: i) }
    let cores = cluster.nodes[i].cores
    let row = i * coreWords
    // As in `commit`: bit words a word at a time, when every core lies
    // below the node's core count.
    let coresHeld = task.coreList.words.map { c in
      (0..<4).allSatisfy { k in
        let m = CoreList.word(k, of: c.w)
        guard m != 0 else { return true }
        let top = (c.base + k) * 64 + 63 - m.leadingZeroBitCount
        return c.base + k < coreWords && top < Int(cores) && coreBits[row + c.base + k] & m == 0
      }
    } ?? false
    if !coresHeld { try checkCoresHeld(task, node: i) }
    apply(task, sign: 1)
    #if SCHEDCORE_INTERNAL_CHECKS
    _checkInvariants(node: task.node)
    #endif
  }

  /// Takes `task`'s resources from its node, as `commit(_:)`, for an
  /// assignment the engine made from the current state (it fits by
  /// construction). Release builds skip `commit`'s checks; under
  /// `SCHEDCORE_INTERNAL_CHECKS` it commits through `commit(_:)`, so every
  /// check (a node is never over-committed) still runs there, and a
  /// refusal traps.
  ///
  /// - Complexity: O(devices + cores of the task)
  @inline(__always)
  mutating func commitAssigned(_ task: TaskAssignment) {
    #if SCHEDCORE_INTERNAL_CHECKS
    do { try commit(task) } catch { preconditionFailure("engine assignment refused: \(error)") }
    #else
    apply(task, sign: -1)
    #endif
  }

  /// Gives `task`'s resources back to its node, as `release(_:)`, for a
  /// task of an allocation this state holds (committed, and not released
  /// since). Release builds skip `release`'s checks; under
  /// `SCHEDCORE_INTERNAL_CHECKS` it releases through `release(_:)` and
  /// returns false, changing nothing, when that refuses.
  ///
  /// - Complexity: O(devices + cores of the task)
  @inline(__always)
  mutating func releaseHeld(_ task: TaskAssignment) -> Bool {
    #if SCHEDCORE_INTERNAL_CHECKS
    do { try release(task) } catch { return false }
    #else
    apply(task, sign: 1)
    #endif
    return true
  }

  /// Adds `task`'s amounts to its node's free amounts (`sign` 1) or takes
  /// them (`sign` -1), devices and cores included, without any check: the
  /// one place the state changes for `commit`, `release` (after their
  /// checks) and the engine's own assignments.
  @inline(__always)
  private mutating func apply(_ task: TaskAssignment, sign: Int64) {
    let i = Int(task.node)
    freeCPU[i] &+= sign &* task.milliCPU
    freeMemory[i] &+= sign &* task.memoryMiB
    freeDPU[i] &+= Int32(truncatingIfNeeded: sign) &* task.dpuUnits
    let base = Int(deviceOffset[i])
    switch task.deviceList.storage {
    case .uniform(let mask, let milli):
      let d = Int16(truncatingIfNeeded: Int64(milli) &* sign)
      var x = mask
      while x != 0 {
        deviceFree[base &+ x.trailingZeroBitCount] &+= d
        x &= x &- 1
      }
    case .list(let l):
      for s in l { deviceFree[base + Int(s.index)] &+= Int16(truncatingIfNeeded: Int64(s.milli) &* sign) }
    }
    let row = i &* coreWords
    switch task.coreList.storage {
    case .words(let b, let w0, let w1, let w2, let w3):
      let w = (w0, w1, w2, w3)
      for k in 0..<4 {
        let m = CoreList.word(k, of: w)
        if m != 0 {
          let at = row &+ Int(b) &+ k
          coreBits[at] = sign < 0 ? coreBits[at] & ~m : coreBits[at] | m
        }
      }
    case .list(let l):
      for c in l {
        let m = UInt64(1) << UInt64(c % 64)
        let at = row + Int(c) / 64
        coreBits[at] = sign < 0 ? coreBits[at] & ~m : coreBits[at] | m
      }
    }
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

extension ClusterState {
  /// Whether devices `mask` (indices from `base` in `deviceFree`), each
  /// taking `milli`, are all among the node's `count` and `holds` is true
  /// of each one's free milli; true at once for no devices, false for a
  /// non-positive amount.
  @inline(__always)
  func devices(_ mask: UInt64, _ milli: Int32, base: Int, count: Int, all holds: (Int) -> Bool) -> Bool {
    if mask == 0 { return true }
    guard milli > 0, 63 - mask.leadingZeroBitCount < count else { return false }
    var x = mask
    while x != 0 {
      guard holds(Int(deviceFree[base + x.trailingZeroBitCount])) else { return false }
      x &= x &- 1
    }
    return true
  }

  /// Throws unless `task`'s devices are distinct devices of node `i`, each
  /// taking a positive amount it has free.
  func checkDevicesFit(_ task: TaskAssignment, node i: Int) throws(StateError) {
    let base = Int(deviceOffset[i]), count = Int(deviceOffset[i + 1]) - base
    let devices = task.devices
    // Device indices must be distinct: a bit set for the first 64, a scan beyond.
    var seen: UInt64 = 0
    for (k, d) in devices.enumerated() {
      guard d.index >= 0, Int(d.index) < count else { throw StateError("node \(cluster.nodes[i].id): bad device index \(d.index)") }
      let repeated: Bool
      if d.index < 64 {
        repeated = seen & (UInt64(1) << UInt64(d.index)) != 0
        seen |= UInt64(1) << UInt64(d.index)
      } else {
        repeated = devices[..<k].contains { $0.index == d.index }
      }
      guard !repeated else { throw StateError("node \(cluster.nodes[i].id): bad device index \(d.index)") }
      guard d.milli > 0, Int(d.milli) <= Int(deviceFree[base + Int(d.index)]) else {
        throw .overCommit(cluster.nodes[i].id, "device \(d.index)")
      }
    }
  }

  /// Throws unless giving `task`'s devices back keeps every one of node
  /// `i`'s devices at most whole (a device named twice is refused).
  func checkDevicesHeld(_ task: TaskAssignment, node i: Int) throws(StateError) {
    let base = Int(deviceOffset[i]), count = Int(deviceOffset[i + 1]) - base
    let devices = task.devices
    for (k, d) in devices.enumerated() {
      // A device named twice could be raised above whole.
      guard d.index >= 0, Int(d.index) < count, d.milli > 0,
            Int(deviceFree[base + Int(d.index)]) + Int(d.milli) <= 1000,
            !devices[..<k].contains(where: { $0.index == d.index }) else {
        throw StateError("node \(cluster.nodes[i].id): release exceeds device \(d.index)")
      }
    }
  }

  /// Throws unless every core of `task` exists in node `i`'s bitmap and is free.
  func checkCoresFree(_ task: TaskAssignment, node i: Int) throws(StateError) {
    let row = i * coreWords
    for c in task.cores {
      guard c >= 0, Int(c) < coreWords * 64, coreBits[row + Int(c) / 64] & (UInt64(1) << UInt64(c % 64)) != 0 else {
        throw .overCommit(cluster.nodes[i].id, "core \(c)")
      }
    }
  }

  /// Throws unless every core of `task` is one of node `i`'s and is held.
  func checkCoresHeld(_ task: TaskAssignment, node i: Int) throws(StateError) {
    let row = i * coreWords
    let cores = cluster.nodes[i].cores
    for c in task.cores {
      guard c >= 0, c < cores, coreBits[row + Int(c) / 64] & (UInt64(1) << UInt64(c % 64)) == 0 else {
        throw StateError("node \(cluster.nodes[i].id): core \(c) is not held")
      }
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
