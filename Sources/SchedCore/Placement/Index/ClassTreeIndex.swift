/// The search for linear profiles (best-fit, worst-fit, first-fit, random,
/// plus class-level scorers).
///
/// Per node class, a segment tree over the class's nodes keeps per subtree
/// the maxima of every free dimension (CPU, memory, DPUs, and the k-th
/// largest device free for each k), the extremes of the best-fit node term U
/// and the smallest tie-break rank. A search descends only into subtrees
/// whose maxima could fit the task and whose (U, rank) bounds could beat the
/// best found; classes are then compared by their exact fixed-point totals.
///
/// Correctness never depends on the leaf order; speed does: for best- and
/// worst-fit the leaves are kept sorted by (U, rank), so the fullest nodes
/// share subtrees and their small maxima prune them whole; for
/// first-fit/random they stay in rank order and a change rewrites its leaf
/// in place. To keep the order (and so every subtree's U range) tight under
/// best- and worst-fit, a node whose state changes leaves the sorted leaves
/// instead: its leaf is written dead and the node joins its tree's short
/// *recent* list, which holds its current free amounts and U and is scanned
/// linearly next to the tree descent (slot 0 of each tree, unused by the
/// tree, bounds the list). The list is merged back into the sorted leaves
/// (O(class nodes)) once searches have read `mergeFactor` entries per
/// class node from it since it was last empty — reading it on would cost
/// more than merging — or when it is full (max(160, 4·√leaves) nodes, at
/// most the class's). Down and excluded nodes are in neither:
/// their leaves are dead. All trees and lists live in a few flat arrays (no
/// per-class objects).
///
/// Between two merges a tree's sorted leaves only die, so what a search
/// learned of them stays true: per prepared query and tree, a `LeafMemo`
/// keeps the best feasible leaf (still the answer while it lives) or a bar
/// no leaf beats, and the next search of that query scans only the recent
/// list unless the memo cannot settle it.
struct ClassTreeIndex: NodeSearch, Sendable {
  struct Tree: Sendable {
    /// Leaves (a power of two ≥ the class's node count).
    var size: Int
    /// The tree's nodes: they fill leaves 0 ..< `nodes` (live or dead);
    /// the leaves after them are padding, dead for good.
    var nodes: Int
    /// Devices per node.
    var devs: Int
    /// Offset of this tree's 2·size slots in the per-slot arrays.
    var base: Int
    /// Offset of this tree's 2·size·devs slots in `dev`.
    var devBase: Int
    /// Offset of this tree's `size` leaves in `nodeAt`.
    var leafBase: Int
    /// Offset of this tree's recent list in `recentNode`/`recentSlot`, and
    /// of its `recentCap · devs` device entries in `recentDev`.
    var recentBase: Int
    var recentDevBase: Int
    /// Capacity of the recent list (0 when leaves stay in rank order).
    var recentCap: Int
    /// Number of nodes in the recent list.
    var recentCount: Int
    /// Recent entries searches have read since the list was last empty,
    /// and the amount at which merging the list back is cheaper than
    /// reading it on (see `nodeChanged`; `Int.max`: only a full list merges).
    var scanWork = 0
    var mergeWork = Int.max
    /// Bumped whenever leaves are written live (a merge or a relayout), so
    /// a `LeafMemo` of an older epoch is void. In between, the sorted
    /// leaves only die (a changed node moves to the recent list).
    var epoch = 0
  }

  /// Per tree slot: maxima of CPU, memory and DPUs, extremes of U, and the
  /// smallest rank, together so a visit touches one cache line.
  struct Slot: Sendable, Equatable {
    var cpu: Int64 = -1
    var mem: Int64 = -1
    var uMax: Int64 = .min
    var uMin: Int64 = .max
    var minRank: UInt32 = .max
    var dpu: Int32 = -1
    /// Bit set of the member classes present in the subtree (see `classBit`).
    var classes: UInt64 = 0
  }

  var trees: [Tree]
  /// Each class's tree, and each tree's member classes. Classes that differ
  /// only by site share a tree when no scorer depends on the site (energy,
  /// price, latency weigh zero) and there are at most 64 sites.
  var treeOf: [Int32]
  var treeClasses: [[Int32]]
  /// Each class's bit in `Slot.classes` (its site's bit when trees are merged).
  var classBit: [UInt64]
  var slots: [Slot]
  var dev: [Int16]
  /// Node at each leaf, -1 for padding.
  var nodeAt: [NodeID]
  /// Each node's leaf position within its class tree.
  var position: [Int32]
  /// Recent lists (see the type's comment): node, its current values as a
  /// leaf slot (U in `uMax` and `uMin`), and its k-th largest free devices.
  var recentNode: [NodeID]
  var recentSlot: [Slot]
  var recentDev: [Int16]
  /// Each node's index in its tree's recent list, or -1.
  var recentIndex: [Int32]
  /// Scratch for `mergeRecent`.
  var mergeOrder: [Int32] = []
  var mergeSlots: [Slot] = []
  var mergeDev: [Int16] = []
  var mergeNodes: [NodeID] = []
  var excluded: Set<NodeID> = []
  /// Scratch for `best`: trees that may hold the answer (indices into the
  /// plan), with their bounds.
  var candidates: [TreeCandidate] = []
  struct TreeCandidate: Sendable {
    var plan: Int32
    var bound: Int64
    var minRank: UInt32
  }
  /// Per prepared query (its ticket, `hintSlot`, modulo the size), the
  /// tree that held its last answer: searched first next time, so the
  /// others search with a high bar. Queries sharing an entry only cost speed.
  var winner = [Int32](repeating: -1, count: 4096)
  /// The next query's ticket (see `TaskQuery.Tables.hintSlot`); never reused.
  var nextHintSlot = 0
  /// Per prepared query (its ticket modulo `memoRows`) and tree, what its
  /// last search learned of the tree's sorted leaves (see `LeafMemo`);
  /// rows are added as tickets are handed out. Best- and worst-fit only.
  var memo: [LeafMemo] = []
  /// Rows of `memo` (a power of two): at most this many × trees entries
  /// of 32 bytes; queries sharing a row only cost speed.
  let memoRows: Int
  /// What one query's search learned of one tree's sorted leaves, true
  /// while the tree's epoch is `epoch` (live leaves only die meanwhile, so
  /// no live leaf gets better): with `node` ≥ 0, the best feasible leaf was
  /// that node's, at (`u`, `rank`) (still the best while its leaf lives;
  /// once dead, a bound like the next case); with −1, no feasible live leaf
  /// is strictly better than (`u`, `rank`); with −2, none is feasible.
  struct LeafMemo: Sendable {
    /// The query's ticket (-1: unused); another ticket's entry is void.
    var ticket = -1
    /// The tree's `epoch` when the entry was written.
    var epoch = 0
    var node: NodeID = -2
    var rank: UInt32 = 0
    var u: Int64 = 0
  }
  /// Every node change (see `nodeChanged`) in order, the last
  /// `changeLog.count` of them (a power of two), and per node the number of
  /// its last change (-1: none): what a `Series` reads to bring its answers
  /// up to date.
  var changeLog = [NodeID](repeating: -1, count: 1024)
  var changeCount = 0
  var lastChange: [Int]
  /// The answers prepared for the tasks of one group (see `Series`).
  var series = Series()
  /// Searches answered from a series (for tests and profiling).
  var seriesAnswers = 0
  /// Scratch for `best`: the plan of a query with site rules.
  var planScratch: [TreePlan] = []
  /// What `best` needs of one tree for one query: the first member class
  /// the task may use, the member classes it may use, its shape there, and
  /// the score terms (total = `base + k·(U + q)`; U ≤ `uFeasible` for any
  /// node the task fits).
  struct TreePlan: Sendable {
    var tree: Int32
    var cls: Int32
    var allowed: UInt64
    var shape: TaskShape
    var base: Int64
    var k: Int64
    var q: Int64
    var uFeasible: Int64
  }
  /// The recent lists' least capacity (see `init`), and how many recent
  /// entries read cost about one leaf of a merge (see `Tree.mergeWork`).
  static let recentLimit = 160
  static let mergeFactor = 32
  /// D = W_best-fit − W_worst-fit (thousandths).
  let slope: Int64
  /// W_worst-fit · unit, the constant worst-fit adds.
  let worstConstant: Int64

  /// `memoRows` (rounded up to a power of two) bounds the leaf memos: one
  /// row per prepared query, queries beyond it sharing rows.
  init(core: PlacementCore, recentCapacity: Int? = nil, memoRows: Int = 512) {
    var rows = 1
    while rows < min(max(memoRows, 1), 1 << 16) { rows <<= 1 }
    self.memoRows = rows
    let siteFree = core.profile.scorers.allSatisfy {
      ![.energy, .price, .latency].contains($0.kind) || ScoreScale.weight($0.weight) == 0
    }
    let merge = siteFree && core.state.cluster.sites.count <= 64
    var treeOf: [Int32] = []
    var treeClasses: [[Int32]] = []
    var classBit: [UInt64] = []
    var keyToTree: [NodeClass.Key: Int32] = [:]
    for (c, cls) in core.classes.enumerated() {
      let first = core.state.cluster.nodes[Int(cls.firstNode)]
      var key = NodeClass.key(of: first)
      if merge { key.site = 0 } else { key.site = SiteID(c) }
      if let t = keyToTree[key] {
        treeOf.append(t)
        treeClasses[Int(t)].append(Int32(c))
      } else {
        keyToTree[key] = Int32(treeClasses.count)
        treeOf.append(Int32(treeClasses.count))
        treeClasses.append([Int32(c)])
      }
      classBit.append(merge ? UInt64(1) << UInt64(cls.site) : 1)
    }
    self.treeOf = treeOf
    self.treeClasses = treeClasses
    self.classBit = classBit
    var members = Array(repeating: [NodeID](), count: treeClasses.count)
    for n in 0..<core.state.nodeCount { members[Int(treeOf[Int(core.nodeClass[n])])].append(NodeID(n)) }
    var bf: Int64 = 0, wf: Int64 = 0
    for w in core.profile.scorers {
      if w.kind == .bestFit { bf += ScoreScale.weight(w.weight) }
      if w.kind == .worstFit { wf += ScoreScale.weight(w.weight) }
    }
    slope = bf - wf
    worstConstant = wf * ScoreScale.unit
    var trees: [Tree] = []
    var slots = 0, devSlots = 0, leaves = 0, recents = 0, recentDevs = 0
    for (c, list) in members.enumerated() {
      var p = 1
      while p < max(list.count, 1) { p <<= 1 }
      let d = Int(core.classes[Int(treeClasses[c][0])].deviceCount)
      // A given capacity merges exactly when full (tests); else the list
      // merges once searches have read about as much as a merge costs,
      // up to a capacity no list needs more than.
      let cap = slope != 0
        ? max(1, recentCapacity ?? min(max(list.count, 1), max(Self.recentLimit, 4 * Int(Double(p).squareRoot())))) : 0
      trees.append(Tree(size: p, nodes: list.count, devs: d, base: slots, devBase: devSlots, leafBase: leaves,
                        recentBase: recents, recentDevBase: recentDevs, recentCap: cap, recentCount: 0,
                        mergeWork: recentCapacity == nil ? Self.mergeFactor * max(list.count, 1) : .max))
      slots += 2 * p
      devSlots += 2 * p * d
      leaves += p
      recents += cap
      recentDevs += cap * d
    }
    self.trees = trees
    self.slots = Array(repeating: Slot(), count: slots)
    dev = Array(repeating: -1, count: devSlots)
    nodeAt = Array(repeating: -1, count: leaves)
    position = Array(repeating: -1, count: core.state.nodeCount)
    recentNode = Array(repeating: -1, count: recents)
    recentSlot = Array(repeating: Slot(), count: recents)
    recentDev = Array(repeating: -1, count: recentDevs)
    recentIndex = Array(repeating: -1, count: core.state.nodeCount)
    lastChange = Array(repeating: -1, count: core.state.nodeCount)
    for (c, list) in members.enumerated() {
      let ordered = list.sorted { core.tieRank[Int($0)] < core.tieRank[Int($1)] }
      for (i, n) in ordered.enumerated() {
        nodeAt[trees[c].leafBase + i] = n
        position[Int(n)] = Int32(i)
      }
    }
    for c in 0..<trees.count { relayLeaves(c, core, sortByU: slope != 0) }
  }

  // MARK: Tree primitives

  /// Writes the leaf at `pos` of class `c` without touching its ancestors.
  @inline(__always)
  mutating func writeLeaf(_ c: Int, _ pos: Int, _ s: NodeStateKey?, u: Int64, rank: UInt32, bit: UInt64) {
    let t = trees[c]
    let i = t.base + t.size + pos
    let di = t.devBase + (t.size + pos) * t.devs
    if let s {
      slots[i] = Slot(cpu: s.milliCPU, mem: s.memoryMiB, uMax: u, uMin: u, minRank: rank, dpu: s.dpuUnits,
                      classes: bit)
      for k in 0..<t.devs { dev[di + k] = Int16(truncatingIfNeeded: s.device(k)) }
    } else {
      slots[i] = Slot()
      for k in 0..<t.devs { dev[di + k] = -1 }
    }
  }

  /// Recomputes inner slot `i` of a tree from its children, in the tree's
  /// slots `S` and device maxima `D` (`devs` per slot); returns whether
  /// anything in it changed.
  @inline(__always) @discardableResult
  static func pull(_ S: UnsafeMutableBufferPointer<Slot>, _ D: UnsafeMutableBufferPointer<Int16>, _ i: Int,
                   devs: Int) -> Bool {
    let sl = S[2 &* i], sr = S[2 &* i &+ 1]
    let new = Slot(cpu: max(sl.cpu, sr.cpu), mem: max(sl.mem, sr.mem), uMax: max(sl.uMax, sr.uMax),
                   uMin: min(sl.uMin, sr.uMin), minRank: min(sl.minRank, sr.minRank),
                   dpu: max(sl.dpu, sr.dpu), classes: sl.classes | sr.classes)
    var changed = S[i] != new
    S[i] = new
    let da = i &* devs, dl = 2 &* i &* devs, dr = dl &+ devs
    if devs == 8, let base = UnsafeMutableRawPointer(D.baseAddress) {
      // Eight devices (the usual accelerator node): one vector max.
      let v = pointwiseMax(base.loadUnaligned(fromByteOffset: dl &* 2, as: SIMD8<Int16>.self),
                           base.loadUnaligned(fromByteOffset: dr &* 2, as: SIMD8<Int16>.self))
      if any(base.loadUnaligned(fromByteOffset: da &* 2, as: SIMD8<Int16>.self) .!= v) {
        base.storeBytes(of: v, toByteOffset: da &* 2, as: SIMD8<Int16>.self)
        changed = true
      }
      return changed
    }
    for k in 0..<devs {
      let v = max(D[dl &+ k], D[dr &+ k])
      if D[da &+ k] != v {
        D[da &+ k] = v
        changed = true
      }
    }
    return changed
  }

  /// As `pull`, without telling whether anything changed (for rebuilds,
  /// which recompute every slot anyway).
  @inline(__always)
  static func combine(_ S: UnsafeMutableBufferPointer<Slot>, _ D: UnsafeMutableBufferPointer<Int16>, _ i: Int,
                      devs: Int) {
    let sl = S[2 &* i], sr = S[2 &* i &+ 1]
    S[i] = Slot(cpu: max(sl.cpu, sr.cpu), mem: max(sl.mem, sr.mem), uMax: max(sl.uMax, sr.uMax),
                uMin: min(sl.uMin, sr.uMin), minRank: min(sl.minRank, sr.minRank),
                dpu: max(sl.dpu, sr.dpu), classes: sl.classes | sr.classes)
    let da = i &* devs, dl = 2 &* i &* devs, dr = dl &+ devs
    if devs == 8, let base = UnsafeMutableRawPointer(D.baseAddress) {
      let v = pointwiseMax(base.loadUnaligned(fromByteOffset: dl &* 2, as: SIMD8<Int16>.self),
                           base.loadUnaligned(fromByteOffset: dr &* 2, as: SIMD8<Int16>.self))
      base.storeBytes(of: v, toByteOffset: da &* 2, as: SIMD8<Int16>.self)
      return
    }
    for k in 0..<devs { D[da &+ k] = max(D[dl &+ k], D[dr &+ k]) }
  }

  /// Calls `body` with tree `c`'s slots and device maxima as raw buffers
  /// (tree-local indices: slot `i` of the tree is `S[i]`).
  @inline(__always)
  mutating func withTree<R>(_ c: Int, _ body: (UnsafeMutableBufferPointer<Slot>, UnsafeMutableBufferPointer<Int16>) -> R) -> R {
    let t = trees[c]
    return slots.withUnsafeMutableBufferPointer { allSlots in
      dev.withUnsafeMutableBufferPointer { allDev in
        body(UnsafeMutableBufferPointer(rebasing: allSlots[t.base..<(t.base + 2 * t.size)]),
             UnsafeMutableBufferPointer(rebasing: allDev[t.devBase..<(t.devBase + 2 * t.size * t.devs)]))
      }
    }
  }

  /// Writes every leaf of class `c` from the state (after sorting them by
  /// U then rank when `sortByU`), rebuilds its inner slots and empties its
  /// recent list.
  ///
  /// - Complexity: O(n log n + n · devices) for the class's n nodes
  mutating func relayLeaves(_ c: Int, _ core: PlacementCore, sortByU: Bool) {
    let t = trees[c]
    var members: [(NodeID, Int64, UInt32)] = []
    members.reserveCapacity(t.size)
    for p in 0..<t.size {
      let n = nodeAt[t.leafBase + p]
      if n < 0 { continue }
      let live = !core.state.isDown(n) && !excluded.contains(n)
      let cls = core.classes[Int(core.nodeClass[Int(n)])]
      let u = live ? BestFitScorer.stateTerm(cls, core.key(of: n), core.ctx) : .min
      members.append((n, u, core.tieRank[Int(n)]))
    }
    if sortByU {
      members.sort { $0.1 != $1.1 ? $0.1 < $1.1 : $0.2 < $1.2 }
    }
    for (i, m) in members.enumerated() {
      nodeAt[t.leafBase + i] = m.0
      position[Int(m.0)] = Int32(i)
      let live = m.1 != .min
      writeLeaf(c, i, live ? core.key(of: m.0) : nil, u: m.1, rank: m.2,
                bit: classBit[Int(core.nodeClass[Int(m.0)])])
    }
    if t.size > 1 { rebuildInner(c, leaves: 0, t.size) }
    trees[c].epoch &+= 1
    for j in 0..<t.recentCount { recentIndex[Int(recentNode[t.recentBase + j])] = -1 }
    clearRecent(c)
  }

  // MARK: Recent lists

  /// Recomputes the inner slots of class `c` above leaves `lo ..< hi`
  /// (tree-local positions, `lo < hi`) from their children, level by level
  /// (`combine` over raw buffers). Slots above other
  /// leaves only must be current already.
  ///
  /// - Complexity: O((hi − lo + log size) · devices)
  mutating func rebuildInner(_ c: Int, leaves lo: Int, _ hi: Int) {
    let t = trees[c]
    let devs = t.devs
    withTree(c) { S, D in
      // The parents of slots a ... b, one level up at a time.
      var a = (t.size &+ lo) >> 1, b = (t.size &+ hi &- 1) >> 1
      while a >= 1 {
        var i = b
        while i >= a {
          Self.combine(S, D, i, devs: devs)
          i &-= 1
        }
        a >>= 1
        b >>= 1
      }
    }
  }

  /// Empties the recent list of class `c` (its nodes must be placed already).
  @inline(__always)
  mutating func clearRecent(_ c: Int) {
    let t = trees[c]
    trees[c].recentCount = 0
    trees[c].scanWork = 0
    slots[t.base] = Slot()
    for k in 0..<t.devs { dev[t.devBase + k] = -1 }
  }

  /// Writes entry `r` of class `c`'s recent list (node `n` in state `s`)
  /// and widens the list's bound in slot 0 (which may stay loose until the
  /// list empties: it must only never be tighter than the entries).
  @inline(__always)
  mutating func writeRecent(_ c: Int, _ r: Int, _ n: NodeID, _ s: NodeStateKey, u: Int64, rank: UInt32,
                            bit: UInt64) {
    let t = trees[c]
    let e = Slot(cpu: s.milliCPU, mem: s.memoryMiB, uMax: u, uMin: u, minRank: rank, dpu: s.dpuUnits, classes: bit)
    recentNode[t.recentBase + r] = n
    recentSlot[t.recentBase + r] = e
    recentIndex[Int(n)] = Int32(r)
    let b = slots[t.base]
    slots[t.base] = Slot(cpu: max(b.cpu, e.cpu), mem: max(b.mem, e.mem), uMax: max(b.uMax, u), uMin: min(b.uMin, u),
                         minRank: min(b.minRank, rank), dpu: max(b.dpu, e.dpu), classes: b.classes | bit)
    let di = t.recentDevBase + r * t.devs
    for k in 0..<t.devs {
      let v = Int16(truncatingIfNeeded: s.device(k))
      recentDev[di + k] = v
      dev[t.devBase + k] = max(dev[t.devBase + k], v)
    }
  }

  /// Removes entry `r` from class `c`'s recent list (the last entry takes its place).
  mutating func removeRecent(_ c: Int, _ r: Int) {
    let t = trees[c]
    let last = t.recentCount - 1
    recentIndex[Int(recentNode[t.recentBase + r])] = -1
    if r != last {
      let m = recentNode[t.recentBase + last]
      recentNode[t.recentBase + r] = m
      recentSlot[t.recentBase + r] = recentSlot[t.recentBase + last]
      recentIndex[Int(m)] = Int32(r)
      for k in 0..<t.devs { recentDev[t.recentDevBase + r * t.devs + k] = recentDev[t.recentDevBase + last * t.devs + k] }
    }
    if last == 0 { clearRecent(c) } else { trees[c].recentCount = last }
  }

  /// Merges class `c`'s recent list back into its sorted leaves: the live
  /// leaves keep their (U, rank) order, the recent nodes (sorted the same
  /// way) are inserted among them, the recent nodes' dead leaves are
  /// dropped, and the inner slots are rebuilt. Only leaves 0 ..< `nodes`
  /// take part: the padding after them stays dead.
  ///
  /// - Complexity: O(n · devices + r log r) for the class's n nodes and r recent nodes
  mutating func mergeRecent(_ c: Int) {
    let t = trees[c]
    let count = t.recentCount
    guard count > 0 else { return }
    mergeOrder.removeAll(keepingCapacity: true)
    for j in 0..<count { mergeOrder.append(Int32(j)) }
    let rb = t.recentBase
    recentSlot.withUnsafeBufferPointer { e in
      mergeOrder.sort { a, b in
        let x = e[rb + Int(a)], y = e[rb + Int(b)]
        return x.uMax != y.uMax ? x.uMax < y.uMax : x.minRank < y.minRank
      }
    }
    let leaf0 = t.base + t.size
    let devs = t.devs
    mergeSlots.removeAll(keepingCapacity: true)
    mergeSlots.append(contentsOf: slots[leaf0..<(leaf0 + t.nodes)])
    mergeDev.removeAll(keepingCapacity: true)
    mergeDev.append(contentsOf: dev[(t.devBase + t.size * devs)..<(t.devBase + (t.size + t.nodes) * devs)])
    mergeNodes.removeAll(keepingCapacity: true)
    mergeNodes.append(contentsOf: nodeAt[t.leafBase..<(t.leafBase + t.nodes)])
    // Raw buffers throughout: a merge writes every leaf of the tree, and
    // checked, uniqueness-tested array writes cost several times the copy.
    slots.withUnsafeMutableBufferPointer { S in
    dev.withUnsafeMutableBufferPointer { D in
    nodeAt.withUnsafeMutableBufferPointer { NA in
    position.withUnsafeMutableBufferPointer { P in
    recentIndex.withUnsafeBufferPointer { RI in
    recentNode.withUnsafeBufferPointer { RN in
    recentSlot.withUnsafeBufferPointer { RS in
    recentDev.withUnsafeBufferPointer { RD in
    mergeOrder.withUnsafeBufferPointer { MO in
    mergeSlots.withUnsafeBufferPointer { MS in
    mergeDev.withUnsafeBufferPointer { MD in
    mergeNodes.withUnsafeBufferPointer { MN in
      var out = 0, j = 0
      @inline(__always) func emit(_ n: NodeID, _ sl: Slot, _ devSrc: UnsafeBufferPointer<Int16>, _ src: Int) {
        NA[t.leafBase &+ out] = n
        P[Int(n)] = Int32(truncatingIfNeeded: out)
        S[leaf0 &+ out] = sl
        let dst = t.devBase &+ (t.size &+ out) &* devs
        for k in 0..<devs { D[dst &+ k] = devSrc[src &+ k] }
        out &+= 1
      }
      @inline(__always) func emitRecent(_ r: Int) {
        emit(RN[rb &+ r], RS[rb &+ r], RD, t.recentDevBase &+ r &* devs)
      }
      for p in 0..<t.nodes {
        let n = MN[p]
        if RI[Int(n)] >= 0 { continue }  // a recent node's dead leaf
        let sl = MS[p]
        if sl.cpu >= 0 {  // live: recent nodes that sort before it go first
          while j < count {
            let e = RS[rb &+ Int(MO[j])]
            if e.uMax > sl.uMax || (e.uMax == sl.uMax && e.minRank > sl.minRank) { break }
            emitRecent(Int(MO[j]))
            j &+= 1
          }
        }
        emit(n, sl, MD, p &* devs)
      }
      while j < count {
        emitRecent(Int(MO[j]))
        j &+= 1
      }
    } } } } } } } } } } } }
    rebuildInner(c, leaves: 0, t.nodes)
    trees[c].epoch &+= 1
    for r in 0..<count { recentIndex[Int(recentNode[rb + r])] = -1 }
    clearRecent(c)
  }

  /// Whether slot `i` (tree-local) of class `c` may hold a node that fits `s`.
  @inline(__always)
  func mayFit(_ t: Tree, _ i: Int, _ s: TaskShape, _ allowed: UInt64) -> Bool {
    let sl = slots[t.base + i]
    if sl.classes & allowed == 0 { return false }
    if sl.cpu < s.milliCPU || sl.mem < s.memoryMiB || sl.dpu < s.dpuUnits { return false }
    if s.deviceCount > 0 {
      if Int(s.deviceCount) > t.devs { return false }
      return Int32(dev[t.devBase + i * t.devs + Int(s.deviceCount) - 1]) >= s.milliPerDevice
    }
    return true
  }

  /// The feasible node of tree `c`'s recent list that is best by U in
  /// `direction` (+1: largest U, −1: smallest, 0: ignored), ties to the
  /// smallest rank, and strictly better than `beat` when given. `uFeasible`
  /// bounds U from above for every node the task fits (U is monotone in
  /// free capacity).
  ///
  /// - Complexity: O(recent nodes of the tree)
  mutating func bestRecent(_ c: Int, _ s: TaskShape, direction: Int, uFeasible: Int64,
                           allowed: UInt64, beat: (u: Int64, rank: UInt32)?) -> (node: NodeID, u: Int64, rank: UInt32)? {
    // One copy of the scan per direction, as in `bestSorted`.
    switch direction {
    case 1: return bestRecent(c, s, uFeasible: uFeasible, allowed: allowed, beat: beat, direction: 1)
    case -1: return bestRecent(c, s, uFeasible: uFeasible, allowed: allowed, beat: beat, direction: -1)
    default: return bestRecent(c, s, uFeasible: uFeasible, allowed: allowed, beat: beat, direction: 0)
    }
  }

  @inline(__always)
  mutating func bestRecent(_ c: Int, _ s: TaskShape, uFeasible: Int64, allowed: UInt64,
                           beat: (u: Int64, rank: UInt32)?, direction: Int) -> (node: NodeID, u: Int64, rank: UInt32)? {
    let t = trees[c]
    let devs = t.devs
    let devK = Int(s.deviceCount) - 1  // which k-th largest device to test, -1: none
    guard devK < devs, t.recentCount > 0, mayFit(t, 0, s, allowed) else { return nil }
    if let beat, !mayBeat(slots[t.base], direction, uFeasible, beat.u, beat.rank) { return nil }
    trees[c].scanWork &+= t.recentCount
    let cpu = s.milliCPU, mem = s.memoryMiB, dpu = s.dpuUnits, milli = s.milliPerDevice
    var bestNode: NodeID = -1
    // Whether (bestU, bestRank) holds a bar to beat: a recent node's or `beat`.
    var have = beat != nil
    var bestU: Int64 = beat?.u ?? 0
    var bestRank = beat?.rank ?? UInt32.max
    recentSlot.withUnsafeBufferPointer { allEntries in
      recentDev.withUnsafeBufferPointer { allDev in
        let E = UnsafeBufferPointer(rebasing: allEntries[t.recentBase..<(t.recentBase + t.recentCount)])
        // The U an entry must have to fit (at most `uFeasible`) and to
        // beat the best so far: tested first, one compare each, since most
        // entries fail it once there is a bar.
        var lo: Int64 = direction == 1 && have ? bestU : .min
        var hi: Int64 = direction == -1 && have ? min(uFeasible, bestU) : uFeasible
        for j in 0..<E.count {
          let e = E[j]
          let u = e.uMax
          if u < lo || u > hi { continue }
          if e.classes & allowed == 0 || e.cpu < cpu || e.mem < mem || e.dpu < dpu { continue }
          if devK >= 0 && Int32(allDev[t.recentDevBase &+ j &* devs &+ devK]) < milli { continue }
          let r = e.minRank
          if !have || Self.strictlyBetter(u, r, than: (bestU, bestRank), direction) {
            have = true
            bestNode = recentNode[t.recentBase + j]
            bestU = u
            bestRank = r
            if direction == 1 { lo = u } else if direction == -1 { hi = u }
          }
        }
      }
    }
    return bestNode < 0 ? nil : (bestNode, bestU, bestRank)
  }

  /// As `bestRecent`, over tree `c`'s leaves: a branch-and-bound descent
  /// that skips subtrees whose maxima cannot fit the task, whose smallest U
  /// exceeds `uFeasible` (only nodes too full) or whose (U, rank) bounds
  /// cannot beat the best so far (from the start, `beat`: the best found
  /// elsewhere, translated into this tree's U; see `threshold`).
  ///
  /// - Complexity: O(log n) slots per subtree it cannot prune
  func bestSorted(_ c: Int, _ s: TaskShape, direction: Int, uFeasible: Int64,
                  allowed: UInt64, beat: (u: Int64, rank: UInt32)?) -> (node: NodeID, u: Int64, rank: UInt32)? {
    // One copy of the descent per direction, each with its constant folded
    // into the bound tests (the descent is the engine's hottest loop).
    switch direction {
    case 1: return bestSorted(c, s, uFeasible: uFeasible, allowed: allowed, beat: beat, direction: 1)
    case -1: return bestSorted(c, s, uFeasible: uFeasible, allowed: allowed, beat: beat, direction: -1)
    default: return bestSorted(c, s, uFeasible: uFeasible, allowed: allowed, beat: beat, direction: 0)
    }
  }

  @inline(__always)
  func bestSorted(_ c: Int, _ s: TaskShape, uFeasible: Int64, allowed: UInt64, beat: (u: Int64, rank: UInt32)?,
                  direction: Int) -> (node: NodeID, u: Int64, rank: UInt32)? {
    let t = trees[c]
    let devs = t.devs
    let devK = Int(s.deviceCount) - 1  // which k-th largest device to test, -1: none
    guard devK < devs, mayFit(t, 1, s, allowed) else { return nil }
    let cpu = s.milliCPU, mem = s.memoryMiB, dpu = s.dpuUnits, milli = s.milliPerDevice
    let have = beat != nil
    let bestU: Int64 = beat?.u ?? 0
    let bestRank = beat?.rank ?? UInt32.max
    // Raw buffers: this loop is the engine's hottest code.
    let found: (pos: Int, u: Int64, rank: UInt32)? = slots.withUnsafeBufferPointer { allSlots in
      dev.withUnsafeBufferPointer { allDev in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.descentStackCapacity) { stack in
          let S = UnsafeBufferPointer(rebasing: allSlots[t.base..<(t.base + 2 * t.size)])
          let D = UnsafeBufferPointer(rebasing: allDev[t.devBase..<(t.devBase + 2 * t.size * devs)])
          @inline(__always) func fits(_ i: Int, _ sl: Slot) -> Bool {
            if sl.classes & allowed == 0 || sl.cpu < cpu || sl.mem < mem || sl.dpu < dpu { return false }
            return devK < 0 || Int32(D[i &* devs &+ devK]) >= milli
          }
          // The best so far (`beat` when `have` and `bestPos` < 0).
          var have = have
          var bestPos = -1
          var bestU = bestU
          var bestRank = bestRank
          stack[0] = 1
          var top = 1
          while top > 0 {
            top &-= 1
            let i = stack[top]
            let sl = S[i]
            if sl.uMin > uFeasible || !fits(i, sl) { continue }
            if have && !mayBeat(sl, direction, uFeasible, bestU, bestRank) { continue }
            if i >= t.size {
              let u = sl.uMax, r = sl.minRank
              if !have || Self.strictlyBetter(u, r, than: (bestU, bestRank), direction) {
                have = true
                bestPos = i &- t.size
                bestU = u
                bestRank = r
              }
              continue
            }
            Self.pushChildren(of: i, S, stack, &top, direction, uFeasible)
          }
          return bestPos < 0 ? nil : (bestPos, bestU, bestRank)
        }
      }
    }
    if let found { return (nodeAt[t.leafBase + found.pos], found.u, found.rank) }
    return nil
  }

  /// Stack entries a depth-first descent needs: popping a slot pushes its
  /// two children, so the stack holds at most one pending sibling per
  /// level above the deepest plus two (a tree has fewer than 2^63 slots).
  /// At 8 bytes each this stays under the 1,024 bytes that
  /// `withUnsafeTemporaryAllocation` always takes from the stack (the
  /// former 132 entries, 1,056 bytes, went to the heap on every search).
  static var descentStackCapacity: Int { Int.bitWidth + 4 }

  /// Pushes the children of inner slot `i` on a descent's `stack` (at
  /// `top`), the less promising first so the better one is explored first.
  @inline(__always)
  static func pushChildren(of i: Int, _ S: UnsafeBufferPointer<Slot>, _ stack: UnsafeMutableBufferPointer<Int>,
                           _ top: inout Int, _ direction: Int, _ uFeasible: Int64) {
    let l = S[2 &* i], r = S[2 &* i &+ 1]
    let leftFirst: Bool
    switch direction {
    case 1:
      let bl = min(l.uMax, uFeasible), br = min(r.uMax, uFeasible)
      leftFirst = bl > br || (bl == br && l.minRank <= r.minRank)
    case -1: leftFirst = l.uMin < r.uMin || (l.uMin == r.uMin && l.minRank <= r.minRank)
    default: leftFirst = l.minRank <= r.minRank
    }
    if leftFirst {
      stack[top] = 2 &* i &+ 1; stack[top &+ 1] = 2 &* i
    } else {
      stack[top] = 2 &* i; stack[top &+ 1] = 2 &* i &+ 1
    }
    top &+= 2
  }

  /// Whether slot `sl`'s (U, rank) bounds allow a node strictly better than
  /// (`u`, `rank`) in `direction` (see `bestRecent`).
  @inline(__always)
  func mayBeat(_ sl: Slot, _ direction: Int, _ uFeasible: Int64, _ u: Int64, _ rank: UInt32) -> Bool {
    switch direction {
    case 1:
      let bound = min(sl.uMax, uFeasible)
      return bound > u || (bound == u && sl.minRank < rank)
    case -1: return sl.uMin < u || (sl.uMin == u && sl.minRank < rank)
    default: return sl.minRank < rank
    }
  }

  /// The bar a node of a tree must clear to beat total `score` at `rank`:
  /// with the tree's total `base + k·(U + q)`, a node beats it iff it is
  /// strictly better than the returned (U, rank) in `direction` (larger U
  /// for k > 0, smaller for k < 0, ties by smaller rank; for k = 0 only the
  /// rank counts, and `base` must equal `score`). `nil`: no bar (every node
  /// may beat it, or the arithmetic does not allow a safe bar); the caller
  /// compares totals after the search either way.
  static func threshold(score: Int64, rank: UInt32, base: Int64, k: Int64, q: Int64,
                        direction: Int) -> (u: Int64, rank: UInt32)? {
    let x = score &- base  // a node beats it iff k·v > x, or k·v == x and a smaller rank (v = U + q)
    switch direction {
    case 1 where k > 0:
      // k·v > x ⇔ v > ⌊x/k⌋; k·v == x only when k divides x.
      let f = floorDiv(x, k)
      return (f &- q, f &* k == x ? rank : 0)
    case -1 where k < 0 && k != .min && x != .min:
      // k·v > x ⇔ |k|·v < −x ⇔ v < ⌈−x/|k|⌉; equality only when |k| divides −x.
      let nx = 0 &- x, kk = 0 &- k
      let f = floorDiv(nx, kk)
      let tie = f &* kk == nx
      return ((tie ? f : f &+ 1) &- q, tie ? rank : 0)
    case 0 where k == 0 && x == 0:
      return (0, rank)
    default:
      return nil
    }
  }

  // MARK: NodeSearch

  /// Appends to `plan` an entry for every tree with a member class the task
  /// may use under `q`'s site rules.
  ///
  /// - Complexity: O(classes)
  func makePlan(_ q: TaskQuery, _ core: PlacementCore, into plan: inout [TreePlan]) {
    for tc in 0..<trees.count {
      // The member classes this task may use; they share shape and terms.
      var allowed: UInt64 = 0
      var c = -1
      for m in treeClasses[tc] {
        let mc = Int(m)
        guard q.shapes[mc] != nil else { continue }
        let site = core.classes[mc].site
        if q.onlySite >= 0 && site != q.onlySite { continue }
        if !q.excludedSites.isEmpty && q.excludedSites[site] != nil { continue }
        allowed |= classBit[mc]
        if c < 0 { c = mc }
      }
      guard c >= 0, let shape = q.shapes[c] else { continue }
      let (a, b) = BestFitScorer.form(core.classes[c], core.ctx)
      plan.append(TreePlan(tree: Int32(tc), cls: Int32(c), allowed: allowed, shape: shape,
                           base: q.classTerm[c] &+ worstConstant &+ slope &* a, k: slope &* b,
                           q: q.requestTerm[c], uFeasible: q.uFeasible[c]))
    }
  }

  /// Stores the plan of `q` without site rules (which is what `best` uses
  /// when a task has none: the usual case).
  mutating func prepare(_ q: inout TaskQuery, _ core: PlacementCore) {
    var free = q
    free.onlySite = -1
    free.excludedSites = [:]
    var plan: [TreePlan] = []
    makePlan(free, core, into: &plan)
    var planOfTree = [Int32](repeating: -1, count: trees.count)
    for (i, p) in plan.enumerated() { planOfTree[Int(p.tree)] = Int32(i) }
    let t = q.tables
    q.tables = TaskQuery.Tables(shapes: t.shapes, reasons: t.reasons, classTerm: t.classTerm,
                                requestTerm: t.requestTerm, uFeasible: t.uFeasible, treePlan: plan,
                                hintSlot: nextHintSlot, planOfTree: planOfTree)
    nextHintSlot &+= 1
  }

  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore) -> Candidate? {
    if q.prepared && q.onlySite < 0 && q.excludedSites.isEmpty { return best(q.treePlan, hintSlot: q.tables.hintSlot) }
    var plan = planScratch
    planScratch = []
    plan.removeAll(keepingCapacity: true)
    makePlan(q, core, into: &plan)
    defer { planScratch = plan }
    return best(plan, hintSlot: -1)
  }

  /// The best node over the trees of `plan`: every tree is bounded first,
  /// then searched with the best so far as the bar: first the tree that won
  /// this query last time (`winner[hintSlot]`, a guess that only orders the
  /// search), then the others by bound. The result does not depend on the
  /// order: each search is exact above its bar and ties go to the smaller
  /// rank. A tree's recent list is scanned first; its sorted leaves are
  /// searched unless the query's `LeafMemo` (with a `hintSlot` ≥ 0) already
  /// answers for them: its best leaf is still live, or its bound cannot
  /// beat the bar.
  mutating func best(_ plan: [TreePlan], hintSlot: Int) -> Candidate? {
    // One copy per direction, as in `bestSorted`.
    switch direction {
    case 1: return best(plan, hintSlot: hintSlot, direction: 1)
    case -1: return best(plan, hintSlot: hintSlot, direction: -1)
    default: return best(plan, hintSlot: hintSlot, direction: 0)
    }
  }

  @inline(__always)
  mutating func best(_ plan: [TreePlan], hintSlot: Int, direction: Int) -> Candidate? {
    var bestScore = Int64.min
    var bestRank = UInt32.max
    var bestNode: NodeID = -1
    boundTrees(plan, direction: direction)
    // The hinted tree first (the rest stay in bound order).
    let hinted = hintSlot >= 0 ? winner[hintSlot & (winner.count - 1)] : -1
    candidates.withUnsafeMutableBufferPointer { c in
      if hinted >= 0, let h = c.firstIndex(where: { plan[Int($0.plan)].tree == hinted }), h > 0 {
        let x = c[h]
        var j = h
        while j > 0 {
          c[j] = c[j &- 1]
          j &-= 1
        }
        c[0] = x
      }
    }
    // This query's memo row (leaves are in rank order without a slope: no memo).
    var row = -1
    if hintSlot >= 0 && direction != 0 {
      row = (hintSlot & (memoRows - 1)) * trees.count
      if memo.count < row + trees.count {
        memo.append(contentsOf: repeatElement(LeafMemo(), count: row + trees.count - memo.count))
      }
    }
    var winningTree: Int32 = -1
    for (ci, cand) in candidates.enumerated() {
      if cand.bound < bestScore || (cand.bound == bestScore && cand.minRank >= bestRank) {
        if ci == 0 { continue }  // the hinted tree; the rest are in bound order
        break
      }
      let p = plan[Int(cand.plan)]
      let tc = Int(p.tree)
      // Only nodes that beat the best so far matter: search with that bar.
      var bar = bestNode < 0 ? nil : Self.threshold(score: bestScore, rank: bestRank, base: p.base, k: p.k,
                                                    q: p.q, direction: direction)
      var found = bestRecent(tc, p.shape, direction: direction, uFeasible: p.uFeasible, allowed: p.allowed,
                             beat: bar)
      if let f = found { bar = (f.u, f.rank) }
      var search = true
      var uFeasible = p.uFeasible
      if row >= 0 {
        let m = memo[row + tc]
        if m.ticket == hintSlot && m.epoch == trees[tc].epoch {
          if m.node == -2 {
            search = false
          } else if m.node >= 0 && isLiveLeaf(tc, m.node) {
            search = false
            if bar.map({ Self.strictlyBetter(m.u, m.rank, than: $0, direction) }) ?? true { found = (m.node, m.u, m.rank) }
          } else if let b = bar, !Self.strictlyBetter(m.u, m.rank, than: b, direction) {
            search = false  // no live leaf is better than the memo's bound, which does not beat the bar
          } else if direction == 1 {
            // Every live leaf of larger U than the memo's bound is infeasible:
            // the bound caps U like `uFeasible` does.
            uFeasible = min(uFeasible, m.u)
          }
        }
      }
      if search {
        let leaf = bestSorted(tc, p.shape, direction: direction, uFeasible: uFeasible, allowed: p.allowed,
                              beat: bar)
        if let leaf { found = leaf }
        if row >= 0 {
          // The search is exact above its bar: its answer is the best leaf, else the bar bounds them.
          let m: LeafMemo
          if let leaf {
            m = LeafMemo(ticket: hintSlot, epoch: trees[tc].epoch, node: leaf.node, rank: leaf.rank, u: leaf.u)
          } else if let b = bar {
            m = LeafMemo(ticket: hintSlot, epoch: trees[tc].epoch, node: -1, rank: b.rank, u: b.u)
          } else {
            m = LeafMemo(ticket: hintSlot, epoch: trees[tc].epoch, node: -2)
          }
          memo[row + tc] = m
        }
      }
      guard let (node, u, rank) = found else { continue }
      let total = p.base &+ p.k &* (u &+ p.q)
      if total > bestScore || (total == bestScore && rank < bestRank) {
        bestScore = total
        bestRank = rank
        bestNode = node
        winningTree = p.tree
      }
    }
    if hintSlot >= 0 && winningTree >= 0 { winner[hintSlot & (winner.count - 1)] = winningTree }
    return bestNode < 0 ? nil : Candidate(node: bestNode, score: bestScore, chosenFree: -1)
  }

  /// Fills `candidates` with every tree of `plan` that may hold a
  /// feasible node (in its sorted leaves or recent list), with the best
  /// total it could reach there and its smallest rank, ordered by that
  /// bound (ties to the smaller rank).
  ///
  /// - Complexity: O(trees of the plan²), a dozen trees at most
  @inline(__always)
  mutating func boundTrees(_ plan: [TreePlan], direction: Int) {
    candidates.removeAll(keepingCapacity: true)
    // Raw buffers: this runs for every tree of every search.
    trees.withUnsafeBufferPointer { T in
      slots.withUnsafeBufferPointer { S in
        dev.withUnsafeBufferPointer { D in
          // Whether slot `i` of tree `t` may hold a node that fits `p`'s task (as `mayFit`).
          @inline(__always) func fits(_ t: Tree, _ i: Int, _ p: TreePlan) -> Bool {
            let sl = S[t.base &+ i]
            let s = p.shape
            if sl.classes & p.allowed == 0 || sl.cpu < s.milliCPU || sl.mem < s.memoryMiB || sl.dpu < s.dpuUnits {
              return false
            }
            if s.deviceCount > 0 {
              if Int(s.deviceCount) > t.devs { return false }
              return Int32(D[t.devBase &+ i &* t.devs &+ Int(s.deviceCount) &- 1]) >= s.milliPerDevice
            }
            return true
          }
          for pi in plan.indices {
            let p = plan[pi]
            let t = T[Int(p.tree)]
            let treeFits = fits(t, 1, p)
            let recentFits = t.recentCount > 0 && fits(t, 0, p)
            guard treeFits || recentFits else { continue }
            // Bound: the best total this class could reach (over the tree and its recent list).
            var root = treeFits ? S[t.base &+ 1] : Slot()
            if recentFits {
              let r = S[t.base]
              root.uMax = max(root.uMax, r.uMax)
              root.uMin = min(root.uMin, r.uMin)
              root.minRank = min(root.minRank, r.minRank)
            }
            let bound: Int64
            switch direction {
            case 1: bound = p.base &+ p.k &* (min(root.uMax, p.uFeasible) &+ p.q)
            case -1: bound = p.base &+ p.k &* (root.uMin &+ p.q)
            default: bound = p.base
            }
            candidates.append(TreeCandidate(plan: Int32(pi), bound: bound, minRank: root.minRank))
          }
        }
      }
    }
    // An insertion sort in place, cheaper here than the generic sort with its closure.
    candidates.withUnsafeMutableBufferPointer { c in
      var i = 1
      while i < c.count {
        let x = c[i]
        var j = i
        while j > 0 && (c[j &- 1].bound < x.bound || (c[j &- 1].bound == x.bound && c[j &- 1].minRank > x.minRank)) {
          c[j] = c[j &- 1]
          j &-= 1
        }
        c[j] = x
        i &+= 1
      }
    }
  }

  /// The direction of the best U: +1 (largest, best-fit), −1 (smallest,
  /// worst-fit) or 0 (U plays no part: ranks decide).
  @inline(__always)
  var direction: Int { slope > 0 ? 1 : (slope < 0 ? -1 : 0) }

  /// Whether (`u`, `rank`) is strictly better than `bar` in `direction`
  /// (see `bestRecent`).
  @inline(__always)
  static func strictlyBetter(_ u: Int64, _ rank: UInt32, than bar: (u: Int64, rank: UInt32), _ direction: Int) -> Bool {
    switch direction {
    case 1: return u > bar.u || (u == bar.u && rank < bar.rank)
    case -1: return u < bar.u || (u == bar.u && rank < bar.rank)
    default: return rank < bar.rank
    }
  }

  /// Whether node `n` of tree `c` sits live in the tree's sorted leaves.
  @inline(__always)
  func isLiveLeaf(_ c: Int, _ n: NodeID) -> Bool {
    let t = trees[c]
    return slots[t.base + t.size + Int(position[Int(n)])].cpu >= 0
  }

  mutating func nodeChanged(_ n: NodeID, _ core: inout PlacementCore) {
    noteChange(n)
    let nc = Int(core.nodeClass[Int(n)])
    let c = Int(treeOf[nc])
    let pos = Int(position[Int(n)])
    let rank = core.tieRank[Int(n)]
    let live = !core.state.isDown(n) && (excluded.isEmpty || !excluded.contains(n))
    if slope == 0 {  // rank order: rewrite the leaf in place
      if live {
        let key = core.key(of: n)
        writeLeaf(c, pos, key, u: BestFitScorer.stateTerm(core.classes[nc], key, core.ctx), rank: rank,
                  bit: classBit[nc])
      } else {
        writeLeaf(c, pos, nil, u: 0, rank: rank, bit: 0)
      }
      pullPath(c, pos)
      return
    }
    let r = Int(recentIndex[Int(n)])
    if r >= 0 {  // already recent (its leaf is dead)
      if live {
        let key = core.key(of: n)
        writeRecent(c, r, n, key, u: BestFitScorer.stateTerm(core.classes[nc], key, core.ctx), rank: rank,
                    bit: classBit[nc])
      } else {
        removeRecent(c, r)
      }
      return
    }
    let t = trees[c]
    if slots[t.base + t.size + pos].cpu >= 0 {  // a live sorted leaf: kill it
      writeLeaf(c, pos, nil, u: 0, rank: rank, bit: 0)
      pullPath(c, pos)
    }
    guard live else { return }
    if t.recentCount >= t.recentCap || t.scanWork >= t.mergeWork { mergeRecent(c) }
    let key = core.key(of: n)
    let j = trees[c].recentCount
    trees[c].recentCount = j + 1
    writeRecent(c, j, n, key, u: BestFitScorer.stateTerm(core.classes[nc], key, core.ctx), rank: rank,
                bit: classBit[nc])
  }

  /// Recomputes the ancestors of leaf `pos` of class `c`, up to the first
  /// that does not change (its ancestors then cannot change either).
  ///
  /// - Complexity: O(log n · devices), often far less
  @inline(__always)
  mutating func pullPath(_ c: Int, _ pos: Int) {
    let t = trees[c]
    withTree(c) { S, D in
      var i = (t.size &+ pos) >> 1
      while i >= 1 && Self.pull(S, D, i, devs: t.devs) {
        i >>= 1
      }
    }
  }

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: inout PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
    nodeChanged(n, &core)
  }

  /// Counts, per node, the first reason it cannot take the task. Class and
  /// site reasons are counted per class; node reasons are read tree by tree
  /// from the leaf slots or, for recent nodes, their recent entries (which
  /// hold each live node's free CPU, memory, DPUs and k-th largest free
  /// device), in `ResourceShortage.first`'s order. A live entry is judged
  /// by its class bit against the tree's judged classes; only dead leaves
  /// (recent, down or excluded nodes) look up their node's class.
  ///
  /// - Complexity: O(nodes), a few reads of raw buffers each
  func explain(_ q: TaskQuery, _ core: inout PlacementCore) -> Explanation {
    var counts = ReasonCounts()
    // Per class: whether its nodes are judged one by one.
    var judged = [Bool](repeating: false, count: core.classes.count)
    for (c, cls) in core.classes.enumerated() {
      if let r = core.classReason(q, c) {
        counts.add(r, cls.nodeCount)
      } else {
        judged[c] = q.shapes[c] != nil
      }
    }
    var down = 0, anti = 0, cpuShort = 0, memShort = 0, dpuShort = 0
    for tc in 0..<trees.count {
      // The judged member classes (they share shape and device kind).
      var bits: UInt64 = 0
      var c0 = -1
      for m in treeClasses[tc] where judged[Int(m)] {
        bits |= classBit[Int(m)]
        if c0 < 0 { c0 = Int(m) }
      }
      guard c0 >= 0, let shape = q.shapes[c0] else { continue }
      let t = trees[tc]
      let cpu = shape.milliCPU, mem = shape.memoryMiB, dpu = shape.dpuUnits, milli = shape.milliPerDevice
      let devK = Int(shape.deviceCount) - 1
      let devs = t.devs
      var devShort = 0
      // A live entry's first shortage; `devAt` is the index of its k-th largest device.
      @inline(__always) func judge(_ e: Slot, _ d: UnsafeBufferPointer<Int16>, _ devAt: Int) {
        if cpu > e.cpu {
          cpuShort &+= 1
        } else if mem > e.mem {
          memShort &+= 1
        } else if dpu > e.dpu {
          dpuShort &+= 1
        } else if devK >= 0 && (devK >= devs || Int32(d[devAt &+ devK]) < milli) {
          devShort &+= 1
        }
      }
      slots.withUnsafeBufferPointer { allSlots in
        dev.withUnsafeBufferPointer { allDev in
          nodeAt.withUnsafeBufferPointer { allNodes in
            // The tree's nodes fill its first `nodes` leaves; the rest is padding.
            let leaves = UnsafeBufferPointer(rebasing: allSlots[(t.base + t.size)..<(t.base + t.size + t.nodes)])
            for p in 0..<leaves.count {
              let sl = leaves[p]
              if sl.cpu >= 0 {
                if sl.classes & bits != 0 { judge(sl, allDev, t.devBase &+ (t.size &+ p) &* devs) }
                continue
              }
              // A dead leaf: a recent node (judged below), or down or excluded.
              let n = allNodes[t.leafBase &+ p]
              if recentIndex[Int(n)] >= 0 || !judged[Int(core.nodeClass[Int(n)])] { continue }
              if core.state.isDown(n) { down &+= 1 } else { anti &+= 1 }
            }
          }
          recentSlot.withUnsafeBufferPointer { allEntries in
            recentDev.withUnsafeBufferPointer { allRecentDev in
              for r in 0..<t.recentCount {
                let e = allEntries[t.recentBase &+ r]
                if e.classes & bits != 0 { judge(e, allRecentDev, t.recentDevBase &+ r &* devs) }
              }
            }
          }
        }
      }
      if devShort > 0 {
        let cls = core.classes[c0]
        counts.add(.device(cls.acceleratorModel >= 0 ? core.state.cluster.catalog[cls.acceleratorModel].kind : nil),
                   devShort)
      }
    }
    if down > 0 { counts.add(.nodeDown, down) }
    if anti > 0 { counts.add(.antiAffinity, anti) }
    if cpuShort > 0 { counts.add(.cpu, cpuShort) }
    if memShort > 0 { counts.add(.memory, memShort) }
    if dpuShort > 0 { counts.add(.dpu, dpuShort) }
    return counts.explanation(totalNodes: core.state.nodeCount, core: core)
  }
}

