/// A seeded synthetic Jing-Jin-Ji workload: diurnal arrivals (a
/// non-homogeneous Poisson process by thinning, peak mid-afternoon, trough
/// before dawn) of seven kinds of job:
///
/// | kind | share | shape |
/// |---|---|---|
/// | LLM training | 4 % | gang of 1-64 tasks × 8 accelerators (8-512 devices), 2-12 h, production; half domestic-only |
/// | inference | 25 % | 1-4 replicas of a 250/500-milli or whole accelerator, latency ≤ 1 ms from a Tianjin user access point, 10-60 min, online |
/// | vehicle edge | 20 % | 1 task, 300-milli share of a T4/310P-class device, ≤ 1 ms from the Xiqing vehicle network, 1-10 min, online |
/// | HPC | 6 % | 1-8 tasks of 20-100 FP64 TFLOPS (normalized, supercomputing), 1-6 h, production |
/// | CPU batch | 35 % | 1-4 tasks × 4-32 cores, 10 min-3 h, batch |
/// | DR service | 5 % | 2 replicas on 2 sites, 8 cores, 2-8 h, production |
/// | best effort | 5 % | 1 task × 1 accelerator, 30 min-4 h, best-effort |
///
/// Run-time estimates are what the user asks; actual run times are 30-100 %
/// of the estimate, and 10 % of jobs overrun it by up to 30 %.
public struct SyntheticWorkload: Sendable {
  /// Number of jobs to generate (≥ 0).
  public var jobs: Int
  /// Span the arrivals spread over, µs (≥ 1 s; default one day); with thinning
  /// the last submits fall near its end, sometimes past it.
  public var durationMicros: Int64
  /// Seed of every draw: the same seed gives the same jobs.
  public var seed: UInt64
  /// Access point ids used as origins (picked from the cluster by name when empty).
  public var tianjinOrigins: [String]
  /// Access point id used as the vehicle edge jobs' origin (the first whose id
  /// contains "xiqing" or "vehicle"); nil leaves those jobs unbounded.
  public var vehicleOrigin: String?
  /// Tenant names jobs are drawn from (some kinds always use one of them).
  public var tenants: [String]

  /// A workload of `jobs` jobs; origins are picked from `cluster`'s access points
  /// (none without a cluster: no latency constraints).
  public init(jobs: Int, durationMicros: Int64 = 86_400_000_000, seed: UInt64 = 42, cluster: Cluster? = nil) {
    self.jobs = Swift.max(0, jobs)
    self.durationMicros = Swift.max(1_000_000, durationMicros)
    self.seed = seed
    let points = cluster?.network.locations.filter { $0.kind == .accessPoint } ?? []
    let access = points.map(\.id)
    let vehicle = access.first { $0.contains("xiqing") || $0.contains("vehicle") }
    vehicleOrigin = vehicle
    // Inference origins: the user access points in Tianjin; failing those,
    // any Tianjin access point but the vehicle network's; failing those
    // (a cluster without Tianjin), every user access point, or every one.
    let tianjin = points.filter { $0.city.lowercased() == "tianjin" && $0.id != vehicle }.map(\.id)
    let tianjinUsers = tianjin.filter { $0.contains("users") }
    let users = access.filter { $0.contains("users") }
    tianjinOrigins = !tianjinUsers.isEmpty ? tianjinUsers
      : !tianjin.isEmpty ? tianjin : (users.isEmpty ? access.filter { $0 != vehicle } : users)
    tenants = ["llm-lab", "auto-drive", "city-brain", "hpc-institute", "port-logistics", "fin-cloud", "edu-cloud"]
  }

  /// Relative arrival rate at time-of-day `h` hours: 0.25 at 3:00, 1 at 15:00.
  static func diurnal(_ h: Double) -> Double {
    0.625 + 0.375 * _cos((h - 15) / 24 * 2 * Double.pi)
  }

  /// The jobs, in submit order.
  public func generate() -> [Job] {
    var out: [Job] = []
    out.reserveCapacity(jobs)
    out.append(contentsOf: self)
    return out
  }

  /// Draws the next job: exponential gaps at the peak rate, thinned by the
  /// diurnal curve.
  func next(_ n: Int, _ t: inout Double, _ g: inout SeededGenerator) -> Job {
    let meanGap = Double(durationMicros) / Double(jobs) * 0.625  // thinning keeps ~62.5 % on average
    while true {
      t += -meanGap * _log(Swift.max(g.unit(), 1e-12))
      let h = (t / 3.6e9).truncatingRemainder(dividingBy: 24)
      if g.unit() > Self.diurnal(h) { continue }
      return job(n, submit: Int64(Swift.min(t, 9e15)), &g)
    }
  }

  func pick<T>(_ a: [T], _ g: inout SeededGenerator) -> T { a[Int(g.below(UInt64(a.count)))] }

  func minutes(_ lo: Double, _ hi: Double, _ g: inout SeededGenerator) -> Int64 {
    Int64((lo + (hi - lo) * g.unit()) * 60_000_000)
  }

  /// Device kind sets shared by every job (a set literal per job built and hashed a new set).
  static let gpuNPU: Set<DeviceKind> = [.gpu, .npu]
  static let anyAccelerator: Set<DeviceKind> = [.gpu, .npu, .dcu]

  func job(_ n: Int, submit: Int64, _ g: inout SeededGenerator) -> Job {
    let r = g.unit()
    var priority = PriorityClass.batch
    var groups: [TaskGroup] = []
    var latency = LatencyConstraint.none
    var estimate: Int64
    var tenant = pick(tenants, &g)
    var kind = "batch"
    if r < 0.04 {
      kind = "train"
      tenant = "llm-lab"
      priority = .production
      let tasks = Int32([1, 1, 2, 2, 4, 4, 8, 16, 32, 64][Int(g.below(10))])
      let domestic = g.below(2) == 0
      groups = [TaskGroup(name: "workers", count: tasks, milliCPU: 32_000, memoryMiB: 262_144,
                          device: DeviceRequest(count: 8, kinds: Self.gpuNPU, domesticOnly: domestic,
                                                minMemoryMiB: 32_768),
                          gang: true)]
      estimate = minutes(120, 720, &g)
    } else if r < 0.29 {
      kind = "infer"
      priority = .online
      let milli = Int32([250, 500, 1000][Int(g.below(3))])
      groups = [TaskGroup(name: "replicas", count: Int32(1 + g.below(4)), milliCPU: 4000, memoryMiB: 16_384,
                          device: DeviceRequest(count: 1, milliPerDevice: milli, kinds: Self.gpuNPU), gang: false)]
      if !tianjinOrigins.isEmpty { latency = .bound(origin: pick(tianjinOrigins, &g), maxMicros: 1000) }
      estimate = minutes(10, 60, &g)
    } else if r < 0.49 {
      kind = "edge"
      tenant = "auto-drive"
      priority = .online
      groups = [TaskGroup(name: "edge", count: 1, milliCPU: 2000, memoryMiB: 4096,
                          device: DeviceRequest(count: 1, milliPerDevice: 300, kinds: Self.gpuNPU))]
      if let v = vehicleOrigin { latency = .bound(origin: v, maxMicros: 1000) }
      estimate = minutes(1, 10, &g)
    } else if r < 0.55 {
      kind = "hpc"
      tenant = "hpc-institute"
      priority = .production
      groups = [TaskGroup(name: "ranks", count: Int32(1 + g.below(8)), milliCPU: 16_000, memoryMiB: 65_536,
                          device: DeviceRequest(count: 0),
                          normalized: NormalizedRequest(tflops: Double(20 + g.below(81)), computeClass: .supercomputing),
                          gang: true, sameSite: true)]
      estimate = minutes(60, 360, &g)
    } else if r < 0.90 {
      kind = "batch"
      groups = [TaskGroup(name: "tasks", count: Int32(1 + g.below(4)), milliCPU: Int64(4000 * (1 + g.below(8))),
                          memoryMiB: Int64(8192 * (1 + g.below(8))), gang: true)]
      estimate = minutes(10, 180, &g)
    } else if r < 0.95 {
      kind = "dr"
      tenant = "fin-cloud"
      priority = .production
      groups = [TaskGroup(name: "replicas", count: 2, milliCPU: 8000, memoryMiB: 32_768, gang: true, spreadSites: 2)]
      estimate = minutes(120, 480, &g)
    } else {
      kind = "be"
      priority = .bestEffort
      groups = [TaskGroup(name: "main", count: 1, milliCPU: 8000, memoryMiB: 32_768,
                          device: DeviceRequest(count: 1, kinds: Self.anyAccelerator))]
      estimate = minutes(30, 240, &g)
    }
    var actual = Int64(Double(estimate) * (0.3 + 0.7 * g.unit()))
    if g.below(10) == 0 { actual = Int64(Double(estimate) * (1 + 0.3 * g.unit())) }
    return Job(id: "\(kind)-\(n)", tenant: tenant, priority: priority, submitMicros: submit,
               estimatedMicros: estimate, actualMicros: Swift.max(1_000_000, actual), groups: groups, latency: latency)
  }
}

extension SyntheticWorkload: Sequence {
  /// Generates the jobs one at a time, in submit order, without holding
  /// them: a simulation reading this stream keeps only the jobs in flight.
  public struct Iterator: IteratorProtocol {
    let workload: SyntheticWorkload
    var g: SeededGenerator
    var t = 0.0
    var n = 0

    /// The next job, or nil after `jobs` jobs.
    public mutating func next() -> Job? {
      guard n < workload.jobs else { return nil }
      defer { n += 1 }
      return workload.next(n, &t, &g)
    }
  }

  /// A fresh stream of the jobs from the first (same seed, same jobs).
  public func makeIterator() -> Iterator { Iterator(workload: self, g: SeededGenerator(seed: seed)) }
  /// `jobs`: the stream yields exactly that many.
  public var underestimatedCount: Int { jobs }
}
