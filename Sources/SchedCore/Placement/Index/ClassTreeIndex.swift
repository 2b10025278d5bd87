/// The search for linear profiles (best-fit, worst-fit, first-fit, random,
/// plus class-level scorers): per class, a `ClassTree` finds the feasible
/// node with the best best-fit term; classes are compared by their exact
/// fixed-point totals.
struct ClassTreeIndex: NodeSearch, Sendable {
  var trees: [ClassTree]
  /// Each node's leaf position in its class tree.
  var position: [Int32]
  var excluded: Set<NodeID> = []
  /// D = W_best-fit − W_worst-fit (thousandths).
  let slope: Int64
  /// W_worst-fit · unit, the constant worst-fit adds.
  let worstConstant: Int64

  init(core: PlacementCore) {
    var members = Array(repeating: [NodeID](), count: core.classes.count)
    for n in 0..<core.state.nodeCount { members[Int(core.nodeClass[n])].append(NodeID(n)) }
    var position = Array(repeating: Int32(-1), count: core.state.nodeCount)
    var trees: [ClassTree] = []
    trees.reserveCapacity(members.count)
    for (c, list) in members.enumerated() {
      let ordered = list.sorted { core.tieRank[Int($0)] < core.tieRank[Int($1)] }
      for (i, n) in ordered.enumerated() { position[Int(n)] = Int32(i) }
      trees.append(ClassTree(nodes: ordered, devices: Int(core.classes[c].deviceCount)))
    }
    self.trees = trees
    self.position = position
    var bf: Int64 = 0, wf: Int64 = 0
    for w in core.profile.scorers {
      if w.kind == .bestFit { bf += ScoreScale.weight(w.weight) }
      if w.kind == .worstFit { wf += ScoreScale.weight(w.weight) }
    }
    slope = bf - wf
    worstConstant = wf * ScoreScale.unit
    for n in 0..<core.state.nodeCount { nodeChanged(NodeID(n), core) }
  }

  mutating func best(_ q: TaskQuery, _ core: PlacementCore) -> Candidate? {
    var bestScore = Int64.min
    var bestRank = UInt32.max
    var bestNode: NodeID = -1
    let direction = slope > 0 ? 1 : (slope < 0 ? -1 : 0)
    for c in 0..<trees.count {
      guard let shape = q.shapes[c] else { continue }
      let cls = core.classes[c]
      if q.onlySite >= 0 && cls.site != q.onlySite { continue }
      if !q.excludedSites.isEmpty && q.excludedSites[cls.site] != nil { continue }
      guard trees[c].mayFit(1, shape) else { continue }
      let (a, b) = BestFitScorer.form(cls, core.ctx)
      let base = q.classTerm[c] &+ worstConstant &+ slope &* a
      let k = slope &* b
      // Bound: the best total this class could reach.
      if direction != 0 {
        let uBound = direction > 0 ? trees[c].uMax[1] : trees[c].uMin[1]
        if base &+ k &* (uBound &+ q.requestTerm[c]) < bestScore { continue }
      } else if base < bestScore {
        continue
      }
      guard let (pos, u) = trees[c].best(shape, direction: direction) else { continue }
      let total = base &+ k &* (u &+ q.requestTerm[c])
      let node = trees[c].nodeAt[pos]
      let rank = core.tieRank[Int(node)]
      if total > bestScore || (total == bestScore && rank < bestRank) {
        bestScore = total
        bestRank = rank
        bestNode = node
      }
    }
    return bestNode < 0 ? nil : Candidate(node: bestNode, score: bestScore, chosenFree: -1)
  }

  mutating func nodeChanged(_ n: NodeID, _ core: PlacementCore) {
    let c = Int(core.nodeClass[Int(n)])
    let pos = Int(position[Int(n)])
    if core.state.isDown(n) || excluded.contains(n) {
      trees[c].set(pos, nil, u: 0)
    } else {
      let key = core.key(of: n)
      trees[c].set(pos, key, u: BestFitScorer.stateTerm(core.classes[c], key, core.ctx))
    }
  }

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
    nodeChanged(n, core)
  }

  func explain(_ q: TaskQuery, _ core: PlacementCore) -> Explanation {
    var counts: [String: Int] = [:]
    for c in 0..<trees.count {
      if let r = core.classReason(q, c) {
        counts[r, default: 0] += core.classes[c].nodeCount
        continue
      }
      for n in trees[c].nodeAt where n >= 0 {
        let reason: String
        if core.state.isDown(n) {
          reason = "node down"
        } else if excluded.contains(n) {
          reason = "anti-affinity"
        } else if let r = core.nodeReason(q, c, core.key(of: n)) {
          reason = r
        } else {
          continue
        }
        counts[reason, default: 0] += 1
      }
    }
    return Explanation(totalNodes: core.state.nodeCount, counts: counts)
  }
}

