/// One charged line: one resource of one usage record, priced at its site
/// and rounded half-to-even to the fen.
public struct ChargeLine: Sendable, Hashable, Codable {
  /// The job the usage record was for.
  public var jobID: String
  /// The tenant billed for the line.
  public var tenant: String
  /// Site id whose price list priced the line.
  public var site: String
  /// "cpu", "memory", a device model name, or "dpu".
  public var resource: String
  /// The device kind the line is for (`cpu` for CPU and memory lines).
  public var kind: DeviceKind
  /// Resource-hours (core-hours, GiB-hours, device-hours), for display.
  public var quantityHours: Double
  /// The charge, rounded half-to-even to the fen.
  public var amount: Money
  /// End of the usage record, µs from the epoch; orders lines in settlement
  /// and decides their voucher year.
  public var endMicros: Int64
  /// Energy the line's resource drew, kWh, as the simulator's energy metric
  /// counts it: the device model's TDP × devices held × hours × the site's
  /// PUE on a device line; the CPU model's TDP per core × cores held × hours
  /// × PUE on a CPU line (0 when the node's CPU model or its TDP is
  /// unknown); 0 on memory and DPU lines.
  public var energyKWh: Double = 0
  /// Normalized compute the line delivered (device lines only, else 0):
  /// PFLOPS-hours FP16, and FP64 for models that serve supercomputing — per
  /// line, so they total per job and per site as well as per tenant.
  public var pflopsHoursFP16: Double = 0
  /// As `pflopsHoursFP16`, at FP64 (0 unless the model serves supercomputing).
  public var pflopsHoursFP64: Double = 0

  enum CodingKeys: String, CodingKey {
    case jobID, tenant, site, resource, kind, quantityHours, amount, endMicros, energyKWh, pflopsHoursFP16,
      pflopsHoursFP64
  }

  init(jobID: String, tenant: String, site: String, resource: String, kind: DeviceKind, quantityHours: Double,
       amount: Money, endMicros: Int64, energyKWh: Double) {
    self.jobID = jobID
    self.tenant = tenant
    self.site = site
    self.resource = resource
    self.kind = kind
    self.quantityHours = quantityHours
    self.amount = amount
    self.endMicros = endMicros
    self.energyKWh = energyKWh
  }

  /// Decodes a line; one written before `energyKWh` and the PFLOPS-hours
  /// existed decodes with 0.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    jobID = try c.decode(String.self, forKey: .jobID)
    tenant = try c.decode(String.self, forKey: .tenant)
    site = try c.decode(String.self, forKey: .site)
    resource = try c.decode(String.self, forKey: .resource)
    kind = try c.decode(DeviceKind.self, forKey: .kind)
    quantityHours = try c.decode(Double.self, forKey: .quantityHours)
    amount = try c.decode(Money.self, forKey: .amount)
    endMicros = try c.decode(Int64.self, forKey: .endMicros)
    energyKWh = try c.decodeIfPresent(Double.self, forKey: .energyKWh) ?? 0
    pflopsHoursFP16 = try c.decodeIfPresent(Double.self, forKey: .pflopsHoursFP16) ?? 0
    pflopsHoursFP64 = try c.decodeIfPresent(Double.self, forKey: .pflopsHoursFP64) ?? 0
  }
}

/// Usage aggregated per tenant, job and site, priced from each site's price
/// list. Rounding: each line (record × resource) is rounded half-to-even to
/// the fen; every total is the exact sum of rounded lines, so statements
/// reconcile to the fen.
public struct UsageLedger: Sendable {
  /// Every charge line, in record order (CPU, memory, device, DPU per record; a
  /// line whose charge overflowed is left out).
  public private(set) var lines: [ChargeLine] = []
  /// Resource-hours by tenant and resource ("cpu", "memory", model, "dpu").
  public private(set) var hours: [String: [String: Double]] = [:]
  /// Normalized compute delivered, by tenant: PFLOPS-hours FP16 (intelligent)
  /// and FP64 (supercomputing, for devices that serve it).
  public private(set) var pflopsHoursFP16: [String: Double] = [:]
  /// As `pflopsHoursFP16`, at FP64, by tenant (only tenants using supercomputing models).
  public private(set) var pflopsHoursFP64: [String: Double] = [:]
  /// Energy drawn, kWh, by tenant and by site id (see `ChargeLine.energyKWh`;
  /// each line's energy is also on the line, for totals per job).
  public private(set) var energyKWh: [String: Double] = [:]
  /// Energy drawn, kWh, by site id.
  public private(set) var energyKWhBySite: [String: Double] = [:]
  /// Records naming a node the cluster does not have (priced, but no energy counted).
  public private(set) var unknownNodes = 0
  /// Records whose charge would not fit in 64 bits (never in practice).
  public private(set) var overflowed = 0

  /// Prices `records` on `cluster`.
  ///
  /// - Complexity: O(records)
  public init(cluster: Cluster, records: [UsageRecord]) {
    let pricing = Pricing(cluster: cluster)
    let power = Power(cluster: cluster)
    lines.reserveCapacity(records.count * 3)  // CPU, memory and usually one device line each
    for r in records { add(r, pricing, power) }
  }

  /// Per node (by id): the site's PUE, the CPU model's watts per core and
  /// the accelerator model's watts per device (0 when unknown), for the
  /// energy of a line.
  struct Power {
    var nodeIndex: [String: Int] = [:]
    var pue: [Double] = [], cpuWattsPerCore: [Double] = [], deviceWatts: [Double] = []

    init(cluster: Cluster) {
      nodeIndex.reserveCapacity(cluster.nodes.count)
      for (i, n) in cluster.nodes.enumerated() {
        nodeIndex[n.id] = nodeIndex[n.id] ?? i  // a repeated id (a cluster file refuses it): the first node
        pue.append(cluster.sites[Int(n.site)].pue)
        var perCore = 0.0
        if let m = n.cpuModel, let tdp = cluster.catalog[m].tdpWatts, let cores = cluster.catalog[m].coresPerSocket,
           cores > 0 {
          perCore = Double(tdp) / Double(cores)
        }
        cpuWattsPerCore.append(perCore)
        deviceWatts.append(n.accelerator.map { Double(cluster.catalog[$0.model].tdpWatts ?? 0) } ?? 0)
      }
    }

    /// kWh of a line of `resource` held `hours` by a record of `r` on node `n`.
    func kWh(_ resource: Resource, _ r: UsageRecord, node n: Int, hours: Double) -> Double {
      switch resource {
      case .cpu: return cpuWattsPerCore[n] * Double(r.milliCPU) / 1000 * hours * pue[n] / 1000
      case .model: return deviceWatts[n] * Double(r.deviceMilli) / 1000 * hours * pue[n] / 1000
      case .memory, .dpu: return 0
      }
    }
  }

  /// Site prices and device models by name, for pricing records one at a
  /// time: each site's rates and each model's facts resolved once, so a
  /// record costs a site lookup and a model lookup (no `Site` copied, no
  /// name lowercased).
  struct Pricing {
    let catalog: DeviceCatalog
    /// Per site id: its index in `siteIDs` and `rates`.
    var siteIndex: [String: Int] = [:]
    /// Per site (cluster order): its id and its rates, with each catalog
    /// model's device-hour price.
    var siteIDs: [String] = []
    var rates: [Rates] = []
    /// Catalog model ids by exact catalog name (other spellings go
    /// through `DeviceCatalog.id(named:)`).
    var modelByName: [String: Int] = [:]
    /// Per catalog model: name, kind, FP16 TFLOPS (0 when unknown) and, for
    /// models that serve supercomputing, FP64 TFLOPS (0 when unknown).
    var modelName: [String] = [], modelKind: [DeviceKind] = [], fp16: [Double] = [], fp64: [Double?] = []

    struct Rates {
      var cpuCoreHour: Money
      var memoryGiBHour: Money
      var dpuHour: Money
      var deviceHour: [Money]
    }

    init(cluster: Cluster) {
      catalog = cluster.catalog
      for id in 0..<catalog.count {
        let m = catalog[DeviceModelID(id)]
        if catalog.id(named: m.name) == DeviceModelID(id) { modelByName[m.name] = id }
        modelName.append(m.name)
        modelKind.append(m.kind)
        fp16.append(m.fp16TFLOPS ?? 0)
        fp64.append(m.classes.contains(.supercomputing) ? (m.fp64TFLOPS ?? 0) : nil)
      }
      for s in cluster.sites {
        let r = Rates(cpuCoreHour: s.prices.cpuCoreHour, memoryGiBHour: s.prices.memoryGiBHour,
                      dpuHour: s.prices.deviceHour[.dpu] ?? .zero,
                      deviceHour: (0..<catalog.count).map { s.prices.devicePrice(for: catalog[DeviceModelID($0)]) })
        if let i = siteIndex[s.id] {
          rates[i] = r  // a repeated id: the last site's prices, as a dictionary by id would keep
        } else {
          siteIndex[s.id] = siteIDs.count
          siteIDs.append(s.id)
          rates.append(r)
        }
      }
    }

    /// The catalog id of the model a record names, if any.
    func model(named name: String) -> Int? {
      if let id = modelByName[name] { return id }
      return catalog.id(named: name).map { Int($0) }
    }
  }

  /// Prices record `r` and adds its lines.
  mutating func add(_ r: UsageRecord, _ pricing: Pricing, _ power: Power) {
    guard let site = pricing.siteIndex[r.site] else { return }
    let model = r.deviceMilli > 0 ? r.deviceModel.flatMap { pricing.model(named: $0) } : nil
    let node = power.nodeIndex[r.node]
    if node == nil { unknownNodes += 1 }
    let h = Double(r.durationMicros) / 3.6e9
    var deviceLine: Int?
    Self.price(r, site: site, model: model, pricing, overflowed: &overflowed) { resource, kind, qty, money in
      let name = resource.name(pricing)
      if case .model = resource { deviceLine = lines.count }
      let kWh = node.map { power.kWh(resource, r, node: $0, hours: h) } ?? 0
      lines.append(ChargeLine(jobID: r.jobID, tenant: r.tenant, site: r.site, resource: name, kind: kind,
                              quantityHours: qty, amount: money, endMicros: r.endMicros, energyKWh: kWh))
      hours[r.tenant, default: [:]][name, default: 0] += qty
      if kWh > 0 {
        energyKWh[r.tenant, default: 0] += kWh
        energyKWhBySite[r.site, default: 0] += kWh
      }
    } compute: { fp16, fp64 in
      // The figures go on the record's device line too (none if its charge overflowed).
      if let k = deviceLine {
        lines[k].pflopsHoursFP16 = fp16
        lines[k].pflopsHoursFP64 = fp64 ?? 0
      }
      pflopsHoursFP16[r.tenant, default: 0] += fp16
      if let fp64 { pflopsHoursFP64[r.tenant, default: 0] += fp64 }
    }
  }

  /// What one charge line is for: CPU, memory, DPUs or a catalog model's devices.
  enum Resource {
    case cpu, memory, dpu
    case model(Int)

    /// The line's resource name: "cpu", "memory", "dpu" or the model's catalog name.
    func name(_ pricing: Pricing) -> String {
      switch self {
      case .cpu: return "cpu"
      case .memory: return "memory"
      case .dpu: return "dpu"
      case .model(let m): return pricing.modelName[m]
      }
    }
  }

  /// The charge lines of record `r` (CPU, memory, device, DPU) at site
  /// `site` (an index into `pricing.rates`) with its device model `model`
  /// (a catalog id, nil when it holds none or the model is unknown): each
  /// line's resource, kind, resource-hours and charge handed to `line`, the
  /// normalized compute to `compute`.
  ///
  /// - Complexity: O(1)
  static func price(_ r: UsageRecord, site s: Int, model: Int?, _ pricing: Pricing, overflowed: inout Int,
                    line: (Resource, DeviceKind, Double, Money) -> Void, compute: (Double, Double?) -> Void) {
    price(micros: r.durationMicros, milliCPU: r.milliCPU, memoryMiB: r.memoryMiB, deviceMilli: r.deviceMilli,
          dpuUnits: r.dpuUnits, site: s, model: model, pricing, overflowed: &overflowed, line: line, compute: compute)
  }

  /// As `price(_:site:model:_:overflowed:line:compute:)`, for a record's
  /// duration and amounts given one by one.
  static func price(micros d: Int64, milliCPU: Int64, memoryMiB: Int64, deviceMilli: Int64, dpuUnits: Int32,
                    site s: Int, model: Int?, _ pricing: Pricing, overflowed: inout Int,
                    line: (Resource, DeviceKind, Double, Money) -> Void, compute: (Double, Double?) -> Void) {
    let site = pricing.rates[s]
    let h = Double(d) / 3.6e9
    func add(_ resource: Resource, _ kind: DeviceKind, _ qty: Double, _ money: Money?) {
      guard let money else { overflowed += 1; return }
      line(resource, kind, qty, money)
    }
    add(.cpu, .cpu, Double(milliCPU) / 1000 * h, site.cpuCoreHour.charge(units: milliCPU, per: 1000, micros: d))
    add(.memory, .cpu, Double(memoryMiB) / 1024 * h,
        site.memoryGiBHour.charge(units: memoryMiB, per: 1024, micros: d))
    if deviceMilli > 0, let m = model, m < site.deviceHour.count {
      add(.model(m), pricing.modelKind[m], Double(deviceMilli) / 1000 * h,
          site.deviceHour[m].charge(units: deviceMilli, per: 1000, micros: d))
      let devHours = Double(deviceMilli) / 1000 * h
      compute(devHours * pricing.fp16[m] / 1000, pricing.fp64[m].map { devHours * $0 / 1000 })
    }
    if dpuUnits > 0 {
      add(.dpu, .dpu, Double(dpuUnits) * h, site.dpuHour.charge(units: Int64(dpuUnits), per: 1, micros: d))
    }
  }

  /// Gross charges by tenant (exact sums of lines).
  public var grossByTenant: [String: Money] {
    var out: [String: Money] = [:]
    for l in lines { out[l.tenant] = Money(fen: (out[l.tenant]?.fen ?? 0) &+ l.amount.fen) }
    return out
  }
}
