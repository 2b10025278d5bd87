/// How queued jobs are ordered and started.
public enum QueueMode: String, Sendable, Hashable, Codable, CaseIterable {
  /// First come, first served within priority: a blocked head blocks everyone.
  case fcfs
  /// EASY backfilling: the blocked head gets a reservation at the earliest
  /// time it fits given running jobs' estimated ends; later jobs start now
  /// only if they do not delay it.
  case easy
}

/// Per-tenant hard limits on what may run at once.
public struct TenantQuota: Sendable, Hashable, Codable {
  /// The most milli-CPU the tenant's running jobs may hold (`.max` = no limit).
  public var maxMilliCPU: Int64
  /// The most accelerator milli the tenant's running jobs may hold (`.max` = no limit).
  public var maxDeviceMilli: Int64
  /// Exceed the limits when no other tenant has a job waiting (borrow idle capacity).
  public var borrowIdle: Bool

  /// A quota; limits default to none.
  public init(maxMilliCPU: Int64 = .max, maxDeviceMilli: Int64 = .max, borrowIdle: Bool = false) {
    self.maxMilliCPU = maxMilliCPU
    self.maxDeviceMilli = maxDeviceMilli
    self.borrowIdle = borrowIdle
  }
}

/// The queue discipline: priority classes with aging, DRF across tenants,
/// quotas, FCFS or EASY, and preemption.
///
/// Order: effective priority rank (class rank minus one per `agingStepMicros`
/// waited, floored at 0 — so a best-effort job waiting 4 steps competes as a
/// system job and cannot starve), then the tenant's dominant share (Dominant
/// Resource Fairness: the largest of its running CPU, memory and device
/// shares of cluster capacity; lower first), then submit time, then id.
public struct QueuePolicy: Sendable, Hashable {
  /// FCFS or EASY backfilling.
  public var mode: QueueMode
  /// Waiting time, µs, that lifts a job one priority rank (at least 1; at most 8 steps count).
  public var agingStepMicros: Int64
  /// Evict lower-priority jobs for system, online and production jobs that do not fit.
  public var preemption: Bool
  /// How many queued jobs behind a blocked head EASY considers per pass.
  public var backfillDepth: Int
  /// Per-tenant quotas by tenant name; tenants not listed have none.
  public var quotas: [String: TenantQuota]

  /// A policy; `agingStepMicros` is floored at 1 and `backfillDepth` at 0.
  public init(mode: QueueMode = .easy, agingStepMicros: Int64 = 3_600_000_000, preemption: Bool = true,
              backfillDepth: Int = 64, quotas: [String: TenantQuota] = [:]) {
    self.mode = mode
    self.agingStepMicros = max(1, agingStepMicros)
    self.preemption = preemption
    self.backfillDepth = max(0, backfillDepth)
    self.quotas = quotas
  }

  /// The effective rank of a job of class `p` that has waited `waited` µs.
  @inlinable
  public func effectiveRank(_ p: PriorityClass, waited: Int64) -> Int {
    effectiveRank(classRank: p.rank, waited: waited)
  }

  /// The effective rank of a job whose class has rank `classRank`.
  @inlinable
  public func effectiveRank(classRank: Int, waited: Int64) -> Int {
    max(0, classRank - Int(min(waited / agingStepMicros, 8)))
  }

  /// The longest a job can wait behind a continuous stream of higher-priority
  /// arrivals before it ranks with the system class: rank × aging step.
  public func agingBound(_ p: PriorityClass) -> Int64 { Int64(p.rank) * agingStepMicros }
}
