/// A task's exclusive cores (node-local ids) as given, kept without an
/// allocation when the list allows: a strictly ascending list of
/// non-negative ids within four 64-core words, counted from the word of its
/// first core — every list the engine hands out on nodes of up to 256
/// cores, and most on bigger ones — is held as those words' bits, which
/// commit and release apply a word at a time. Any other list (out of
/// order, repeated, negative, or wider) is held as the list itself. A list
/// has exactly one form, so equality and hashing are the lists'.
struct CoreList: Sendable, Hashable {
  enum Storage: Sendable, Hashable {
    /// The bits of cores `64·base ..< 64·(base + 4)`, word by word; the
    /// first word is non-zero unless the list is empty (then `base` is 0).
    case words(base: Int32, UInt64, UInt64, UInt64, UInt64)
    case list([Int32])
  }

  var storage: Storage

  static let empty = CoreList(storage: .words(base: 0, 0, 0, 0, 0))

  init(storage: Storage) { self.storage = storage }

  /// The list `cores`, in its one form.
  ///
  /// - Complexity: O(cores)
  init(_ cores: [Int32]) {
    guard let first = cores.first else {
      self = .empty
      return
    }
    guard first >= 0 else {
      storage = .list(cores)
      return
    }
    let base = Int(first) >> 6
    var w: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    let fits = cores.withUnsafeBufferPointer { list in
      withUnsafeMutableBytes(of: &w) { raw -> Bool in
        let b = raw.bindMemory(to: UInt64.self)
        var previous: Int32 = -1
        for c in list {
          guard c > previous else { return false }
          let k = Int(c) >> 6 &- base
          guard k < 4 else { return false }
          b[k] |= 1 &<< UInt64(c & 63)
          previous = c
        }
        return true
      }
    }
    storage = fits ? .words(base: Int32(base), w.0, w.1, w.2, w.3) : .list(cores)
  }

  /// The cores set in `bits` (word `k` holds cores `64k ..< 64k + 64`), ascending.
  ///
  /// - Complexity: O(words), plus O(cores) when they span more than four words
  init(bits: UnsafeBufferPointer<UInt64>) {
    guard let f = bits.firstIndex(where: { $0 != 0 }) else {
      self = .empty
      return
    }
    var l = bits.count - 1
    while bits[l] == 0 { l -= 1 }
    if l - f < 4 {
      @inline(__always) func word(_ k: Int) -> UInt64 { f + k <= l ? bits[f + k] : 0 }
      storage = .words(base: Int32(truncatingIfNeeded: f), word(0), word(1), word(2), word(3))
      return
    }
    var list: [Int32] = []
    for w in f...l {
      var x = bits[w]
      while x != 0 {
        list.append(Int32(truncatingIfNeeded: w &* 64 &+ x.trailingZeroBitCount))
        x &= x &- 1
      }
    }
    storage = .list(list)
  }

  /// The first word and the four words' bits, when held as bits.
  @inline(__always)
  var words: (base: Int, w: (UInt64, UInt64, UInt64, UInt64))? {
    if case .words(let base, let w0, let w1, let w2, let w3) = storage { return (Int(base), (w0, w1, w2, w3)) }
    return nil
  }

  var isEmpty: Bool {
    switch storage {
    case .words(_, let w0, _, _, _): return w0 == 0
    case .list(let l): return l.isEmpty
    }
  }

  var count: Int {
    switch storage {
    case .words(_, let w0, let w1, let w2, let w3):
      return w0.nonzeroBitCount + w1.nonzeroBitCount + w2.nonzeroBitCount + w3.nonzeroBitCount
    case .list(let l): return l.count
    }
  }

  /// The list.
  ///
  /// - Complexity: O(cores)
  var array: [Int32] {
    switch storage {
    case .list(let l): return l
    case .words:
      var out: [Int32] = []
      out.reserveCapacity(count)
      forEach { out.append($0) }
      return out
    }
  }

  /// Word `k` (0 ..< 4) of `w`.
  @inline(__always)
  static func word(_ k: Int, of w: (UInt64, UInt64, UInt64, UInt64)) -> UInt64 {
    switch k {
    case 0: return w.0
    case 1: return w.1
    case 2: return w.2
    default: return w.3
    }
  }

  /// Calls `body` with each core, in the list's order.
  @inline(__always)
  func forEach(_ body: (Int32) -> Void) {
    switch storage {
    case .list(let l): for c in l { body(c) }
    case .words(let base, let w0, let w1, let w2, let w3):
      for k in 0..<4 {
        var x = Self.word(k, of: (w0, w1, w2, w3))
        while x != 0 {
          body(Int32(truncatingIfNeeded: (Int(base) &+ k) &* 64 &+ x.trailingZeroBitCount))
          x &= x &- 1
        }
      }
    }
  }
}
