/// What the fast engine and the reference linear scan share: the cluster
/// state, node classes, profile, tie-break ranks, allocations, the per-job
/// flow (resolve, filter, choose, reserve, roll back) and device/core
/// assignment. Only the search for the best node differs.
public struct PlacementCore: Sendable {
  /// The cluster and its free capacity per node, device and core (what placements reserve).
  public internal(set) var state: ClusterState
  /// Filters, scorers and tie-break, fixed when the core is built.
  public let profile: Profile
  /// Node classes, and each node's class.
  public let classes: [NodeClass]
  let nodeClass: [Int32]
  /// Tie-break rank per node (lower wins).
  let tieRank: [UInt32]
  var ctx: ScoringContext
  /// What each placed job holds, at its handle's index (nil: a free handle).
  var held: [Allocation?] = []
  /// The free handles below `held.count`, the last freed last.
  var freeHandles: [Int32] = []
  /// Number of placed jobs.
  public private(set) var placedCount = 0
  /// Each placed job's handle by job id, kept once `idsIndexed`: from the
  /// first call that asks by id. Until then no placement or release hashes
  /// an id. An id placed more than once without the id check maps to the
  /// first of them indexed; `sharedIDs` counts the others (each found again
  /// when the one indexed is released).
  var handleOfID: [String: Int32] = [:]
  var idsIndexed = false
  var sharedIDs = 0
  /// Resolved queries (see `query(for:of:)`).
  var queryMemo: [QueryKey: TaskQuery] = [:]
  /// Direct-mapped cache of prepared queries (see `preparedQuery`), a power-of-two number of slots.
  var queryCacheKeys: [QueryKey?]
  /// Per slot, the tag of its key when the key is plain (see `QueryTag`), else nil.
  var queryCacheTags: [QueryTag?]
  var queryCacheQueries: [TaskQuery?]
  /// Free capacity summed over each class's nodes (down nodes included).
  var classFree: [ClassFree]
  /// Each node's NUMA domains as core bit sets (see `exclusiveCores`).
  let numa: NUMACoreMasks

  /// `queryCacheSlots` (rounded up to a power of two) sizes the prepared-query
  /// cache: 2048 suits a placer asked for every job; a rarely asked one
  /// (the simulator's idle-cluster check) needs few.
  init(cluster: Cluster, profile: Profile, target: TargetWorkload, openbCompat: Bool, queryCacheSlots: Int = 2048) {
    var slots = 1
    while slots < min(max(queryCacheSlots, 1), 1 << 20) { slots <<= 1 }
    queryCacheKeys = Array(repeating: nil, count: slots)
    queryCacheTags = Array(repeating: nil, count: slots)
    queryCacheQueries = Array(repeating: nil, count: slots)
    state = ClusterState(cluster: cluster)
    numa = NUMACoreMasks(cluster: cluster, coreWords: state.coreWords)
    self.profile = profile
    var keyToClass: [NodeClass.Key: Int32] = [:]
    var classes: [NodeClass] = []
    var nodeClass: [Int32] = []
    nodeClass.reserveCapacity(cluster.nodes.count)
    for (i, node) in cluster.nodes.enumerated() {
      let k = NodeClass.key(of: node)
      let c: Int32
      if let e = keyToClass[k] {
        c = e
      } else {
        c = Int32(classes.count)
        keyToClass[k] = c
        classes.append(NodeClass(node: node, id: NodeID(i), cluster: cluster))
      }
      classes[Int(c)].nodeCount += 1
      nodeClass.append(c)
    }
    self.classes = classes
    self.nodeClass = nodeClass
    var free = Array(repeating: ClassFree(), count: classes.count)
    for (i, node) in cluster.nodes.enumerated() {
      let c = Int(nodeClass[i])
      free[c].milliCPU += node.milliCPU
      free[c].memoryMiB += node.memoryMiB
      free[c].deviceMilli += Int64(node.accelerator?.count ?? 0) * 1000
      free[c].dpuUnits += Int64(node.dpu?.count ?? 0)
    }
    classFree = free
    var rank = (0..<cluster.nodes.count).map { UInt32($0) }
    if case .seededPermutation(let seed) = profile.tieBreak {
      var order = (0..<cluster.nodes.count).map { UInt32($0) }
      var g = SeededGenerator(seed: seed)
      g.shuffle(&order)
      for (pos, n) in order.enumerated() { rank[Int(n)] = UInt32(pos) }
    }
    tieRank = rank
    ctx = ScoringContext(classes: classes, network: cluster.network, target: target,
                         openbCompat: openbCompat)
  }

  /// The shape of `r` on class `c`, or the class-level reason it cannot run there.
  func resolve(_ r: GroupRequirement, _ job: Job, classIndex c: Int) -> (TaskShape?, String?) {
    let cls = classes[c]
    let cluster = state.cluster
    for f in profile.filters where f.isClassLevel {
      let reason: String?
      switch f {
      case .deviceKind: reason = DeviceKindFilter.check(cls, r, cluster)
      case .deviceModel: reason = DeviceModelFilter.check(cls, r, cluster)
      case .domestic: reason = DomesticFilter.check(cls, r, cluster)
      case .deviceMemory: reason = DeviceMemoryFilter.check(cls, r, cluster)
      case .computeClass: reason = ComputeClassFilter.check(cls, r, cluster)
      case .latency: reason = LatencyFilter.check(cls, job, cluster)
      case .priceCeiling: reason = PriceCeilingFilter.check(cls, r, job)
      default: reason = nil
      }
      if let reason { return (nil, reason) }
    }
    let g = r.group
    var count: Int32 = 0, milli: Int32 = 0
    if let n = g.normalized {
      let peak = cls.acceleratorModel >= 0
        ? (cluster.catalog[cls.acceleratorModel].peakTFLOPS(for: n.computeClass) ?? 0) : 0
      guard peak > 0, n.tflops.isFinite, n.tflops > 0 else { return (nil, "no usable peak TFLOPS") }
      let need = (n.tflops / peak).rounded(.up)
      guard need <= Double(NodeStateKey.maxDevices) else {
        return (nil, "needs \(Int(min(need, 1e9))) devices per task")
      }
      count = Int32(need)
      milli = 1000
    } else if let d = g.device, d.count > 0 {
      count = d.count
      milli = d.milliPerDevice
    }
    if count > cls.deviceCount {
      return (nil, "needs \(count) devices per task, node has \(cls.deviceCount)")
    }
    if g.dpuCount > cls.dpuCount {
      return (nil, g.dpuCount > 0 && cls.dpuCount == 0 ? "no DPU" : "needs \(g.dpuCount) DPUs per task")
    }
    return (TaskShape(milliCPU: g.milliCPU, memoryMiB: g.memoryMiB, dpuUnits: g.dpuCount,
                      deviceCount: count, milliPerDevice: milli), nil)
  }

  /// Device and core assignment for `shape` on node `n`. A shared task goes
  /// to the device with free milli `chosenFree` when given (FGD's choice),
  /// else to the fitting device with the least free milli; whole-device tasks
  /// take the lowest-index fitting devices, all on one NUMA domain when one
  /// has enough; whole-core tasks get exclusive cores near their devices.
  ///
  /// - Complexity: O(devices · NUMA domains + cores) of the node (cores
  ///   only when its layout lists a domain's cores out of order; else
  ///   O(NUMA domains · cores / 64))
  ///
  /// `mutating` though it changes nothing, like `exclusiveCores`: called
  /// from the mutating per-job flow, a non-mutating call copies the whole
  /// `PlacementCore` into a temporary first (the caller is too large for
  /// the optimizer to inline it).
  mutating func assignment(node n: NodeID, shape t: TaskShape, chosenFree: Int32) -> TaskAssignment {
    // The node's devices' free milli, read in place in `state.deviceFree`.
    let base = Int(state.deviceOffset[Int(n)])
    let devs = base..<Int(state.deviceOffset[Int(n) + 1])
    var devices = DeviceList.empty
    if t.deviceCount > 0 {
      // Only the NUMA layout is read (copying the whole `Node` retains all its fields).
      let domains = state.cluster.nodes[Int(n)].numa.domains
      if t.isSharing {
        var pick = -1
        for i in devs where Int32(state.deviceFree[i]) >= t.milliPerDevice {
          if chosenFree >= 0 {
            if Int32(state.deviceFree[i]) == chosenFree { pick = i; break }
          } else if pick < 0 || state.deviceFree[i] < state.deviceFree[pick] {
            pick = i
          }
        }
        if pick >= 0 { devices = DeviceList(DeviceShare(index: Int32(pick - base), milli: t.milliPerDevice)) }
      } else if devs.count <= 64 {
        // The lowest-index fitting devices of the first domain with enough
        // of them, else the lowest-index fitting devices overall, as a bit
        // set (domains read as device bit sets).
        let want = Int(t.deviceCount)
        let milli = t.milliPerDevice
        var fitting: UInt64 = 0
        for i in devs where Int32(state.deviceFree[i]) >= milli { fitting |= 1 &<< UInt64(i - base) }
        var chosen: UInt64 = 0
        if domains.count > 1 {
          let masks = Int(numa.deviceMaskOffset[Int(n)])
          for d in 0..<domains.count {
            let inDomain = numa.deviceMasks[masks + d]
            if (fitting & inDomain).nonzeroBitCount >= want {
              chosen = Self.lowest(want, of: fitting & inDomain)
              break
            }
          }
        }
        if chosen == 0 { chosen = Self.lowest(want, of: fitting) }
        devices = DeviceList(mask: chosen, milli: milli)
      } else {
        // Over 64 devices: the same choice with the domains' lists searched.
        let want = Int(t.deviceCount)
        let milli = t.milliPerDevice
        devices = DeviceList(.building(capacity: want) { out in
          var found = 0
          for d in domains where domains.count > 1 {
            found = 0
            for i in devs where Int32(state.deviceFree[i]) >= milli && d.devices.contains(Int32(i - base)) {
              out[found] = DeviceShare(index: Int32(i - base), milli: milli)
              found += 1
              if found == want { break }
            }
            if found == want { break }
            found = 0
          }
          if found == 0 {
            for i in devs where Int32(state.deviceFree[i]) >= milli {
              out[found] = DeviceShare(index: Int32(i - base), milli: milli)
              found += 1
              if found == want { break }
            }
          }
          return found
        })
      }
    }
    var cores = CoreList.empty
    if t.milliCPU > 0, t.milliCPU % 1000 == 0 {
      cores = exclusiveCores(node: n, count: Int(t.milliCPU / 1000), nearDevice: devices.firstIndex)
    }
    return TaskAssignment(node: n, milliCPU: t.milliCPU, memoryMiB: t.memoryMiB,
                          dpuUnits: t.dpuUnits, deviceList: devices, coreList: cores)
  }

  /// The `k` lowest set bits of `x` (all of them when it has fewer).
  @inline(__always)
  static func lowest(_ k: Int, of x: UInt64) -> UInt64 {
    var rest = x, out: UInt64 = 0
    for _ in 0..<min(k, x.nonzeroBitCount) {
      let low = rest & (0 &- rest)
      out |= low
      rest ^= low
    }
    return out
  }

  /// `count` free cores of node `n` for a whole-core task, or none if it
  /// has fewer free: the cores of the NUMA domain of device `nearDevice`
  /// (without one, of the domain with the most free cores, the first on a
  /// tie), lowest first, then the lowest free cores outside it. With `numa`
  /// masks for the node's layout, picked word by word from the free-core
  /// bitmap into bit words (no list is built); else the domain's core list
  /// is walked.
  ///
  /// - Complexity: O(NUMA domains · cores / 64) with masks, else O(cores)
  ///
  /// `mutating` though it changes nothing, for the reason `assignment` is.
  mutating func exclusiveCores(node n: NodeID, count need: Int, nearDevice: Int32?) -> CoreList {
    let words = state.coreWords
    let row = Int(n) * words
    let maskBase = Int(numa.offset[Int(n)])
    let coreCount = Int(state.cluster.nodes[Int(n)].cores)
    guard maskBase >= 0 else { return CoreList(exclusiveCoresByList(node: n, count: need, nearDevice: nearDevice)) }
    guard need <= coreCount else { return .empty }  // a node never has more free cores than cores
    let domainCount = Int(numa.domainCount[Int(n)])
    var preferred = -1
    if let device = nearDevice, let d = nearDomain(node: n, device: device) {
      preferred = d
    } else if domainCount > 1 {
      var most = -1
      for d in 0..<domainCount {
        var free = 0
        for w in 0..<words { free += (state.coreBits[row + w] & numa.words[maskBase + d * words + w]).nonzeroBitCount }
        if free > most { most = free; preferred = d }
      }
    }
    // First the preferred domain's free cores, then the rest, lowest first:
    // whole words while they do not exceed what is still needed (the
    // second pass only when the preferred domain has too few). Up to four
    // words (nodes of up to 256 cores) are picked into a vector and held
    // as `CoreList` words at once; more through a temporary buffer.
    if words <= 4 {
      var picked = SIMD4<UInt64>(repeating: 0)
      let taken = numa.words.withUnsafeBufferPointer { masks in
        state.coreBits.withUnsafeBufferPointer { free in
          Self.pickCores(need: need, words: words, coreCount: coreCount, preferred: preferred,
                         mask: { masks[maskBase &+ preferred &* words &+ $0] }, free: { free[row &+ $0] },
                         pick: { picked[$0] |= $1 })
        }
      }
      if taken < need { return .empty }
      var first = 0
      while first < words && picked[first] == 0 { first &+= 1 }
      if first == words { return .empty }
      @inline(__always) func word(_ k: Int) -> UInt64 { first &+ k < 4 ? picked[first &+ k] : 0 }
      return CoreList(storage: .words(base: Int32(truncatingIfNeeded: first), word(0), word(1), word(2), word(3)))
    }
    return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { picked in
      picked.initialize(repeating: 0)
      let taken = Self.pickCores(need: need, words: words, coreCount: coreCount, preferred: preferred,
                                 mask: { numa.words[maskBase + preferred * words + $0] },
                                 free: { state.coreBits[row + $0] }, pick: { picked[$0] |= $1 })
      if taken < need { return .empty }
      return CoreList(bits: UnsafeBufferPointer(picked))
    }
  }

  /// Picks `need` free cores for `exclusiveCores`: first those of domain
  /// `preferred` (`mask(w)`: its word `w`; none when `preferred` is -1),
  /// then the rest, lowest first, whole words of `free(w)` (the node's
  /// free-core words) while they do not exceed what is still needed, only
  /// cores below `coreCount`; `pick(w, bits)` takes bits of word `w`.
  /// Returns how many it picked (below `need` when too few are free).
  ///
  /// - Complexity: O(words + need)
  @inline(__always)
  static func pickCores(need: Int, words: Int, coreCount: Int, preferred: Int, mask: (Int) -> UInt64,
                        free: (Int) -> UInt64, pick: (Int, UInt64) -> Void) -> Int {
    var taken = 0
    for pass in 0..<2 where taken < need {
      if pass == 0 && preferred < 0 { continue }  // no preferred domain: nothing to pick in it
      for w in 0..<words where taken < need {
        let m = preferred >= 0 ? mask(w) : 0
        var bits = free(w) & (pass == 0 ? m : ~m)
        let below = coreCount &- w &* 64  // the node's cores in this word
        if below < 64 { bits &= below > 0 ? (1 &<< UInt64(below)) &- 1 : 0 }
        let count = bits.nonzeroBitCount
        if count <= need &- taken {
          pick(w, bits)
          taken &+= count
        } else {
          var x = bits, chosen: UInt64 = 0
          while taken < need {
            let low = x & (0 &- x)
            chosen |= low
            x ^= low
            taken &+= 1
          }
          pick(w, chosen)
        }
      }
    }
    return taken
  }

  /// The first NUMA domain of node `n` that lists device `device`, if any:
  /// from `numa.deviceDomain` for one of the node's devices, else by
  /// searching the domains' lists.
  ///
  /// - Complexity: O(1) for one of the node's devices, else O(domains · devices)
  @inline(__always)
  func nearDomain(node n: NodeID, device: Int32) -> Int? {
    let base = Int(state.deviceOffset[Int(n)])
    if device >= 0 && Int(device) < Int(state.deviceOffset[Int(n) + 1]) - base {
      let d = Int(numa.deviceDomain[base + Int(device)])
      return d >= 0 ? d : nil
    }
    return state.cluster.nodes[Int(n)].numa.domains.firstIndex(where: { $0.devices.contains(device) })
  }

  /// `exclusiveCores` for a layout whose core lists must be walked.
  func exclusiveCoresByList(node n: NodeID, count need: Int, nearDevice: Int32?) -> [Int32] {
    guard need <= Int(state.cluster.nodes[Int(n)].cores) else { return [] }
    let domains = state.cluster.nodes[Int(n)].numa.domains
    var preferred = -1
    if let device = nearDevice, let d = domains.firstIndex(where: { $0.devices.contains(device) }) {
      preferred = d
    } else if domains.count > 1 {
      var most = -1
      for (d, dom) in domains.enumerated() {
        var free = 0
        for c in dom.cores where state.isCoreFree(n, c) { free += 1 }
        if free > most { most = free; preferred = d }
      }
    }
    return .building(capacity: need) { buf in
      var written = 0
      if preferred >= 0 {
        for c in domains[preferred].cores where written < need && state.isCoreFree(n, c) {
          buf[written] = c
          written += 1
        }
      }
      if written < need {
        // The lowest free cores outside the preferred domain.
        let words = state.coreWords
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { skip in
          skip.initialize(repeating: 0)
          if preferred >= 0 {
            for c in domains[preferred].cores where c >= 0 && Int(c) < words * 64 {
              skip[Int(c) / 64] |= UInt64(1) << UInt64(c % 64)
            }
          }
          appendFreeCores(node: n, need: need, into: buf, written: &written) { w in ~skip[w] }
        }
      }
      if written < need { return 0 }
      var run = UnsafeMutableBufferPointer(rebasing: buf[..<need])
      run.sort()
      return need
    }
  }

  /// Writes node `n`'s lowest free cores among those set in `mask` (per
  /// 64-core word of the free-core bitmap) into `buf` from `written` on,
  /// until it holds `need`.
  ///
  /// - Complexity: O(words + cores written)
  @inline(__always)
  func appendFreeCores(node n: NodeID, need: Int, into buf: UnsafeMutableBufferPointer<Int32>, written: inout Int,
                       mask: (Int) -> UInt64) {
    let words = state.coreWords
    let row = Int(n) * words
    let coreCount = Int(state.cluster.nodes[Int(n)].cores)
    for w in 0..<words where written < need {
      var bits = state.coreBits[row + w] & mask(w)
      while bits != 0 && written < need {
        let c = w &* 64 &+ bits.trailingZeroBitCount
        if c >= coreCount { break }
        buf[written] = Int32(truncatingIfNeeded: c)
        written &+= 1
        bits &= bits &- 1
      }
    }
  }

  /// Commits `a`, an assignment the engine made from the current state,
  /// and takes it from its class's totals; true (release builds check
  /// nothing; under `SCHEDCORE_INTERNAL_CHECKS` a refusal traps: see
  /// `ClusterState.commitAssigned`).
  ///
  /// - Complexity: O(devices + cores of the task)
  ///
  /// Always inlined, so a task read in place in an array is not copied to be passed.
  @inline(__always)
  mutating func commitUnchecked(_ a: TaskAssignment) -> Bool {
    state.commitAssigned(a)
    classFree[Int(nodeClass[Int(a.node)])].subtract(a)
    return true
  }

  /// Releases `a`, a task of an allocation the engine holds, and gives it
  /// back to its class's totals (release builds check nothing; under
  /// `SCHEDCORE_INTERNAL_CHECKS` a refused release changes nothing: see
  /// `ClusterState.releaseHeld`).
  ///
  /// - Complexity: O(devices + cores of the task)
  ///
  /// Always inlined, for the reason `commitUnchecked` is.
  @inline(__always)
  mutating func releaseUnchecked(_ a: TaskAssignment) {
    guard state.releaseHeld(a) else { return }
    classFree[Int(nodeClass[Int(a.node)])].add(a)
  }

  /// Placed jobs by id (an id placed more than once without the id check: one of them).
  ///
  /// - Complexity: O(handles)
  public var allocations: [String: Allocation] {
    var byID: [String: Allocation] = [:]
    byID.reserveCapacity(placedCount)
    for h in held.indices { if let a = held[h] { byID[a.jobID] = a } }
    return byID
  }

  /// The allocation at `h`, or nil if `h` holds none.
  func allocation(_ h: AllocationHandle) -> Allocation? {
    h.index >= 0 && Int(h.index) < held.count ? held[Int(h.index)] : nil
  }

  /// The handle of job `id`'s allocation, or nil.
  ///
  /// - Complexity: O(1) once ids are indexed, else O(handles)
  func handle(ofJob id: String) -> Int32? {
    if idsIndexed { return handleOfID[id] }
    return held.firstIndex { $0?.jobID == id }.map { Int32($0) }
  }

  /// Indexes the placed jobs' ids, and from now on every placement's.
  ///
  /// - Complexity: O(handles) the first time, O(1) after
  mutating func indexIDs() {
    guard !idsIndexed else { return }
    idsIndexed = true
    for h in held.indices { if let a = held[h] { index(a.jobID, Int32(h)) } }
  }

  /// Indexes job `id` at handle `h`, unless another handle holds it already.
  private mutating func index(_ id: String, _ h: Int32) {
    if handleOfID[id] == nil { handleOfID[id] = h } else { sharedIDs += 1 }
  }

  /// Files `a` under a free handle (an id already placed must have been
  /// refused before, when the caller checks ids).
  mutating func record(_ a: Allocation) -> AllocationHandle {
    let h: Int32
    if let f = freeHandles.popLast() {
      h = f
      held[Int(h)] = a
    } else {
      h = Int32(held.count)
      held.append(a)
    }
    placedCount += 1
    if idsIndexed { index(a.jobID, h) }
    return AllocationHandle(h)
  }

  /// Takes the allocation at `h` out of the table; nil if `h` holds none.
  mutating func forget(_ h: AllocationHandle) -> Allocation? {
    // Moved out of the table (reading it, then storing nil, copies it first).
    guard h.index >= 0, Int(h.index) < held.count, let a = held[Int(h.index)].take() else { return nil }
    freeHandles.append(h.index)
    placedCount -= 1
    if idsIndexed {
      if handleOfID[a.jobID] != h.index {
        sharedIDs -= 1  // not the one indexed: another holds the id
      } else if sharedIDs > 0, let other = held.firstIndex(where: { $0?.jobID == a.jobID }) {
        handleOfID[a.jobID] = Int32(other)  // the id's next holder (only when ids are shared)
        sharedIDs -= 1
      } else {
        handleOfID[a.jobID] = nil
      }
    }
    return a
  }

  /// Checks the table of allocations: the free handles are exactly the
  /// empty slots, each once; the count is right; indexed ids name the
  /// handles holding them.
  func _checkHandles() {
    let free = Set(freeHandles)
    precondition(free.count == freeHandles.count, "a handle is free twice")
    var count = 0, shared = 0
    for h in held.indices {
      precondition((held[h] == nil) == free.contains(Int32(h)), "handle \(h) is free and held, or neither")
      guard let a = held[h] else { continue }
      count += 1
      if idsIndexed, let k = handleOfID[a.jobID] {
        precondition(held[Int(k)]?.jobID == a.jobID, "job \(a.jobID) indexed at a handle holding another")
        if k != Int32(h) { shared += 1 }
      } else if idsIndexed {
        preconditionFailure("job \(a.jobID) is placed but not indexed")
      }
    }
    precondition(count == placedCount, "\(placedCount) placed jobs counted, \(count) held")
    precondition(!idsIndexed || shared == sharedIDs, "\(sharedIDs) shared ids counted, \(shared) held")
    if idsIndexed {
      for (id, k) in handleOfID { precondition(held[Int(k)]?.jobID == id, "job \(id) indexed at a stale handle") }
    }
  }

  /// Commits every task of `a` or none; with `checkingID`, refuses an id
  /// already placed.
  mutating func commitExactly(_ a: Allocation, checkingID: Bool) throws(StateError) -> AllocationHandle {
    if checkingID {
      indexIDs()
      guard handleOfID[a.jobID] == nil else { throw StateError("job \(a.jobID) already holds resources") }
    }
    // On a refusal, the tasks committed so far are taken back, last first.
    for k in a.tasks.indices {
      do {
        try state.commit(a.tasks[k])
      } catch {
        for d in a.tasks[..<k].reversed() { try? state.release(d) }
        throw error
      }
    }
    for t in a.tasks { classFree[Int(nodeClass[Int(t.node)])].subtract(t) }
    return record(a)
  }
  mutating func setDown(_ n: NodeID, _ d: Bool) { state.setDown(n, d) }
}

/// Free capacity summed over the nodes of one class: a cheap necessary
/// condition for a many-task job to fit (see `PlacementCore.fitsByTotals`).
struct ClassFree: Sendable, Equatable {
  var milliCPU: Int64 = 0
  var memoryMiB: Int64 = 0
  var deviceMilli: Int64 = 0
  var dpuUnits: Int64 = 0

  /// Takes `t`'s amounts from the totals.
  @inline(__always)
  mutating func subtract(_ t: TaskAssignment) {
    milliCPU -= t.milliCPU
    memoryMiB -= t.memoryMiB
    deviceMilli -= t.deviceMilli
    dpuUnits -= Int64(t.dpuUnits)
  }

  /// Adds `t`'s amounts to the totals.
  @inline(__always)
  mutating func add(_ t: TaskAssignment) {
    milliCPU += t.milliCPU
    memoryMiB += t.memoryMiB
    deviceMilli += t.deviceMilli
    dpuUnits += Int64(t.dpuUnits)
  }

  /// How many tasks of `shape` these totals could hold at most.
  func capacity(for shape: TaskShape) -> Int64 {
    var n = Int64.max
    if shape.milliCPU > 0 { n = min(n, milliCPU / shape.milliCPU) }
    if shape.memoryMiB > 0 { n = min(n, memoryMiB / shape.memoryMiB) }
    if shape.dpuUnits > 0 { n = min(n, dpuUnits / Int64(shape.dpuUnits)) }
    let dev = Int64(shape.deviceCount) * Int64(shape.milliPerDevice)
    if dev > 0 { n = min(n, deviceMilli / dev) }
    return max(0, n)
  }
}

extension PlacementCore {
  /// False when `count` tasks of query `q` cannot fit even by the summed
  /// free capacity of the classes they may use (a necessary condition: tasks
  /// that fit on nodes fit in their class totals).
  ///
  /// - Complexity: O(classes)
  func fitsByTotals(_ q: TaskQuery, count: Int32) -> Bool {
    var room: Int64 = 0
    for (c, shape) in q.shapes.enumerated() {
      guard let shape, q.siteReason(classes[c].site) == nil else { continue }
      room = room &+ min(classFree[c].capacity(for: shape), Int64(count))
      if room >= Int64(count) { return true }
    }
    return false
  }
}
