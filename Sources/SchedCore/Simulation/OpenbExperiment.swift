/// The FGD paper's trace experiment (Weng et al., USENIX ATC'23), run the way
/// the authors' public simulator runs it: pods arrive one at a time in a
/// seeded order, never leave, and a pod that fits nowhere fails at once.
/// See Docs/Experiments.md for the protocol.
public enum OpenbExperiment {
  /// One arrival's state, in percent of cluster GPU capacity.
  public struct Point: Sendable, Hashable, Codable {
    /// GPU milli requested by every pod so far (failed ones included).
    public var arrived: Double
    /// GPU milli allocated.
    public var allocated: Double
    /// Cluster fragmentation Σ F_n (FGD definition).
    public var fragmentation: Double
    /// Fragmentation as a share of idle GPU milli.
    public var fragmentationRatio: Double
  }

  /// One experiment's outcome.
  public struct Result: Sendable, Codable {
    /// The scorer the experiment ran (its raw name).
    public var policy: String
    /// Seed of the arrival order and the tie-break.
    public var seed: UInt64
    /// Target total requested GPU milli, as a multiple of capacity (1.3 = 130 %).
    public var tune: Double
    /// Nodes in the cluster.
    public var nodes: Int
    /// GPUs in the cluster.
    public var gpus: Int
    /// Pods in the list, before cloning.
    public var originalPods: Int
    /// Pods in the arrival order, clones included.
    public var arrivals: Int
    /// Arrivals that were placed.
    public var placed: Int
    /// Arrivals that fit nowhere (they fail at once and never retry).
    public var failed: Int
    /// Failed pods that asked for GPUs.
    public var failedGPUPods: Int
    /// One point per arrival, in arrival order.
    public var curve: [Point]
    /// The curve at 50, 60, …, 130 % arrived (nil where the run never got there).
    public var at: [String: Point]
    /// Wall-clock time of the run, seconds.
    public var wallSeconds: Double
  }

  /// The arrival order: pods sorted by name and shuffled with the seeded
  /// generator, then clones drawn uniformly (with replacement) from the
  /// original pods until the next clone would push total requested GPU milli
  /// (total + the clone's per-GPU milli, compared with tune × capacity) past
  /// the target; each clone adds per-GPU milli × GPU count. Clones go at the
  /// end, unshuffled.
  public static func arrivals(_ pods: [OpenbPod], capacityMilli: Int64, tune: Double,
                              generator g: inout SeededGenerator) -> [OpenbPod] {
    var order = pods.sorted { $0.name < $1.name }
    g.shuffle(&order)
    guard tune.isFinite, tune > 0, !pods.isEmpty else { return order }
    let target = tune * Double(capacityMilli)
    var total = pods.reduce(0.0) { $0 + Double($1.gpuMilli) * Double($1.gpus) }
    var k = 0
    while true {
      var clone = pods[Int(g.below(UInt64(pods.count)))]
      if total + Double(clone.gpuMilli) > target { break }
      total += Double(clone.gpuMilli) * Double(clone.gpus)
      clone.name += "-clone-\(k)"
      k += 1
      order.append(clone)
      if k > 10_000_000 { break }
    }
    return order
  }

  /// The FGD target workload of a pod list: (CPU, milli, count, models)
  /// tuples, most frequent first, covering 95 % of the pods.
  public static func target(_ pods: [OpenbPod], cluster: Cluster, coverage: Double = 0.95) -> TargetWorkload {
    TargetWorkload.build(from: pods.map {
      TargetWorkload.Sample(milliCPU: $0.milliCPU, deviceCount: $0.gpus, milliPerDevice: $0.gpuMilli, models: $0.gpuSpec)
    }, coverage: coverage, catalog: cluster.catalog)
  }

  /// Runs one experiment.
  ///
  /// - Complexity: O(arrivals × placement) plus O(arrivals × task types × devices) for the fragmentation curve.
  public static func run(cluster: Cluster, pods: [OpenbPod], policy: ScorerKind, seed: UInt64,
                         tune: Double = 1.3) -> Result {
    let clock = ContinuousClock()
    let t0 = clock.now
    let capacity = Int64(cluster.acceleratorCount) * 1000
    var g = SeededGenerator(seed: seed)
    let order = arrivals(pods, capacityMilli: capacity, tune: tune, generator: &g)
    let target = Self.target(pods, cluster: cluster)
    let profile = Profile(name: policy.rawValue, scorers: [WeightedScorer(policy)],
                          tieBreak: .seededPermutation(seed: seed))
    var engine = PlacementEngine(cluster: cluster, profile: profile, target: target, openbCompat: true)
    // Per-node fragmentation, updated for the one node each placement changes.
    var frag = [Double](repeating: 0, count: cluster.nodes.count)
    var buf: [Int32] = []
    func fragOf(_ n: Int) -> Double {
      guard let acc = cluster.nodes[n].accelerator else { return 0 }
      buf.removeAll(keepingCapacity: true)
      for f in engine.state.devices(of: NodeID(n)) { buf.append(Int32(f)) }
      return buf.withUnsafeBufferPointer {
        FGDScorer.fragmentation(free: $0, milliCPU: engine.state.freeMilliCPU(NodeID(n)), model: acc.model, target: target)
      }
    }
    var totalFrag = 0.0
    for n in 0..<cluster.nodes.count {
      frag[n] = fragOf(n)
      totalFrag += frag[n]
    }
    var arrived: Int64 = 0, allocated: Int64 = 0
    var placed = 0, failed = 0, failedGPU = 0
    var curve: [Point] = []
    curve.reserveCapacity(order.count)
    let cap = Double(max(capacity, 1))
    for pod in order {
      arrived += Int64(pod.gpus) * Int64(pod.gpuMilli)
      var job = pod.job
      job.id = pod.name
      switch engine.place(job, explain: false) {
      case .success(let d):
        placed += 1
        for t in d.allocation.tasks {
          allocated += t.deviceMilli
          let n = Int(t.node)
          totalFrag -= frag[n]
          frag[n] = fragOf(n)
          totalFrag += frag[n]
        }
      case .failure:
        failed += 1
        if pod.gpus > 0 { failedGPU += 1 }
      }
      let idle = Double(capacity - allocated)
      curve.append(Point(arrived: Double(arrived) / cap * 100, allocated: Double(allocated) / cap * 100,
                         fragmentation: totalFrag / cap * 100,
                         fragmentationRatio: idle > 0 ? totalFrag / idle * 100 : 0))
    }
    var at: [String: Point] = [:]
    for x in stride(from: 50, through: 130, by: 10) {
      if let p = value(curve, at: x) { at["\(x)"] = p }
    }
    let wall = clock.now - t0
    return Result(policy: policy.rawValue, seed: seed, tune: tune, nodes: cluster.nodes.count,
                  gpus: cluster.acceleratorCount, originalPods: pods.count, arrivals: order.count, placed: placed,
                  failed: failed, failedGPUPods: failedGPU, curve: curve, at: at,
                  wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) * 1e-18)
  }

  /// The mean of the points whose arrived % rounds to `x` (to x ± 1 when none does).
  public static func value(_ curve: [Point], at x: Int) -> Point? {
    for tolerance in 0...1 {
      let hits = curve.filter { abs(Int($0.arrived.rounded()) - x) <= tolerance }
      if !hits.isEmpty {
        let n = Double(hits.count)
        return Point(arrived: hits.reduce(0) { $0 + $1.arrived } / n, allocated: hits.reduce(0) { $0 + $1.allocated } / n,
                     fragmentation: hits.reduce(0) { $0 + $1.fragmentation } / n,
                     fragmentationRatio: hits.reduce(0) { $0 + $1.fragmentationRatio } / n)
      }
    }
    return nil
  }
}
