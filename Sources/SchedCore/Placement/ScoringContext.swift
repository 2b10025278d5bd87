/// What scorers need besides the node class and state: cluster-wide
/// normalizers, the job's latency origin, and the FGD target workload.
public struct ScoringContext: Sendable {
  /// Largest energy intensity over the cluster's classes (for normalizing).
  public var maxEnergyIntensity: Double
  /// Largest device-hour and core-hour prices over the cluster's classes.
  public var maxDevicePrice: Int64
  /// The largest core-hour price over the cluster's classes, fen (for normalizing).
  public var maxCorePrice: Int64
  /// The job's origin location index, or -1.
  public var origin: Int
  /// Latency normalizer: the job's bound, or the farthest site from the origin.
  public var latencyScale: Int64
  /// The FGD target workload (empty when the profile does not use FGD).
  public var target: TargetWorkload
  /// The cluster's latency network (for the latency scorer).
  public var network: LatencyNetwork
  /// Use the openb simulator's exact formulas (see Docs/Experiments.md).
  public var openbCompat: Bool

  init(classes: [NodeClass], network: LatencyNetwork, target: TargetWorkload, openbCompat: Bool) {
    maxEnergyIntensity = classes.compactMap(\.energyIntensity).max() ?? 0
    maxDevicePrice = classes.map(\.devicePrice.fen).max() ?? 0
    maxCorePrice = classes.map(\.coreHourPrice.fen).max() ?? 0
    origin = -1
    latencyScale = 1
    self.target = target
    self.network = network
    self.openbCompat = openbCompat
  }

  /// Sets the job's origin and latency scale.
  mutating func bind(job: Job) {
    origin = -1
    latencyScale = 1
    if case .bound(let o, let bound) = job.latency, let i = network.index(of: o) {
      origin = i
      latencyScale = max(1, bound)
    }
  }
}
