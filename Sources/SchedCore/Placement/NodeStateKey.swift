/// The exact free state of a node, with its accelerators' free milli sorted
/// in descending order and packed 16 bits each (up to 16 devices).
///
/// Two nodes of the same `NodeClass` with equal keys are interchangeable for
/// every filter and scorer; the index keeps one group per distinct key, so a
/// decision scores each distinct state once.
@frozen
public struct NodeStateKey: Sendable, Hashable {
  public var milliCPU: Int64
  public var memoryMiB: Int64
  public var dpuUnits: Int32
  public var deviceCount: Int32
  @usableFromInline var d0: UInt64
  @usableFromInline var d1: UInt64
  @usableFromInline var d2: UInt64
  @usableFromInline var d3: UInt64

  /// The most accelerators a node may have.
  public static let maxDevices = 16

  /// Builds the key from free amounts and per-device free milli (any order).
  @inlinable
  public init(milliCPU: Int64, memoryMiB: Int64, dpuUnits: Int32, devices: ArraySlice<Int16>) {
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.dpuUnits = dpuUnits
    self.deviceCount = Int32(devices.count)
    var tmp: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    if !devices.isEmpty {
      // Insertion sort into a small fixed buffer, descending.
      var buf = [Int16](devices)
      buf.sort(by: >)
      for (i, v) in buf.enumerated() where i < NodeStateKey.maxDevices {
        let shift = UInt64((i % 4) * 16)
        let word = UInt64(UInt16(bitPattern: v)) << shift
        switch i / 4 {
        case 0: tmp.0 |= word
        case 1: tmp.1 |= word
        case 2: tmp.2 |= word
        default: tmp.3 |= word
        }
      }
    }
    d0 = tmp.0
    d1 = tmp.1
    d2 = tmp.2
    d3 = tmp.3
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

  /// Total free device milli.
  @inlinable
  public var totalDeviceMilli: Int64 {
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
