import Testing
@testable import SchedCore

/// Per-tenant quotas (`QueuePolicy.quotas`): a hard limit holds a tenant's
/// job back while the cluster has room; with `borrowIdle` the tenant may
/// exceed it only while no other tenant has a job waiting.
@Suite struct QuotaTests {
  static let h = Int64(3_600_000_000)

  static func job(_ id: String, tenant: String, _ submit: Int64, tasks: Int32 = 1, cpu: Int64, hours: Double = 1) -> Job {
    let run = Int64(hours * Double(h))
    return Job(id: id, tenant: tenant, priority: .batch, submitMicros: submit, estimatedMicros: run, actualMicros: run,
               groups: [TaskGroup(count: tasks, milliCPU: cpu, memoryMiB: 1024)])
  }

  static func starts(_ jobs: [Job], nodes: Int, cores: Int64, quotas: [String: TenantQuota],
                     mode: QueueMode = .easy) -> (start: [String: Double], result: SimulationResult) {
    let r = Simulator.run(cluster: SyntheticClusterTiny.cpuOnly(nodes: nodes, cores: cores), jobs: jobs,
                          config: SimulationConfig(profile: .single(.firstFit),
                                                   queue: QueuePolicy(mode: mode, preemption: false, quotas: quotas),
                                                   checkInvariants: true))
    return (Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.id, $0.startSeconds ?? -1) }), r)
  }

  /// The capped tenant arrives after 18 others (so its id is looked up past
  /// the first 16 tenants): its second job waits for the first to end
  /// although three nodes are free, in both queue modes.
  @Test(arguments: [QueueMode.easy, .fcfs])
  func hardQuotaHoldsTheSecondJobBack(mode: QueueMode) {
    var jobs = (0..<18).map { Self.job("f\($0)", tenant: "t\($0)", Int64($0), cpu: 1000, hours: 10) }
    jobs.append(Self.job("c1", tenant: "capped", 100, cpu: 8000))
    jobs.append(Self.job("c2", tenant: "capped", 101, cpu: 8000))
    let (start, r) = Self.starts(jobs, nodes: 4, cores: 16, quotas: ["capped": TenantQuota(maxMilliCPU: 8000)],
                                 mode: mode)
    #expect(start["c1"] == 100e-6)
    #expect(((start["c2"] ?? 0) - (3600 + 100e-6)).magnitude < 1e-5, "c2 started at \(start["c2"] ?? -1)")
    #expect(r.finished == jobs.count)
    // Without the quota both start at once.
    let (free, _) = Self.starts(jobs, nodes: 4, cores: 16, quotas: [:], mode: mode)
    #expect(free["c2"] == 101e-6)
  }

  /// Borrowing: over its quota, the tenant's second job starts at once on
  /// idle capacity when nobody else waits, and waits for its first job to
  /// end while another tenant's job is queued (then it is backfilled: it
  /// ends before the waiting job's reservation).
  @Test func borrowingOnlyWhileNoOtherTenantWaits() {
    let quotas = ["borrower": TenantQuota(maxMilliCPU: 8000, borrowIdle: true)]
    let hog = Self.job("hog", tenant: "other", 0, cpu: 16_000, hours: 2)
    let b1 = Self.job("b1", tenant: "borrower", 2, cpu: 8000)
    let b2 = Self.job("b2", tenant: "borrower", 3, cpu: 1000, hours: 0.5)
    let (alone, _) = Self.starts([hog, b1, b2], nodes: 2, cores: 16, quotas: quotas)
    #expect(alone["b1"] == 2e-6 && alone["b2"] == 3e-6, "\(alone)")
    // "big" (another tenant) needs both nodes and waits for "hog": no borrowing meanwhile.
    let big = Self.job("big", tenant: "other", 1, tasks: 2, cpu: 16_000)
    let (contended, r) = Self.starts([hog, big, b1, b2], nodes: 2, cores: 16, quotas: quotas)
    #expect(contended["b1"] == 2e-6)
    #expect(((contended["b2"] ?? 0) - (3600 + 2e-6)).magnitude < 1e-5, "b2 started at \(contended["b2"] ?? -1)")
    #expect(((contended["big"] ?? 0) - 7200).magnitude < 1e-5, "big started at \(contended["big"] ?? -1)")
    #expect(r.finished == 4)
  }
}
