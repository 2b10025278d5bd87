/// An exact amount of money in fen (0.01 CNY).
///
/// Money is never a floating-point value in SchedCore: prices, charges,
/// subsidies and totals are integer fen, and every arithmetic operation on
/// input-derived values is checked (`adding(_:)` returns `nil` on overflow).
@frozen
public struct Money: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The amount in fen.
  public var fen: Int64

  /// An amount of `fen` hundredths of a yuan (may be negative).
  @inlinable
  public init(fen: Int64) { self.fen = fen }

  /// ¥0.00.
  public static let zero = Money(fen: 0)

  /// Parses a yuan amount written with at most two decimals ("12", "3.5",
  /// "0.07"). Returns `nil` for anything else (no rounding is ever applied).
  public init?(yuan text: String) {
    var s = Substring(text.trimmingWhitespace())
    var negative = false
    if s.first == "-" { negative = true; s = s.dropFirst() }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 1 || parts.count == 2,
          let intPart = parts.first, !intPart.isEmpty,
          intPart.allSatisfy({ $0.isASCII && $0.isNumber }),
          let whole = Int64(intPart) else { return nil }
    var frac: Int64 = 0
    if parts.count == 2 {
      let f = parts[1]
      guard !f.isEmpty, f.count <= 2, f.allSatisfy({ $0.isASCII && $0.isNumber }),
            let v = Int64(f) else { return nil }
      frac = f.count == 1 ? v * 10 : v
    }
    let (w, o1) = whole.multipliedReportingOverflow(by: 100)
    let (t, o2) = w.addingReportingOverflow(frac)
    guard !o1, !o2 else { return nil }
    fen = negative ? -t : t
  }

  /// `self + other`, or `nil` when the sum does not fit in 64 bits.
  @inlinable
  public func adding(_ other: Money) -> Money? {
    let (r, o) = fen.addingReportingOverflow(other.fen)
    return o ? nil : Money(fen: r)
  }

  /// `self - other`, or `nil` on overflow.
  @inlinable
  public func subtracting(_ other: Money) -> Money? {
    let (r, o) = fen.subtractingReportingOverflow(other.fen)
    return o ? nil : Money(fen: r)
  }

  /// Compares amounts in fen.
  public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

  /// "123.45" (yuan with two decimals, no currency sign).
  public var yuanString: String {
    let sign = fen < 0 ? "-" : ""
    let m = fen.magnitude
    let frac = m % 100
    return "\(sign)\(m / 100).\(frac < 10 ? "0" : "")\(frac)"
  }

  /// "¥123.45".
  public var description: String { "¥" + yuanString }

  /// Decodes a bare integer number of fen.
  public init(from decoder: any Decoder) throws {
    fen = try decoder.singleValueContainer().decode(Int64.self)
  }

  /// Encodes as a bare integer number of fen.
  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(fen)
  }
}

extension Money {
  /// Charges `self` per unit-hour for `milliUnits`/1000 units over
  /// `micros` microseconds, rounded half-to-even to the fen.
  ///
  /// `charge(units: milliUnits, per: 1000, micros:)`: `nil` for a result
  /// beyond `Int64`, or a product beyond even 128 bits.
  public func charge(milliUnits: Int64, micros: Int64) -> Money? {
    charge(units: milliUnits, per: 1000, micros: micros)
  }
}

extension Money {
  /// Charges `self` per unit-hour for `units`/`per` units over `micros` µs,
  /// rounded half-to-even to the fen (Int128 intermediate): e.g. memory at a
  /// GiB-hour price with `units` in MiB and `per` 1024.
  public func charge(units: Int64, per: Int64, micros: Int64) -> Money? {
    guard per > 0 else { return nil }
    // Most charges fit 64 bits: the same integer arithmetic without the
    // 128-bit division (a library call); anything near the edge goes wide.
    let (a, o1) = fen.multipliedReportingOverflow(by: units)
    let (n, o2) = a.multipliedReportingOverflow(by: micros)
    let (d, o3) = per.multipliedReportingOverflow(by: 3_600_000_000)
    if !o1 && !o2 && !o3 && n != .min && d < (1 << 61) {
      var q = n / d
      let r = n - q * d
      let twice = (r < 0 ? -r : r) * 2
      if twice > d || (twice == d && q % 2 != 0) { q += n < 0 ? -1 : 1 }
      return Money(fen: q)
    }
    return chargeWide(units: units, per: per, micros: micros)
  }

  /// `charge(units:per:micros:)` in 128-bit integers throughout (nil
  /// beyond them, or beyond `Int64` in the end).
  func chargeWide(units: Int64, per: Int64, micros: Int64) -> Money? {
    guard per > 0 else { return nil }
    let (numerator, overflow) = (Int128(fen) * Int128(units)).multipliedReportingOverflow(by: Int128(micros))
    guard !overflow else { return nil }
    let denominator = Int128(per) * Int128(3_600_000_000)
    let q = roundHalfEven(numerator, denominator)
    guard q >= Int128(Int64.min), q <= Int128(Int64.max) else { return nil }
    return Money(fen: Int64(q))
  }

  /// `self × basisPoints / 10000`, rounded half-to-even to the fen.
  public func portion(basisPoints: Int64) -> Money {
    Money(fen: Int64(clamping: roundHalfEven(Int128(fen) * Int128(basisPoints), 10_000)))
  }
}

/// `n / d` rounded half to even (banker's rounding), `d > 0`.
@inlinable
func roundHalfEven(_ n: Int128, _ d: Int128) -> Int128 {
  var q = n / d
  let r = n - q * d
  let twice = (r < 0 ? -r : r) * 2
  if twice > d || (twice == d && q % 2 != 0) {
    q += n < 0 ? -1 : 1
  }
  return q
}

extension StringProtocol {
  /// The string without leading and trailing spaces, tabs, CR and LF.
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" || f == "\n" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s = s.dropLast() }
    return String(s)
  }
}
