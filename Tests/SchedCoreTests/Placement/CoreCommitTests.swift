import Testing
@testable import SchedCore

@Suite struct CoreCommitTests {
  /// Committing and releasing exclusive cores (checked and flipped a bitmap
  /// word at a time where the masks apply) matches a per-core model: the same
  /// tasks are refused, with the same first bad core named, and the same
  /// cores end up free. Nodes of 8, 64, 100, 256 and 300 cores (the last
  /// beyond the four inline mask words), core lists with repeats, taken,
  /// held, negative and out-of-range cores; seeds printed on failure.
  @Test(arguments: [1, 2, 3] as [UInt64])
  func coresMatchAPerCoreModel(seed: UInt64) {
    let sizes: [Int64] = [8, 64, 100, 256, 300]
    let site = Site(id: "s", name: "s", city: "Tianjin", district: "", tier: .centre, pue: 1.2, greenShare: 0,
                    prices: PriceList())
    let net = LatencyNetwork(locations: [Location(id: "s", kind: .site, site: 0)], links: [], rings: [])
    let nodes = sizes.enumerated().map { k, c in Node(id: "n\(k)", site: 0, milliCPU: c * 1000, memoryMiB: 1 << 20) }
    let cluster = Cluster(name: "cores", catalog: .builtin, sites: [site], network: net, nodes: nodes)
    var state = ClusterState(cluster: cluster)
    var free = sizes.map { Set(0..<Int32($0)) }
    var freeCPU = sizes.map { $0 * 1000 }
    var held: [TaskAssignment] = []
    var g = SeededGenerator(seed: seed)
    var refused = 0, accepted = 0
    for step in 0..<4000 {
      let n = Int(g.below(UInt64(sizes.count)))
      let size = Int32(sizes[n])
      if g.below(3) == 0, !held.isEmpty {
        // Release a held task, or a forged one (cores not held, out of range).
        let k = Int(g.below(UInt64(held.count)))
        var t = held[k]
        let forged = g.below(4) == 0
        if forged { t.cores.append(g.below(2) == 0 ? Int32(g.below(UInt64(size) + 70)) - 5 : t.cores.first ?? 0) }
        let m = Int(t.node)
        let tooMuch = freeCPU[m] + t.milliCPU > sizes[m] * 1000
        let modelBad = t.cores.first { c in c < 0 || c >= Int32(sizes[m]) || free[m].contains(c) }
        do {
          try state.release(t)
          #expect(!tooMuch && modelBad == nil, "seed \(seed) step \(step): released \(t.cores)")
          for c in t.cores { free[m].insert(c) }
          freeCPU[m] += t.milliCPU
          held.remove(at: k)
        } catch {
          let expected = tooMuch ? "release exceeds capacity" : "core \(modelBad ?? -1) is not held"
          #expect((tooMuch || modelBad != nil) && "\(error)".contains(expected),
                  "seed \(seed) step \(step): \(error), expected \(expected)")
        }
        continue
      }
      var cores: [Int32] = []
      for _ in 0..<Int(1 + g.below(12)) {
        switch g.below(10) {
        case 0: cores.append(Int32(g.below(UInt64(size) + 80)) - 8)  // maybe negative or out of range
        case 1: if let c = cores.last { cores.append(c) }  // a repeat
        default: cores.append(Int32(g.below(UInt64(size))))
        }
      }
      // CPU for the distinct cores (a repeat is then refused: more cores than milli-CPU).
      let t = TaskAssignment(node: NodeID(n), milliCPU: Int64(Set(cores).count) * 1000, memoryMiB: 0, dpuUnits: 0,
                             devices: [], cores: cores)
      let words = state.coreWords
      let tooMuch = t.milliCPU > freeCPU[n]
      let modelBad = cores.first { c in c < 0 || Int(c) >= words * 64 || !free[n].contains(c) }
      do {
        try state.commit(t)
        #expect(!tooMuch && modelBad == nil && Int64(cores.count) * 1000 <= t.milliCPU,
                "seed \(seed) step \(step): committed \(cores)")
        for c in cores { free[n].remove(c) }
        freeCPU[n] -= t.milliCPU
        held.append(t)
        accepted += 1
      } catch {
        refused += 1
        let repeats = Int64(cores.count) * 1000 > t.milliCPU
        let expected = tooMuch ? "CPU" : modelBad.map { "core \($0)" } ?? "exclusive cores exceed"
        #expect((tooMuch || modelBad != nil || repeats) && "\(error)".contains(expected),
                "seed \(seed) step \(step): \(error), expected \(expected)")
      }
      for k in 0..<sizes.count {
        let same = Set(state.freeCores(NodeID(k))) == free[k]
        #expect(same, "seed \(seed) step \(step): node \(k)'s free cores differ from the model")
      }
    }
    #expect(accepted > 200 && refused > 200, "accepted \(accepted), refused \(refused)")
  }
}
