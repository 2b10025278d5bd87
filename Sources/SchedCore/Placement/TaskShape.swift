/// One task's request resolved against a node class: exact amounts per task.
@frozen
public struct TaskShape: Sendable, Hashable {
  /// Milli-CPU per task.
  public var milliCPU: Int64
  /// Host memory per task, MiB.
  public var memoryMiB: Int64
  /// Whole DPUs per task.
  public var dpuUnits: Int32
  /// Devices per task (0 = CPU-only).
  public var deviceCount: Int32
  /// Milli-units taken from each device (1...1000).
  public var milliPerDevice: Int32

  /// A shape; `milliPerDevice` is set to 0 when `deviceCount` is 0.
  @inlinable
  public init(milliCPU: Int64, memoryMiB: Int64, dpuUnits: Int32 = 0, deviceCount: Int32 = 0,
              milliPerDevice: Int32 = 0) {
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.dpuUnits = dpuUnits
    self.deviceCount = deviceCount
    self.milliPerDevice = deviceCount == 0 ? 0 : milliPerDevice
  }

  /// A fractional share of one device.
  @inlinable public var isSharing: Bool { deviceCount == 1 && milliPerDevice < 1000 }

  /// Total device milli the task takes.
  @inlinable public var totalDeviceMilli: Int64 { Int64(deviceCount) * Int64(milliPerDevice) }
}
