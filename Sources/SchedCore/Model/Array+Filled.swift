extension Array {
  /// `count` copies of `value` (none when `count` ≤ 0): what
  /// `Array(repeating:count:)` makes, allocated through a path the compiler
  /// specializes for `Element`.
  ///
  /// `Array(repeating:count:)` (and `init(unsafeUninitializedCapacity:)`)
  /// allocate through `_allocateBufferUninitialized(minimumCapacity:)`, a
  /// standard-library entry point that is neither inlinable nor
  /// specialized: each call looks the storage class's generic metadata up
  /// at run time, about 650 instructions on Linux with Swift 6.3 (measured
  /// with callgrind), several times the allocation itself. Use this on
  /// paths that allocate per placement; elsewhere the standard
  /// initializer is fine.
  ///
  /// - Complexity: O(`count`)
  @inlinable
  static func filled(_ value: Element, count: Int) -> [Element] {
    var a: [Element] = []
    guard count > 0 else { return a }
    a.reserveCapacity(count)
    for _ in 0..<count { a.append(value) }
    return a
  }
}
