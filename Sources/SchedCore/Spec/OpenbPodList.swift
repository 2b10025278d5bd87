/// One pod of an Alibaba openb pod list.
public struct OpenbPod: Sendable, Hashable {
  /// Pod name, unique within the list; becomes the job id.
  public var name: String
  /// Milli-CPU requested.
  public var milliCPU: Int64
  /// Memory requested, MiB.
  public var memoryMiB: Int64
  /// GPUs requested (0 = CPU-only; more than one only as whole GPUs).
  public var gpus: Int32
  /// Per GPU (1000 = a whole GPU; less = a shared fraction of one GPU).
  public var gpuMilli: Int32
  /// Allowed GPU models; empty = any.
  public var gpuSpec: [String]
  /// QoS class ("LS", "Guaranteed", "Burstable", "BE"; "" when not given).
  public var qos: String
  /// Creation time, seconds from the trace start; nil when absent (five-column format or empty cell).
  public var creationSeconds: Int64?
  /// Deletion time, seconds; nil when absent.
  public var deletionSeconds: Int64?
  /// Time the pod was scheduled in the trace, seconds; nil when absent.
  public var scheduledSeconds: Int64?

  /// The QoS classes of the openb trace and the priority each maps to (the
  /// importer refuses any other value).
  public static let priorityByQoS: [(qos: String, priority: PriorityClass)] = [
    ("LS", .online), ("Guaranteed", .production), ("Burstable", .batch), ("BE", .bestEffort),
  ]

  /// The pod as a one-task job (submit = creation time; run time =
  /// deletion − scheduled (or creation) when both are present and ordered,
  /// else one hour). QoS: LS → online, Guaranteed → production,
  /// Burstable → batch, BE (or none: the five-column format) → best-effort.
  public var job: Job {
    let device = gpus > 0 ? DeviceRequest(count: gpus, milliPerDevice: gpuMilli, models: gpuSpec) : nil
    let priority = Self.priorityByQoS.first { $0.qos == qos }?.priority ?? .bestEffort
    let startS = scheduledSeconds ?? creationSeconds ?? 0
    var run: Int64 = 3_600_000_000
    if let d = deletionSeconds, d > startS { run = (d - startS) * 1_000_000 }
    return Job(id: name, tenant: "openb", priority: priority, submitMicros: (creationSeconds ?? 0) * 1_000_000,
               estimatedMicros: run, actualMicros: run,
               groups: [TaskGroup(milliCPU: milliCPU, memoryMiB: memoryMiB, device: device)])
  }
}

/// Importer for openb pod lists (`name,cpu_milli,memory_mib,num_gpu,gpu_milli[,gpu_spec,qos,pod_phase,
/// creation_time,deletion_time,scheduled_time]`). File order is kept. The
/// qos cell must be one of LS, Guaranteed, Burstable, BE (or empty: none
/// given). A list without a pod is an error.
public enum OpenbPodList {
  /// Reads and parses the pod list at `path`; throws `SpecErrors` if it cannot be read or parsed.
  public static func load(path: String) throws(SpecErrors) -> [OpenbPod] {
    try parse(text: ClusterSpec.readText(path), file: path)
  }

  /// Parses pod-list text (`file` names it in errors). Throws every bad row at once, or
  /// for a wrong header, an empty file or a list without a pod.
  public static func parse(text: String, file: String) throws(SpecErrors) -> [OpenbPod] {
    let lines = CSVLines.parse(text)
    guard let header = lines.first else { throw .single(file, "the file is empty") }
    let cols = header.fields.map { $0.trimmingWhitespace() }
    let short = ["name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"]
    let long = short + ["gpu_spec", "qos", "pod_phase", "creation_time", "deletion_time", "scheduled_time"]
    guard cols == short || cols == long else {
      throw .single(file, "expected header '\(long.joined(separator: ","))' (or its first five columns)", line: header.number)
    }
    var pods: [OpenbPod] = []
    var errors: [SpecError] = []
    var names: Set<String> = []
    func err(_ l: CSVLines.Line, _ f: String, _ m: String) {
      errors.append(SpecError(file: file, line: l.number, column: 0, path: f, message: m))
    }
    for l in lines.dropFirst() {
      let f = l.fields.map { $0.trimmingWhitespace() }
      guard f.count == cols.count else { err(l, "", "expected \(cols.count) fields, found \(f.count)"); continue }
      guard !f[0].isEmpty else { err(l, "name", "empty pod name"); continue }
      guard names.insert(f[0]).inserted else { err(l, "name", "duplicate pod '\(f[0])'"); continue }
      guard let cpu = Int64(f[1]), cpu >= 0, cpu <= ClusterSpec.Limits.maxMilliCPU else {
        err(l, "cpu_milli", "expected a non-negative integer, found '\(f[1])'"); continue
      }
      guard let mem = Int64(f[2]), mem >= 0, mem <= ClusterSpec.Limits.maxMemoryMiB else {
        err(l, "memory_mib", "expected a non-negative integer, found '\(f[2])'"); continue
      }
      guard let gpus = Int32(f[3]), gpus >= 0, Int64(gpus) <= ClusterSpec.Limits.maxDevicesPerNode else {
        err(l, "num_gpu", "expected 0 to \(ClusterSpec.Limits.maxDevicesPerNode), found '\(f[3])'"); continue
      }
      guard let milli = Int32(f[4]), milli >= 0, milli <= 1000, gpus == 0 || milli > 0 else {
        err(l, "gpu_milli", "expected 0 to 1000 (and > 0 with GPUs), found '\(f[4])'"); continue
      }
      guard gpus <= 1 || milli == 1000 else {
        err(l, "gpu_milli", "a pod with \(gpus) GPUs must take whole GPUs (1000), found \(milli)"); continue
      }
      var pod = OpenbPod(name: f[0], milliCPU: cpu, memoryMiB: mem, gpus: gpus, gpuMilli: gpus > 0 ? milli : 0,
                         gpuSpec: [], qos: "", creationSeconds: nil, deletionSeconds: nil, scheduledSeconds: nil)
      if cols.count == long.count {
        pod.gpuSpec = f[5].split(separator: "|").map { String($0) }.filter { !$0.isEmpty }
        guard f[6].isEmpty || OpenbPod.priorityByQoS.contains(where: { $0.qos == f[6] }) else {
          err(l, "qos", "unknown QoS '\(f[6])' (accepted: \(OpenbPod.priorityByQoS.map(\.qos).joined(separator: ", ")), "
                + "or empty)")
          continue
        }
        pod.qos = f[6]
        func time(_ i: Int, _ name: String) -> Int64?? {
          if f[i].isEmpty { return .some(nil) }
          guard let v = Int64(f[i]), v >= 0, v < 1_000_000_000_000 else {
            err(l, name, "expected seconds ≥ 0, found '\(f[i])'")
            return nil
          }
          return .some(v)
        }
        guard let c = time(8, "creation_time"), let d = time(9, "deletion_time"), let s = time(10, "scheduled_time") else { continue }
        pod.creationSeconds = c
        pod.deletionSeconds = d
        pod.scheduledSeconds = s
      }
      pods.append(pod)
    }
    guard errors.isEmpty else { throw SpecErrors(errors) }
    guard !pods.isEmpty else { throw .single(file, "no jobs: the file has a header row and no pod rows") }
    return pods
  }
}
