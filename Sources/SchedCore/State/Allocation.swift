/// One task's share of one node: how much CPU, memory and DPU it holds, which
/// accelerators (and how much of each) and which exclusive cores.
public struct TaskAssignment: Sendable, Hashable {
  /// The node the task runs on.
  public var node: NodeID
  /// Milli-CPU held (exclusive `cores` × 1000 or more, or a fractional share).
  public var milliCPU: Int64
  /// Host memory held, MiB.
  public var memoryMiB: Int64
  /// Whole DPUs held.
  public var dpuUnits: Int32
  /// Accelerator indices on the node (0-based) with the milli taken from
  /// each. The engine hands them out ascending.
  public var devices: [DeviceShare] {
    get { deviceList.array }
    set { deviceList = DeviceList(newValue) }
  }
  /// The devices as stored (a bit set and one amount when they allow; see `DeviceList`).
  var deviceList: DeviceList
  /// Exclusive cores (node-local indices) for tasks asking whole cores;
  /// empty for fractional-CPU tasks, which share the node's remaining cores.
  /// The engine hands them out ascending.
  public var cores: [Int32] {
    get { coreList.array }
    set { coreList = CoreList(newValue) }
  }
  /// The cores as stored (bit words when they allow; see `CoreList`).
  var coreList: CoreList

  /// An assignment of the given amounts, devices and exclusive cores on `node`
  /// (checked only when committed).
  public init(node: NodeID, milliCPU: Int64, memoryMiB: Int64, dpuUnits: Int32,
              devices: [DeviceShare], cores: [Int32]) {
    self.init(node: node, milliCPU: milliCPU, memoryMiB: memoryMiB, dpuUnits: dpuUnits,
              deviceList: DeviceList(devices), coreList: CoreList(cores))
  }

  init(node: NodeID, milliCPU: Int64, memoryMiB: Int64, dpuUnits: Int32, deviceList: DeviceList,
       coreList: CoreList) {
    self.node = node
    self.milliCPU = milliCPU
    self.memoryMiB = memoryMiB
    self.dpuUnits = dpuUnits
    self.deviceList = deviceList
    self.coreList = coreList
  }

  /// Total accelerator milli held.
  public var deviceMilli: Int64 { deviceList.totalMilli }
}

/// A share of one accelerator.
public struct DeviceShare: Sendable, Hashable, BitwiseCopyable {
  /// Accelerator index on the node, 0-based (below the node's device count).
  public var index: Int32
  /// Milli of the device held (1000 = the whole device).
  public var milli: Int32

  /// A share of `milli` thousandths of accelerator `index`.
  public init(index: Int32, milli: Int32) {
    self.index = index
    self.milli = milli
  }
}

/// What a placed job holds: its task assignments, in placement order.
public struct Allocation: Sendable, Hashable {
  /// The job the allocation belongs to.
  public var jobID: String
  /// One assignment per task, in placement order (groups in job order).
  public var tasks: [TaskAssignment]

  /// An allocation of `tasks` to job `jobID` (checked only when committed).
  public init(jobID: String, tasks: [TaskAssignment]) {
    self.jobID = jobID
    self.tasks = tasks
  }
}

/// Names one placed job's allocation in a `PlacementEngine`: a slot of its
/// table of allocations, from the placement or commit that returned it to
/// the release that gives it back (a later placement may then reuse it).
/// Callers that keep their own job table release by handle and never have
/// the engine hash a job id (see `PlacementEngine.place(_:explain:checkingID:)`).
public struct AllocationHandle: Sendable, Hashable, Comparable {
  /// The slot in the engine's allocation table (0-based).
  public let index: Int32

  /// A handle for slot `index`; meaningful only as returned by the engine
  /// (releasing a slot that holds nothing returns nil).
  public init(_ index: Int32) { self.index = index }

  /// Orders by slot index.
  public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
}

/// Why a commit was refused (the state is unchanged when one is thrown).
public struct StateError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was refused and on which node, e.g. "node n12: memory would be over-committed".
  public var message: String
  /// An error saying `message`.
  public init(_ message: String) { self.message = message }
  /// The message.
  public var description: String { message }

  static func overCommit(_ node: String, _ what: String) -> StateError {
    StateError("node \(node): \(what) would be over-committed")
  }
}
