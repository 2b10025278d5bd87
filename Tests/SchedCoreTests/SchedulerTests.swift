import Testing
@testable import SchedCore

@Suite struct SchedulerTests {
  /// Many tasks submit (some in part, then more) and release concurrently; afterwards the cluster is
  /// idle again and nothing was ever over-committed (ClusterState.commit
  /// refuses over-commitment, and the engine would trap if it chose such a
  /// node). Run under `swift test --sanitize=thread` to check for races.
  @Test func concurrentSubmitAndRelease() async {
    let cluster = SyntheticCluster.generate(nodes: 200, sites: 3)
    let scheduler = Scheduler(cluster: cluster, profile: .single(.bestFit))
    let jobs = SyntheticCluster.jobs(count: 800, seed: 3)
    let placed = await withTaskGroup(of: Int.self) { group in
      for w in 0..<8 {
        group.addTask {
          var n = 0
          for j in jobs.enumerated() where j.offset % 8 == w {
            // Every fourth job a group of six without gang, its rest submitted again.
            var job = j.element
            if j.offset % 4 == 1 {
              job.groups[0].count = 6
              job.groups[0].gang = false
            }
            if case .success(let d) = scheduler.submit(job) {
              n += 1
              if let rest = job.remainder(after: d) { _ = scheduler.submitMore(rest) }
            }
            if j.offset % 3 == 0 { scheduler.release(jobID: j.element.id) }
            _ = scheduler.free(node: NodeID(j.offset % cluster.nodes.count))
          }
          return n
        }
      }
      return await group.reduce(0, +)
    }
    #expect(placed > 100)
    for j in jobs { scheduler.release(jobID: j.id) }
    #expect(scheduler.placedJobCount == 0)
    #expect(scheduler.snapshot().isIdle)
  }

  @Test func explainDoesNotReserve() {
    let cluster = SyntheticCluster.generate(nodes: 50, sites: 2)
    let scheduler = Scheduler(cluster: cluster)
    let huge = Job(id: "huge", groups: [TaskGroup(milliCPU: 10_000_000, memoryMiB: 1)])
    let small = Job(id: "small", groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1024)])
    #expect(scheduler.explain(huge)?.description.hasPrefix("0/50 nodes fit: 50 insufficient CPU") == true)
    #expect(scheduler.explain(small) == nil)
    #expect(scheduler.placedJobCount == 0)
    #expect(scheduler.snapshot().isIdle)
  }

  @Test func nodeDownReleasesItsJobs() {
    let cluster = SyntheticCluster.generate(nodes: 10, sites: 1)
    let scheduler = Scheduler(cluster: cluster, profile: .single(.firstFit))
    guard case .success(let d) = scheduler.submit(Job(id: "a", groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1)])) else {
      Issue.record("placement failed"); return
    }
    let node = d.allocation.tasks[0].node
    let released = scheduler.setNodeDown(node, true)
    #expect(released.map(\.jobID) == ["a"])
    guard case .success(let d2) = scheduler.submit(Job(id: "b", groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1)])) else {
      Issue.record("placement failed"); return
    }
    #expect(d2.allocation.tasks[0].node != node)
  }
  /// `load` replaces the cluster and drops every allocation; `allocation`
  /// answers by job id; unknown node ids are answered, not trapped on.
  @Test func loadAllocationAndUnknownNodes() {
    let small = SyntheticCluster.generate(nodes: 10, sites: 1)
    let scheduler = Scheduler(cluster: small, profile: .single(.firstFit))
    let job = Job(id: "a", groups: [TaskGroup(milliCPU: 1000, memoryMiB: 1)])
    guard case .success(let d) = scheduler.submit(job) else { Issue.record("placement failed"); return }
    #expect(scheduler.allocation(jobID: "a") == d.allocation)
    #expect(scheduler.allocation(jobID: "b") == nil)
    let node = d.allocation.tasks[0].node
    let idle = scheduler.snapshot().free(node).milliCPU
    #expect(scheduler.free(node: node)?.milliCPU == idle)
    #expect(scheduler.free(node: -1) == nil && scheduler.free(node: 10) == nil)
    #expect(scheduler.setNodeDown(10, true).isEmpty && scheduler.setNodeDown(-3, true).isEmpty)
    #expect(scheduler.placedJobCount == 1)
    // A new, larger cluster: nothing is held, and its nodes are there.
    scheduler.load(cluster: SyntheticCluster.generate(nodes: 20, sites: 2), profile: .single(.bestFit))
    #expect(scheduler.placedJobCount == 0 && scheduler.allocation(jobID: "a") == nil)
    #expect(scheduler.snapshot().nodeCount == 20 && scheduler.free(node: 19) != nil)
    guard case .success = scheduler.submit(job) else { Issue.record("placement after load failed"); return }
    #expect(scheduler.allocation(jobID: "a") != nil && scheduler.placedJobCount == 1)
  }
}

