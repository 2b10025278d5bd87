/// How many tasks of one monotone job (see `Simulator.isMonotone`) the
/// cluster could take, counted node by node, as running jobs release what
/// they hold: the EASY reservation's search without placement probes.
///
/// For a monotone job the greedy placement succeeds exactly when the
/// per-node task counts add up to the job's task count (placing a task
/// lowers its node's count by exactly one and leaves the others alone), so
/// "does the head fit once these jobs have ended?" is a sum, and each
/// released task changes one node's term. Releases are applied to a
/// scratch copy of the touched nodes' free amounts; the cluster state is
/// never changed.
struct TaskCountReplay {
  /// Each node's class (-1: none).
  let classOf: [Int32]
  /// Per node: its scratch entry while touched, else -1.
  var entryOf: [Int32]
  /// Scratch per touched node (in the order first touched): its free CPU,
  /// memory and DPUs with the releases applied, its devices' free milli
  /// (`dev[devStart ..< devEnd]`), and its current term of the sum.
  struct Entry {
    var cpu: Int64
    var mem: Int64
    var dpu: Int64
    var term: Int64
    var devStart: Int32
    var devEnd: Int32
    var node: NodeID
  }
  var entries: [Entry] = []
  var dev: [Int16] = []
  /// The job's shape on each class (nil: the class cannot take it) and
  /// its task count, which caps each node's term (so the sum cannot overflow
  /// and still reaches the count exactly when the uncapped sum would).
  var shapes: [TaskShape?] = []
  var cap: Int64 = 0
  /// Tasks the cluster could take now, counting the releases applied.
  private(set) var total: Int64 = 0

  /// - Complexity: O(nodes)
  init(nodeClass: [Int32], classCount: Int) {
    classOf = nodeClass.map { $0 >= 0 && Int($0) < classCount ? $0 : -1 }
    entryOf = Array(repeating: -1, count: nodeClass.count)
  }

  /// Adds what task `t` holds to one node's free amounts: CPU, memory,
  /// DPUs and, by device index, the free milli in `devices` (indices past
  /// it are ignored).
  @inline(__always)
  static func give(_ t: TaskAssignment, cpu: inout Int64, mem: inout Int64, dpu: inout Int64,
                   devices: UnsafeMutableBufferPointer<Int16>) {
    cpu += t.milliCPU
    mem += t.memoryMiB
    dpu += Int64(t.dpuUnits)
    t.deviceList.forEach { d in
      guard d.index >= 0 && Int(d.index) < devices.count else { return }
      devices[Int(d.index)] = Int16(clamping: Int64(devices[Int(d.index)]) + Int64(d.milli))
    }
  }

  /// Tasks of `s` that fit in the given free amounts (at most `cap`).
  /// Whole-device tasks need `s.deviceCount` devices with at least
  /// `s.milliPerDevice` free each; a monotone job's multi-device tasks take
  /// whole devices (one task per device), a single-device task may share.
  ///
  /// - Complexity: O(devices)
  @inline(__always)
  static func tasks<D: Collection>(of s: TaskShape, cpu: Int64, mem: Int64, dpu: Int64, devices: D,
                                   cap: Int64) -> Int64 where D.Element == Int16 {
    // Most nodes of a busy cluster cannot take even one task: decided by
    // comparisons before any division.
    if (s.milliCPU > 0 && cpu < s.milliCPU) || (s.memoryMiB > 0 && mem < s.memoryMiB)
        || (s.dpuUnits > 0 && dpu < Int64(s.dpuUnits)) {
      return min(cap, 0)
    }
    var k = cap
    if s.milliCPU > 0 { k = min(k, max(0, cpu) / s.milliCPU) }
    if s.memoryMiB > 0 { k = min(k, max(0, mem) / s.memoryMiB) }
    if s.dpuUnits > 0 { k = min(k, max(0, dpu) / Int64(s.dpuUnits)) }
    if s.deviceCount > 0 && k > 0 {
      let m = Int64(s.milliPerDevice)
      var d: Int64 = 0
      if s.deviceCount == 1 {
        for f in devices where Int64(f) >= m {
          d += m > 0 ? Int64(f) / m : cap
          if d >= k { break }
        }
      } else {
        var whole: Int64 = 0
        for f in devices where Int64(f) >= m { whole += 1 }
        d = whole / Int64(s.deviceCount)
      }
      k = min(k, d)
    }
    return k
  }

  /// Starts counting tasks of `shapes` (per class) capped at `cap` per node,
  /// on `engine`'s state as it stands (down nodes count none). Only nodes
  /// that may fit one task are visited when the engine can enumerate them
  /// (see `PlacementEngine.forEachNodeThatMayFit`; the others count zero);
  /// else every node of a class with a shape.
  ///
  /// - Complexity: O(nodes that may fit × (log n + devices)), else
  ///   O(nodes × devices)
  mutating func begin(shapes: [TaskShape?], cap: Int64, engine: PlacementEngine) {
    end()
    self.shapes = shapes
    self.cap = max(0, cap)
    total = 0
    let state = engine.state
    func add(_ n: NodeID) {
      let c = Int(classOf[Int(n)])
      guard total < self.cap, c >= 0, c < shapes.count, let shape = shapes[c], !state.isDown(n) else { return }
      total += Self.tasks(of: shape, cpu: state.freeMilliCPU(n), mem: state.freeMemoryMiB(n),
                          dpu: Int64(state.freeDPUs(n)), devices: state.devices(of: n), cap: self.cap)
    }
    if engine.forEachNodeThatMayFit(shapes, add) { return }
    for n in 0..<classOf.count where total < self.cap { add(NodeID(n)) }
  }

  /// Adds what task `t` releases on its node (a node of a class without a
  /// shape, or down, changes nothing).
  ///
  /// - Complexity: O(devices of its node)
  mutating func release(_ t: TaskAssignment, classOf c: Int, state: ClusterState) {
    guard c < shapes.count, let shape = shapes[c], !state.isDown(t.node) else { return }
    let n = Int(t.node)
    var e = Int(entryOf[n])
    if e < 0 {
      e = entries.count
      entryOf[n] = Int32(e)
      let devices = state.devices(of: t.node)
      let start = dev.count
      dev.append(contentsOf: devices)
      let cpu = state.freeMilliCPU(t.node), mem = state.freeMemoryMiB(t.node), dpu = Int64(state.freeDPUs(t.node))
      entries.append(Entry(cpu: cpu, mem: mem, dpu: dpu,
                           term: Self.tasks(of: shape, cpu: cpu, mem: mem, dpu: dpu, devices: devices, cap: cap),
                           devStart: Int32(start), devEnd: Int32(dev.count), node: t.node))
    }
    let k: Int64 = entries.withUnsafeMutableBufferPointer { es in
      let start = Int(es[e].devStart), end = Int(es[e].devEnd)
      return dev.withUnsafeMutableBufferPointer { D in
        Self.give(t, cpu: &es[e].cpu, mem: &es[e].mem, dpu: &es[e].dpu,
                  devices: UnsafeMutableBufferPointer(rebasing: D[start..<end]))
        return Self.tasks(of: shape, cpu: es[e].cpu, mem: es[e].mem, dpu: es[e].dpu,
                          devices: UnsafeBufferPointer(rebasing: D[start..<end]), cap: cap)
      }
    }
    total += k - entries[e].term
    entries[e].term = k
  }

  /// Whether node `n` could take a task now, by the releases applied: false
  /// for nodes no release touched (of classes without a shape, down, or
  /// never released on — those of any other jobs hold only what the
  /// caller did not release).
  func hasRoom(_ n: NodeID) -> Bool {
    let e = Int(entryOf[Int(n)])
    return e >= 0 && entries[e].term > 0
  }

  /// Forgets the scratch entries (keeps their storage for the next count).
  mutating func end() {
    for e in entries { entryOf[Int(e.node)] = -1 }
    entries.removeAll(keepingCapacity: true)
    dev.removeAll(keepingCapacity: true)
  }
}
