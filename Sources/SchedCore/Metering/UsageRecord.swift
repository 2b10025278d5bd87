/// What one task held on one node over one run interval: the unit the
/// simulator (or an embedding service) reports to metering. A task that is
/// preempted or whose node fails ends its record then; if it runs again it
/// opens a new one.
public struct UsageRecord: Sendable, Hashable, Codable {
  /// The job the task belongs to.
  public var jobID: String
  /// The job's tenant, who is billed for the record.
  public var tenant: String
  /// Site id (as in the cluster file).
  public var site: String
  /// Node id.
  public var node: String
  /// Start and end, µs from the simulation epoch (end ≥ start).
  public var startMicros: Int64
  /// End of the interval, µs from the simulation epoch.
  public var endMicros: Int64
  /// Milli-CPU held (1000 = one core).
  public var milliCPU: Int64
  /// Host memory held, MiB.
  public var memoryMiB: Int64
  /// Accelerator model (catalog name) and kind, when the task holds devices.
  public var deviceModel: String?
  /// Kind of `deviceModel` (GPU, DCU or NPU); nil when no devices are held.
  public var deviceKind: DeviceKind?
  /// Total accelerator milli held (1000 = one whole device).
  public var deviceMilli: Int64
  /// Whole DPUs held.
  public var dpuUnits: Int32

  /// A record with the given fields, as an embedding service reports it; devices default to none.
  public init(jobID: String, tenant: String, site: String, node: String, startMicros: Int64,
              endMicros: Int64, milliCPU: Int64, memoryMiB: Int64, deviceModel: String? = nil,
              deviceKind: DeviceKind? = nil, deviceMilli: Int64 = 0, dpuUnits: Int32 = 0) {
    self.jobID = jobID
    self.tenant = tenant
    self.site = site
    self.node = node
    self.startMicros = startMicros
    self.endMicros = endMicros
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.deviceModel = deviceModel
    self.deviceKind = deviceKind
    self.deviceMilli = deviceMilli
    self.dpuUnits = dpuUnits
  }

  /// Run time in µs (0 if the interval is inverted).
  public var durationMicros: Int64 { max(0, endMicros - startMicros) }
}

extension UsageRecord {
  /// The record for `task` of `job` running on its node from `start` to `end`.
  public init(job: Job, task: TaskAssignment, cluster: Cluster, startMicros: Int64, endMicros: Int64) {
    self.init(jobID: job.id, tenant: job.tenant, task: task, cluster: cluster, startMicros: startMicros,
              endMicros: endMicros)
  }

  /// As `init(job:task:cluster:startMicros:endMicros:)`, from the job's id
  /// and tenant only (a caller metering many tasks copies no `Job`).
  init(jobID: String, tenant: String, task: TaskAssignment, cluster: Cluster, startMicros: Int64, endMicros: Int64) {
    // Field by field: binding the whole `Node` would copy (and retain) all of it.
    let n = Int(task.node)
    let held = task.deviceMilli
    var name: String?, kind: DeviceKind?
    if held > 0, let m = cluster.nodes[n].accelerator?.model {  // the model's two fields, not a copy of it
      name = cluster.catalog.models[Int(m)].name
      kind = cluster.catalog.models[Int(m)].kind
    }
    self.init(jobID: jobID, tenant: tenant, site: cluster.sites[Int(cluster.nodes[n].site)].id,
              node: cluster.nodes[n].id,
              startMicros: startMicros, endMicros: endMicros, milliCPU: task.milliCPU,
              memoryMiB: task.memoryMiB, deviceModel: name, deviceKind: kind, deviceMilli: held,
              dpuUnits: task.dpuUnits)
  }
}
