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

extension Array where Element: BitwiseCopyable {
  /// The elements `body` writes into an uninitialized buffer of `capacity`
  /// (on the stack when small), the first n of them for the n it returns
  /// (clamped to 0 ... `capacity`): built with one specialized allocation
  /// and one copy, for arrays filled element by element on placement
  /// paths (see `filled(_:count:)` for why not the standard initializers).
  ///
  /// - Complexity: O(`capacity`) plus `body`
  @inlinable
  static func building(capacity: Int, _ body: (UnsafeMutableBufferPointer<Element>) -> Int) -> [Element] {
    withUnsafeTemporaryAllocation(of: Element.self, capacity: Swift.max(capacity, 0)) { buf in
      let n = Swift.min(Swift.max(body(buf), 0), buf.count)
      return Array(UnsafeBufferPointer(rebasing: buf[..<n]))
    }
  }
}

extension Array where Element: Comparable {
  /// Whether `x` is an element of this array, which must be sorted
  /// ascending: a binary search (no hashing, no set to build).
  ///
  /// - Complexity: O(log n)
  @inlinable
  func sortedContains(_ x: Element) -> Bool {
    var lo = 0, hi = count
    while lo < hi {
      let mid = (lo &+ hi) >> 1
      if self[mid] < x { lo = mid &+ 1 } else { hi = mid }
    }
    return lo < count && self[lo] == x
  }

  /// Sorts ascending and drops repeated elements.
  ///
  /// - Complexity: O(n log n)
  @inlinable
  mutating func sortAndRemoveDuplicates() {
    sort()
    guard count > 1 else { return }
    var w = 1
    for r in 1..<count where self[r] != self[w &- 1] {
      self[w] = self[r]
      w &+= 1
    }
    removeLast(count &- w)
  }
}
