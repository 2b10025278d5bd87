import Testing
@testable import SchedCore

/// Allocations by handle: placing without the id check, releasing by
/// handle, ids indexed only once something asks by id.
@Suite struct AllocationHandleTests {
  @Test func placeAndReleaseByHandle() throws {
    var e = PlacementEngine(cluster: TinyCluster.make(), profile: .single(.firstFit))
    guard case .success(let a) = e.place(TinyCluster.job("a"), explain: false, checkingID: false),
          case .success(let b) = e.place(TinyCluster.job("b"), explain: false, checkingID: false) else {
      Issue.record("placements failed")
      return
    }
    #expect(a.handle != b.handle)
    #expect(e.allocation(a.handle) == a.allocation && e.allocation(b.handle) == b.allocation)
    #expect(e.placedCount == 2)
    #expect(!e.core.idsIndexed, "nothing asked by id: no id was indexed")
    e._checkInvariants()
    // Released by handle: the state is as before it, and the handle holds nothing.
    #expect(e.release(a.handle) == a.allocation)
    #expect(e.allocation(a.handle) == nil && e.release(a.handle) == nil)
    #expect(e.placedCount == 1)
    e._checkInvariants()
    // The freed handle is taken again by the next placement.
    guard case .success(let c) = e.place(TinyCluster.job("c"), explain: false, checkingID: false) else {
      Issue.record("c failed")
      return
    }
    #expect(c.handle == a.handle)
    // Out-of-range and negative handles hold nothing.
    #expect(e.allocation(AllocationHandle(-1)) == nil && e.allocation(AllocationHandle(99)) == nil)
    #expect(e.release(AllocationHandle(-1)) == nil && e.release(AllocationHandle(99)) == nil)
    // Lookups by id work before the index exists (by a scan) and after.
    #expect(e.allocation(ofJob: "b") == b.allocation && e.allocation(ofJob: "a") == nil)
    #expect(e.release(jobID: "b") == b.allocation)
    #expect(e.core.idsIndexed)
    #expect(e.allocations.keys.sorted() == ["c"])
    e._checkInvariants()
    #expect(e.release(c.handle) == c.allocation)
    #expect(e.state.isIdle && e.placedCount == 0)
    e._checkInvariants()
  }

  /// The checked placement refuses an id already placed, however that job
  /// was placed; the unchecked one leaves ids to the caller.
  @Test func idCheck() {
    var e = PlacementEngine(cluster: TinyCluster.make(), profile: .single(.firstFit))
    guard case .success(let first) = e.place(TinyCluster.job("x"), explain: false, checkingID: false) else {
      Issue.record("x failed")
      return
    }
    guard case .failure(let why) = e.place(TinyCluster.job("x")) else {
      Issue.record("a second x placed with the id check")
      return
    }
    #expect(why.explanation.description.contains("job already placed"))
    #expect(throws: StateError.self) { try e.commit(first.allocation) }
    e._checkInvariants()
    guard case .success(let second) = e.place(TinyCluster.job("x"), explain: false, checkingID: false) else {
      Issue.record("x without the id check failed")
      return
    }
    #expect(second.handle != first.handle && e.placedCount == 2)
    e._checkInvariants()
    // The id is shared: by id, the first indexed; once it is released, the other.
    #expect(e.allocation(ofJob: "x") == first.allocation)
    #expect(e.release(first.handle) == first.allocation)
    e._checkInvariants()
    #expect(e.allocation(ofJob: "x") == second.allocation)
    #expect(e.release(jobID: "x") == second.allocation)
    #expect(e.state.isIdle && e.allocation(ofJob: "x") == nil)
    e._checkInvariants()
  }

  /// Anti-affinity names jobs by id: jobs placed without the id check are
  /// still found (the ids are indexed when the first such job comes).
  @Test func antiAffinityFindsJobsPlacedWithoutTheCheck() {
    var e = PlacementEngine(cluster: TinyCluster.make(), profile: .single(.firstFit))
    var r = ReferencePlacer(cluster: TinyCluster.make(), profile: .single(.firstFit))
    for (job, node) in [(TinyCluster.job("a"), "n0"), (TinyCluster.job("b", anti: ["a"]), "n1"),
                        (TinyCluster.job("c", anti: ["a"], antiScope: .site), "n2")] {
      let x = e.place(job, explain: true, checkingID: false), y = r.place(job, checkingID: false)
      guard case .success(let d) = x, case .success(let d2) = y else {
        Issue.record("\(job.id): \(x) / \(y)")
        return
      }
      #expect(d == d2, "\(job.id)")
      #expect(e.state.cluster.nodes[Int(d.allocation.tasks[0].node)].id == node, "\(job.id)")
      e._checkInvariants()
    }
    #expect(e.core.idsIndexed)
  }

  /// Randomized: places and releases by handle and by id, checked and not,
  /// against a plain table of what should be held. Prints the seed on failure.
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func randomizedAgainstATable(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    var e = PlacementEngine(cluster: TinyCluster.make(), profile: .single(.bestFit))
    var table: [AllocationHandle: Allocation] = [:]
    for step in 0..<400 {
      let op = g.below(4)
      if op < 2 || table.isEmpty {
        // Now and then an id already used (placed again without the check, or refused with it).
        let id = g.below(8) == 0 && !table.isEmpty ? (table.values.map(\.jobID).min() ?? "") : "j\(step)"
        let job = TinyCluster.job(id, cpu: Int64(1 + g.below(8)) * 1000)
        let r = op == 0 ? e.place(job) : e.place(job, explain: false, checkingID: false)
        if case .success(let d) = r {
          #expect(table[d.handle] == nil, "seed \(seed) step \(step): handle \(d.handle.index) given twice")
          table[d.handle] = d.allocation
        }
      } else {
        let h = table.keys.sorted()[Int(g.below(UInt64(table.count)))]
        if op == 2 {
          #expect(e.release(h) == table[h], "seed \(seed) step \(step)")
          table[h] = nil
        } else {
          // By id: one of the holders of that id.
          let id = table[h]?.jobID ?? ""
          let a = e.release(jobID: id)
          let k = table.first { $0.value == a }?.key
          #expect(a?.jobID == id && k != nil, "seed \(seed) step \(step)")
          if let k { table[k] = nil }
        }
      }
      #expect(e.placedCount == table.count, "seed \(seed) step \(step)")
      for (h, a) in table { #expect(e.allocation(h) == a, "seed \(seed) step \(step)") }
      e._checkInvariants()
    }
  }
}
