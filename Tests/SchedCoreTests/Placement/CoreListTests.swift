import Testing
@testable import SchedCore

/// `CoreList` (a task's cores as bit words or as a list) against the plain lists.
@Suite struct CoreListTests {
  /// Random lists — ascending runs within four words, wider ones, out of
  /// order, repeated, negative — keep their exact contents, count and
  /// emptiness; equal lists compare (and hash) equal whatever path built them.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func roundTripsEveryList(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    for round in 0..<2000 {
      let span = 1 + Int(g.below(600))
      var list = (0..<Int(g.below(40))).map { _ in Int32(g.below(UInt64(span))) - (g.below(20) == 0 ? 3 : 0) }
      if g.below(2) == 0 { list = Array(Set(list)).sorted() }
      let c = CoreList(list)
      #expect(c.array == list, "seed \(seed) round \(round): \(list)")
      #expect(c.count == list.count && c.isEmpty == list.isEmpty, "seed \(seed) round \(round)")
      var seen: [Int32] = []
      c.forEach { seen.append($0) }
      #expect(seen == list, "seed \(seed) round \(round): forEach")
      let ascendingInWindow = list.first.map { f in
        f >= 0 && zip(list, list.dropFirst()).allSatisfy { $0 < $1 } && Int(list.last ?? 0) / 64 - Int(f) / 64 < 4
      } ?? true
      #expect((c.words != nil) == ascendingInWindow, "seed \(seed) round \(round): form of \(list)")
      // The same list built from bits: equal, same hash.
      if !list.isEmpty && list.allSatisfy({ $0 >= 0 }) && ascendingInWindow {
        var bits = [UInt64](repeating: 0, count: span / 64 + 1)
        for x in list { bits[Int(x) / 64] |= 1 << UInt64(x % 64) }
        let b = bits.withUnsafeBufferPointer { CoreList(bits: $0) }
        #expect(b == c && b.hashValue == c.hashValue, "seed \(seed) round \(round): from bits")
      }
      var t = TaskAssignment(node: 0, milliCPU: 0, memoryMiB: 0, dpuUnits: 0, devices: [], cores: list)
      #expect(t.cores == list)
      t.cores = list.reversed()
      #expect(t.cores == list.reversed(), "seed \(seed) round \(round): set through the array")
    }
  }

  /// Bits wider than four words come back as the ascending list.
  @Test func wideBitsBecomeAList() {
    var bits = [UInt64](repeating: 0, count: 8)
    bits[1] = 0b101
    bits[6] = 1 << 63
    let c = bits.withUnsafeBufferPointer { CoreList(bits: $0) }
    #expect(c.words == nil && c.array == [64, 66, 447])
    let none = [UInt64](repeating: 0, count: 3).withUnsafeBufferPointer { CoreList(bits: $0) }
    #expect(none == .empty && none.isEmpty && none.array.isEmpty)
  }
}
