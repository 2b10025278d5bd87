/// Each node's NUMA domains as bit sets over its cores (one bit per core,
/// in the layout of `ClusterState.coreBits`), so `PlacementCore.assignment`
/// counts and takes a domain's free cores word by word instead of walking
/// its core list. Nodes with the same layout share one set of masks.
struct NUMACoreMasks: Sendable {
  /// Per node, the offset of its first domain's mask in `words` (domain d
  /// at `offset + d · wordsPerMask`), or -1 when some domain of its layout
  /// lists cores out of ascending order or outside the bitmap (the list
  /// order then matters, and `assignment` walks the lists).
  let offset: [Int32]
  /// Per node, the number of domains of its layout.
  let domainCount: [Int32]
  let words: [UInt64]
  /// Words per mask (`ClusterState.coreWords`).
  let wordsPerMask: Int

  /// - Complexity: O(nodes · domains · words + cores)
  init(cluster: Cluster, coreWords: Int) {
    wordsPerMask = coreWords
    var offset: [Int32] = []
    var domainCount: [Int32] = []
    offset.reserveCapacity(cluster.nodes.count)
    domainCount.reserveCapacity(cluster.nodes.count)
    var words: [UInt64] = []
    var known: [[UInt64]: Int32] = [:]
    var masks: [UInt64] = []
    for node in cluster.nodes {
      let domains = node.numa.domains
      domainCount.append(Int32(clamping: domains.count))
      masks.removeAll(keepingCapacity: true)
      masks.append(contentsOf: repeatElement(0, count: domains.count * coreWords))
      var ordered = true
      for (d, dom) in domains.enumerated() where ordered {
        var last: Int32 = -1
        for c in dom.cores {
          guard c > last, Int(c) < coreWords * 64 else { ordered = false; break }
          masks[d * coreWords + Int(c) / 64] |= UInt64(1) << UInt64(c % 64)
          last = c
        }
      }
      guard ordered else {
        offset.append(-1)
        continue
      }
      if let o = known[masks] {
        offset.append(o)
      } else {
        let o = Int32(clamping: words.count)
        known[masks] = o
        words.append(contentsOf: masks)
        offset.append(o)
      }
    }
    self.offset = offset
    self.domainCount = domainCount
    self.words = words
  }
}
