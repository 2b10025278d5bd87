/// A task's device shares as given, kept without an allocation when the
/// list allows: shares of one positive amount on devices 0 ..< 64 in
/// strictly ascending order — every list the engine hands out on nodes of
/// up to 64 accelerators (one shared device, or whole devices) — are held
/// as a device bit set and the amount. Any other list (out of order,
/// repeated, mixed amounts, or devices from 64 on) is held as the list
/// itself. A list has exactly one form, so equality and hashing are the
/// lists'.
struct DeviceList: Sendable, Hashable {
  enum Storage: Sendable, Hashable {
    /// The devices set in `mask`, each taking `milli` (> 0); empty: both 0.
    case uniform(mask: UInt64, milli: Int32)
    case list([DeviceShare])
  }

  var storage: Storage

  static let empty = DeviceList(storage: .uniform(mask: 0, milli: 0))

  init(storage: Storage) { self.storage = storage }

  /// The list `shares`, in its one form.
  ///
  /// - Complexity: O(shares)
  init(_ shares: [DeviceShare]) {
    guard let first = shares.first else {
      self = .empty
      return
    }
    var mask: UInt64 = 0
    var previous: Int32 = -1
    for d in shares {
      guard d.index > previous, d.index < 64, d.milli == first.milli, d.milli > 0 else {
        storage = .list(shares)
        return
      }
      mask |= 1 &<< UInt64(d.index)
      previous = d.index
    }
    storage = .uniform(mask: mask, milli: first.milli)
  }

  /// The list of one share, in the form `init(_:)` gives `[share]`,
  /// without building the array.
  init(_ share: DeviceShare) {
    if share.index >= 0 && share.index < 64 && share.milli > 0 {
      storage = .uniform(mask: 1 &<< UInt64(share.index), milli: share.milli)
    } else {
      storage = .list([share])
    }
  }

  /// Devices `mask` each taking `milli` (> 0 when `mask` is not empty).
  init(mask: UInt64, milli: Int32) {
    if mask == 0 {
      self = .empty
    } else if milli > 0 {
      storage = .uniform(mask: mask, milli: milli)
    } else {
      storage = .list(Self.shares(mask, milli))
    }
  }

  /// The shares of devices `mask`, each `milli`, ascending.
  static func shares(_ mask: UInt64, _ milli: Int32) -> [DeviceShare] {
    var out: [DeviceShare] = []
    out.reserveCapacity(mask.nonzeroBitCount)
    var x = mask
    while x != 0 {
      out.append(DeviceShare(index: Int32(x.trailingZeroBitCount), milli: milli))
      x &= x &- 1
    }
    return out
  }

  /// The device set and the amount each takes, when held so.
  @inline(__always)
  var uniform: (mask: UInt64, milli: Int32)? {
    if case .uniform(let mask, let milli) = storage { return (mask, milli) }
    return nil
  }

  var isEmpty: Bool {
    switch storage {
    case .uniform(let mask, _): return mask == 0
    case .list(let l): return l.isEmpty
    }
  }

  var count: Int {
    switch storage {
    case .uniform(let mask, _): return mask.nonzeroBitCount
    case .list(let l): return l.count
    }
  }

  /// The first share's device index, if any.
  var firstIndex: Int32? {
    switch storage {
    case .uniform(let mask, _): return mask == 0 ? nil : Int32(mask.trailingZeroBitCount)
    case .list(let l): return l.first?.index
    }
  }

  /// The milli of every share together.
  var totalMilli: Int64 {
    switch storage {
    case .uniform(let mask, let milli): return Int64(mask.nonzeroBitCount) * Int64(milli)
    case .list(let l): return l.reduce(0) { $0 + Int64($1.milli) }
    }
  }

  /// The list.
  ///
  /// - Complexity: O(shares)
  var array: [DeviceShare] {
    switch storage {
    case .list(let l): return l
    case .uniform(let mask, let milli): return Self.shares(mask, milli)
    }
  }

  /// Calls `body` with each share, in the list's order.
  @inline(__always)
  func forEach(_ body: (DeviceShare) -> Void) {
    switch storage {
    case .list(let l): for d in l { body(d) }
    case .uniform(let mask, let milli):
      var x = mask
      while x != 0 {
        body(DeviceShare(index: Int32(x.trailingZeroBitCount), milli: milli))
        x &= x &- 1
      }
    }
  }
}
