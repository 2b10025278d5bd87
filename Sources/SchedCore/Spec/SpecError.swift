/// One problem in an input file: where (file, line, column, field path) and what.
public struct SpecError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The input's path as given (or a name for text not read from a file).
  public var file: String
  /// 1-based line, 0 when unknown.
  public var line: Int
  /// 1-based column, 0 when unknown.
  public var column: Int
  /// The field path, e.g. `node_groups[3].accelerators.count`.
  public var path: String
  /// What is wrong, and what was expected where that helps.
  public var message: String

  /// A problem at `line`:`column` (1-based, 0 when unknown) of `file`, field `path` ("" for none).
  public init(file: String, line: Int, column: Int, path: String, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.path = path
    self.message = message
  }

  /// "FILE:LINE:COL: PATH: MESSAGE"
  public var description: String {
    var s = file
    if line > 0 { s += ":\(line)" }
    if column > 0 { s += ":\(column)" }
    s += ": "
    if !path.isEmpty { s += path + ": " }
    return s + message
  }
}

/// Every problem found in an input, in file order.
public struct SpecErrors: Error, Sendable, Hashable, CustomStringConvertible {
  /// The problems, in file order (never empty when thrown).
  public var errors: [SpecError]

  /// Wraps `errors`, in the order given.
  public init(_ errors: [SpecError]) { self.errors = errors }

  /// One `SpecError.description` per line.
  public var description: String { errors.map(\.description).joined(separator: "\n") }

  static func single(_ file: String, _ message: String, line: Int = 0, column: Int = 0,
                     path: String = "") -> SpecErrors {
    SpecErrors([SpecError(file: file, line: line, column: column, path: path, message: message)])
  }
}
