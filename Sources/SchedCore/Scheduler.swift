import Foundation

/// The embeddable, thread-safe face of SchedCore: one lock around a
/// `PlacementEngine`. Every method may be called from any thread or task.
///
/// The lock is a pthread mutex (`NSLock`), which ThreadSanitizer understands,
/// so `swift test --sanitize=thread` can check the facade.
///
///     let scheduler = Scheduler(cluster: try ClusterSpec.load(path: "cluster.yaml"))
///     switch scheduler.submit(job) {
///     case .success(let decision): print(decision.allocation.tasks)
///     case .failure(let why): print(why.explanation)   // "0/10240 nodes fit: …"
///     }
///     scheduler.release(jobID: job.id)
public final class Scheduler: @unchecked Sendable {
  // Every access to `state` holds `lock`; that is what makes the class Sendable.
  private let lock = NSLock()
  private var state: PlacementEngine

  private func withEngine<R>(_ body: (inout PlacementEngine) -> R) -> R {
    lock.lock()
    defer { lock.unlock() }
    return body(&state)
  }

  /// A scheduler over an idle `cluster`.
  ///
  /// - Parameters:
  ///   - profile: filters/scorers/weights (default: `Profile.default`).
  ///   - target: FGD's target workload, when the profile uses FGD.
  /// - Complexity: O(nodes + devices)
  public init(cluster: Cluster, profile: Profile = .default, target: TargetWorkload = .empty) {
    state = PlacementEngine(cluster: cluster, profile: profile, target: target)
  }

  /// Replaces the cluster (and profile); every allocation is dropped.
  public func load(cluster: Cluster, profile: Profile = .default, target: TargetWorkload = .empty) {
    let fresh = PlacementEngine(cluster: cluster, profile: profile, target: target)
    withEngine { $0 = fresh }
  }

  /// Places every task of `job` and reserves its resources, or places
  /// nothing and returns the reasons. A group without `gang` may be placed in
  /// part (see `PlacementEngine.place(_:)`): the decision's `unplaced` says
  /// which tasks wait and why; `submitMore(_:)` places them later.
  public func submit(_ job: Job) -> Result<PlacementDecision, Unschedulable> {
    withEngine { $0.place(job) }
  }

  /// Places `job`'s tasks as more of the placed job with the same id (see
  /// `PlacementEngine.placeMore(_:into:)`), e.g. `job.remainder(after:)` of
  /// its decision; fails, changing nothing, when no job of that id is placed.
  public func submitMore(_ job: Job) -> Result<PlacementDecision, Unschedulable> {
    withEngine { e in
      guard let h = e.core.handle(ofJob: job.id) else {
        let n = e.state.nodeCount
        return .failure(Unschedulable(jobID: job.id, group: "", task: 0,
                                      explanation: Explanation(totalNodes: n, counts: ["job not placed": n])))
      }
      return e.placeMore(job, into: AllocationHandle(h))
    }
  }

  /// Releases what job `id` holds; returns it, or `nil` if it held nothing.
  @discardableResult
  public func release(jobID id: String) -> Allocation? {
    withEngine { $0.release(jobID: id) }
  }

  /// Why `job` could not be placed right now, or `nil` if it could (nothing
  /// is reserved either way). For a job that could be placed only in part,
  /// why its first unplaced tasks could not.
  public func explain(_ job: Job) -> Explanation? {
    var copy = withEngine { $0 }
    switch copy.place(job) {
    case .failure(let why): return why.explanation
    case .success(let d): return d.unplaced.first?.explanation
    }
  }

  /// Marks node `n` down (it takes no new work) or up. Jobs on a node going
  /// down are released and returned, so the caller can resubmit them. A
  /// node id the cluster does not have changes nothing (and returns []).
  @discardableResult
  public func setNodeDown(_ n: NodeID, _ isDown: Bool) -> [Allocation] {
    withEngine { e in
      guard n >= 0 && Int(n) < e.state.nodeCount else { return [] }
      var released: [Allocation] = []
      if isDown {
        for id in e.jobs(on: n) {
          if let a = e.release(jobID: id) { released.append(a) }
        }
      }
      e.setNodeDown(n, isDown)
      return released
    }
  }

  /// The allocation of job `id`, if placed.
  public func allocation(jobID id: String) -> Allocation? {
    withEngine { $0.allocation(ofJob: id) }
  }

  /// Free capacity of node `n`, or `nil` for a node id the cluster does not have.
  public func free(node n: NodeID) -> ResourceVector? {
    withEngine { e in n >= 0 && Int(n) < e.state.nodeCount ? e.state.free(n) : nil }
  }

  /// A consistent copy of the whole cluster state.
  public func snapshot() -> ClusterState {
    withEngine { $0.state }
  }

  /// Number of placed jobs.
  public var placedJobCount: Int {
    withEngine { $0.placedCount }
  }
}
