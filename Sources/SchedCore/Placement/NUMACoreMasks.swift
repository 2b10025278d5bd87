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
  /// Per device (indexed like `ClusterState.deviceFree`: node after node),
  /// the first domain of its node's layout that lists it, or -1.
  let deviceDomain: [Int32]
  /// Per node, the offset of its domains' device masks in `deviceMasks`
  /// (domain d at `offset + d`).
  let deviceMaskOffset: [Int32]
  /// Per node and domain, the bit set of the domain's listed devices below
  /// 64 that the node has (`assignment` reads them for nodes of up to 64 devices).
  let deviceMasks: [UInt64]

  /// - Complexity: O(nodes · domains · words + cores + domains · devices)
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
    var deviceDomain: [Int32] = []
    var deviceMaskOffset: [Int32] = []
    var deviceMasks: [UInt64] = []
    deviceMaskOffset.reserveCapacity(cluster.nodes.count)
    for node in cluster.nodes {
      let domains = node.numa.domains
      let devices = Int(node.acceleratorCount)
      for k in 0..<max(devices, 0) {
        deviceDomain.append(Int32(clamping: domains.firstIndex(where: { $0.devices.contains(Int32(k)) }) ?? -1))
      }
      deviceMaskOffset.append(Int32(clamping: deviceMasks.count))
      for d in domains {
        var inDomain: UInt64 = 0
        for k in d.devices where k >= 0 && Int(k) < min(devices, 64) { inDomain |= 1 &<< UInt64(k) }
        deviceMasks.append(inDomain)
      }
    }
    self.deviceDomain = deviceDomain
    self.deviceMaskOffset = deviceMaskOffset
    self.deviceMasks = deviceMasks
  }
}
