import DequeModule
import HeapModule

/// The waiting jobs, kept so that a scheduling pass reads them in queue
/// order without sorting the whole queue.
///
/// The order (see `QueuePolicy`) is: effective (aged) priority rank, the
/// tenant's dominant share, submit time, sequence number (submit order).
/// Jobs are kept in one bucket per (priority class, tenant), each sorted by
/// (submit, sequence number). Inside
/// a bucket the share is the same and the effective rank can only grow with
/// the submit time (a later job has waited less, so has aged less), so each
/// bucket is already in queue order, and the whole queue is the k-way merge
/// of the buckets: a pass costs O(buckets + k log buckets) for the k jobs it
/// looks at, instead of O(queue) to rebuild an order every pass.
///
/// Leaving the queue (a start) only marks the entry stale; stale entries are
/// dropped from a bucket's front, and a bucket is compacted when more than
/// half of it is stale.
struct JobQueue {
  /// A job is named by its simulator slot; `seq` orders jobs submitted at the same time.
  struct Entry {
    var submit: Int64
    var seq: Int64
    var job: Int32
    /// Which of the job's enqueues this entry is (see `tickets`).
    var ticket: UInt32
  }

  struct Bucket {
    var priorityRank: Int
    var tenant: Int32
    var entries = Deque<Entry>()
    var stale = 0
    /// Whether it is in `removedFrom` (gained a stale entry since the last compaction).
    var listed = false
  }

  private(set) var buckets: [Bucket] = []
  /// Buckets that gained a stale entry since the last `compact`: only
  /// they can have a stale front or be more than half stale anew.
  private var removedFrom: [Int32] = []
  private var bucketOf: [Int: Int] = [:]
  /// Per slot: how often it was enqueued (its live entry carries the
  /// latest value; the count goes on across the slot's jobs, so a former
  /// job's entries stay stale), whether its job is queued now, and its bucket.
  private var tickets: [UInt32] = []
  private var isQueued: [Bool] = []
  private var jobBucket: [Int32] = []
  /// Queued jobs, in all and per tenant.
  private(set) var count = 0
  private var perTenant: [Int] = []

  init() {}

  /// Makes room for one more slot (numbered after the existing ones).
  mutating func addSlot() {
    tickets.append(0)
    isQueued.append(false)
    jobBucket.append(-1)
  }

  /// Reserves room for `n` slots in all.
  mutating func reserveSlots(_ n: Int) {
    tickets.reserveCapacity(n)
    isQueued.reserveCapacity(n)
    jobBucket.reserveCapacity(n)
  }

  /// Makes room for one more tenant.
  mutating func addTenant() { perTenant.append(0) }

  var isEmpty: Bool { count == 0 }

  func contains(_ job: Int32) -> Bool { isQueued[Int(job)] }

  /// Whether a tenant other than `tenant` has a job waiting.
  func hasQueued(otherThan tenant: Int32) -> Bool {
    count > perTenant[Int(tenant)]
  }

  /// Enqueues `job` (not queued now).
  ///
  /// - Complexity: O(1) for a job submitted no earlier than its bucket's
  ///   last; O(bucket) for one re-entering (requeued after preemption or a failure).
  mutating func push(_ job: Int32, priorityRank: Int, tenant: Int32, submit: Int64, seq: Int64) {
    let j = Int(job)
    precondition(!isQueued[j], "job \(job) is queued twice")
    let key = priorityRank &* 1_000_003 &+ Int(tenant)
    let b: Int
    if let e = bucketOf[key] {
      b = e
    } else {
      b = buckets.count
      bucketOf[key] = b
      buckets.append(Bucket(priorityRank: priorityRank, tenant: tenant))
    }
    tickets[j] &+= 1
    isQueued[j] = true
    jobBucket[j] = Int32(b)
    count += 1
    perTenant[Int(tenant)] += 1
    let e = Entry(submit: submit, seq: seq, job: job, ticket: tickets[j])
    if let last = buckets[b].entries.last, (last.submit, last.seq) > (submit, seq) {
      // Re-entering behind newer jobs: insert at its place by (submit, seq).
      var lo = 0, hi = buckets[b].entries.count
      while lo < hi {
        let mid = (lo + hi) / 2
        let m = buckets[b].entries[mid]
        if (m.submit, m.seq) < (submit, seq) { lo = mid + 1 } else { hi = mid }
      }
      buckets[b].entries.insert(e, at: lo)
    } else {
      buckets[b].entries.append(e)
    }
  }

  /// Takes `job` (queued now) out of the queue.
  ///
  /// - Complexity: O(1) amortized
  mutating func remove(_ job: Int32) {
    let j = Int(job)
    precondition(isQueued[j], "job \(job) is not queued")
    isQueued[j] = false
    count -= 1
    let b = Int(jobBucket[j])
    perTenant[Int(buckets[b].tenant)] -= 1
    buckets[b].stale += 1
    if !buckets[b].listed {
      buckets[b].listed = true
      removedFrom.append(Int32(b))
    }
  }

  func isLive(_ e: Entry) -> Bool {
    isQueued[Int(e.job)] && tickets[Int(e.job)] == e.ticket
  }

  /// Drops stale entries: every bucket's stale front, and every stale
  /// entry of a bucket that is more than half stale. Not during a pass.
  ///
  /// - Complexity: O(buckets removed from + stale entries dropped + sizes
  ///   of compacted buckets)
  mutating func compact() {
    for b32 in removedFrom {
      let b = Int(b32)
      buckets[b].listed = false
      while let f = buckets[b].entries.first, !isLive(f) {
        buckets[b].entries.removeFirst()
        buckets[b].stale -= 1
      }
      if buckets[b].stale > 16 && 2 * buckets[b].stale > buckets[b].entries.count {
        var kept = Deque<Entry>()
        kept.reserveCapacity(buckets[b].entries.count - buckets[b].stale)
        for e in buckets[b].entries where isLive(e) { kept.append(e) }
        buckets[b].entries = kept
        buckets[b].stale = 0
      }
    }
    removedFrom.removeAll(keepingCapacity: true)
  }

  /// A pass's walk through the queue in order (see `next`).
  struct Walk {
    struct Head: Comparable {
      var key: Simulator.QueueKey
      var bucket: Int32
      var position: Int32
      static func < (a: Head, b: Head) -> Bool { a.key < b.key }
      static func == (a: Head, b: Head) -> Bool { a.key == b.key }
    }
    /// A job's place in the order, from its bucket's priority rank and
    /// tenant and its own submit time and sequence number.
    typealias Key = (_ priorityRank: Int, _ tenant: Int32, _ submit: Int64, _ seq: Int64) -> Simulator.QueueKey
    var heads: Heap<Head>
    let key: Key
  }

  /// Starts a walk in the order given by `key`, which must grow with the
  /// submit time inside a bucket (it does for the aged-priority order).
  /// The queue may change during the walk only by `remove` of jobs the walk
  /// already returned.
  func walk(key: @escaping Walk.Key) -> Walk {
    var heads: [Walk.Head] = []
    heads.reserveCapacity(buckets.count)
    for b in buckets.indices {
      if let h = head(of: b, from: 0, key) { heads.append(h) }
    }
    return Walk(heads: Heap(heads), key: key)
  }

  private func head(of b: Int, from start: Int, _ key: Walk.Key) -> Walk.Head? {
    let bucket = buckets[b]
    var p = start
    while p < bucket.entries.count {
      let e = bucket.entries[p]
      if isLive(e) {
        return Walk.Head(key: key(bucket.priorityRank, bucket.tenant, e.submit, e.seq), bucket: Int32(b),
                         position: Int32(p))
      }
      p += 1
    }
    return nil
  }

  /// The next queued job of the walk, or nil at the end.
  ///
  /// - Complexity: O(log buckets), plus the stale entries skipped
  func next(_ w: inout Walk) -> Int32? {
    while let h = w.heads.popMin() {
      let b = Int(h.bucket), p = Int(h.position)
      let e = buckets[b].entries[p]
      if let n = head(of: b, from: p + 1, w.key) { w.heads.insert(n) }
      if isLive(e) { return e.job }
    }
    return nil
  }

  /// Checks that every bucket is sorted, and that the queued jobs are
  /// exactly the live entries, each once.
  func _checkInvariants() {
    var live = 0
    var tenantLive = Array(repeating: 0, count: perTenant.count)
    for b in buckets {
      var stale = 0
      for (k, e) in b.entries.enumerated() {
        if k > 0 {
          let p = b.entries[k - 1]
          // Equal only for a requeued job's stale and live entries.
          precondition((p.submit, p.seq) <= (e.submit, e.seq), "queue bucket out of order")
        }
        if isLive(e) {
          live += 1
          tenantLive[Int(b.tenant)] += 1
        } else {
          stale += 1
        }
      }
      precondition(stale == b.stale, "queue bucket's stale count is off")
    }
    precondition(live == count && live == isQueued.lazy.filter { $0 }.count, "queued jobs and live entries differ")
    precondition(tenantLive == perTenant, "per-tenant queue counts are off")
    // Every bucket with a stale entry not yet compacted away is listed, once.
    precondition(Set(removedFrom).count == removedFrom.count
                   && removedFrom.allSatisfy { buckets[Int($0)].listed }
                   && buckets.filter(\.listed).count == removedFrom.count,
                 "the buckets to compact are misrecorded")
    for (b, bucket) in buckets.enumerated() where !bucket.listed {
      precondition(bucket.entries.first.map(isLive) ?? true, "bucket \(b) has a stale front but is not listed")
    }
  }
}
