import Yams

/// Walks a composed YAML document, converting scalars to typed values and
/// collecting every problem with its line, column and field path. Readers
/// return `nil` for a bad value (after recording the error) so a whole file
/// is checked in one pass.
struct YAMLReader {
  let file: String
  private(set) var errors: [SpecError] = []

  init(file: String) { self.file = file }

  /// Parses `text` into a node tree; a syntax error becomes a `SpecError`.
  mutating func compose(_ text: String) -> Yams.Node? {
    do {
      guard let node = try Yams.compose(yaml: text) else {
        fail(nil, "", "the file is empty")
        return nil
      }
      return node
    } catch let e as YamlError {
      switch e {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
           .composer(_, let problem, let mark, _):
        errors.append(SpecError(file: file, line: mark.line, column: mark.column, path: "",
                                message: "YAML syntax: \(problem)"))
      case .duplicatedKeysInMapping(let dups, let context):
        // The mark is the first duplicated key's (Yams), so the line is known.
        errors.append(SpecError(file: file, line: context.mark.line, column: context.mark.column,
                                path: "", message: "duplicated keys: \(dups.joined(separator: ", "))"))
      default:
        fail(nil, "", "YAML: \(e)")
      }
      return nil
    } catch {
      fail(nil, "", "YAML: \(error)")
      return nil
    }
  }

  mutating func fail(_ node: Yams.Node?, _ path: String, _ message: String) {
    errors.append(SpecError(file: file, line: node?.mark?.line ?? 0, column: node?.mark?.column ?? 0,
                            path: path, message: message))
  }

  static func kind(_ n: Yams.Node) -> String {
    switch n {
    case .scalar: "a scalar"
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }

  /// The entries of a mapping, checking keys are strings from `allowed` and
  /// that every key in `required` is present.
  mutating func mapping(_ node: Yams.Node, _ path: String, allowed: Set<String>,
                        required: [String] = []) -> [String: Yams.Node]? {
    guard case .mapping(let m) = node else {
      fail(node, path, "expected a mapping, found \(Self.kind(node))")
      return nil
    }
    var out: [String: Yams.Node] = [:]
    for (k, v) in m {
      guard case .scalar(let ks) = k else {
        fail(k, path, "keys must be plain names")
        continue
      }
      let key = ks.string
      if !allowed.contains(key) {
        let known = allowed.sorted().joined(separator: ", ")
        fail(k, join(path, key), "unknown field (known: \(known))")
        continue
      }
      if out[key] != nil {
        fail(k, join(path, key), "duplicate field")
        continue
      }
      out[key] = v
    }
    for r in required where out[r] == nil {
      fail(node, join(path, r), "missing required field")
    }
    return out
  }

  /// The items of a list.
  mutating func sequence(_ node: Yams.Node, _ path: String) -> [Yams.Node]? {
    guard case .sequence(let s) = node else {
      fail(node, path, "expected a list, found \(Self.kind(node))")
      return nil
    }
    return Array(s)
  }

  mutating func string(_ node: Yams.Node, _ path: String, allowEmpty: Bool = false) -> String? {
    guard case .scalar(let s) = node else {
      fail(node, path, "expected a text value, found \(Self.kind(node))")
      return nil
    }
    if !allowEmpty && s.string.trimmingWhitespace().isEmpty {
      fail(node, path, "must not be empty")
      return nil
    }
    return s.string
  }

  /// An integer within `range` (no fractions, no overflow, underscores allowed).
  mutating func int(_ node: Yams.Node, _ path: String, _ range: ClosedRange<Int64>) -> Int64? {
    guard case .scalar(let s) = node else {
      fail(node, path, "expected an integer, found \(Self.kind(node))")
      return nil
    }
    let text = s.string.trimmingWhitespace().replacingUnderscores()
    guard let v = Int64(text) else {
      let looksNumeric = Double(text) != nil
      fail(node, path, looksNumeric ? "expected a whole number, found '\(s.string)' (too large or fractional)"
                                    : "expected an integer, found '\(s.string)'")
      return nil
    }
    guard range.contains(v) else {
      fail(node, path, "\(v) is out of range \(range.lowerBound)...\(range.upperBound)")
      return nil
    }
    return v
  }

  /// A finite number within `range`.
  mutating func double(_ node: Yams.Node, _ path: String, _ range: ClosedRange<Double>) -> Double? {
    guard case .scalar(let s) = node else {
      fail(node, path, "expected a number, found \(Self.kind(node))")
      return nil
    }
    let text = s.string.trimmingWhitespace().replacingUnderscores()
    guard let v = Double(text), !text.lowercased().contains("nan"), !text.lowercased().contains("inf") else {
      fail(node, path, "expected a finite number, found '\(s.string)'")
      return nil
    }
    guard v.isFinite, range.contains(v) else {
      fail(node, path, "\(text) is out of range \(range.lowerBound)...\(range.upperBound)")
      return nil
    }
    return v
  }

  mutating func bool(_ node: Yams.Node, _ path: String) -> Bool? {
    guard case .scalar(let s) = node else {
      fail(node, path, "expected true or false, found \(Self.kind(node))")
      return nil
    }
    switch s.string.trimmingWhitespace().lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default:
      fail(node, path, "expected true or false, found '\(s.string)'")
      return nil
    }
  }

  /// Money in yuan with at most two decimals (never through a Double).
  mutating func money(_ node: Yams.Node, _ path: String) -> Money? {
    guard case .scalar(let s) = node else {
      fail(node, path, "expected a price in yuan, found \(Self.kind(node))")
      return nil
    }
    guard let m = Money(yuan: s.string), m.fen >= 0, m.fen <= 100_000_000_000 else {
      fail(node, path, "expected a price in yuan with at most two decimals (0 to 1e9), found '\(s.string)'")
      return nil
    }
    return m
  }

  /// A list of strings.
  mutating func strings(_ node: Yams.Node, _ path: String) -> [String]? {
    guard let items = sequence(node, path) else { return nil }
    var out: [String] = []
    for (i, it) in items.enumerated() {
      if let s = string(it, "\(path)[\(i)]") { out.append(s) }
    }
    return out
  }

  /// An enum value by raw name.
  mutating func choice<E: RawRepresentable & CaseIterable>(_ node: Yams.Node, _ path: String,
                                                           _ type: E.Type) -> E? where E.RawValue == String {
    guard let s = string(node, path) else { return nil }
    if let v = E(rawValue: s.lowercased()) { return v }
    fail(node, path, "unknown value '\(s)' (expected one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")))")
    return nil
  }

  func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

extension String {
  func replacingUnderscores() -> String { contains("_") ? split(separator: "_").joined() : self }
}
