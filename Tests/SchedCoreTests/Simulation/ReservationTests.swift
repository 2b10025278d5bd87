import Testing
@testable import SchedCore

@Suite struct ReservationTests {
  static func task(_ node: NodeID, cpu: Int64, cores: [Int32] = []) -> TaskAssignment {
    TaskAssignment(node: node, milliCPU: cpu, memoryMiB: 0, dpuUnits: 0, devices: [], cores: cores)
  }

  /// Releases are the same when each node holds the same tasks in any
  /// order (the needs only add them up), and differ as soon as one node
  /// gains, loses or changes a task, or a node is added.
  @Test func sameReleasesIgnoresOrderOnly() {
    let a = Self.task(1, cpu: 1000), b = Self.task(1, cpu: 2000), c = Self.task(2, cpu: 1000, cores: [3])
    let base: [NodeID: [TaskAssignment]] = [1: [a, b, a], 2: [c]]
    #expect(Reservation.sameReleases(base, [2: [c], 1: [b, a, a]]))
    #expect(Reservation.sameReleases(base, base))
    #expect(Reservation.sameReleases([:], [:]))
    #expect(!Reservation.sameReleases(base, [1: [a, b, b], 2: [c]]))  // same count, other multiset
    #expect(!Reservation.sameReleases(base, [1: [a, b], 2: [c]]))
    #expect(!Reservation.sameReleases(base, [1: [a, b, a], 2: [Self.task(2, cpu: 1000, cores: [4])]]))
    #expect(!Reservation.sameReleases(base, [1: [a, b, a], 2: [c], 3: [a]]))
    #expect(!Reservation.sameReleases(base, [1: [a, b, a], 3: [c]]))
  }
}
