/// The running jobs (by slot), kept dense with what the scans over them
/// read first beside each: the estimated end, the priority rank and a
/// 64-bit summary of the node classes the job holds. The EASY reservation
/// and the preemption search walk every running job; reading these arrays
/// in order decides most jobs without touching their allocations (one cache
/// miss each, chained through the slot's run state and task array).
///
/// Insertion appends; removal moves the last entry into the gap, so the
/// order is not the start order. Nothing may depend on it: every scan
/// orders what it keeps by a total key (estimated end or victim rank, then
/// submit order).
struct RunningJobs: Sequence {
  /// Slots of the running jobs.
  private(set) var slots: [Int32] = []
  /// Per entry: when the job ends by its estimate (start + estimate).
  private(set) var estimatedEnd: [Int64] = []
  /// Per entry: its priority class rank (lower ranks preempt higher).
  private(set) var rank: [Int] = []
  /// Per entry: its submit order (`SlotState.seq`).
  private(set) var seq: [Int64] = []
  /// Per entry: bit `c & 63` set for every node class `c` it holds a node of.
  private(set) var classBits: [UInt64] = []
  /// Per slot: its entry, or -1 when not running.
  private var entry: [Int32] = []

  var count: Int { slots.count }
  var isEmpty: Bool { slots.isEmpty }

  /// The summary bits of a set of node classes (see `classBits`).
  @inline(__always)
  static func bit(ofClass c: Int) -> UInt64 { 1 << UInt64(c & 63) }

  /// Whether slot `i` is running.
  func contains(_ i: Int32) -> Bool {
    Int(i) >= 0 && Int(i) < entry.count && entry[Int(i)] >= 0
  }

  /// Adds slot `i` (not running yet).
  ///
  /// - Complexity: O(1) amortized
  mutating func insert(_ i: Int32, estimatedEnd end: Int64, rank r: Int, seq q: Int64, classBits bits: UInt64) {
    guard i >= 0, !contains(i) else { return }
    if Int(i) >= entry.count { entry.append(contentsOf: repeatElement(-1, count: Int(i) + 1 - entry.count)) }
    entry[Int(i)] = Int32(slots.count)
    slots.append(i)
    estimatedEnd.append(end)
    rank.append(r)
    seq.append(q)
    classBits.append(bits)
  }

  /// Removes slot `i` if it is running.
  ///
  /// - Complexity: O(1)
  mutating func remove(_ i: Int32) {
    guard contains(i) else { return }
    let e = Int(entry[Int(i)])
    let last = slots.count - 1
    if e != last {
      slots[e] = slots[last]
      estimatedEnd[e] = estimatedEnd[last]
      rank[e] = rank[last]
      seq[e] = seq[last]
      classBits[e] = classBits[last]
      entry[Int(slots[e])] = Int32(e)
    }
    slots.removeLast()
    estimatedEnd.removeLast()
    rank.removeLast()
    seq.removeLast()
    classBits.removeLast()
    entry[Int(i)] = -1
  }

  func makeIterator() -> IndexingIterator<[Int32]> { slots.makeIterator() }

  /// Checks that entries and the per-slot index agree.
  func _checkInvariants() {
    precondition(estimatedEnd.count == slots.count && rank.count == slots.count && seq.count == slots.count
                   && classBits.count == slots.count,
                 "running-job columns differ in length")
    for (e, s) in slots.enumerated() {
      precondition(Int(s) < entry.count && entry[Int(s)] == Int32(e), "running slot \(s) at the wrong entry")
    }
    precondition(entry.filter { $0 >= 0 }.count == slots.count, "stale running entries")
  }
}
