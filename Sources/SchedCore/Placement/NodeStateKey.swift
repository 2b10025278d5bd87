/// The exact free state of a node, with its accelerators' free milli sorted
/// in descending order and packed 16 bits each (up to 16 devices).
///
/// Two nodes of the same `NodeClass` with equal keys are interchangeable for
/// every filter and scorer; the index keeps one group per distinct key, so a
/// decision scores each distinct state once.
@frozen
public struct NodeStateKey: Sendable, Hashable {
  /// Free milli-CPU.
  public var milliCPU: Int64
  /// Free host memory, MiB.
  public var memoryMiB: Int64
  /// Free DPUs.
  public var dpuUnits: Int32
  /// Accelerators on the node (at most `maxDevices`), whether free or not.
  public var deviceCount: Int32
  @usableFromInline var d0: UInt64
  @usableFromInline var d1: UInt64
  @usableFromInline var d2: UInt64
  @usableFromInline var d3: UInt64

  /// An all-zero key (for class-level scorers, which ignore the state).
  public static let empty = NodeStateKey(milliCPU: 0, memoryMiB: 0, dpuUnits: 0, devices: [])

  /// The most accelerators a node may have.
  public static let maxDevices = 16

  /// Builds the key from free amounts and per-device free milli (any order;
  /// at most `maxDevices` are kept).
  @inlinable
  public init(milliCPU: Int64, memoryMiB: Int64, dpuUnits: Int32, devices: ArraySlice<Int16>) {
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.dpuUnits = dpuUnits
    let n = min(devices.count, NodeStateKey.maxDevices)
    self.deviceCount = Int32(n)
    var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    if n > 0 {
      withUnsafeMutableBytes(of: &words) { raw in
        // Insertion sort, descending, straight into the packed words
        // (little-endian 16-bit lanes: lane i is device i).
        let b = raw.bindMemory(to: UInt16.self)
        var i = 0
        for v in devices where i < n {
          let u = UInt16(bitPattern: v)
          var j = i
          while j > 0 && Int16(bitPattern: b[j - 1]) < v {
            b[j] = b[j - 1]
            j -= 1
          }
          b[j] = u
          i += 1
        }
      }
    }
    d0 = UInt64(littleEndian: words.0)
    d1 = UInt64(littleEndian: words.1)
    d2 = UInt64(littleEndian: words.2)
    d3 = UInt64(littleEndian: words.3)
  }

  /// Free milli of the `i`-th most free device (0-based).
  @inlinable
  public func device(_ i: Int) -> Int32 {
    let w: UInt64
    switch i >> 2 {
    case 0: w = d0
    case 1: w = d1
    case 2: w = d2
    default: w = d3
    }
    return Int32(Int16(bitPattern: UInt16(truncatingIfNeeded: w >> UInt64((i & 3) * 16))))
  }

  /// Writes the devices' free milli, most free first, to `out` (at least
  /// `deviceCount` long), a word of four at a time.
  @inlinable
  public func copyDevices(into out: UnsafeMutableBufferPointer<Int32>) {
    let n = Int(deviceCount)
    var i = 0
    Self.unpack(d0, into: out, at: &i, upTo: n)
    Self.unpack(d1, into: out, at: &i, upTo: n)
    Self.unpack(d2, into: out, at: &i, upTo: n)
    Self.unpack(d3, into: out, at: &i, upTo: n)
  }

  /// Writes `word`'s lanes to `out` from `i` on, while `i` < `n`.
  @inlinable @inline(__always)
  static func unpack(_ word: UInt64, into out: UnsafeMutableBufferPointer<Int32>, at i: inout Int, upTo n: Int) {
    var w = word
    var lane = 0
    while lane < 4 && i < n {
      out[i] = Int32(Int16(bitPattern: UInt16(truncatingIfNeeded: w)))
      w >>= 16
      lane += 1
      i += 1
    }
  }

  /// Total free device milli.
  @inlinable
  public var totalDeviceMilli: Int64 {
    // Lanes past `deviceCount` are zero. With every lane in 0 ..< 2¹⁴ (free
    // milli is at most 1000), one multiply sums a word's four lanes into its
    // top lane without a carry out of any lane; otherwise lane by lane.
    if (d0 | d1 | d2 | d3) & 0xC000_C000_C000_C000 == 0 {
      let ones: UInt64 = 0x0001_0001_0001_0001
      return Int64((d0 &* ones) >> 48) + Int64((d1 &* ones) >> 48) + Int64((d2 &* ones) >> 48)
        + Int64((d3 &* ones) >> 48)
    }
    var s: Int64 = 0
    for i in 0..<Int(deviceCount) { s += Int64(device(i)) }
    return s
  }

  /// Number of devices with at least `milli` free.
  @inlinable
  public func devicesWithAtLeast(_ milli: Int32) -> Int32 {
    // Sorted descending: count the prefix.
    var k: Int32 = 0
    while k < deviceCount && device(Int(k)) >= milli { k += 1 }
    return k
  }

  /// Whether `shape` fits this free state.
  @inlinable
  public func fits(_ shape: TaskShape) -> Bool {
    guard shape.milliCPU <= milliCPU, shape.memoryMiB <= memoryMiB,
          shape.dpuUnits <= dpuUnits else { return false }
    if shape.deviceCount == 0 { return true }
    guard shape.deviceCount <= deviceCount else { return false }
    return device(Int(shape.deviceCount) - 1) >= shape.milliPerDevice
  }
}
