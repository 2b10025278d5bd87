/// What a network location is.
public enum LocationKind: String, Sendable, Hashable, Codable {
  /// A site that holds compute.
  case site
  /// An access point where demand originates (a user region, a vehicle network).
  case accessPoint = "access"
}

/// A point of the latency network.
public struct Location: Sendable, Hashable {
  /// Location id, unique in the network; a site's location id is its `Site.id`.
  public var id: String
  /// Whether the location is a site or an access point.
  public var kind: LocationKind
  /// For `.site` locations, the site's index in the cluster.
  public var site: SiteID?
  /// City name, for display and synthetic workloads ("" when not given).
  public var city: String

  /// A location; `site` is the site's index for `.site` locations, nil for access points.
  public init(id: String, kind: LocationKind, site: SiteID? = nil, city: String = "") {
    self.id = id
    self.kind = kind
    self.site = site
    self.city = city
  }
}

/// A bidirectional link with a one-way latency.
public struct Link: Sendable, Hashable {
  /// Index of one end in `LatencyNetwork.locations`.
  public var a: Int
  /// Index of the other end in `LatencyNetwork.locations`.
  public var b: Int
  /// One-way latency over the link, µs (≥ 0; negative links are ignored).
  public var latencyMicros: Int64

  /// A link between locations `a` and `b` (indices) with one-way latency in µs.
  public init(a: Int, b: Int, latencyMicros: Int64) {
    self.a = a
    self.b = b
    self.latencyMicros = latencyMicros
  }
}

/// A named set of locations whose pairwise one-way latency stays within a bound
/// (e.g. `tianjin-metro`, 1000 µs; `jingjinji`, 2000 µs).
public struct LatencyRing: Sendable, Hashable {
  /// Ring name, referred to by `LatencyConstraint.ring` in job files.
  public var name: String
  /// The most any two members may be apart, one-way shortest latency in µs.
  public var boundMicros: Int64
  /// Location indices of the members.
  public var members: [Int]

  /// A ring of `members` (location indices) bounded by `boundMicros` µs.
  public init(name: String, boundMicros: Int64, members: [Int]) {
    self.name = name
    self.boundMicros = boundMicros
    self.members = members
  }
}

/// A ring member pair whose shortest latency exceeds the ring's bound.
public struct RingViolation: Sendable, Hashable, CustomStringConvertible {
  /// Name of the ring the pair belongs to.
  public var ring: String
  /// Location id of one member of the pair.
  public var a: String
  /// Location id of the other member.
  public var b: String
  /// Shortest one-way latency, or `nil` when the pair is not connected.
  public var latencyMicros: Int64?
  /// The ring's bound, µs.
  public var boundMicros: Int64

  /// "ring R: A to B is L µs > BOUND µs", or "ring R: A and B are not connected".
  public var description: String {
    if let l = latencyMicros {
      return "ring \(ring): \(a) to \(b) is \(l) µs > \(boundMicros) µs"
    }
    return "ring \(ring): \(a) and \(b) are not connected"
  }
}

/// Locations, links and rings, with all-pairs shortest one-way latency.
public struct LatencyNetwork: Sendable {
  /// Locations (sites and access points) in index order.
  public private(set) var locations: [Location]
  /// Links as given; latencies of parallel links reduce to the smallest.
  public private(set) var links: [Link]
  /// Latency rings, in file order.
  public private(set) var rings: [LatencyRing]
  /// Row-major `n × n` shortest latencies; `Int64.max` when unreachable.
  private var distances: [Int64]
  private var locationIndex: [String: Int]

  /// Builds the network and computes all-pairs shortest latencies
  /// (Floyd–Warshall, saturating at `Int64.max`).
  ///
  /// - Complexity: O(n³) in the number of locations (tens in practice).
  public init(locations: [Location], links: [Link], rings: [LatencyRing]) {
    self.locations = locations
    self.links = links
    self.rings = rings
    var idx: [String: Int] = [:]
    for (i, l) in locations.enumerated() where idx[l.id] == nil { idx[l.id] = i }
    locationIndex = idx
    let n = locations.count
    var d = [Int64](repeating: .max, count: n * n)
    for i in 0..<n { d[i * n + i] = 0 }
    for l in links where l.a >= 0 && l.a < n && l.b >= 0 && l.b < n && l.latencyMicros >= 0 {
      d[l.a * n + l.b] = min(d[l.a * n + l.b], l.latencyMicros)
      d[l.b * n + l.a] = min(d[l.b * n + l.a], l.latencyMicros)
    }
    for k in 0..<n {
      for i in 0..<n {
        let dik = d[i * n + k]
        if dik == .max { continue }
        for j in 0..<n {
          let dkj = d[k * n + j]
          if dkj == .max { continue }
          let (s, o) = dik.addingReportingOverflow(dkj)
          if !o && s < d[i * n + j] { d[i * n + j] = s }
        }
      }
    }
    distances = d
  }

  /// The index of the location with id `id`.
  public func index(of id: String) -> Int? { locationIndex[id] }

  /// Shortest one-way latency between two locations, `nil` if unreachable.
  ///
  /// - Complexity: O(1)
  @inlinable
  public func latency(_ a: Int, _ b: Int) -> Int64? {
    let v = latencyOrMax(a, b)
    return v == .max ? nil : v
  }

  /// Shortest one-way latency, `Int64.max` if unreachable.
  @usableFromInline
  func latencyOrMax(_ a: Int, _ b: Int) -> Int64 {
    distances[a * locations.count + b]
  }

  /// The ring named `name`.
  public func ring(named name: String) -> LatencyRing? {
    rings.first { $0.name == name }
  }

  /// Every member pair of every ring whose shortest latency exceeds the bound.
  public func ringViolations() -> [RingViolation] {
    var out: [RingViolation] = []
    for r in rings {
      for (i, a) in r.members.enumerated() {
        for b in r.members[(i + 1)...] {
          let l = latency(a, b)
          if (l ?? .max) > r.boundMicros {
            out.append(RingViolation(ring: r.name, a: locations[a].id, b: locations[b].id,
                                     latencyMicros: l, boundMicros: r.boundMicros))
          }
        }
      }
    }
    return out
  }

  /// The rings that location `i` belongs to.
  public func rings(containing i: Int) -> [LatencyRing] {
    rings.filter { $0.members.contains(i) }
  }
}
