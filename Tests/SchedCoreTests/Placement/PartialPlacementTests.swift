import Testing
@testable import SchedCore

/// Groups without `gang`: their tasks are independent, so `place` keeps the
/// ones that fit (at least one, at least `spreadSites`) and reports the rest;
/// `placeMore` adds them later to the same allocation.
@Suite struct PartialPlacementTests {
  static let fourGPUs = DeviceRequest(count: 4, kinds: [.gpu])

  static func loose(_ id: String, count: Int32, cpu: Int64 = 1000, device: DeviceRequest? = nil,
                    spread: Int32 = 0, sameSite: Bool = false) -> Job {
    Job(id: id, groups: [TaskGroup(name: "replicas", count: count, milliCPU: cpu, memoryMiB: 1024, device: device,
                                   gang: false, sameSite: sameSite, spreadSites: spread)])
  }

  /// Three tasks of four whole GPUs: only n0 holds one. As a gang the job
  /// fails (`gangIsAllOrNothing`); without gang it holds n0 and reports two
  /// tasks with the reasons a further task fits nowhere.
  @Test func nonGangGroupPlacesWhatFits() {
    var p = Both()
    guard case .success(let d) = p.place(Self.loose("r", count: 3, device: Self.fourGPUs)) else {
      Issue.record("not placed")
      return
    }
    #expect(d.allocation.tasks.map(\.node) == [0])
    #expect(!d.isComplete && d.placedCounts(of: Self.loose("r", count: 3)) == [1])
    // The reasons are those of one more such task on the state left behind.
    var probe = p.engine
    guard case .failure(let why) = probe.place(TinyCluster.job("probe", device: Self.fourGPUs)) else {
      Issue.record("a fourth task fits")
      return
    }
    #expect(d.unplaced == [UnplacedTasks(group: "replicas", groupIndex: 0, count: 2, explanation: why.explanation)])
    #expect(why.explanation.reasons.reduce(0) { $0 + $1.nodes } == 5)
    #expect(p.engine.state.devices(of: 0).allSatisfy { $0 == 0 })
    #expect(p.engine.allocation(ofJob: "r")?.tasks.count == 1)
  }

  /// A group without gang still needs one task: none fitting fails the job
  /// and holds nothing.
  @Test func noTaskFittingFailsTheJob() {
    var p = Both()
    let none = Self.loose("n", count: 2, device: DeviceRequest(count: 1, minMemoryMiB: 100_000))
    guard case .failure(let why) = p.place(none) else { Issue.record("placed"); return }
    #expect(why.task == 0 && why.explanation.description.contains("device memory"))
    #expect(p.engine.state.isIdle && p.engine.allocations.isEmpty)
  }

  /// `explain: false` keeps the same part, without reasons; `allOrNone`
  /// (the simulator's way) places the group whole or not at all.
  @Test func explainFalseAndAllOrNone() {
    let job = Self.loose("r", count: 3, device: Self.fourGPUs)
    for profile in [Profile.single(.firstFit), .single(.bestFit), .single(.fgd)] {
      let idle = PlacementEngine(cluster: TinyCluster.make(), profile: profile)
      var a = idle, b = idle, c = idle
      guard case .success(let full) = a.place(job), case .success(let quick) = b.place(job, explain: false) else {
        Issue.record("\(profile.name): not placed")
        continue
      }
      #expect(full.allocation == quick.allocation, "\(profile.name)")
      #expect(quick.unplaced.map(\.count) == [2] && quick.unplaced[0].explanation.reasons.isEmpty)
      #expect(full.unplaced.map(\.count) == [2] && !full.unplaced[0].explanation.reasons.isEmpty)
      let whole = c.place(job, explain: true, checkingID: false, scores: false, allOrNone: true)
      guard case .failure(let why) = whole else { Issue.record("\(profile.name): placed whole"); continue }
      #expect(why.task == 1 && c.state.isIdle, "\(profile.name)")
    }
  }

  /// With a spread rule the group needs its `spreadSites` tasks on as many
  /// sites; beyond them it takes what fits.
  @Test func spreadWithoutGangNeedsItsSites() {
    var p = Both()
    // 16-core tasks: n0 2, n1 4, n2 1, n3 4, n4 6 = 17 of the 20.
    guard case .success(let d) = p.place(Self.loose("dr", count: 20, cpu: 16_000, spread: 3)) else {
      Issue.record("not placed")
      return
    }
    #expect(d.allocation.tasks.count == 17 && d.unplaced.map(\.count) == [3])
    let sites = Set(d.allocation.tasks.prefix(3).map { p.engine.state.cluster.nodes[Int($0.node)].site })
    #expect(sites.count == 3, "the first three tasks cover three sites")
    p.engine.release(jobID: "dr")
    p.reference.release(jobID: "dr")
    // 20-core tasks: tj-edge (n2, 16 cores) takes none, so three sites cannot be covered.
    guard case .failure(let why) = p.place(Self.loose("dr3", count: 3, cpu: 20_000, spread: 3)) else {
      Issue.record("spread met on two sites")
      return
    }
    #expect(why.task == 2 && why.explanation.description.contains("spread: site already used"))
    #expect(p.engine.state.isIdle)
  }

  /// Same-site is a gang rule: without gang the engine refuses the group
  /// (job files refuse it too, see `JobSpecTests`), every node counted.
  @Test func sameSiteWithoutGangIsRefused() {
    var p = Both()
    guard case .failure(let why) = p.place(Self.loose("s", count: 2, sameSite: true)) else {
      Issue.record("placed")
      return
    }
    #expect(why.explanation.description == "0/5 nodes fit: 5 same_site: true is a gang rule and needs gang: true")
    // Contradictory spread rules built in code get their own reason too.
    var both = Self.loose("t", count: 2, spread: 2, sameSite: true)
    both.groups[0].gang = true
    guard case .failure(let w2) = p.place(both) else { Issue.record("placed"); return }
    #expect(w2.explanation.description.contains("contradicts same_site"))
    #expect(p.engine.state.isIdle)
  }

  /// A gang group that fails takes back the tasks a looser group of the
  /// same job placed before it.
  @Test func aFailingGangTakesBackTheLooserGroup() {
    var p = Both()
    var job = Self.loose("m", count: 3, device: Self.fourGPUs)
    job.groups.append(TaskGroup(name: "gang", count: 2, milliCPU: 90_000, memoryMiB: 1024))
    guard case .failure(let why) = p.place(job) else { Issue.record("placed"); return }
    #expect(why.group == "gang" && why.task == 1)
    #expect(p.engine.state.isIdle && p.engine.allocations.isEmpty)
    // With the gang group able to fit, the job holds both.
    job.groups[1].count = 1
    guard case .success(let d) = p.place(job) else { Issue.record("not placed"); return }
    #expect(d.placedCounts(of: job) == [1, 1] && d.unplaced.map(\.groupIndex) == [0])
  }

  /// The unplaced tasks join the same allocation once room frees; releasing
  /// the job gives back every task of both calls.
  @Test func placeMoreAddsToTheSameAllocation() {
    var e = PlacementEngine(cluster: TinyCluster.make(), profile: .single(.firstFit))
    let blocker = TinyCluster.job("a", device: Self.fourGPUs)
    guard case .success(let a) = e.place(blocker) else { Issue.record("blocker"); return }
    // Two tasks of two GPUs: n0 is taken, the T4 node takes one.
    let job = Self.loose("r", count: 2, device: DeviceRequest(count: 2, kinds: [.gpu]))
    guard case .success(let d) = e.place(job), let rest = job.remainder(after: d) else {
      Issue.record("not placed in part")
      return
    }
    #expect(d.allocation.tasks.map(\.node) == [2] && rest.groups.map(\.count) == [1])
    // Not there yet: nothing changes.
    guard case .failure = e.placeMore(rest, into: d.handle) else { Issue.record("placed on a full cluster"); return }
    #expect(e.allocation(d.handle)?.tasks.count == 1)
    // Into another job's allocation: refused.
    guard case .failure(let other) = e.placeMore(rest, into: a.handle) else { Issue.record("mixed jobs"); return }
    #expect(other.explanation.description.contains("another job's"))
    e.release(a.handle)
    guard case .success(let more) = e.placeMore(rest, into: d.handle) else { Issue.record("not added"); return }
    #expect(more.handle == d.handle && more.isComplete && more.allocation.tasks.map(\.node) == [0])
    #expect(e.allocation(ofJob: "r")?.tasks.map(\.node) == [2, 0])
    #expect(e.placedCount == 1)
    e._checkInvariants()
    #expect(e.release(jobID: "r")?.tasks.count == 2)
    #expect(e.state.isIdle && e.placedCount == 0)
    e._checkInvariants()
    #expect(job.remainder(after: more) == nil)
  }

  /// Without the id check (ids never indexed), by handle: the same.
  @Test func placeMoreByHandleWithoutIDs() {
    var e = PlacementEngine(cluster: TinyCluster.make(), profile: .single(.bestFit))
    guard case .success(let a) = e.place(TinyCluster.job("a", device: Self.fourGPUs), explain: false, checkingID: false)
    else { Issue.record("blocker"); return }
    let job = Self.loose("r", count: 2, device: DeviceRequest(count: 2, kinds: [.gpu]))
    guard case .success(let d) = e.place(job, explain: false, checkingID: false), let rest = job.remainder(after: d)
    else { Issue.record("not placed in part"); return }
    e.release(a.handle)
    guard case .success = e.placeMore(rest, into: d.handle, explain: false) else { Issue.record("not added"); return }
    #expect(e.allocation(d.handle)?.tasks.count == 2 && e.placedCount == 1)
    e._checkInvariants()
    #expect(e.release(d.handle)?.tasks.count == 2 && e.state.isIdle)
    e._checkInvariants()
  }

  /// Several groups in the general flow (anti-affinity on): each group
  /// without gang keeps its part, the decision names the group by index,
  /// and the remainder asks for that group alone.
  @Test func groupsInPartWithAntiAffinity() {
    var p = Both()
    guard case .success = p.place(TinyCluster.job("a")) else { Issue.record("a"); return }  // first fit: n0
    var job = Self.loose("m", count: 2)
    job.groups[0].name = "small"
    job.groups.append(TaskGroup(name: "gpus", count: 3, milliCPU: 1000, memoryMiB: 1024,
                                device: DeviceRequest(count: 1, kinds: [.gpu]), gang: false))
    job.antiAffinity = ["a"]
    guard case .success(let d) = p.place(job) else { Issue.record("not placed"); return }
    // n0 (a's node, the only other GPU node) is out: the T4 node takes two GPU tasks.
    #expect(d.allocation.tasks.map(\.node) == [1, 1, 2, 2])
    #expect(d.placedCounts(of: job) == [2, 2] && d.unplaced.map(\.groupIndex) == [1] && d.unplaced.map(\.count) == [1])
    let why = d.unplaced.first?.explanation.description ?? ""
    #expect(why.contains("1 anti-affinity") && why.contains("1 insufficient GPU"), "\(why)")
    let rest = job.remainder(after: d)
    #expect(rest?.groups.map(\.name) == ["gpus"] && rest?.groups.map(\.count) == [1])
  }

  /// The facade: `submit` places in part, `submitMore` adds, `explain`
  /// gives the reasons for the part left out.
  @Test func schedulerSubmitsMore() {
    let s = Scheduler(cluster: TinyCluster.make(), profile: .single(.firstFit))
    let job = Self.loose("r", count: 3, device: Self.fourGPUs)
    #expect(s.explain(job)?.description.contains("insufficient GPU") == true)
    guard case .success(let d) = s.submit(job), let rest = job.remainder(after: d) else {
      Issue.record("not placed in part")
      return
    }
    guard case .failure(let why) = s.submitMore(Self.loose("nobody", count: 1)) else { Issue.record("placed"); return }
    #expect(why.explanation.description == "0/5 nodes fit: 5 job not placed")
    guard case .failure = s.submitMore(rest) else { Issue.record("room appeared"); return }
    #expect(s.allocation(jobID: "r")?.tasks.count == 1)
  }
}
