import HeapModule

/// Nodes grouped by class and, within a class, by exact free state.
///
/// Each distinct (class, `NodeStateKey`) is one group holding a min-heap of
/// its nodes' tie-break ranks (entries are checked lazily: a node's entry is
/// live only while the node is still in that group). A decision visits each
/// group once, so it costs O(classes + distinct states), not O(nodes);
/// commits and releases move one node between groups in O(log n).
struct NodeStateIndex: Sendable {
  struct Group: Sendable {
    var key: NodeStateKey
    var cls: Int32
    var count: Int32
    /// (tie rank << 32) | node id
    var heap: Heap<UInt64>
    /// Position in the class's `groups` list.
    var slot: Int32
    /// Bumped each time the group id is reused (keys the score cache).
    var generation: UInt32
    /// FGD's F of the group's state (NaN until first needed).
    var fragmentation = Double.nan
  }

  struct ClassGroups: Sendable {
    var groups: [Int32] = []
    var byKey: [NodeStateKey: Int32] = [:]
    /// Nodes of the class currently out of every group (down or excluded).
    var detached: [NodeID] = []
  }

  var groups: [Group] = []
  var freeGroupIDs: [Int32] = []
  var classGroups: [ClassGroups]
  /// Each node's group, or -1 while detached.
  var nodeGroup: [Int32]
  /// Nodes ruled out by anti-affinity for the current decision.
  var excluded: Set<NodeID> = []
  /// Direct-mapped cache of state-dependent score terms (see `stateTerm`).
  var scoreCache: [ScoreCacheEntry] = Array(repeating: ScoreCacheEntry(), count: 1 << 16)
  /// Interned task shapes for the caches, and the number of times the
  /// interning started over (ids are then reused: a prepared query's ids
  /// of an older epoch are void).
  var shapeIDs: [TaskShape: Int32] = [:]
  var internEpoch = 0
  /// Per class: how many group changes were logged, and the last
  /// `changeLogSize` of them (a ring: change k sits at k % changeLogSize).
  var changeCount: [UInt64]
  var changeLog: [GroupChange]
  static let changeLogSize = 512
  /// Per (class, shape): the best group found at some change count, brought
  /// up to date from the change log (see `best`); at shape id × classes +
  /// class, a row of entries added per interned shape (at most
  /// `classBestLimit` entries: interning then starts over).
  var classBest: [ClassBest] = []
  let classBestLimit: Int

  struct GroupChange: Sendable {
    var group: Int32 = -1
    var generation: UInt32 = 0
  }

  /// The best group of one class for one shape as of change `seen`.
  struct ClassBest: Sendable {
    /// Whether the entry holds an answer (a fresh row holds none).
    var valid = false
    var seen: UInt64 = 0
    var found = false
    var group: Int32 = -1
    var generation: UInt32 = 0
    var term: Int64 = 0
    var entry: UInt64 = .max
    var chosen: Int32 = -1
    /// At least the best term of every other fitting group of the class
    /// (`Int64.min` if none): while the best group's term stays above it,
    /// the best group stays best whatever happens to its tie-break entry.
    var second: Int64 = .min
  }

  /// `classBestLimit` bounds `classBest` (tests make it tiny so interning starts over often).
  init(core: PlacementCore, classBestLimit: Int = 1 << 17) {
    self.classBestLimit = classBestLimit
    classGroups = Array(repeating: ClassGroups(), count: core.classes.count)
    changeCount = Array(repeating: 0, count: core.classes.count)
    changeLog = Array(repeating: GroupChange(), count: core.classes.count * Self.changeLogSize)
    nodeGroup = Array(repeating: -1, count: core.state.nodeCount)
    for n in 0..<core.state.nodeCount {
      let id = NodeID(n)
      if core.state.isDown(id) {
        classGroups[Int(core.nodeClass[n])].detached.append(id)
      } else {
        attach(id, core)
      }
    }
  }

  @inline(__always)
  static func entry(_ rank: UInt32, _ n: NodeID) -> UInt64 {
    UInt64(rank) << 32 | UInt64(UInt32(bitPattern: n))
  }

  @inline(__always)
  static func node(of entry: UInt64) -> NodeID {
    NodeID(bitPattern: UInt32(truncatingIfNeeded: entry))
  }

  /// Always inlined: `nodeChanged` calls it with `core` inout, where a
  /// call would copy the whole `PlacementCore` into a temporary first.
  @inline(__always)
  mutating func attach(_ n: NodeID, _ core: PlacementCore) {
    let c = Int(core.nodeClass[Int(n)])
    let key = core.key(of: n)
    let g: Int32
    if let e = classGroups[c].byKey[key] {
      g = e
    } else {
      var fresh = Group(key: key, cls: Int32(c), count: 0, heap: Heap(),
                        slot: Int32(classGroups[c].groups.count), generation: 0)
      if let reuse = freeGroupIDs.popLast() {
        g = reuse
        fresh.generation = groups[Int(g)].generation &+ 1
        groups[Int(g)] = fresh
      } else {
        g = Int32(groups.count)
        groups.append(fresh)
      }
      classGroups[c].byKey[key] = g
      classGroups[c].groups.append(g)
    }
    nodeGroup[Int(n)] = g
    groups[Int(g)].count += 1
    groups[Int(g)].heap.insert(Self.entry(core.tieRank[Int(n)], n))
    compactIfNeeded(g)
    logChange(c, g)
  }

  /// Records that group `g` of class `c` was created or gained or lost a node.
  @inline(__always)
  mutating func logChange(_ c: Int, _ g: Int32) {
    let k = changeCount[c]
    changeLog[c * Self.changeLogSize + Int(k % UInt64(Self.changeLogSize))] =
      GroupChange(group: g, generation: groups[Int(g)].generation)
    changeCount[c] = k &+ 1
  }

  mutating func detach(_ n: NodeID) {
    let g = nodeGroup[Int(n)]
    guard g >= 0 else { return }
    nodeGroup[Int(n)] = -1
    groups[Int(g)].count -= 1
    logChange(Int(groups[Int(g)].cls), g)
    if groups[Int(g)].count == 0 {
      let c = Int(groups[Int(g)].cls)
      let slot = Int(groups[Int(g)].slot)
      let last = classGroups[c].groups.removeLast()
      if last != g {
        classGroups[c].groups[slot] = last
        groups[Int(last)].slot = Int32(slot)
      }
      classGroups[c].byKey[groups[Int(g)].key] = nil
      groups[Int(g)].heap = Heap()
      freeGroupIDs.append(g)
    }
  }

  /// Drops stale heap entries when they outnumber live ones.
  mutating func compactIfNeeded(_ g: Int32) {
    let grp = groups[Int(g)]
    guard grp.heap.count > 2 * Int(grp.count) + 16 else { return }
    var seen = Set<UInt64>()
    var live: [UInt64] = []
    for e in grp.heap.unordered where nodeGroup[Int(Self.node(of: e))] == g {
      if seen.insert(e).inserted { live.append(e) }
    }
    groups[Int(g)].heap = Heap(live)
  }

  /// The lowest live entry of group `g` (popping stale ones).
  @inline(__always)
  mutating func minEntry(_ g: Int32) -> UInt64 {
    while let top = groups[Int(g)].heap.min {
      if nodeGroup[Int(Self.node(of: top))] == g { return top }
      groups[Int(g)].heap.removeMin()
    }
    preconditionFailure("group \(g) has count \(groups[Int(g)].count) but no live entry")
  }
}

/// One slot of the score cache: the state term of (group, generation, shape).
struct ScoreCacheEntry: Sendable {
  var group: Int32 = -1
  var generation: UInt32 = 0
  var shape: Int32 = -1
  var chosenFree: Int32 = -1
  var value: Int64 = 0
}
