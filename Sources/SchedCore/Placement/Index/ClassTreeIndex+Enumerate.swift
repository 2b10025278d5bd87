extension ClassTreeIndex {
  /// Calls `body` with every live node whose free amounts may fit one task
  /// of `shapes[c]` on its class c (classes with a nil shape are skipped):
  /// a superset of the nodes that fit, each once, in no particular order.
  /// Subtrees whose maxima cannot fit are skipped whole; recent entries are
  /// judged by their own values. Down and excluded nodes are not reported.
  ///
  /// - Complexity: O(k · log n + recent nodes) per tree for k nodes reported
  func forEachNodeThatMayFit(_ shapes: [TaskShape?], _ body: (NodeID) -> Void) {
    for tc in 0..<trees.count {
      // The member classes with a shape (they share it: same node type).
      var allowed: UInt64 = 0
      var shape: TaskShape?
      for m in treeClasses[tc] where Int(m) < shapes.count {
        guard let s = shapes[Int(m)] else { continue }
        allowed |= classBit[Int(m)]
        if shape == nil { shape = s }
      }
      guard let s = shape else { continue }
      let t = trees[tc]
      if mayFit(t, 1, s, allowed) {
        // Depth-first over slots that may fit; leaves are slots ≥ size.
        var depth = 1
        while (1 << depth) < 2 * t.size { depth += 1 }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * depth + 2) { stack in
          var top = 0
          stack[0] = 1
          top = 1
          while top > 0 {
            top -= 1
            let i = stack[top]
            if i >= t.size {
              let n = nodeAt[t.leafBase + i - t.size]
              if n >= 0 { body(n) }
              continue
            }
            if mayFit(t, 2 * i + 1, s, allowed) { stack[top] = 2 * i + 1; top += 1 }
            if mayFit(t, 2 * i, s, allowed) { stack[top] = 2 * i; top += 1 }
          }
        }
      }
      guard t.recentCount > 0, mayFit(t, 0, s, allowed) else { continue }
      let devK = Int(s.deviceCount) - 1
      guard devK < t.devs else { continue }
      for j in 0..<t.recentCount {
        let e = recentSlot[t.recentBase + j]
        if e.classes & allowed == 0 || e.cpu < s.milliCPU || e.mem < s.memoryMiB || e.dpu < s.dpuUnits { continue }
        if devK >= 0 && Int32(recentDev[t.recentDevBase + j * t.devs + devK]) < s.milliPerDevice { continue }
        body(recentNode[t.recentBase + j])
      }
    }
  }
}
