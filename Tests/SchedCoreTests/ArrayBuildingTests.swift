import Testing
@testable import SchedCore

/// The array helpers the placement paths use instead of the standard
/// initializers (see `Array.filled`), each against the plain way.
@Suite struct ArrayBuildingTests {
  @Test func filledMatchesRepeating() {
    for count in -3...40 {
      #expect([Int32].filled(7, count: count) == [Int32](repeating: 7, count: max(count, 0)), "count \(count)")
      #expect([DeviceShare].filled(DeviceShare(index: 1, milli: 2), count: count).count == max(count, 0))
    }
  }

  @Test func buildingKeepsWhatTheBodyWrote() {
    for capacity in 0...70 {
      for written in [-1, 0, capacity / 2, capacity, capacity + 5] {
        let a = [Int32].building(capacity: capacity) { buf in
          for k in 0..<min(max(written, 0), buf.count) { buf[k] = Int32(k * 3) }
          return written
        }
        let kept = min(max(written, 0), capacity)
        #expect(a == (0..<kept).map { Int32($0 * 3) }, "capacity \(capacity), written \(written)")
      }
    }
  }

  @Test(arguments: [1, 2, 3] as [UInt64])
  func sortedSearchesMatchPlainOnes(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    for round in 0..<300 {
      let n = Int(g.below(40))
      let span = 1 + g.below(60)
      var a = (0..<n).map { _ in NodeID(g.below(span)) }
      let plain = Array(Set(a)).sorted()
      a.sortAndRemoveDuplicates()
      #expect(a == plain, "seed \(seed) round \(round)")
      for x in -1..<Int32(span + 1) {
        #expect(a.sortedContains(x) == plain.contains(x), "seed \(seed) round \(round) value \(x)")
      }
    }
  }
}
