extension NodeStateIndex: NodeSearch {
  /// For each feasible class, the best of its distinct (class, free state)
  /// groups for the task's shape: remembered per (class, shape) and brought
  /// up to date from the class's change log (only groups that changed since
  /// are scored again); the whole class is scanned when the remembered best
  /// group itself changed or the log no longer reaches back far enough.
  /// State-dependent score terms are cached per (group, shape).
  mutating func best(_ q: TaskQuery, _ core: inout PlacementCore) -> Candidate? {
    var bestScore = Int64.min
    var bestEntry = UInt64.max
    var bestChosen: Int32 = -1
    var found = false
    for c in 0..<classGroups.count {
      guard let shape = q.shapes[c] else { continue }
      let cls = core.classes[c]
      if q.onlySite >= 0 && cls.site != q.onlySite { continue }
      if !q.excludedSites.isEmpty && q.excludedSites[cls.site] != nil { continue }
      let sid = q.tables.shapeEpoch == internEpoch ? q.tables.shapeIDs[c] : intern(shape)
      let cb = bestInClass(c, sid, cls, shape, &core)
      guard cb.found else { continue }
      let total = q.classTerm[c] &+ cb.term
      if total < bestScore || (total == bestScore && cb.entry >= bestEntry) { continue }
      bestScore = total
      bestEntry = cb.entry
      bestChosen = cb.chosen
      found = true
    }
    guard found else { return nil }
    return Candidate(node: Self.node(of: bestEntry), score: bestScore, chosenFree: bestChosen)
  }

  /// The best group of class `c` for shape `sid`: highest state term, ties
  /// to the lowest (rank, node) entry. `core` is only read (inout: `best`
  /// holds it inout, and a by-value argument would be copied per class).
  mutating func bestInClass(_ c: Int, _ sid: Int32, _ cls: NodeClass, _ shape: TaskShape,
                            _ core: inout PlacementCore) -> ClassBest {
    let slot = Int(sid) &* classGroups.count &+ c
    let now = changeCount[c]
    // Unchanged since: the answer as it was (read in place, not stored back).
    if classBest[slot].valid && classBest[slot].seen == now { return classBest[slot] }
    // Replayed from the log while it reaches back and holds fewer changes
    // than the class has groups (else scanning the groups costs less).
    let replayable = UInt64(min(Self.changeLogSize, classGroups[c].groups.count))
    if classBest[slot].valid, now &- classBest[slot].seen <= replayable {
      var cb = classBest[slot]
      var stale = false
      var k = cb.seen
      while k < now {
        let change = changeLog[c * Self.changeLogSize + Int(k % UInt64(Self.changeLogSize))]
        k &+= 1
        if cb.found && change.group == cb.group {
          // The best group gained or lost a node. Same group, same key, same
          // term: it stays best if that term is above every other group's;
          // only its tie-break entry may have moved.
          let grp = groups[Int(cb.group)]
          guard grp.generation == cb.generation, grp.count > 0, cb.term > cb.second else {
            stale = true
            break
          }
          cb.entry = minEntry(cb.group)
          continue
        }
        let g = change.group
        let grp = groups[Int(g)]
        guard grp.generation == change.generation, grp.count > 0, grp.cls == Int32(c),
              grp.key.fits(shape) else { continue }
        let (term, chosen) = stateTerm(g, sid, cls, grp.key, shape, core)
        let entry = minEntry(g)
        if !cb.found || term > cb.term || (term == cb.term && entry < cb.entry) {
          let second = cb.found ? max(cb.second, cb.term) : cb.second
          cb = ClassBest(valid: true, seen: now, found: true, group: g, generation: grp.generation, term: term,
                         entry: entry, chosen: chosen, second: second)
        } else if g != cb.group {
          cb.second = max(cb.second, term)
        }
      }
      if !stale {
        cb.seen = now
        classBest[slot] = cb
        return cb
      }
    }
    var cb = ClassBest(valid: true, seen: now)
    for g in classGroups[c].groups {
      let key = groups[Int(g)].key
      guard key.fits(shape) else { continue }
      let (term, chosen) = stateTerm(g, sid, cls, key, shape, core)
      if cb.found && term < cb.term {
        cb.second = max(cb.second, term)
        continue
      }
      let entry = minEntry(g)
      if cb.found && term == cb.term && entry >= cb.entry {
        cb.second = max(cb.second, term)
        continue
      }
      let second = cb.found ? max(cb.second, cb.term) : cb.second
      cb = ClassBest(valid: true, seen: now, found: true, group: g, generation: groups[Int(g)].generation,
                     term: term, entry: entry, chosen: chosen, second: second)
    }
    classBest[slot] = cb
    return cb
  }

  /// Interns every class's shape of `q` once, for `best` (the ids are
  /// valid while `internEpoch` stays).
  mutating func prepare(_ q: inout TaskQuery, _ core: PlacementCore) {
    let epoch = internEpoch
    let ids = q.shapes.map { $0.map { intern($0) } ?? -1 }
    // Interning started over meanwhile: the first ids are void, and `best` interns as it goes.
    guard epoch == internEpoch else { return }
    let t = q.tables
    q.tables = TaskQuery.Tables(shapes: t.shapes, reasons: t.reasons, classTerm: t.classTerm,
                                requestTerm: t.requestTerm, uFeasible: t.uFeasible, shapeIDs: ids,
                                shapeEpoch: epoch)
  }

  mutating func intern(_ shape: TaskShape) -> Int32 {
    if let id = shapeIDs[shape] { return id }
    if !shapeIDs.isEmpty && (shapeIDs.count + 1) * classGroups.count > classBestLimit {
      // Ids are reused from 0: forget everything keyed by them.
      shapeIDs.removeAll(keepingCapacity: true)
      internEpoch &+= 1
      classBest.removeAll(keepingCapacity: true)
      for i in scoreCache.indices { scoreCache[i] = ScoreCacheEntry() }
    }
    let id = Int32(shapeIDs.count)
    shapeIDs[shape] = id
    classBest.append(contentsOf: repeatElement(ClassBest(), count: classGroups.count))
    return id
  }

  /// The state-dependent score term of group `g` for shape `sid`, and FGD's
  /// device choice; cached in a direct-mapped table keyed by (group,
  /// generation, shape), which is exact because a group's state never changes.
  @inline(__always)
  mutating func stateTerm(_ g: Int32, _ sid: Int32, _ cls: NodeClass, _ key: NodeStateKey,
                          _ shape: TaskShape, _ core: PlacementCore) -> (Int64, Int32) {
    let gen = groups[Int(g)].generation
    var h = UInt64(UInt32(bitPattern: g)) &* 0x9E37_79B9_7F4A_7C15
    h ^= UInt64(UInt32(bitPattern: sid)) &* 0xC2B2_AE3D_27D4_EB4F
    h ^= UInt64(gen) &* 0x1656_67B1_9E37_79F9
    let slot = Int((h ^ (h >> 29)) & UInt64(scoreCache.count - 1))
    let e = scoreCache[slot]
    if e.group == g && e.generation == gen && e.shape == sid { return (e.value, e.chosenFree) }
    var fgd: Int64?
    var chosen: Int32 = -1
    if core.profile.usesFGD {
      let r = FGDScorer.evaluate(cls, key, shape, core.ctx, before: &groups[Int(g)].fragmentation)
      fgd = r.score
      if core.profile.sharesByFGD { chosen = r.chosenFree }
    }
    let v = core.profile.stateTerm(cls, key, shape, core.ctx, fgd: fgd)
    scoreCache[slot] = ScoreCacheEntry(group: g, generation: gen, shape: sid, chosenFree: chosen, value: v)
    return (v, chosen)
  }

  mutating func nodeChanged(_ n: NodeID, _ core: inout PlacementCore) {
    let wasAttached = nodeGroup[Int(n)] >= 0
    let c = Int(core.nodeClass[Int(n)])
    if wasAttached { detach(n) }
    let shouldAttach = !core.state.isDown(n) && (excluded.isEmpty || !excluded.contains(n))
    if shouldAttach {
      attach(n, core)
      if !wasAttached { classGroups[c].detached.removeAll { $0 == n } }
    } else if wasAttached {
      classGroups[c].detached.append(n)
    }
  }

  mutating func setExcluded(_ n: NodeID, _ e: Bool, _ core: inout PlacementCore) {
    if e { excluded.insert(n) } else { excluded.remove(n) }
    nodeChanged(n, &core)
  }

  func explain(_ q: TaskQuery, _ core: inout PlacementCore) -> Explanation {
    var counts = ReasonCounts()
    for c in 0..<classGroups.count {
      if let r = core.classReason(q, c) {
        counts.add(r, core.classes[c].nodeCount)
        continue
      }
      for g in classGroups[c].groups {
        let grp = groups[Int(g)]
        if let r = core.nodeReason(q, c, grp.key) { counts.add(r, Int(grp.count)) }
      }
      for n in classGroups[c].detached {
        counts.add(core.state.isDown(n) ? .nodeDown : .antiAffinity)
      }
    }
    return counts.explanation(totalNodes: core.state.nodeCount, core: core)
  }
}
