import Testing
@testable import SchedCore

/// `DeviceList` (a task's device shares as a bit set and one amount, or as
/// a list) against plain lists, and committing and releasing shares against
/// a per-device model.
@Suite struct DeviceListTests {
  /// Random share lists — one amount on ascending devices, mixed amounts,
  /// out of order, repeated, zero or negative amounts, devices from 64 on —
  /// keep their exact contents; equal lists compare and hash equal.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func roundTripsEveryList(seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    for round in 0..<2000 {
      let span = 1 + g.below(90)
      let milli = Int32(g.below(1001)) - (g.below(10) == 0 ? 5 : 0)
      var list = (0..<Int(g.below(10))).map { _ in
        DeviceShare(index: Int32(g.below(span)), milli: g.below(5) == 0 ? Int32(g.below(1001)) : milli)
      }
      if g.below(2) == 0 { list = Dictionary(list.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a }).values.sorted { $0.index < $1.index } }
      let d = DeviceList(list)
      #expect(d.array == list, "seed \(seed) round \(round): \(list)")
      #expect(d.count == list.count && d.isEmpty == list.isEmpty && d.firstIndex == list.first?.index)
      #expect(d.totalMilli == list.reduce(0) { $0 + Int64($1.milli) })
      var seen: [DeviceShare] = []
      d.forEach { seen.append($0) }
      #expect(seen == list, "seed \(seed) round \(round): forEach")
      let uniform = list.first.map { f in
        f.milli > 0 && list.allSatisfy { $0.milli == f.milli && $0.index < 64 }
          && zip(list, list.dropFirst()).allSatisfy { $0.index < $1.index }
      } ?? true
      #expect((d.uniform != nil) == uniform, "seed \(seed) round \(round): form of \(list)")
      if uniform, let f = list.first {
        let mask = list.reduce(UInt64(0)) { $0 | 1 << UInt64($1.index) }
        let m = DeviceList(mask: mask, milli: f.milli)
        #expect(m == d && m.hashValue == d.hashValue, "seed \(seed) round \(round): from the mask")
      }
    }
    #expect(DeviceList(mask: 0b101, milli: 0).array == [DeviceShare(index: 0, milli: 0), DeviceShare(index: 2, milli: 0)])
  }

  /// Commits and releases of random share lists on nodes of 1, 8, 64 and
  /// 70 accelerators (the last beyond the bit set) match a per-device
  /// model: the same lists are refused, naming the same first bad device,
  /// and the same free amounts remain. Seeds printed on failure.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func sharesMatchAPerDeviceModel(seed: UInt64) throws {
    let counts: [Int32] = [1, 8, 64, 70]
    let site = Site(id: "s", name: "s", city: "Tianjin", district: "", tier: .centre, pue: 1.2, greenShare: 0,
                    prices: PriceList())
    let net = LatencyNetwork(locations: [Location(id: "s", kind: .site, site: 0)], links: [], rings: [])
    let gpu = try #require(DeviceCatalog.builtin.id(named: "A100-80GB"))
    let nodes = counts.enumerated().map { k, c in
      Node(id: "n\(k)", site: 0, milliCPU: 8000, memoryMiB: 1 << 20,
           accelerator: DeviceGroup(model: gpu, count: c, memoryMiB: 81_920))
    }
    let cluster = Cluster(name: "devices", catalog: .builtin, sites: [site], network: net, nodes: nodes)
    var state = ClusterState(cluster: cluster)
    var free = counts.map { [Int32](repeating: 1000, count: Int($0)) }
    var held: [TaskAssignment] = []
    var g = SeededGenerator(seed: seed)
    var accepted = 0, refused = 0
    for step in 0..<4000 {
      let n = Int(g.below(UInt64(counts.count)))
      let count = counts[n]
      if g.below(3) == 0, !held.isEmpty {
        // Release a held task, or a forged one (a repeat, a device it does not hold).
        let k = Int(g.below(UInt64(held.count)))
        var t = held[k]
        if g.below(4) == 0 {
          t.devices.append(g.below(2) == 0 ? (t.devices.first ?? DeviceShare(index: 0, milli: 500))
                                           : DeviceShare(index: Int32(g.below(UInt64(count) + 3)) - 1, milli: 400))
        }
        let m = Int(t.node)
        var bad: Int32?
        for (j, d) in t.devices.enumerated() where bad == nil {
          if d.index < 0 || d.index >= counts[m] || d.milli <= 0 || free[m][Int(d.index)] + d.milli > 1000
            || t.devices[..<j].contains(where: { $0.index == d.index }) { bad = d.index }
        }
        do {
          try state.release(t)
          #expect(bad == nil, "seed \(seed) step \(step): released \(t.devices)")
          for d in t.devices { free[m][Int(d.index)] += d.milli }
          held.remove(at: k)
        } catch {
          #expect(bad != nil && "\(error)".contains("release exceeds device \(bad ?? -9)"),
                  "seed \(seed) step \(step): \(error)")
        }
        continue
      }
      let milli: Int32 = g.below(3) == 0 ? 1000 : Int32(1 + g.below(1000))
      var shares: [DeviceShare] = []
      for _ in 0..<Int(1 + g.below(4)) {
        switch g.below(12) {
        case 0: shares.append(DeviceShare(index: Int32(g.below(UInt64(count) + 4)) - 2, milli: milli))
        case 1: if let s = shares.last { shares.append(s) }
        case 2: shares.append(DeviceShare(index: Int32(g.below(UInt64(count))), milli: Int32(g.below(3)) - 1))
        default: shares.append(DeviceShare(index: Int32(g.below(UInt64(count))), milli: milli))
        }
      }
      if g.below(2) == 0 { shares.sort { $0.index < $1.index } }
      let t = TaskAssignment(node: NodeID(n), milliCPU: 0, memoryMiB: 0, dpuUnits: 0, devices: shares, cores: [])
      var expected: String?
      for (j, d) in shares.enumerated() where expected == nil {
        if d.index < 0 || d.index >= count || shares[..<j].contains(where: { $0.index == d.index }) {
          expected = "bad device index \(d.index)"
        } else if d.milli <= 0 || d.milli > free[n][Int(d.index)] {
          expected = "device \(d.index) would be over-committed"
        }
      }
      do {
        try state.commit(t)
        #expect(expected == nil, "seed \(seed) step \(step): committed \(shares)")
        for d in shares { free[n][Int(d.index)] -= d.milli }
        held.append(t)
        accepted += 1
      } catch {
        refused += 1
        #expect(expected.map { "\(error)".contains($0) } == true, "seed \(seed) step \(step): \(error), expected \(expected ?? "none")")
      }
      for k in counts.indices {
        #expect(state.devices(of: NodeID(k)).map(Int32.init) == free[k], "seed \(seed) step \(step): node \(k)")
      }
    }
    #expect(accepted > 300 && refused > 300, "seed \(seed): \(accepted) accepted, \(refused) refused")
  }
}
