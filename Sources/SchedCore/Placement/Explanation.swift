/// Why a task fits nowhere: how many nodes each reason ruled out.
public struct Explanation: Sendable, Hashable, CustomStringConvertible {
  /// One reason and how many nodes it ruled out (each node is counted
  /// under the first reason it fails, so the counts sum to `totalNodes`).
  public struct Reason: Sendable, Hashable {
    /// The reason, e.g. "insufficient NPU" or "latency 1400 µs > 1000 µs from xiqing-rsu".
    public var reason: String
    /// Nodes ruled out by it.
    public var nodes: Int
  }

  /// Nodes considered.
  public var totalNodes: Int
  /// Reasons, most nodes first (ties by reason text).
  public var reasons: [Reason]

  /// An explanation over `totalNodes` nodes from per-reason node counts.
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
  /// The job that was not placed (nothing of it is held).
  public var jobID: String
  /// The name of the task group whose task found no node.
  public var group: String
  /// The index of that task within its group.
  public var task: Int
  /// Why it fits nowhere, with node counts per reason.
  public var explanation: Explanation

  /// "job ID group G task T: 0/N nodes fit: …"
  public var description: String {
    "job \(jobID) group \(group) task \(task): \(explanation)"
  }
}

/// Tasks of a group without `gang` that found no node when the job was
/// placed: the job holds the group's other tasks (at least one, or
/// `spreadSites` on as many sites); these wait for a later
/// `PlacementEngine.placeMore(_:into:)`.
public struct UnplacedTasks: Sendable, Hashable {
  /// The group's name.
  public var group: String
  /// The group's index in `Job.groups`.
  public var groupIndex: Int
  /// Tasks of the group not placed (the last ones of the group).
  public var count: Int
  /// Why the first of them fits nowhere (no reasons when placed with `explain: false`).
  public var explanation: Explanation

  /// `count` tasks of group `group` (index `groupIndex`) unplaced, and why.
  public init(group: String, groupIndex: Int, count: Int, explanation: Explanation) {
    self.group = group
    self.groupIndex = groupIndex
    self.count = count
    self.explanation = explanation
  }
}

/// A placed job: its allocation and, per task, the winning score.
public struct PlacementDecision: Sendable, Hashable {
  /// Every placed task's node, devices (index and milli) and cores, groups
  /// in job order.
  public var allocation: Allocation
  /// The allocation's handle in the engine that placed it (release it by this).
  public var handle: AllocationHandle
  /// Per task, in allocation order: the total weighted score (Σ wᵢ·sᵢ with
  /// every sᵢ in [0, 1]).
  public var scores: [Double] {
    get { scoreList.array }
    set { scoreList = ScoreList(newValue) }
  }
  /// The scores as stored (one without an allocation; see `ScoreList`).
  var scoreList: ScoreList
  /// Per group without `gang` that did not fit whole, the tasks left out;
  /// empty when every task was placed (always, for gang groups: they are
  /// placed whole or the job fails).
  public var unplaced: [UnplacedTasks]

  /// Whether every task of the job was placed.
  public var isComplete: Bool { unplaced.isEmpty }

  /// Placed tasks per group of `job` (the groups' counts less the unplaced
  /// ones): `allocation.tasks` holds them in this order.
  public func placedCounts(of job: Job) -> [Int] {
    var counts = job.groups.map { Int(max($0.count, 0)) }
    for u in unplaced where counts.indices.contains(u.groupIndex) { counts[u.groupIndex] -= u.count }
    return counts
  }

  init(allocation: Allocation, handle: AllocationHandle, scores: ScoreList, unplaced: [UnplacedTasks] = []) {
    self.allocation = allocation
    self.handle = handle
    scoreList = scores
    self.unplaced = unplaced
  }
}

extension Job {
  /// This job asking only for the tasks `decision` left unplaced (groups
  /// with none left are dropped), or nil when it left none: what
  /// `PlacementEngine.placeMore(_:into:)` places later. A remaining group
  /// keeps its request and rules but its spread rule, which the placed
  /// tasks meet already.
  public func remainder(after decision: PlacementDecision) -> Job? {
    let rest: [TaskGroup] = decision.unplaced.compactMap { u in
      guard groups.indices.contains(u.groupIndex), u.count > 0 else { return nil }
      var g = groups[u.groupIndex]
      g.count = Int32(clamping: u.count)
      g.spreadSites = 0
      return g
    }
    guard !rest.isEmpty else { return nil }
    var j = self
    j.groups = rest
    return j
  }
}

/// A decision's per-task scores, kept without an allocation for the usual
/// one-task job: one score is held as itself, any other count as the list.
/// A list has exactly one form, so equality and hashing are the lists'.
struct ScoreList: Sendable, Hashable {
  enum Storage: Sendable, Hashable {
    case one(Double)
    case list([Double])
  }

  var storage: Storage

  static let empty = ScoreList(storage: .list([]))

  init(storage: Storage) { self.storage = storage }

  /// The list `scores`, in its one form.
  init(_ scores: [Double]) {
    storage = scores.count == 1 ? .one(scores[0]) : .list(scores)
  }

  /// Appends `score`.
  ///
  /// - Complexity: amortized O(1)
  mutating func append(_ score: Double) {
    switch storage {
    case .one(let first): storage = .list([first, score])
    case .list(var l):
      if l.isEmpty {
        storage = .one(score)
      } else {
        storage = .list([])  // drops the reference held here, so `l` appends in place
        l.append(score)
        storage = .list(l)
      }
    }
  }

  /// The list.
  ///
  /// - Complexity: O(scores)
  var array: [Double] {
    switch storage {
    case .one(let s): return [s]
    case .list(let l): return l
    }
  }
}
