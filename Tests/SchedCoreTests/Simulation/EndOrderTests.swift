import Testing
@testable import SchedCore

/// `EndOrder` (the reservation's running jobs by end) against a plain sort.
@Suite struct EndOrderTests {
  /// Ends with few distinct times (ties broken by submit order), in random
  /// order, some already sorted or reversed: every prefix taken, however
  /// long, must be the sorted prefix.
  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func takesEndsInSortedOrder(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    for round in 0..<200 {
      let n = Int(g.below(400))
      var ends = (0..<n).map { k in RunEnd(time: Int64(g.below(1 + g.below(50))), seq: Int64(k), slot: Int32(k)) }
      switch g.below(4) {
      case 0: ends.sort()
      case 1: ends.sort(by: >)
      default:
        for k in ends.indices.dropLast() { ends.swapAt(k, k + Int(g.below(UInt64(ends.count - k)))) }
      }
      let expected = ends.sorted()
      var order = EndOrder()
      for e in ends { order.add(e) }
      let want = Int(g.below(UInt64(n + 2)))
      var taken: [RunEnd] = []
      while taken.count < want, let e = order.peek() {
        #expect(order.peek() == e, "peek changed without a take (seed \(seed) round \(round))")
        taken.append(e)
        order.take()
      }
      #expect(taken.map(\.slot) == expected.prefix(want).map(\.slot), "seed \(seed) round \(round): \(n) ends, \(want) taken")
      if want >= n { #expect(order.peek() == nil, "seed \(seed) round \(round): an end beyond the last") }
    }
  }

  /// The quickselect alone: the k smallest end up in front, for every k.
  @Test func selectSmallestPutsTheSmallestFirst() {
    var g = SeededGenerator(seed: 9)
    for n in 2..<60 {
      let ends = (0..<n).map { k in RunEnd(time: Int64(g.below(8)), seq: Int64(k), slot: Int32(k)) }
      for k in 1..<n {
        var b = ends
        b.withUnsafeMutableBufferPointer { EndOrder.selectSmallest(k, in: $0) }
        #expect(Set(b.prefix(k).map(\.slot)) == Set(ends.sorted().prefix(k).map(\.slot)), "n \(n) k \(k)")
      }
    }
  }
}
