/// A compute voucher (算力券): a grant that pays `rateBasisPoints`/10000 of
/// a tenant's eligible charges, up to `capPerYear` in a year. Years are
/// counted in simulated time: the epoch (time 0) starts the first, and
/// each lasts `Voucher.yearMicros` (365 days); a charge line falls in the
/// year its usage ends, and the cap renews when the first line of a later
/// year is charged.
public struct Voucher: Sendable, Hashable, Codable {
  /// Voucher id; names it in statements (`TenantStatement.VoucherUse.voucher`).
  public var id: String
  /// The tenant whose charges it subsidises.
  public var tenant: String
  /// Subsidy rate in basis points (5000 = 50 %).
  public var rateBasisPoints: Int64
  /// The most it pays per voucher year.
  public var capPerYear: Money
  /// Device kinds whose lines it subsidises (`cpu` covers CPU and memory); empty = all.
  public var kinds: Set<DeviceKind>

  /// A voucher; `rateBasisPoints` is clamped to 0...10000.
  public init(id: String, tenant: String, rateBasisPoints: Int64, capPerYear: Money, kinds: Set<DeviceKind> = []) {
    self.id = id
    self.tenant = tenant
    self.rateBasisPoints = min(max(rateBasisPoints, 0), 10_000)
    self.capPerYear = capPerYear
    self.kinds = kinds
  }

  /// The kinds whose lines it subsidises, one `bit(_:)` each (all when
  /// `kinds` is empty): a line of kind k applies when `kindMask & bit(k) != 0`,
  /// decided without hashing for accounts charging many lines.
  var kindMask: UInt8 {
    var m: UInt8 = 0
    for k in DeviceKind.allCases where kinds.isEmpty || kinds.contains(k) { m |= Self.bit(k) }
    return m
  }

  /// The length of a voucher year: 365 days, in µs.
  public static let yearMicros: Int64 = 365 * 86_400 * 1_000_000

  static func bit(_ kind: DeviceKind) -> UInt8 {
    switch kind {
    case .cpu: return 1 << 0
    case .gpu: return 1 << 1
    case .dcu: return 1 << 2
    case .npu: return 1 << 3
    case .dpu: return 1 << 4
    }
  }
}

/// One tenant's running bill: its charge lines applied one at a time, in
/// chronological order, with its vouchers (see `Settlement`).
struct TenantAccount {
  let tenant: String
  let mine: [Voucher]
  /// Per voucher: its `kindMask`.
  let kindMask: [UInt8]
  /// Per voucher: what it may still pay in the current year, what it paid
  /// in earlier years, and the job that last ran it out.
  var remaining: [Money]
  var usedEarlier: [Int64]
  var exhausted: [String?]
  /// The end (µs) of the voucher year being charged, and how many times the caps renewed.
  var yearEnd = Voucher.yearMicros
  var renewals = 0
  /// Per-job lines are kept only when asked (they grow with the jobs).
  let perJob: Bool
  var jobGross: [String: Int64] = [:], jobSub: [String: Int64] = [:]
  var jobOrder: [String] = []
  /// Gross per site, in order of first charge (a handful: searched linearly).
  var siteNames: [String] = []
  var siteFen: [Int64] = []
  /// Per caller site index (see `charge(jobID:site:of:kind:fen:)`): its
  /// index in `siteNames`, or -1.
  var slotOfSite: [Int32] = []
  var gross: Int64 = 0, subsidy: Int64 = 0

  init(tenant: String, vouchers: [Voucher], perJob: Bool) {
    self.tenant = tenant
    mine = vouchers.filter { $0.tenant == tenant }
    kindMask = mine.map(\.kindMask)
    remaining = mine.map(\.capPerYear)
    usedEarlier = Array(repeating: 0, count: mine.count)
    exhausted = Array(repeating: nil, count: mine.count)
    self.perJob = perJob
  }

  /// Charges line `l`.
  mutating func charge(_ l: ChargeLine) {
    reachYear(of: l.endMicros)
    charge(jobID: l.jobID, siteSlot: siteSlot(named: l.site), kind: l.kind, fen: l.amount.fen)
  }

  /// Moves to the voucher year of a line ending at `end` if it is a later
  /// one: every cap renews (a line of an earlier year, out of order, is
  /// charged to the current one).
  @inline(__always)
  mutating func reachYear(of end: Int64) {
    guard end >= yearEnd, yearEnd != .max else { return }  // `.max`: the last year representable
    for v in mine.indices {
      // Saturating: only absurd caps over ~10^5 years could reach the bound.
      let (sum, over) = usedEarlier[v].addingReportingOverflow(mine[v].capPerYear.fen - remaining[v].fen)
      usedEarlier[v] = over ? .max : sum
      remaining[v] = mine[v].capPerYear
    }
    // The year after `end`'s; a record ending within a year of Int64.max µs stays in it.
    let (next, over) = (end / Voucher.yearMicros + 1).multipliedReportingOverflow(by: Voucher.yearMicros)
    yearEnd = over ? .max : next
    renewals += 1
  }

  /// Charges `fen` of kind `kind` for job `jobID` at site `site` of `ids`
  /// (site indices the caller keeps fixed for this account), ending at
  /// `end`: as a line with those fields, without looking up the site's name.
  mutating func charge(jobID: String, site: Int, of ids: [String], kind: DeviceKind, fen: Int64, end: Int64) {
    reachYear(of: end)
    if site >= slotOfSite.count { slotOfSite.append(contentsOf: repeatElement(-1, count: site + 1 - slotOfSite.count)) }
    var k = Int(slotOfSite[site])
    if k < 0 {
      k = siteSlot(named: ids[site])
      slotOfSite[site] = Int32(k)
    }
    charge(jobID: jobID, siteSlot: k, kind: kind, fen: fen)
  }

  /// The index of site `name` in `siteNames`, added when new.
  mutating func siteSlot(named name: String) -> Int {
    if let k = siteNames.firstIndex(of: name) { return k }
    siteNames.append(name)
    siteFen.append(0)
    return siteNames.count - 1
  }

  mutating func charge(jobID: String, siteSlot k: Int, kind: DeviceKind, fen: Int64) {
    if perJob {
      if jobGross[jobID] == nil { jobOrder.append(jobID) }
      jobGross[jobID, default: 0] += fen
    }
    gross += fen
    siteFen[k] += fen
    var left = fen
    let kindBit = Voucher.bit(kind)
    for v in mine.indices where kindMask[v] & kindBit != 0 && remaining[v].fen > 0 && left > 0 {
      let want = min(Money(fen: left).portion(basisPoints: mine[v].rateBasisPoints).fen, left)
      let pay = min(want, remaining[v].fen)
      remaining[v] = Money(fen: remaining[v].fen - pay)
      if remaining[v].fen == 0 && pay > 0 { exhausted[v] = jobID }
      left -= pay
      subsidy += pay
      if perJob { jobSub[jobID, default: 0] += pay }
    }
  }

  var statement: TenantStatement {
    let jobs = jobOrder.map { id in
      TenantStatement.JobLine(jobID: id, gross: Money(fen: jobGross[id] ?? 0), subsidy: Money(fen: jobSub[id] ?? 0),
                              net: Money(fen: (jobGross[id] ?? 0) - (jobSub[id] ?? 0)))
    }
    let uses = mine.enumerated().map { v, voucher in
      TenantStatement.VoucherUse(voucher: voucher.id,
                                 used: Money(fen: usedEarlier[v] + voucher.capPerYear.fen - remaining[v].fen),
                                 remaining: remaining[v], exhaustedByJob: exhausted[v], renewals: renewals)
    }
    var bySite: [String: Money] = [:]
    for (k, site) in siteNames.enumerated() { bySite[site] = Money(fen: siteFen[k]) }
    return TenantStatement(tenant: tenant, gross: Money(fen: gross), subsidy: Money(fen: subsidy),
                           net: Money(fen: gross - subsidy), jobs: jobs, vouchers: uses, bySite: bySite)
  }
}

/// One tenant's bill: gross, subsidy, net, per job and per voucher.
public struct TenantStatement: Sendable, Hashable, Codable {
  /// One job's charges within a tenant's statement.
  public struct JobLine: Sendable, Hashable, Codable {
    /// The job.
    public var jobID: String
    /// The job's charges before subsidy.
    public var gross: Money
    /// What vouchers paid of them.
    public var subsidy: Money
    /// `gross − subsidy`.
    public var net: Money
  }

  /// How much one voucher paid in the settlement.
  public struct VoucherUse: Sendable, Hashable, Codable {
    /// The voucher's id.
    public var voucher: String
    /// What it paid, over every voucher year charged.
    public var used: Money
    /// What it may still pay in the last year charged.
    public var remaining: Money
    /// The job whose charge last exhausted the voucher, if it ran out.
    public var exhaustedByJob: String?
    /// How many times the cap renewed (0: every line fell in the first year).
    public var renewals: Int = 0

    enum CodingKeys: String, CodingKey { case voucher, used, remaining, exhaustedByJob, renewals }

    /// Decodes a voucher use; one written before `renewals` existed decodes with 0.
    public init(from decoder: any Decoder) throws {
      let c = try decoder.container(keyedBy: CodingKeys.self)
      voucher = try c.decode(String.self, forKey: .voucher)
      used = try c.decode(Money.self, forKey: .used)
      remaining = try c.decode(Money.self, forKey: .remaining)
      exhaustedByJob = try c.decodeIfPresent(String.self, forKey: .exhaustedByJob)
      renewals = try c.decodeIfPresent(Int.self, forKey: .renewals) ?? 0
    }

    init(voucher: String, used: Money, remaining: Money, exhaustedByJob: String?, renewals: Int) {
      self.voucher = voucher
      self.used = used
      self.remaining = remaining
      self.exhaustedByJob = exhaustedByJob
      self.renewals = renewals
    }
  }

  /// The tenant billed.
  public var tenant: String
  /// All its charges before subsidy (the exact sum of its rounded lines).
  public var gross: Money
  /// What its vouchers paid in total.
  public var subsidy: Money
  /// `gross − subsidy`: what the tenant pays.
  public var net: Money
  /// Per job, in order of first charge; empty when a `SettlementAccumulator`
  /// was made without `perJobLines`.
  public var jobs: [JobLine]
  /// Per voucher of the tenant, in the order the vouchers were given.
  public var vouchers: [VoucherUse]
  /// Gross charges by site id.
  public var bySite: [String: Money]
}

/// Settlement of a ledger with vouchers. Vouchers apply line by line in
/// chronological order (end time, then job id, then line order); several
/// vouchers of one tenant apply in the order given, each on what the earlier
/// ones left; a subsidy is the voucher's rate of the line (half-to-even to
/// the fen), never more than its remaining cap, so a voucher that runs out
/// mid-job pays part of that line and nothing after.
public struct Settlement: Sendable, Codable {
  /// One statement per tenant with charge lines, sorted by tenant name.
  public var statements: [TenantStatement]

  /// Settles `ledger` with `vouchers`: each voucher pays up to its cap per
  /// voucher year of simulated time (caps renew every `Voucher.yearMicros`;
  /// a line counts in the year its usage ends), so a ledger spanning several
  /// years gets a cap for each.
  ///
  /// - Complexity: O(lines log lines + lines × vouchers)
  public init(ledger: UsageLedger, vouchers: [Voucher]) {
    var byTenant: [String: [(Int, ChargeLine)]] = [:]
    for (i, l) in ledger.lines.enumerated() { byTenant[l.tenant, default: []].append((i, l)) }
    var out: [TenantStatement] = []
    for tenant in byTenant.keys.sorted() {
      let lines = (byTenant[tenant] ?? []).sorted { a, b in
        (a.1.endMicros, a.1.jobID, a.0) < (b.1.endMicros, b.1.jobID, b.0)
      }
      var account = TenantAccount(tenant: tenant, vouchers: vouchers, perJob: true)
      for (_, l) in lines { account.charge(l) }
      out.append(account.statement)
    }
    statements = out
  }

  init(statements: [TenantStatement]) { self.statements = statements }

  /// Gross charges over every tenant.
  public var totalGross: Money { Money(fen: statements.reduce(0) { $0 + $1.gross.fen }) }
  /// Subsidies paid over every tenant.
  public var totalSubsidy: Money { Money(fen: statements.reduce(0) { $0 + $1.subsidy.fen }) }
  /// Net charges over every tenant (`totalGross − totalSubsidy`).
  public var totalNet: Money { Money(fen: statements.reduce(0) { $0 + $1.net.fen }) }

  /// `tenant,gross_yuan,subsidy_yuan,net_yuan` per tenant.
  public func csv() -> String {
    var s = "tenant,gross_yuan,subsidy_yuan,net_yuan\n"
    for t in statements {
      s += "\(csvField(t.tenant)),\(t.gross.yuanString),\(t.subsidy.yuanString),\(t.net.yuanString)\n"
    }
    return s
  }

  /// `tenant,job,gross_yuan,subsidy_yuan,net_yuan` per job.
  public func jobsCSV() -> String {
    var s = "tenant,job,gross_yuan,subsidy_yuan,net_yuan\n"
    for t in statements {
      for j in t.jobs {
        s += "\(csvField(t.tenant)),\(csvField(j.jobID)),\(j.gross.yuanString),\(j.subsidy.yuanString),\(j.net.yuanString)\n"
      }
    }
    return s
  }
}
