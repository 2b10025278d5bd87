import Foundation
import Testing
@testable import SchedCore

@Suite struct MeteringTests {
  static func cluster(cpuModel: DeviceModelID? = nil) -> Cluster {
    let prices = PriceList(cpuCoreHour: Money(fen: 5), memoryGiBHour: Money(fen: 1),
                           deviceHour: [.gpu: Money(fen: 1000)], modelHour: ["T4": Money(fen: 250)])
    let site = Site(id: "tj", name: "tj", city: "Tianjin", district: "", tier: .centre, pue: 1.25, greenShare: 0,
                    prices: prices)
    let net = LatencyNetwork(locations: [Location(id: "tj", kind: .site, site: 0)], links: [], rings: [])
    let t4 = DeviceCatalog.builtin.id(named: "T4") ?? 0
    let node = Node(id: "n", site: 0, cpuModel: cpuModel, milliCPU: 64_000, memoryMiB: 262_144,
                    accelerator: DeviceGroup(model: t4, count: 4, memoryMiB: 16_384))
    return Cluster(name: "m", catalog: .builtin, sites: [site], network: net, nodes: [node])
  }

  /// Two sites with different prices (a T4 node at each), for records that
  /// switch site, model and tenant from one to the next.
  static func twoSiteCluster() -> Cluster {
    let tj = PriceList(cpuCoreHour: Money(fen: 5), memoryGiBHour: Money(fen: 1),
                       deviceHour: [.gpu: Money(fen: 1000), .dpu: Money(fen: 90)], modelHour: ["T4": Money(fen: 250)])
    let bj = PriceList(cpuCoreHour: Money(fen: 7), memoryGiBHour: Money(fen: 2),
                       deviceHour: [.gpu: Money(fen: 1300), .dpu: Money(fen: 120)], modelHour: ["T4": Money(fen: 310)])
    let sites = [("tj", tj), ("bj", bj)].map { id, p in
      Site(id: id, name: id, city: "Tianjin", district: "", tier: .centre, pue: 1.25, greenShare: 0, prices: p)
    }
    let net = LatencyNetwork(locations: [Location(id: "tj", kind: .site, site: 0), Location(id: "bj", kind: .site, site: 1)],
                             links: [], rings: [])
    let t4 = DeviceCatalog.builtin.id(named: "T4") ?? 0
    let nodes = (0..<2).map {
      Node(id: "n\($0)", site: SiteID($0), milliCPU: 64_000, memoryMiB: 262_144,
           accelerator: DeviceGroup(model: t4, count: 4, memoryMiB: 16_384))
    }
    return Cluster(name: "m2", catalog: .builtin, sites: sites, network: net, nodes: nodes)
  }

  @Test func chargesByHand() {
    // 2.5 cores for 1 h at ¥0.05/core-h = 12.5 fen → half-to-even 12 fen;
    // 3 GiB for 1 h at ¥0.01 = 3 fen; 0.5 T4 for 1 h at ¥2.50 = 125 fen.
    let r = UsageRecord(jobID: "j", tenant: "t", site: "tj", node: "n", startMicros: 0, endMicros: 3_600_000_000,
                        milliCPU: 2500, memoryMiB: 3072, deviceModel: "T4", deviceKind: .gpu, deviceMilli: 500)
    let ledger = UsageLedger(cluster: Self.cluster(), records: [r])
    #expect(ledger.lines.map(\.amount.fen) == [12, 3, 125])
    #expect(ledger.grossByTenant["t"] == Money(fen: 140))
    // 3.5 cores: 17.5 fen → 18 (half to even rounds up to the even 18).
    var r2 = r
    r2.milliCPU = 3500
    #expect(UsageLedger(cluster: Self.cluster(), records: [r2]).lines[0].amount.fen == 18)
  }

  /// The 64-bit fast path of `Money.charge(units:per:micros:)` gives the
  /// 128-bit result for any input: exact ties (both parities, both signs),
  /// negative prices and sizes, products at the 64-bit edge and beyond
  /// (where the wide path takes over, or answers nil); seeds printed.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func fastChargeEqualsWide(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    func draw() -> Int64 {
      switch g.below(6) {
      case 0: return Int64(g.below(10))
      case 1: return Int64(g.below(1 << 20)) - (1 << 19)
      case 2: return Int64(g.below(1 << 40))
      case 3: return Int64(bitPattern: g.next())
      case 4: return [Int64.max, .min, .max / 3_600_000_000, 1 << 31][Int(g.below(4))]
      default: return Int64(g.below(3_600_000_000 * 4))
      }
    }
    var ties = 0
    for step in 0..<20_000 {
      let price = Money(fen: draw()), units = draw(), micros = draw()
      let per = [1, 2, 1000, 1024, Int64(1 + g.below(5000)), draw()][Int(g.below(6))]
      let fast = price.charge(units: units, per: per, micros: micros)
      #expect(fast == price.chargeWide(units: units, per: per, micros: micros),
              "seed \(seed) step \(step): \(price.fen) × \(units) / \(per) over \(micros) µs")
      let (n, o) = (Int128(price.fen) * Int128(units)).multipliedReportingOverflow(by: Int128(micros) * 2)
      if per > 0, !o, n % (Int128(per) * 3_600_000_000) == 0 { ties += 1 }
    }
    // Ties by construction: half a fen either way must round to even.
    for fen in [-3, -1, 1, 3, 5, 6] as [Int64] {
      let m = Money(fen: fen)
      #expect(m.charge(units: 1, per: 2, micros: 3_600_000_000) == m.chargeWide(units: 1, per: 2, micros: 3_600_000_000))
    }
    #expect(Money(fen: 5).charge(units: 1, per: 2, micros: 3_600_000_000) == Money(fen: 2))
    #expect(Money(fen: 7).charge(units: 1, per: 2, micros: 3_600_000_000) == Money(fen: 4))
    #expect(Money(fen: -5).charge(units: 1, per: 2, micros: 3_600_000_000) == Money(fen: -2))
    #expect(ties > 100, "seed \(seed): \(ties) exact halves or wholes")
    // Three 64-bit extremes overflow even 128 bits: nil, not a trap.
    #expect(Money(fen: .max).charge(units: .max, per: 1, micros: .max) == nil)
    #expect(Money(fen: .max).charge(milliUnits: .max, micros: .max) == nil)
  }

  @Test func voucherRunsOutMidJob() {
    let records = (0..<4).map { k in
      UsageRecord(jobID: "j\(k)", tenant: "t", site: "tj", node: "n", startMicros: Int64(k) * 3_600_000_000,
                  endMicros: Int64(k + 1) * 3_600_000_000, milliCPU: 0, memoryMiB: 0, deviceModel: "T4",
                  deviceKind: .gpu, deviceMilli: 4000)  // 4 T4-hours = ¥10.00 per job
    }
    let ledger = UsageLedger(cluster: Self.cluster(), records: records)
    let v = Voucher(id: "v", tenant: "t", rateBasisPoints: 5000, capPerYear: Money(fen: 1200))
    let s = Settlement(ledger: ledger, vouchers: [v])
    let t = s.statements[0]
    #expect(t.gross == Money(fen: 4000))
    #expect(t.subsidy == Money(fen: 1200))  // 500 + 500 + 200 (cap reached in j2) + 0
    #expect(t.net == Money(fen: 2800))
    #expect(t.jobs.map(\.subsidy.fen) == [500, 500, 200, 0])
    #expect(t.vouchers[0].exhaustedByJob == "j2")
    #expect(t.vouchers[0].remaining == .zero)
  }

  /// The cap is per voucher year (365 days of simulated time from the
  /// epoch): a voucher run out in the first year pays again for usage that
  /// ends in the second, up to the cap, and runs out again; a line ending
  /// exactly at the year's end falls in the next. Streaming agrees.
  @Test func voucherCapRenewsEachYear() {
    let y = Voucher.yearMicros, h: Int64 = 3_600_000_000
    // Each job: 4 T4-hours = ¥10.00; ends at: 1 h, 2 h (year 0), the year's end, +1 h, +2 h (year 1).
    let ends = [h, 2 * h, y, y + h, y + 2 * h, 3 * y + h]
    let records = ends.enumerated().map { k, end in
      UsageRecord(jobID: "j\(k)", tenant: "t", site: "tj", node: "n", startMicros: end - h, endMicros: end,
                  milliCPU: 0, memoryMiB: 0, deviceModel: "T4", deviceKind: .gpu, deviceMilli: 4000)
    }
    let v = Voucher(id: "v", tenant: "t", rateBasisPoints: 5000, capPerYear: Money(fen: 700))
    let ledger = UsageLedger(cluster: Self.cluster(), records: records)
    let s = Settlement(ledger: ledger, vouchers: [v])
    let t = s.statements[0]
    // Year 0: 500 + 200 (out in j1); year 1: 500 + 200 (out in j3) + 0; year 3: 500.
    #expect(t.jobs.map(\.subsidy.fen) == [500, 200, 500, 200, 0, 500])
    #expect(t.subsidy == Money(fen: 1900) && t.net == Money(fen: 6000 - 1900))
    #expect(t.vouchers[0].used == Money(fen: 1900) && t.vouchers[0].remaining == Money(fen: 200))
    #expect(t.vouchers[0].exhaustedByJob == "j3" && t.vouchers[0].renewals == 2)
    var acc = SettlementAccumulator(cluster: Self.cluster(), vouchers: [v], perJobLines: true)
    for r in records { acc.add(r) }
    #expect(acc.settlement().statements == s.statements)
    // A record ending at the last representable instant renews the cap without overflowing.
    let last = UsageRecord(jobID: "z", tenant: "t", site: "tj", node: "n", startMicros: Int64.max - h,
                           endMicros: Int64.max, milliCPU: 0, memoryMiB: 0, deviceModel: "T4", deviceKind: .gpu,
                           deviceMilli: 4000)
    let far = Settlement(ledger: UsageLedger(cluster: Self.cluster(), records: records + [last]), vouchers: [v])
    #expect(far.statements[0].jobs.last?.subsidy == Money(fen: 500) && far.statements[0].vouchers[0].renewals == 3,
            "\(far.statements[0].vouchers[0]) \(far.statements[0].jobs.map(\.jobID))")
    var farAcc = SettlementAccumulator(cluster: Self.cluster(), vouchers: [v], perJobLines: true)
    for r in records + [last] { farAcc.add(r) }
    #expect(farAcc.settlement().statements == far.statements)
  }

  /// Lines and voucher uses written before `energyKWh` and `renewals`
  /// existed still decode (with 0); current ones round-trip.
  @Test func olderJSONDecodes() throws {
    let line = #"{"jobID":"j","tenant":"t","site":"tj","resource":"cpu","kind":"cpu","quantityHours":2.5,"amount":12,"endMicros":7}"#
    let l = try JSONDecoder().decode(ChargeLine.self, from: Data(line.utf8))
    #expect(l.energyKWh == 0 && l.amount == Money(fen: 12) && l.endMicros == 7)
    let use = #"{"voucher":"v","used":100,"remaining":50}"#
    let u = try JSONDecoder().decode(TenantStatement.VoucherUse.self, from: Data(use.utf8))
    #expect(u.renewals == 0 && u.exhaustedByJob == nil && u.used == Money(fen: 100))
    let bad = #"{"voucher":"v","used":"lots","remaining":50}"#
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(TenantStatement.VoucherUse.self, from: Data(bad.utf8)) }
    var fresh = l
    fresh.energyKWh = 1.5
    #expect(try JSONDecoder().decode(ChargeLine.self, from: JSONEncoder().encode(fresh)) == fresh)
  }

  /// A voucher limited to some device kinds subsidises only their lines:
  /// a GPU voucher halves the T4 line (125 fen → 62 half-to-even) and
  /// not the CPU (12) or memory (3) lines; an NPU or DPU voucher gives
  /// nothing here; one for CPU covers the CPU and memory lines (12 → 6 and
  /// 3 → 2, half-to-even).
  /// Batch and streaming settlement agree.
  @Test func voucherKindsSelectLines() {
    let r = UsageRecord(jobID: "j", tenant: "t", site: "tj", node: "n", startMicros: 0, endMicros: 3_600_000_000,
                        milliCPU: 2500, memoryMiB: 3072, deviceModel: "T4", deviceKind: .gpu, deviceMilli: 500)
    let cases: [(Set<DeviceKind>, Int64)] = [([.gpu], 62), ([.npu], 0), ([.dpu, .dcu], 0), ([.cpu], 6 + 2),
                                             ([.cpu, .gpu], 6 + 2 + 62), ([], 6 + 2 + 62)]
    for (kinds, subsidy) in cases {
      let v = Voucher(id: "v", tenant: "t", rateBasisPoints: 5000, capPerYear: Money(fen: 1_000_000), kinds: kinds)
      let batch = Settlement(ledger: UsageLedger(cluster: Self.cluster(), records: [r]), vouchers: [v])
      var acc = SettlementAccumulator(cluster: Self.cluster(), vouchers: [v])
      acc.add(r)
      for s in [batch, acc.settlement()] {
        #expect(s.statements[0].gross == Money(fen: 140))
        #expect(s.statements[0].subsidy == Money(fen: subsidy), "kinds \(kinds.sorted())")
      }
    }
  }

  /// Seeded random records and vouchers: lines sum to gross, gross − subsidy
  /// = net per tenant and job, subsidies never exceed caps, and statement
  /// totals equal the ledger's to the fen.
  @Test(arguments: 0..<20)
  func settlementReconciles(seed: Int) {
    var g = SeededGenerator(seed: UInt64(seed))
    let tenants = ["a", "b", "c"]
    let records = (0..<300).map { k -> UsageRecord in
      let start = Int64(g.below(100_000_000_000))
      return UsageRecord(jobID: "j\(g.below(60))", tenant: tenants[Int(g.below(3))], site: "tj", node: "n",
                         startMicros: start, endMicros: start + Int64(g.below(20_000_000_000)),
                         milliCPU: Int64(g.below(64_000)), memoryMiB: Int64(g.below(262_144)),
                         deviceModel: g.below(2) == 0 ? "T4" : nil, deviceKind: .gpu, deviceMilli: Int64(g.below(4000)))
    }
    let ledger = UsageLedger(cluster: Self.cluster(), records: records)
    let vouchers = [Voucher(id: "x", tenant: "a", rateBasisPoints: Int64(g.below(10_001)), capPerYear: Money(fen: Int64(g.below(50_000)))),
                    Voucher(id: "y", tenant: "a", rateBasisPoints: 3000, capPerYear: Money(fen: Int64(g.below(50_000))), kinds: [.gpu]),
                    Voucher(id: "z", tenant: "b", rateBasisPoints: 10_000, capPerYear: Money(fen: 1_000))]
    let s = Settlement(ledger: ledger, vouchers: vouchers)
    let gross = ledger.grossByTenant
    for t in s.statements {
      #expect(t.gross == gross[t.tenant], "seed \(seed)")
      #expect(t.gross.fen - t.subsidy.fen == t.net.fen, "seed \(seed)")
      #expect(t.jobs.reduce(0) { $0 + $1.gross.fen } == t.gross.fen, "seed \(seed)")
      #expect(t.jobs.reduce(0) { $0 + $1.subsidy.fen } == t.subsidy.fen, "seed \(seed)")
      #expect(t.bySite.values.reduce(0) { $0 + $1.fen } == t.gross.fen, "seed \(seed)")
      for (i, u) in t.vouchers.enumerated() {
        let cap = vouchers.filter { $0.tenant == t.tenant }[i].capPerYear
        #expect(u.used.fen + u.remaining.fen == cap.fen && u.used.fen >= 0, "seed \(seed)")
      }
    }
    #expect(s.totalGross.fen == ledger.lines.reduce(0) { $0 + $1.amount.fen }, "seed \(seed)")
    // The CSV export: per tenant its gross, subsidy and net columns, and
    // their sums the ledger's totals to the fen.
    let rows = s.csv().split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    #expect(rows.count == s.statements.count, "seed \(seed)")
    var sums = [Int64](repeating: 0, count: 3)
    for (row, t) in zip(rows, s.statements) {
      let money = row.dropFirst().compactMap { Money(yuan: $0) }
      #expect(row.first == t.tenant && money == [t.gross, t.subsidy, t.net], "seed \(seed): \(row)")
      for k in money.indices { sums[k] += money[k].fen }
    }
    #expect(sums == [s.totalGross.fen, s.totalSubsidy.fen, s.totalNet.fen], "seed \(seed)")
    #expect(s.totalGross.fen - s.totalSubsidy.fen == s.totalNet.fen, "seed \(seed)")
    // The JSON export (what `schedctl simulate --json` writes): amounts in
    // fen, each tenant's gross the sum of its ledger lines.
    do {
      let data = try JSONEncoder().encode(s)
      let back = try JSONDecoder().decode(Settlement.self, from: data)
      #expect(back.statements == s.statements, "seed \(seed)")
      let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
      let statements = object?["statements"] as? [[String: Any]] ?? []
      #expect(statements.count == s.statements.count, "seed \(seed)")
      for st in statements {
        let tenant = st["tenant"] as? String ?? "?"
        let g = (st["gross"] as? NSNumber)?.int64Value, sub = (st["subsidy"] as? NSNumber)?.int64Value
        let n = (st["net"] as? NSNumber)?.int64Value
        #expect(g == gross[tenant]?.fen && g.flatMap { g in sub.map { g - $0 } } == n, "seed \(seed): \(tenant)")
      }
    } catch {
      Issue.record("seed \(seed): \(error)")
    }
  }

  /// Energy on the ledger by hand: 2.5 cores of the first catalog CPU with
  /// a TDP (its watts per core) and half a 70 W T4 for 2 h at PUE 1.25.
  @Test func energyByHand() throws {
    let cpu = try #require(DeviceCatalog.builtin.models.firstIndex { $0.tdpWatts != nil && ($0.coresPerSocket ?? 0) > 0 })
    let c = Self.cluster(cpuModel: DeviceModelID(cpu))
    let m = c.catalog.models[cpu]
    let perCore = Double(m.tdpWatts ?? 0) / Double(m.coresPerSocket ?? 1)
    let r = UsageRecord(jobID: "j", tenant: "t", site: "tj", node: "n", startMicros: 0, endMicros: 7_200_000_000,
                        milliCPU: 2500, memoryMiB: 3072, deviceModel: "T4", deviceKind: .gpu, deviceMilli: 500)
    let ledger = UsageLedger(cluster: c, records: [r, UsageRecord(jobID: "k", tenant: "u", site: "tj", node: "gone",
                                                                 startMicros: 0, endMicros: 3_600_000_000,
                                                                 milliCPU: 1000, memoryMiB: 0)])
    let cpuKWh = perCore * 2.5 * 2 * 1.25 / 1000, t4KWh = 70 * 0.5 * 2 * 1.25 / 1000
    #expect(ledger.lines.filter { $0.jobID == "j" }.map(\.energyKWh) == [cpuKWh, 0, t4KWh])
    #expect(abs((ledger.energyKWh["t"] ?? 0) - (cpuKWh + t4KWh)) < 1e-12)
    #expect(abs((ledger.energyKWhBySite["tj"] ?? 0) - (cpuKWh + t4KWh)) < 1e-12)
    // Resource-hours by tenant and resource, and normalized compute: 2.5
    // cores × 2 h, 3 GiB × 2 h, 0.5 T4 × 2 h = 1 device-hour of 65 TFLOPS FP16;
    // a T4 serves no supercomputing, so no FP64 figure.
    #expect(ledger.hours["t"] == ["cpu": 5, "memory": 6, "T4": 1])
    #expect(abs((ledger.pflopsHoursFP16["t"] ?? 0) - 0.065) < 1e-12 && ledger.pflopsHoursFP64["t"] == nil)
    // On the lines too (the device line only), for totals per job and site.
    #expect(ledger.lines.filter { $0.jobID == "j" }.map(\.pflopsHoursFP16) == [0, 0, 0.065])
    #expect(ledger.lines.allSatisfy { $0.pflopsHoursFP64 == 0 })
    // A node the cluster does not have: priced, no energy, counted.
    #expect(ledger.energyKWh["u"] == nil && ledger.unknownNodes == 1 && ledger.grossByTenant["u"] != nil)
  }

  /// The ledger's energy over a simulation's usage records is the
  /// simulation's energy metric (the same formula, record by record).
  @Test(arguments: [3, 4] as [UInt64])
  func ledgerEnergyIsTheSimulationsEnergy(seed: UInt64) throws {
    let cluster = try Cluster.reference()
    let jobs = SyntheticWorkload(jobs: 400, durationMicros: 4 * 3_600_000_000, seed: seed, cluster: cluster).generate()
    let r = Simulator.run(cluster: cluster, jobs: jobs, config: SimulationConfig(seed: seed))
    let ledger = UsageLedger(cluster: cluster, records: r.usage)
    let total = ledger.energyKWh.values.reduce(0, +)
    #expect(r.energyKWh > 0 && ledger.unknownNodes == 0, "seed \(seed)")
    #expect(abs(total - r.energyKWh) <= 1e-9 * r.energyKWh, "seed \(seed): ledger \(total) kWh, metric \(r.energyKWh)")
    #expect(abs(ledger.energyKWhBySite.values.reduce(0, +) - total) <= 1e-9 * total, "seed \(seed)")
    #expect(abs(ledger.lines.reduce(0) { $0 + $1.energyKWh } - total) <= 1e-9 * total, "seed \(seed)")
    // Normalized compute on the lines totals per tenant as the ledger does
    // (the HPC jobs run on devices that serve FP64).
    for (tenant, fp16) in ledger.pflopsHoursFP16 {
      let lines = ledger.lines.filter { $0.tenant == tenant }
      #expect(abs(lines.reduce(0) { $0 + $1.pflopsHoursFP16 } - fp16) <= 1e-9 * fp16, "seed \(seed) \(tenant)")
      let fp64 = ledger.pflopsHoursFP64[tenant] ?? 0
      #expect(abs(lines.reduce(0) { $0 + $1.pflopsHoursFP64 } - fp64) <= 1e-9 * max(fp64, 1), "seed \(seed) \(tenant)")
    }
    #expect(ledger.pflopsHoursFP64.values.contains { $0 > 0 }, "seed \(seed): no FP64 work")
  }

  /// Settling records one at a time, in end-time order (many ending
  /// together), gives the batch settlement's statements to the fen, vouchers
  /// running out at the same line included; with per-job lines or without.
  @Test(arguments: 0..<20)
  func streamingSettlementMatchesBatch(seed: Int) {
    var g = SeededGenerator(seed: UInt64(seed) &+ 1000)
    let tenants = ["a", "b", "c"]
    var records = (0..<400).map { k -> UsageRecord in
      let start = Int64(g.below(1_000)) * 3_600_000_000
      // Sites and models change from record to record (the streaming side
      // resolves them by the previous record's); one site and one model are unknown.
      return UsageRecord(jobID: "j\(g.below(80))", tenant: tenants[Int(g.below(3))],
                         site: ["tj", "bj", "bj", "nowhere"][Int(g.below(4))], node: "n",
                         startMicros: start, endMicros: start + Int64(1 + g.below(5)) * 3_600_000_000,
                         milliCPU: Int64(g.below(64_000)), memoryMiB: Int64(g.below(262_144)),
                         deviceModel: [nil, "T4", "A100-80GB", "X9"][Int(g.below(4))], deviceKind: .gpu,
                         deviceMilli: Int64(g.below(4000)), dpuUnits: Int32(g.below(3)))
    }
    // A simulation hands records out as jobs stop: in end-time order, ties in any order.
    records = records.enumerated().sorted { ($0.1.endMicros, $0.0) < ($1.1.endMicros, $1.0) }.map(\.1)
    let vouchers = [Voucher(id: "x", tenant: "a", rateBasisPoints: 5000, capPerYear: Money(fen: Int64(g.below(200_000)))),
                    Voucher(id: "y", tenant: "a", rateBasisPoints: 3000, capPerYear: Money(fen: Int64(g.below(90_000))), kinds: [.gpu]),
                    Voucher(id: "z", tenant: "b", rateBasisPoints: 10_000, capPerYear: Money(fen: 5_000))]
    let batch = Settlement(ledger: UsageLedger(cluster: Self.twoSiteCluster(), records: records), vouchers: vouchers)
    for perJob in [true, false] {
      var acc = SettlementAccumulator(cluster: Self.twoSiteCluster(), vouchers: vouchers, perJobLines: perJob)
      for r in records { acc.add(r) }
      let streamed = acc.settlement()
      #expect(streamed.statements.map(\.tenant) == batch.statements.map(\.tenant), "seed \(seed)")
      for (a, b) in zip(streamed.statements, batch.statements) {
        #expect((a.gross, a.subsidy, a.net, a.bySite) == (b.gross, b.subsidy, b.net, b.bySite), "seed \(seed) \(a.tenant)")
        #expect(a.vouchers == b.vouchers, "seed \(seed) \(a.tenant): voucher use and exhausting job")
        #expect(a.jobs == (perJob ? b.jobs : []), "seed \(seed)")
      }
      #expect(acc.outOfOrder == 0)
    }
  }

  /// A record ending before one already taken is settled with the current
  /// time's lines and counted, not lost.
  @Test func streamingSettlementCountsRecordsOutOfOrder() {
    func record(_ job: String, end: Int64) -> UsageRecord {
      UsageRecord(jobID: job, tenant: "t", site: "tj", node: "n", startMicros: 0, endMicros: end,
                  milliCPU: 8000, memoryMiB: 1024, deviceModel: nil, deviceKind: .gpu, deviceMilli: 0)
    }
    let records = [record("a", end: 7_200_000_000), record("b", end: 3_600_000_000), record("c", end: 9_000_000_000)]
    var acc = SettlementAccumulator(cluster: Self.cluster(), vouchers: [])
    for r in records { acc.add(r) }
    let streamed = acc.settlement()
    let batch = Settlement(ledger: UsageLedger(cluster: Self.cluster(), records: records), vouchers: [])
    #expect(acc.outOfOrder == 1)
    #expect(streamed.totalGross == batch.totalGross && streamed.totalGross.fen > 0)
  }
}
