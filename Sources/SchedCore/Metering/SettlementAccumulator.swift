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
  /// The last record's tenant, site and device model and what each
  /// resolved to (an account, an index into `pricing.rates`, a catalog id):
  /// consecutive records (a job's tasks) mostly share them, so most
  /// records look nothing up by name.
  var lastTenant = "", lastAccount = -1
  var lastSite = "", lastSiteIndex = -1
  var lastModel = "", lastModelID: Int?, haveLastModel = false
  /// Lines of the current end time, in arrival order, and how many runs
  /// of consecutive lines of one job they form (1: all one job's).
  var pending: [Line] = []
  var pendingRuns = 0
  var pendingEnd = Int64.min
  /// Records whose charge would not fit in 64 bits (never in practice).
  public private(set) var overflowed = 0
  /// Records taken out of end-time order (settled at the time they came).
  public private(set) var outOfOrder = 0

  /// A priced line waiting for its end time to pass: what its account needs.
  struct Line {
    var jobID: String
    var account: Int32
    var site: Int32
    var kind: DeviceKind
    var fen: Int64
  }

  /// Per site of the cluster (its index): its index in `pricing.rates`, or
  /// -1; per catalog model id: the model a record naming it is priced as.
  /// For `add(jobID:tenant:tenantKey:task:startMicros:endMicros:)`.
  let siteOfClusterSite: [Int]
  let modelOfCatalogID: [Int?]
  /// Per node: its site (index) and accelerator model (catalog id, or -1).
  let nodeSite: [Int32]
  let nodeModel: [Int32]
  /// Per caller tenant key: its account, or -1.
  var accountOfKey: [Int32] = []

  /// An empty accumulator pricing on `cluster` with `vouchers` (caps per voucher year).
  public init(cluster: Cluster, vouchers: [Voucher], perJobLines: Bool = false) {
    let pricing = UsageLedger.Pricing(cluster: cluster)
    self.pricing = pricing
    self.vouchers = vouchers
    self.perJobLines = perJobLines
    siteOfClusterSite = cluster.sites.map { pricing.siteIndex[$0.id] ?? -1 }
    modelOfCatalogID = cluster.catalog.models.map { pricing.model(named: $0.name) }
    nodeSite = cluster.nodes.map(\.site)
    nodeModel = cluster.nodes.map { $0.accelerator.map { Int32($0.model) } ?? -1 }
  }

  /// Prices `r` and settles its lines (once no more lines of its end time can come).
  ///
  /// - Complexity: O(lines × vouchers) amortized, plus sorting lines that end together
  public mutating func add(_ r: UsageRecord) {
    if lastSiteIndex < 0 || r.site != lastSite {
      guard let s = pricing.siteIndex[r.site] else {
        advance(to: r.endMicros)
        return
      }
      lastSite = r.site
      lastSiteIndex = s
    }
    var model: Int?
    if r.deviceMilli > 0, let name = r.deviceModel {
      if !haveLastModel || name != lastModel {
        lastModel = name
        lastModelID = pricing.model(named: name)
        haveLastModel = true
      }
      model = lastModelID
    }
    add(jobID: r.jobID, tenant: r.tenant, tenantKey: -1, site: lastSiteIndex, model: model, micros: r.durationMicros,
        endMicros: r.endMicros, milliCPU: r.milliCPU, memoryMiB: r.memoryMiB, deviceMilli: r.deviceMilli,
        dpuUnits: r.dpuUnits)
  }

  /// What `add(UsageRecord(jobID:tenant:task:cluster:startMicros:endMicros:))`
  /// does, without making the record: the node's site and model by index.
  /// `tenantKey` is the caller's small number for `tenant` (the same for
  /// every call with that tenant), so its account is found without
  /// comparing names.
  mutating func add(jobID: String, tenant: String, tenantKey: Int, task: TaskAssignment, startMicros: Int64,
                    endMicros: Int64) {
    let n = Int(task.node)
    let s = siteOfClusterSite[Int(nodeSite[n])]
    guard s >= 0 else {
      advance(to: endMicros)
      return
    }
    let held = task.deviceMilli
    let m = nodeModel[n]
    let model = held > 0 && m >= 0 ? modelOfCatalogID[Int(m)] : nil
    add(jobID: jobID, tenant: tenant, tenantKey: tenantKey, site: s, model: model,
        micros: max(0, endMicros - startMicros), endMicros: endMicros, milliCPU: task.milliCPU,
        memoryMiB: task.memoryMiB, deviceMilli: held, dpuUnits: task.dpuUnits)
  }

  /// Time moves to `end` (a record's end): lines of an earlier end are settled.
  mutating func advance(to end: Int64) {
    if end != pendingEnd {
      if end < pendingEnd { outOfOrder += 1 } else { flush() }
      pendingEnd = max(pendingEnd, end)
    }
  }

  /// Prices one record's amounts at site `site` (an index into
  /// `pricing.rates`) and queues its lines.
  private mutating func add(jobID: String, tenant: String, tenantKey: Int, site: Int, model: Int?, micros: Int64,
                            endMicros: Int64, milliCPU: Int64, memoryMiB: Int64, deviceMilli: Int64,
                            dpuUnits: Int32) {
    advance(to: endMicros)
    // The record's lines (at most four), collected first: the closure
    // must not touch `self` while `pricing` is lent to `price`.
    var kinds = InlineArray<4, DeviceKind>(repeating: .cpu)
    var fens = InlineArray<4, Int64>(repeating: 0)
    var count = 0
    UsageLedger.price(micros: micros, milliCPU: milliCPU, memoryMiB: memoryMiB, deviceMilli: deviceMilli,
                      dpuUnits: dpuUnits, site: site, model: model, pricing, overflowed: &overflowed) { _, kind, _, money in
      precondition(count < 4, "a usage record prices into at most four lines")
      kinds[count] = kind
      fens[count] = money.fen
      count += 1
    } compute: { _, _ in }
    guard count > 0 else { return }
    let account: Int32
    if tenantKey >= 0 {
      if tenantKey >= accountOfKey.count {
        accountOfKey.append(contentsOf: repeatElement(-1, count: tenantKey + 1 - accountOfKey.count))
      }
      if accountOfKey[tenantKey] < 0 { accountOfKey[tenantKey] = Int32(self.account(of: tenant)) }
      account = accountOfKey[tenantKey]
    } else {
      account = Int32(self.account(of: tenant))
    }
    if pending.last?.jobID != jobID { pendingRuns += 1 }
    for k in 0..<count {
      pending.append(Line(jobID: jobID, account: account, site: Int32(site), kind: kinds[k], fen: fens[k]))
    }
  }

  /// Tenant `tenant`'s account, opened on its first line.
  mutating func account(of tenant: String) -> Int {
    if lastAccount >= 0 && tenant == lastTenant { return lastAccount }
    let a: Int
    if let known = accountOf[tenant] {
      a = known
    } else {
      a = accounts.count
      accountOf[tenant] = a
      accounts.append(TenantAccount(tenant: tenant, vouchers: vouchers, perJob: perJobLines))
    }
    lastTenant = tenant
    lastAccount = a
    return a
  }

  mutating func flush() {
    guard !pending.isEmpty else { return }
    let siteIDs = pricing.siteIDs
    let end = pendingEnd
    func charge(_ l: Line) {
      accounts[Int(l.account)].charge(jobID: l.jobID, site: Int(l.site), of: siteIDs, kind: l.kind, fen: l.fen,
                                      end: end)
    }
    // Lines of one job (the usual case: one job stopping) are already in order.
    if pendingRuns <= 1 {
      for l in pending { charge(l) }
    } else {
      for k in pending.indices.sorted(by: { (pending[$0].jobID, $0) < (pending[$1].jobID, $1) }) { charge(pending[k]) }
    }
    pending.removeAll(keepingCapacity: true)
    pendingRuns = 0
  }

  /// The settlement of everything added so far.
  public mutating func settlement() -> Settlement {
    flush()
    return Settlement(statements: accounts.sorted { $0.tenant < $1.tenant }.map(\.statement))
  }
}
