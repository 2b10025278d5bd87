import Yams

/// The voucher file format (Docs/Formats.md): a YAML list of compute
/// vouchers, each with its tenant, subsidy rate in basis points, yearly cap
/// in yuan (exact, at most two decimals) and optional device-kind restriction.
public enum VoucherSpec {
  static let keys: Set<String> = ["id", "tenant", "rate_basis_points", "cap_per_year", "kinds"]

  /// The largest yearly cap accepted: ¥1,000,000,000,000.00.
  public static let maxCap = Money(fen: 100_000_000_000_000)

  /// Reads and parses the voucher file at `path`; throws `SpecErrors` if it cannot be read or parsed.
  public static func load(path: String) throws(SpecErrors) -> [Voucher] {
    try parse(yaml: ClusterSpec.readText(path), file: path)
  }

  /// Parses a voucher file; `file` names it in errors. An empty list (`[]`)
  /// means no vouchers. Vouchers keep file order (the order they apply in).
  public static func parse(yaml: String, file: String) throws(SpecErrors) -> [Voucher] {
    var r = YAMLReader(file: file)
    guard let root = r.compose(yaml) else { throw SpecErrors(r.errors) }
    guard let items = r.sequence(root, "") else { throw SpecErrors(r.errors) }
    var out: [Voucher] = []
    var seen: [String: Int] = [:]
    for (i, item) in items.enumerated() {
      let path = "[\(i)]"
      guard let m = r.mapping(item, path, allowed: keys,
                              required: ["id", "tenant", "rate_basis_points", "cap_per_year"]) else { continue }
      let before = r.errors.count
      let id = m["id"].flatMap { r.string($0, path + ".id") }
      let tenant = m["tenant"].flatMap { r.string($0, path + ".tenant") }
      let rate = m["rate_basis_points"].flatMap { Self.rate($0, path + ".rate_basis_points", &r) }
      let cap = m["cap_per_year"].flatMap { Self.cap($0, path + ".cap_per_year", &r) }
      var kinds: Set<DeviceKind> = []
      if let k = m["kinds"], let list = r.sequence(k, path + ".kinds") {
        if list.isEmpty { r.fail(k, path + ".kinds", "empty list: leave kinds out to cover every kind") }
        for (j, it) in list.enumerated() {
          guard let v = r.choice(it, "\(path).kinds[\(j)]", DeviceKind.self) else { continue }
          if !kinds.insert(v).inserted { r.fail(it, "\(path).kinds[\(j)]", "'\(v.rawValue)' is listed twice") }
        }
      }
      if let id, let tenant {
        let key = tenant + "\u{0}" + id
        if let first = seen[key] {
          r.fail(m["id"], path + ".id", "duplicate voucher '\(id)' for tenant '\(tenant)' (first at [\(first)])")
        } else {
          seen[key] = i
        }
      }
      if r.errors.count == before, let id, let tenant, let rate, let cap {
        out.append(Voucher(id: id, tenant: tenant, rateBasisPoints: rate, capPerYear: cap, kinds: kinds))
      }
    }
    guard r.errors.isEmpty else { throw SpecErrors(r.errors) }
    return out
  }

  /// A rate in basis points, 0 … 10000 (100 %).
  static func rate(_ node: Yams.Node, _ path: String, _ r: inout YAMLReader) -> Int64? {
    guard let v = r.int(node, path, Int64.min...Int64.max) else { return nil }
    if v < 0 {
      r.fail(node, path, "\(v) is negative (basis points: 0 … 10000, 5000 = 50 %)")
      return nil
    }
    if v > 10_000 {
      r.fail(node, path, "\(v) basis points is over 100 % (10000)")
      return nil
    }
    return v
  }

  /// A yearly cap in yuan, parsed to fen exactly.
  static func cap(_ node: Yams.Node, _ path: String, _ r: inout YAMLReader) -> Money? {
    guard case .scalar(let s) = node else {
      r.fail(node, path, "expected an amount in yuan, found \(YAMLReader.kind(node))")
      return nil
    }
    let text = s.string.trimmingWhitespace()
    if text.hasPrefix("-") {
      r.fail(node, path, "'\(text)' is negative")
      return nil
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    if parts.count == 2, parts[1].count > 2, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }) {
      r.fail(node, path, "'\(text)' has more than two decimals (amounts are exact to the fen)")
      return nil
    }
    guard let m = Money(yuan: text) else {
      let digits = parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
      r.fail(node, path, digits ? "'\(text)' is too large (at most \(maxCap.yuanString))"
                                                    : "expected yuan like 5000 or 5000.00, found '\(text)'")
      return nil
    }
    guard m <= maxCap else {
      r.fail(node, path, "'\(text)' is too large (at most \(maxCap.yuanString))")
      return nil
    }
    return m
  }
}
