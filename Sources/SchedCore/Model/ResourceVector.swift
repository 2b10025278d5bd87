/// A fixed-dimension amount of node resources, in exact integers.
///
/// The dimensions are the ones every placement decision compares:
/// - `milliCPU`: thousandths of a CPU core;
/// - `memoryMiB`: host memory;
/// - `deviceMilli`: thousandths of an accelerator of the node's accelerator
///   model (a node has at most one accelerator model; 1000 = one whole device);
/// - `deviceMemoryMiB`: accelerator memory;
/// - `dpuUnits`: whole DPUs.
///
/// Arithmetic is checked: `adding(_:)`, `subtracting(_:)` and
/// `multiplied(by:)` return `nil` instead of overflowing or going negative.
@frozen
public struct ResourceVector: Sendable, Hashable, Codable, CustomStringConvertible {
  /// Thousandths of a CPU core.
  public var milliCPU: Int64
  /// Host memory, MiB.
  public var memoryMiB: Int64
  /// Thousandths of an accelerator of the node's model (1000 = one whole device).
  public var deviceMilli: Int64
  /// Accelerator memory, MiB.
  public var deviceMemoryMiB: Int64
  /// Whole DPUs.
  public var dpuUnits: Int64

  /// A vector of the given amounts (each 0 unless given).
  @inlinable
  public init(milliCPU: Int64 = 0, memoryMiB: Int64 = 0, deviceMilli: Int64 = 0,
              deviceMemoryMiB: Int64 = 0, dpuUnits: Int64 = 0) {
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.deviceMilli = deviceMilli
    self.deviceMemoryMiB = deviceMemoryMiB
    self.dpuUnits = dpuUnits
  }

  /// All dimensions zero.
  public static let zero = ResourceVector()

  /// The number of dimensions.
  public static let dimensionCount = 5

  /// Names of the dimensions, in `components` order.
  public static let dimensionNames = ["milli_cpu", "memory_mib", "device_milli",
                                      "device_memory_mib", "dpu_units"]

  /// The dimensions as an array, in `dimensionNames` order.
  @inlinable
  public var components: [Int64] {
    [milliCPU, memoryMiB, deviceMilli, deviceMemoryMiB, dpuUnits]
  }

  /// Whether every dimension is zero or more.
  @inlinable
  public var isNonNegative: Bool {
    milliCPU >= 0 && memoryMiB >= 0 && deviceMilli >= 0 && deviceMemoryMiB >= 0 && dpuUnits >= 0
  }

  /// Whether `self` fits in `free`: every dimension is at most the free amount.
  ///
  /// - Complexity: O(1)
  @inlinable
  public func fits(in free: ResourceVector) -> Bool {
    milliCPU <= free.milliCPU && memoryMiB <= free.memoryMiB
      && deviceMilli <= free.deviceMilli && deviceMemoryMiB <= free.deviceMemoryMiB
      && dpuUnits <= free.dpuUnits
  }

  /// `self + other`, or `nil` if any dimension overflows.
  @inlinable
  public func adding(_ o: ResourceVector) -> ResourceVector? {
    let a = milliCPU.addingReportingOverflow(o.milliCPU)
    let b = memoryMiB.addingReportingOverflow(o.memoryMiB)
    let c = deviceMilli.addingReportingOverflow(o.deviceMilli)
    let d = deviceMemoryMiB.addingReportingOverflow(o.deviceMemoryMiB)
    let e = dpuUnits.addingReportingOverflow(o.dpuUnits)
    if a.overflow || b.overflow || c.overflow || d.overflow || e.overflow { return nil }
    return ResourceVector(milliCPU: a.partialValue, memoryMiB: b.partialValue,
                          deviceMilli: c.partialValue, deviceMemoryMiB: d.partialValue,
                          dpuUnits: e.partialValue)
  }

  /// `self - other`, or `nil` if any dimension would overflow or go negative.
  @inlinable
  public func subtracting(_ o: ResourceVector) -> ResourceVector? {
    let a = milliCPU.subtractingReportingOverflow(o.milliCPU)
    let b = memoryMiB.subtractingReportingOverflow(o.memoryMiB)
    let c = deviceMilli.subtractingReportingOverflow(o.deviceMilli)
    let d = deviceMemoryMiB.subtractingReportingOverflow(o.deviceMemoryMiB)
    let e = dpuUnits.subtractingReportingOverflow(o.dpuUnits)
    if a.overflow || b.overflow || c.overflow || d.overflow || e.overflow { return nil }
    let r = ResourceVector(milliCPU: a.partialValue, memoryMiB: b.partialValue,
                           deviceMilli: c.partialValue, deviceMemoryMiB: d.partialValue,
                           dpuUnits: e.partialValue)
    return r.isNonNegative ? r : nil
  }

  /// `self × n`, or `nil` on overflow.
  @inlinable
  public func multiplied(by n: Int64) -> ResourceVector? {
    let a = milliCPU.multipliedReportingOverflow(by: n)
    let b = memoryMiB.multipliedReportingOverflow(by: n)
    let c = deviceMilli.multipliedReportingOverflow(by: n)
    let d = deviceMemoryMiB.multipliedReportingOverflow(by: n)
    let e = dpuUnits.multipliedReportingOverflow(by: n)
    if a.overflow || b.overflow || c.overflow || d.overflow || e.overflow { return nil }
    return ResourceVector(milliCPU: a.partialValue, memoryMiB: b.partialValue,
                          deviceMilli: c.partialValue, deviceMemoryMiB: d.partialValue,
                          dpuUnits: e.partialValue)
  }

  /// "cpu=…m mem=…MiB dev=…m devmem=…MiB dpu=…".
  public var description: String {
    "cpu=\(milliCPU)m mem=\(memoryMiB)MiB dev=\(deviceMilli)m devmem=\(deviceMemoryMiB)MiB dpu=\(dpuUnits)"
  }
}
