/// Priority classes, highest first. Within a class jobs are FIFO (with aging in
/// the queue); a higher class may preempt a lower one.
public enum PriorityClass: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
  /// Cluster-critical work; may preempt any lower class and is never preempted.
  case system
  /// Latency-sensitive services (inference, edge); may preempt production and below.
  case online
  /// Important batch work (training, HPC); may preempt batch and best-effort.
  case production
  /// Ordinary batch work (the default); preempts nobody.
  case batch
  /// Runs on leftovers; preempts nobody, may be preempted by production and above.
  case bestEffort = "best-effort"

  /// 0 for `system` ... 4 for `bestEffort`; lower is more important.
  public var rank: Int {
    switch self {
    case .system: 0
    case .online: 1
    case .production: 2
    case .batch: 3
    case .bestEffort: 4
    }
  }

  /// Orders by `rank`: `system` < … < `bestEffort` (more important first).
  public static func < (a: PriorityClass, b: PriorityClass) -> Bool { a.rank < b.rank }
}

/// What accelerators a task needs, per task.
public struct DeviceRequest: Sendable, Hashable {
  /// Devices per task. With `milliPerDevice < 1000`, `count` must be 1 (a
  /// shared fraction of one device, as in the openb trace).
  public var count: Int32
  /// Share of each device in thousandths (1000 = a whole device).
  public var milliPerDevice: Int32
  /// Allowed device kinds (any of); empty = any accelerator kind.
  public var kinds: Set<DeviceKind>
  /// Allowed models (catalog names or aliases, any of); empty = any model.
  public var models: [String]
  /// Only domestic devices.
  public var domesticOnly: Bool
  /// Minimum memory per device in MiB (0 = no minimum).
  public var minMemoryMiB: Int64
  /// Required compute class, if any.
  public var computeClass: ComputeClass?

  /// A request for `count` devices of `milliPerDevice` thousandths each; other constraints default to none.
  public init(count: Int32, milliPerDevice: Int32 = 1000, kinds: Set<DeviceKind> = [],
              models: [String] = [], domesticOnly: Bool = false, minMemoryMiB: Int64 = 0,
              computeClass: ComputeClass? = nil) {
    self.count = count
    self.milliPerDevice = milliPerDevice
    self.kinds = kinds
    self.models = models
    self.domesticOnly = domesticOnly
    self.minMemoryMiB = minMemoryMiB
    self.computeClass = computeClass
  }

  /// Whether this is a fractional share of a single device.
  @inlinable
  public var isSharing: Bool { count == 1 && milliPerDevice < 1000 }

  /// Why `kind` cannot be asked of a device request, or nil: only
  /// accelerators (GPU, DCU, NPU) are devices a task takes; CPUs are asked
  /// by milli-CPU and DPUs by a group's DPU count, so a request naming them
  /// would match no node.
  public static func kindProblem(_ kind: DeviceKind) -> String? {
    switch kind {
    case .gpu, .dcu, .npu: nil
    case .cpu: "'cpu' is not an accelerator kind (ask CPU by cpu_milli; kinds: gpu, dcu, npu)"
    case .dpu: "'dpu' is not an accelerator kind (ask DPUs by the group's dpu count; kinds: gpu, dcu, npu)"
    }
  }
}

/// A request for compute in normalized units: the engine picks the device
/// model and derives the device count per task from the catalog.
public struct NormalizedRequest: Sendable, Hashable {
  /// TFLOPS per task: FP16 for `intelligent`, FP64 for `supercomputing`.
  public var tflops: Double
  /// Which class the TFLOPS are for (`intelligent` or `supercomputing`).
  public var computeClass: ComputeClass

  /// A request for `tflops` TFLOPS per task of class `computeClass`.
  public init(tflops: Double, computeClass: ComputeClass) {
    self.tflops = tflops
    self.computeClass = computeClass
  }
}

/// Where a job's tasks may run, by latency to where its demand originates.
public enum LatencyConstraint: Sendable, Hashable {
  /// No latency requirement.
  case none
  /// Every task's site within `maxMicros` one-way of location `origin`.
  case bound(origin: String, maxMicros: Int64)
  /// Every task on a site that is a member of the named ring.
  case ring(String)
}

/// A set of identical tasks of a job.
public struct TaskGroup: Sendable, Hashable {
  /// Group name ("main" by default); names the group in errors and explanations.
  public var name: String
  /// Number of tasks (replicas) in the group.
  public var count: Int32
  /// Per-task milli-CPU.
  public var milliCPU: Int64
  /// Per-task memory.
  public var memoryMiB: Int64
  /// Per-task accelerators, if any.
  public var device: DeviceRequest?
  /// Normalized compute per task (instead of `device.count`); kinds, models
  /// and domestic constraints still come from `device` when given.
  public var normalized: NormalizedRequest?
  /// Per-task DPUs.
  public var dpuCount: Int32
  /// All tasks placed at once or none (the default). Without it the tasks
  /// are independent: `PlacementEngine.place` places as many as fit (at
  /// least one, and at least `spreadSites`) and reports the rest in
  /// `PlacementDecision.unplaced`. The simulator starts and stops jobs
  /// whole, so it places every group all or none.
  public var gang: Bool
  /// All tasks on one site: the best site for the first task that holds them
  /// all. A gang option: a group with `sameSite` and without `gang` is refused.
  public var sameSite: Bool
  /// Replicas on at least this many distinct sites (disaster recovery); 0 or 1 = no rule.
  public var spreadSites: Int32

  /// A group of `count` tasks, each needing `milliCPU` and `memoryMiB` plus any devices.
  public init(name: String = "main", count: Int32 = 1, milliCPU: Int64, memoryMiB: Int64,
              device: DeviceRequest? = nil, normalized: NormalizedRequest? = nil,
              dpuCount: Int32 = 0, gang: Bool = true, sameSite: Bool = false,
              spreadSites: Int32 = 0) {
    self.name = name
    self.count = count
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.device = device
    self.normalized = normalized
    self.dpuCount = dpuCount
    self.gang = gang
    self.sameSite = sameSite
    self.spreadSites = spreadSites
  }

  /// Whether `other` asks for the same as this group: every field but the
  /// name equal (`==` on copies with the names cleared, without copying).
  public func sameRequest(as other: TaskGroup) -> Bool {
    count == other.count && milliCPU == other.milliCPU && memoryMiB == other.memoryMiB
      && dpuCount == other.dpuCount && gang == other.gang && sameSite == other.sameSite
      && spreadSites == other.spreadSites && device == other.device && normalized == other.normalized
  }
}

extension TaskGroup {
  /// Why this group's placement rules contradict each other (no cluster can
  /// meet them), with the job-file key the error belongs to; nil when they
  /// do not. Job files refuse such a group; `place` fails it with the message.
  public var ruleConflict: (key: String, message: String)? {
    if spreadSites > 1 && sameSite {
      return ("spread_sites", "spread over \(spreadSites) sites contradicts same_site: true")
    }
    if spreadSites > 1 && spreadSites > count {
      return ("spread_sites", "spread over \(spreadSites) sites needs at least as many tasks (count \(count))")
    }
    if sameSite && !gang { return ("gang", "same_site: true is a gang rule and needs gang: true") }
    return nil
  }
}

/// Node- or site-level separation from another job.
public enum AntiAffinityScope: String, Sendable, Hashable, Codable {
  case node, site
}

/// A unit of work submitted by a tenant: one or more task groups.
public struct Job: Sendable, Hashable, Identifiable {
  /// Job identifier, unique within a workload; the key for release and anti-affinity.
  public var id: String
  /// Tenant that submitted the job: the unit of quotas, fair share and billing.
  public var tenant: String
  /// Priority class; orders the queue and decides who may preempt whom.
  public var priority: PriorityClass
  /// Submit time, µs from the simulation epoch.
  public var submitMicros: Int64
  /// The user's run-time estimate, µs.
  public var estimatedMicros: Int64
  /// Actual run time in simulation, µs (may differ from the estimate).
  public var actualMicros: Int64
  /// Task groups, placed in order; all tasks of all groups are placed or none.
  public var groups: [TaskGroup]
  /// Where the job's tasks may run, by latency; `.none` for anywhere.
  public var latency: LatencyConstraint
  /// Jobs whose tasks this job must not share a node (or site) with.
  public var antiAffinity: [String]
  /// Whether `antiAffinity` keeps this job off the named jobs' nodes or off their sites.
  public var antiAffinityScope: AntiAffinityScope
  /// The most the tenant pays per device-hour (CPU-only tasks: per core-hour).
  public var priceCeiling: Money?

  /// A job; `actualMicros` nil means it runs exactly its estimate.
  public init(id: String, tenant: String = "default", priority: PriorityClass = .batch,
              submitMicros: Int64 = 0, estimatedMicros: Int64 = 3_600_000_000,
              actualMicros: Int64? = nil, groups: [TaskGroup], latency: LatencyConstraint = .none,
              antiAffinity: [String] = [], antiAffinityScope: AntiAffinityScope = .node,
              priceCeiling: Money? = nil) {
    self.id = id
    self.tenant = tenant
    self.priority = priority
    self.submitMicros = submitMicros
    self.estimatedMicros = estimatedMicros
    self.actualMicros = actualMicros ?? estimatedMicros
    self.groups = groups
    self.latency = latency
    self.antiAffinity = antiAffinity
    self.antiAffinityScope = antiAffinityScope
    self.priceCeiling = priceCeiling
  }

  /// Total tasks over all groups.
  public var taskCount: Int { groups.reduce(0) { $0 + Int($1.count) } }
}
