extension NodeStateIndex: NodeSearch {
  mutating func best(_ q: TaskQuery, _ core: PlacementCore) -> Candidate? {
    var bestScore = -Double.infinity
    var bestEntry = UInt64.max
    var bestChosen: Int32 = -1
    var found = false
    let usesFGD = core.profile.usesFGD
    let byFGD = core.profile.sharesByFGD
    for c in 0..<classGroups.count {
      guard let shape = q.shapes[c] else { continue }
      let cls = core.classes[c]
      if q.onlySite >= 0 && cls.site != q.onlySite { continue }
      if !q.excludedSites.isEmpty && q.excludedSites[cls.site] != nil { continue }
      let list = classGroups[c].groups
      for g in list {
        let key = groups[Int(g)].key
        guard key.fits(shape) else { continue }
        var fgd: Double?
        var chosen: Int32 = -1
        if usesFGD {
          let e = fgdCache(cls, key, shape, core)
          fgd = e.score
          if byFGD { chosen = e.chosenFree }
        }
        let total = core.profile.total(cls, key, shape, core.ctx, fgd: fgd)
        if total < bestScore { continue }
        let entry = minEntry(g)
        if total == bestScore && entry >= bestEntry { continue }
        bestScore = total
        bestEntry = entry
        bestChosen = chosen
        found = true
      }
    }
    guard found else { return nil }
    return Candidate(node: Self.node(of: bestEntry), score: bestScore, chosenFree: bestChosen)
  }

  mutating func nodeChanged(_ n: NodeID, _ core: PlacementCore) {
    let wasAttached = nodeGroup[Int(n)] >= 0
    let c = Int(core.nodeClass[Int(n)])
    if wasAttached { detach(n) }
    let shouldAttach = !core.state.isDown(n) && !excluded.contains(n)
    if shouldAttach {
      attach(n, core)
      if !wasAttached { classGroups[c].detached.removeAll { $0 == n } }
    } else if wasAttached {
      classGroups[c].detached.append(n)
    }
  }

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
    nodeChanged(n, core)
  }

  func explain(_ q: TaskQuery, _ core: PlacementCore) -> Explanation {
    var counts: [String: Int] = [:]
    for c in 0..<classGroups.count {
      if let r = core.classReason(q, c) {
        counts[r, default: 0] += core.classes[c].nodeCount
        continue
      }
      for g in classGroups[c].groups {
        let grp = groups[Int(g)]
        if let r = core.nodeReason(q, c, grp.key) { counts[r, default: 0] += Int(grp.count) }
      }
      for n in classGroups[c].detached {
        counts[core.state.isDown(n) ? "node down" : "anti-affinity", default: 0] += 1
      }
    }
    return Explanation(totalNodes: core.state.nodeCount, counts: counts)
  }

  /// FGD's score for a (class, state, shape), memoized: the value is a pure
  /// function of them and the fixed target workload.
  mutating func fgdCache(_ cls: NodeClass, _ key: NodeStateKey, _ shape: TaskShape,
                         _ core: PlacementCore) -> (score: Double, chosenFree: Int32) {
    let k = FGDKey(key: key, model: cls.acceleratorModel, shape: shape)
    if let v = fgdMemo[k] { return v }
    let v = FGDScorer.evaluate(cls, key, shape, core.ctx)
    if fgdMemo.count > 1 << 20 { fgdMemo.removeAll(keepingCapacity: true) }
    fgdMemo[k] = v
    return v
  }
}

struct FGDKey: Hashable, Sendable {
  var key: NodeStateKey
  var model: DeviceModelID
  var shape: TaskShape
}
