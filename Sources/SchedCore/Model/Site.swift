/// The tier of a site in a city compute network.
public enum SiteTier: String, CaseIterable, Sendable, Hashable, Codable {
  /// A large computing centre (AI or supercomputing centre).
  case centre
  /// A compute park or enterprise datacentre.
  case park
  /// An edge site close to where demand originates (roadside, port).
  case edge
}

/// Prices a site charges, per resource-hour, in exact money.
public struct PriceList: Sendable, Hashable, Codable {
  /// Per CPU core-hour.
  public var cpuCoreHour: Money
  /// Per GiB-hour of host memory.
  public var memoryGiBHour: Money
  /// Per device-hour, by device kind (GPU, DCU, NPU, DPU).
  public var deviceHour: [DeviceKind: Money]
  /// Per device-hour for specific models (catalog names); overrides `deviceHour`.
  public var modelHour: [String: Money]

  /// A price list; anything not given is free (zero).
  public init(cpuCoreHour: Money = .zero, memoryGiBHour: Money = .zero,
              deviceHour: [DeviceKind: Money] = [:], modelHour: [String: Money] = [:]) {
    self.cpuCoreHour = cpuCoreHour
    self.memoryGiBHour = memoryGiBHour
    self.deviceHour = deviceHour
    self.modelHour = modelHour
  }

  /// The device-hour price for `model`: its own price, else its kind's, else zero.
  public func devicePrice(for model: DeviceModel) -> Money {
    modelHour[model.name] ?? deviceHour[model.kind] ?? .zero
  }
}

/// A datacentre or edge site that holds nodes.
public struct Site: Sendable, Hashable {
  /// Site id, unique within the cluster; also the site's location id in the latency network.
  public var id: String
  /// Display name (the id when the cluster file gives none).
  public var name: String
  /// City the site is in ("" when not given).
  public var city: String
  /// District within the city ("" when not given); for display.
  public var district: String
  /// Centre, park or edge.
  public var tier: SiteTier
  /// Power usage effectiveness (total facility power / IT power), ≥ 1.
  public var pue: Double
  /// Share of green (renewable) power, 0...1.
  public var greenShare: Double
  /// What the site charges per resource-hour; used to price usage records.
  public var prices: PriceList

  /// A site with the given facts; `pue` ≥ 1 and `greenShare` in 0...1 are not checked here.
  public init(id: String, name: String, city: String, district: String, tier: SiteTier,
              pue: Double, greenShare: Double, prices: PriceList) {
    self.id = id
    self.name = name
    self.city = city
    self.district = district
    self.tier = tier
    self.pue = pue
    self.greenShare = greenShare
    self.prices = prices
  }
}

/// A dense index of a site in a `Cluster`.
public typealias SiteID = Int32
