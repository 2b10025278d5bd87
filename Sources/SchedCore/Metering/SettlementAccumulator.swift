/// Settles usage as it is recorded, without keeping the records or the
/// charge lines: for a streaming simulation, whose memory must not grow
/// with the jobs. Gives the same statements as
/// `Settlement(ledger: UsageLedger(cluster:records:), vouchers:)` over the
/// same records when they come in nondecreasing end time (a simulation
/// hands them out in that order): lines ending at the same time are held
/// until time moves on, then applied by (job id, arrival order) — the
/// batch settlement's order. Per-job statement lines are kept only when
/// `perJobLines` is set (they grow with the jobs).
public struct SettlementAccumulator {
  let pricing: UsageLedger.Pricing
  let vouchers: [Voucher]
  let perJobLines: Bool
  var accounts: [TenantAccount] = []
  var accountOf: [String: Int] = [:]
  /// Lines of the current end time, in arrival order.
  var pending: [ChargeLine] = []
  var pendingEnd = Int64.min
  /// Records whose charge would not fit in 64 bits (never in practice).
  public private(set) var overflowed = 0
  /// Records taken out of end-time order (settled at the time they came).
  public private(set) var outOfOrder = 0

  public init(cluster: Cluster, vouchers: [Voucher], perJobLines: Bool = false) {
    pricing = UsageLedger.Pricing(cluster: cluster)
    self.vouchers = vouchers
    self.perJobLines = perJobLines
  }

  /// Prices `r` and settles its lines (once no more lines of its end time can come).
  ///
  /// - Complexity: O(lines × vouchers) amortized, plus sorting lines that end together
  public mutating func add(_ r: UsageRecord) {
    if r.endMicros != pendingEnd {
      if r.endMicros < pendingEnd { outOfOrder += 1 } else { flush() }
      pendingEnd = max(pendingEnd, r.endMicros)
    }
    UsageLedger.price(r, pricing, overflowed: &overflowed) { pending.append($0) } hours: { _, _ in } compute: { _, _ in }
  }

  mutating func flush() {
    guard !pending.isEmpty else { return }
    var last = -1
    func charge(_ l: ChargeLine) {
      if last < 0 || accounts[last].tenant != l.tenant {
        if let a = accountOf[l.tenant] {
          last = a
        } else {
          last = accounts.count
          accountOf[l.tenant] = last
          accounts.append(TenantAccount(tenant: l.tenant, vouchers: vouchers, perJob: perJobLines))
        }
      }
      accounts[last].charge(l)
    }
    // Lines of one job (the usual case: one job stopping) are already in order.
    let first = pending[0].jobID
    if pending.allSatisfy({ $0.jobID == first }) {
      for l in pending { charge(l) }
    } else {
      for k in pending.indices.sorted(by: { (pending[$0].jobID, $0) < (pending[$1].jobID, $1) }) { charge(pending[k]) }
    }
    pending.removeAll(keepingCapacity: true)
  }

  /// The settlement of everything added so far.
  public mutating func settlement() -> Settlement {
    flush()
    return Settlement(statements: accounts.sorted { $0.tenant < $1.tenant }.map(\.statement))
  }
}
