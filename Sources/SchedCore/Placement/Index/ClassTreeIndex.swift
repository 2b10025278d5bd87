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
/// worst-fit the leaves are kept roughly sorted by U (re-sorted after as many
/// updates as the class has leaves), so the fullest nodes share subtrees and
/// their small maxima prune them whole; for first-fit/random they stay in
/// rank order. All trees live in a few flat arrays (no per-class objects).
struct ClassTreeIndex: NodeSearch, Sendable {
  struct Tree: Sendable {
    /// Leaves (a power of two ≥ the class's node count).
    var size: Int
    /// Devices per node.
    var devs: Int
    /// Offset of this tree's 2·size slots in the per-slot arrays.
    var base: Int
    /// Offset of this tree's 2·size·devs slots in `dev`.
    var devBase: Int
    /// Offset of this tree's `size` leaves in `nodeAt`.
    var leafBase: Int
    var updatesSinceSort: Int
  }

  /// Per tree slot: maxima of CPU, memory and DPUs, extremes of U, and the
  /// smallest rank, together so a visit touches one cache line.
  struct Slot: Sendable {
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
  var excluded: Set<NodeID> = []
  /// Scratch for `best`: trees that may hold the answer, with their bounds.
  var candidates: [TreeCandidate] = []
  struct TreeCandidate: Sendable {
    var tree: Int32
    var cls: Int32
    var allowed: UInt64
    var bound: Int64
    var minRank: UInt32
  }
  /// D = W_best-fit − W_worst-fit (thousandths).
  let slope: Int64
  /// W_worst-fit · unit, the constant worst-fit adds.
  let worstConstant: Int64

  init(core: PlacementCore) {
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
    var trees: [Tree] = []
    var slots = 0, devSlots = 0, leaves = 0
    for (c, list) in members.enumerated() {
      var p = 1
      while p < max(list.count, 1) { p <<= 1 }
      let d = Int(core.classes[Int(treeClasses[c][0])].deviceCount)
      trees.append(Tree(size: p, devs: d, base: slots, devBase: devSlots, leafBase: leaves, updatesSinceSort: 0))
      slots += 2 * p
      devSlots += 2 * p * d
      leaves += p
    }
    self.trees = trees
    self.slots = Array(repeating: Slot(), count: slots)
    dev = Array(repeating: -1, count: devSlots)
    nodeAt = Array(repeating: -1, count: leaves)
    position = Array(repeating: -1, count: core.state.nodeCount)
    for (c, list) in members.enumerated() {
      let ordered = list.sorted { core.tieRank[Int($0)] < core.tieRank[Int($1)] }
      for (i, n) in ordered.enumerated() {
        nodeAt[trees[c].leafBase + i] = n
        position[Int(n)] = Int32(i)
      }
    }
    var bf: Int64 = 0, wf: Int64 = 0
    for w in core.profile.scorers {
      if w.kind == .bestFit { bf += ScoreScale.weight(w.weight) }
      if w.kind == .worstFit { wf += ScoreScale.weight(w.weight) }
    }
    slope = bf - wf
    worstConstant = wf * ScoreScale.unit
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

  /// Recomputes inner slot `i` (tree-local) of class `c` from its children.
  @inline(__always)
  mutating func pull(_ c: Int, _ i: Int) {
    let t = trees[c]
    let a = t.base + i, l = t.base + 2 * i, r = l + 1
    let sl = slots[l], sr = slots[r]
    slots[a] = Slot(cpu: max(sl.cpu, sr.cpu), mem: max(sl.mem, sr.mem), uMax: max(sl.uMax, sr.uMax),
                    uMin: min(sl.uMin, sr.uMin), minRank: min(sl.minRank, sr.minRank),
                    dpu: max(sl.dpu, sr.dpu), classes: sl.classes | sr.classes)
    let da = t.devBase + i * t.devs, dl = t.devBase + 2 * i * t.devs, dr = dl + t.devs
    for k in 0..<t.devs { dev[da + k] = max(dev[dl + k], dev[dr + k]) }
  }

  /// Writes every leaf of class `c` from the state (after sorting them by
  /// U then rank when `sortByU`) and rebuilds its inner slots.
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
    var i = t.size - 1
    while i >= 1 {
      pull(c, i)
      i -= 1
    }
    trees[c].updatesSinceSort = 0
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

  /// The feasible leaf of class `c` that is best by U in `direction` (+1:
  /// largest U, −1: smallest, 0: ignored), ties to the smallest rank.
  /// `uFeasible` bounds U from above for every node the task fits (U is
  /// monotone in free capacity), so subtrees whose smallest U exceeds it
  /// hold only nodes that are too full.
  func bestLeaf(_ c: Int, _ s: TaskShape, direction: Int, uFeasible: Int64,
                allowed: UInt64) -> (pos: Int, u: Int64, rank: UInt32)? {
    let t = trees[c]
    if !mayFit(t, 1, s, allowed) { return nil }
    let devs = t.devs
    let devK = Int(s.deviceCount) - 1  // which k-th largest device to test, -1: none
    if devK >= devs { return nil }
    let cpu = s.milliCPU, mem = s.memoryMiB, dpu = s.dpuUnits, milli = s.milliPerDevice
    // Raw buffers: this loop is the engine's hottest code.
    return slots.withUnsafeBufferPointer { allSlots in
      dev.withUnsafeBufferPointer { allDev in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * Int.bitWidth + 4) { stack in
          let S = UnsafeBufferPointer(rebasing: allSlots[t.base..<(t.base + 2 * t.size)])
          let D = UnsafeBufferPointer(rebasing: allDev[t.devBase..<(t.devBase + 2 * t.size * devs)])
          @inline(__always) func fits(_ i: Int, _ sl: Slot) -> Bool {
            if sl.classes & allowed == 0 || sl.cpu < cpu || sl.mem < mem || sl.dpu < dpu { return false }
            return devK < 0 || Int32(D[i &* devs &+ devK]) >= milli
          }
          var bestPos = -1
          var bestU: Int64 = 0
          var bestRank = UInt32.max
          stack[0] = 1
          var top = 1
          while top > 0 {
            top &-= 1
            let i = stack[top]
            let sl = S[i]
            if sl.uMin > uFeasible || !fits(i, sl) { continue }
            if bestPos >= 0 {
              switch direction {
              case 1:
                let bound = min(sl.uMax, uFeasible)
                if bound < bestU || (bound == bestU && sl.minRank >= bestRank) { continue }
              case -1:
                if sl.uMin > bestU || (sl.uMin == bestU && sl.minRank >= bestRank) { continue }
              default:
                if sl.minRank >= bestRank { continue }
              }
            }
            if i >= t.size {
              let u = sl.uMax, r = sl.minRank
              let better: Bool
              switch direction {
              case 1: better = bestPos < 0 || u > bestU || (u == bestU && r < bestRank)
              case -1: better = bestPos < 0 || u < bestU || (u == bestU && r < bestRank)
              default: better = bestPos < 0 || r < bestRank
              }
              if better {
                bestPos = i &- t.size
                bestU = u
                bestRank = r
              }
              continue
            }
            let l = S[2 &* i], r = S[2 &* i &+ 1]
            // Push the less promising child first so the better one is explored first.
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
          return bestPos < 0 ? nil : (bestPos, bestU, bestRank)
        }
      }
    }
  }

  // MARK: NodeSearch

  mutating func best(_ q: TaskQuery, _ core: PlacementCore) -> Candidate? {
    var bestScore = Int64.min
    var bestRank = UInt32.max
    var bestNode: NodeID = -1
    let direction = slope > 0 ? 1 : (slope < 0 ? -1 : 0)
    // Bound every tree first, then search the most promising first so its
    // result prunes the rest.
    candidates.removeAll(keepingCapacity: true)
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
      let cls = core.classes[c]
      let t = trees[tc]
      guard mayFit(t, 1, shape, allowed) else { continue }
      let (a, b) = BestFitScorer.form(cls, core.ctx)
      let base = q.classTerm[c] &+ worstConstant &+ slope &* a
      let k = slope &* b
      // Bound: the best total this class could reach.
      let root = slots[t.base + 1]
      let uFeasible = q.uFeasible[c]
      let bound: Int64
      switch direction {
      case 1: bound = base &+ k &* (min(root.uMax, uFeasible) &+ q.requestTerm[c])
      case -1: bound = base &+ k &* (root.uMin &+ q.requestTerm[c])
      default: bound = base
      }
      candidates.append(TreeCandidate(tree: Int32(tc), cls: Int32(c), allowed: allowed, bound: bound,
                                      minRank: root.minRank))
    }
    candidates.sort { $0.bound != $1.bound ? $0.bound > $1.bound : $0.minRank < $1.minRank }
    for cand in candidates {
      if cand.bound < bestScore || (cand.bound == bestScore && cand.minRank >= bestRank) { break }
      let tc = Int(cand.tree), c = Int(cand.cls)
      guard let shape = q.shapes[c] else { continue }
      let t = trees[tc]
      guard let (pos, u, rank) = bestLeaf(tc, shape, direction: direction, uFeasible: q.uFeasible[c],
                                          allowed: cand.allowed) else { continue }
      let (a, b) = BestFitScorer.form(core.classes[c], core.ctx)
      let total = q.classTerm[c] &+ worstConstant &+ slope &* a &+ slope &* b &* (u &+ q.requestTerm[c])
      if total > bestScore || (total == bestScore && rank < bestRank) {
        bestScore = total
        bestRank = rank
        bestNode = nodeAt[t.leafBase + pos]
      }
    }
    return bestNode < 0 ? nil : Candidate(node: bestNode, score: bestScore, chosenFree: -1)
  }

  mutating func nodeChanged(_ n: NodeID, _ core: PlacementCore) {
    let nc = Int(core.nodeClass[Int(n)])
    let c = Int(treeOf[nc])
    let pos = Int(position[Int(n)])
    let rank = core.tieRank[Int(n)]
    if core.state.isDown(n) || excluded.contains(n) {
      writeLeaf(c, pos, nil, u: 0, rank: rank, bit: 0)
    } else {
      let key = core.key(of: n)
      writeLeaf(c, pos, key, u: BestFitScorer.stateTerm(core.classes[nc], key, core.ctx), rank: rank,
                bit: classBit[nc])
    }
    var i = (trees[c].size + pos) >> 1
    while i >= 1 {
      pull(c, i)
      i >>= 1
    }
    trees[c].updatesSinceSort += 1
    if slope != 0 && trees[c].updatesSinceSort > max(64, trees[c].size) {
      relayLeaves(c, core, sortByU: true)
    }
  }

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
    nodeChanged(n, core)
  }

  /// Counts, per node, the first reason it cannot take the task. Class and
  /// site reasons are counted per class; node reasons are read from the leaf
  /// slots (which hold each live node's free CPU, memory, DPUs and k-th
  /// largest free device), in `ResourceShortage.first`'s order.
  ///
  /// - Complexity: O(nodes), a few array reads each
  func explain(_ q: TaskQuery, _ core: PlacementCore) -> Explanation {
    var counts = ReasonCounts()
    // Per class: whether its nodes are judged one by one, and its device reason.
    var eligible = [Bool](repeating: false, count: core.classes.count)
    var deviceReason = [NodeReason](repeating: .otherDevice, count: core.classes.count)
    for (c, cls) in core.classes.enumerated() {
      if let r = core.classReason(q, c) {
        counts.add(r, cls.nodeCount)
      } else {
        eligible[c] = q.shapes[c] != nil
        deviceReason[c] = .device(cls.acceleratorModel >= 0
          ? core.state.cluster.catalog[cls.acceleratorModel].kind : nil)
      }
    }
    slots.withUnsafeBufferPointer { slotBuffer in
      dev.withUnsafeBufferPointer { devBuffer in
        for tc in 0..<trees.count {
          let t = trees[tc]
          for p in 0..<t.size {
            let n = nodeAt[t.leafBase + p]
            if n < 0 { continue }
            let c = Int(core.nodeClass[Int(n)])
            guard eligible[c], let shape = q.shapes[c] else { continue }
            let leaf = slotBuffer[t.base + t.size + p]
            if leaf.cpu < 0 {  // a dead leaf: down or excluded
              counts.add(core.state.isDown(n) ? .nodeDown : .antiAffinity)
            } else if shape.milliCPU > leaf.cpu {
              counts.add(.cpu)
            } else if shape.memoryMiB > leaf.mem {
              counts.add(.memory)
            } else if shape.dpuUnits > leaf.dpu {
              counts.add(.dpu)
            } else if shape.deviceCount > 0
                        && (Int(shape.deviceCount) > t.devs
                            || Int32(devBuffer[t.devBase + (t.size + p) * t.devs + Int(shape.deviceCount) - 1])
                              < shape.milliPerDevice) {
              counts.add(deviceReason[c])
            }
          }
        }
      }
    }
    return counts.explanation(totalNodes: core.state.nodeCount, core: core)
  }
}
