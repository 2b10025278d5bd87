/// Why a task fits nowhere: how many nodes each reason ruled out.
public struct Explanation: Sendable, Hashable, CustomStringConvertible {
  public struct Reason: Sendable, Hashable {
    public var reason: String
    public var nodes: Int
  }

  /// Nodes considered.
  public var totalNodes: Int
  /// Reasons, most nodes first (ties by reason text).
  public var reasons: [Reason]

  public init(totalNodes: Int, counts: [String: Int]) {
    self.totalNodes = totalNodes
    reasons = counts.map { Reason(reason: $0.key, nodes: $0.value) }
      .sorted { $0.nodes != $1.nodes ? $0.nodes > $1.nodes : $0.reason < $1.reason }
  }

  /// "0/10240 nodes fit: 6200 insufficient NPU, 3000 latency 1400 µs > 1000 µs from xiqing-rsu, …"
  public var description: String {
    "0/\(totalNodes) nodes fit: " + reasons.map { "\($0.nodes) \($0.reason)" }.joined(separator: ", ")
  }
}

/// A job that could not be placed: the task group and task that found no
/// node, and why.
public struct Unschedulable: Error, Sendable, Hashable, CustomStringConvertible {
  public var jobID: String
  public var group: String
  public var task: Int
  public var explanation: Explanation

  public var description: String {
    "job \(jobID) group \(group) task \(task): \(explanation)"
  }
}

/// A placed job: its allocation and, per task, the winning score.
public struct PlacementDecision: Sendable, Hashable {
  public var allocation: Allocation
  /// The allocation's handle in the engine that placed it (release it by this).
  public var handle: AllocationHandle
  /// Per task, in allocation order: the total weighted score (Σ wᵢ·sᵢ with
  /// every sᵢ in [0, 1]).
  public var scores: [Double]
}
