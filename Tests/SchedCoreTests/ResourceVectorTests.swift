import Testing
@testable import SchedCore

@Suite struct ResourceVectorTests {
  @Test func fitsIsDimensionwise() {
    let free = ResourceVector(milliCPU: 4000, memoryMiB: 8192, deviceMilli: 1000)
    #expect(ResourceVector(milliCPU: 4000, memoryMiB: 8192).fits(in: free))
    #expect(!ResourceVector(milliCPU: 4001).fits(in: free))
    #expect(!ResourceVector(dpuUnits: 1).fits(in: free))
  }

  @Test func checkedArithmeticNeverWraps() {
    let big = ResourceVector(milliCPU: .max)
    #expect(big.adding(ResourceVector(milliCPU: 1)) == nil)
    #expect(ResourceVector(memoryMiB: 1).subtracting(ResourceVector(memoryMiB: 2)) == nil)
    #expect(ResourceVector(deviceMilli: .max / 2 + 1).multiplied(by: 2) == nil)
    let a = ResourceVector(milliCPU: 1, memoryMiB: 2, deviceMilli: 3, deviceMemoryMiB: 4, dpuUnits: 5)
    #expect(a.adding(a)?.subtracting(a) == a)
  }

  @Test func moneyParsesAndRounds() {
    #expect(Money(yuan: "12.34")?.fen == 1234)
    #expect(Money(yuan: "3.5")?.fen == 350)
    #expect(Money(yuan: "1.234") == nil)
    #expect(Money(yuan: "abc") == nil)
    #expect(Money(yuan: "99999999999999999999") == nil)
    // 1 fen/hour for half an hour: 0.5 fen rounds half to even -> 0.
    #expect(Money(fen: 1).charge(milliUnits: 1000, micros: 1_800_000_000)?.fen == 0)
    #expect(Money(fen: 3).charge(milliUnits: 1000, micros: 1_800_000_000)?.fen == 2)
    #expect(Money(fen: 1234).yuanString == "12.34")
    #expect(Money(fen: -5).yuanString == "-0.05")
  }
}
