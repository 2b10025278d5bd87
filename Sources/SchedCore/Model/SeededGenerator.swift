/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64).
/// All randomness in SchedCore flows through one of these, so the same seed
/// gives the same run on every platform.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable {
  @usableFromInline var s0, s1, s2, s3: UInt64

  /// A generator whose state is expanded from `seed` by SplitMix64; equal seeds give equal streams.
  public init(seed: UInt64) {
    var sm = seed
    func next() -> UInt64 {
      sm &+= 0x9E37_79B9_7F4A_7C15
      var z = sm
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s0 = next(); s1 = next(); s2 = next(); s3 = next()
  }

  /// The next 64 random bits (xoshiro256**).
  @inlinable
  public mutating func next() -> UInt64 {
    let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << 45) | (s3 >> 19)
    return result
  }

  /// A uniform integer in `0..<n` (n > 0), unbiased (Lemire's method).
  @inlinable
  public mutating func below(_ n: UInt64) -> UInt64 {
    precondition(n > 0)
    var m = next().multipliedFullWidth(by: n)
    if m.low < n {
      let t = (0 &- n) % n
      while m.low < t { m = next().multipliedFullWidth(by: n) }
    }
    return m.high
  }

  /// A uniform double in [0, 1).
  @inlinable
  public mutating func unit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// Fisher–Yates shuffle of `a` in place.
  public mutating func shuffle<T>(_ a: inout [T]) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
      let j = Int(below(UInt64(i + 1)))
      a.swapAt(i, j)
    }
  }
}
