/// A segment tree over the nodes of one class, in tie-break order, keeping
/// per subtree the maxima of every free dimension (CPU, memory, DPUs, and
/// the k-th largest device free for each k) and the extremes of the
/// best-fit node term U.
///
/// A search descends only into subtrees whose maxima could fit the task and
/// whose U bound could beat the best found, so finding the best-fit (or
/// worst-fit, or first) feasible node of a class usually costs O(log n)
/// instead of O(n); a node update costs O(log n · devices).
struct ClassTree: Sendable {
  /// Leaves (power of two ≥ node count).
  let size: Int
  let levels: Int
  /// Devices per node in this class.
  let devs: Int
  var cpu: [Int64]
  var mem: [Int64]
  var dpu: [Int32]
  /// `dev[i * devs + k]`: max over the subtree of the (k+1)-th largest device free.
  var dev: [Int16]
  var uMax: [Int64]
  var uMin: [Int64]
  /// Node at each leaf position, -1 for padding.
  var nodeAt: [NodeID]

  init(nodes: [NodeID], devices: Int) {
    var p = 1, l = 0
    while p < max(nodes.count, 1) { p <<= 1; l += 1 }
    size = p
    levels = l
    devs = devices
    cpu = Array(repeating: -1, count: 2 * p)
    mem = Array(repeating: -1, count: 2 * p)
    dpu = Array(repeating: -1, count: 2 * p)
    dev = Array(repeating: -1, count: 2 * p * max(devices, 1))
    uMax = Array(repeating: .min, count: 2 * p)
    uMin = Array(repeating: .max, count: 2 * p)
    nodeAt = Array(repeating: -1, count: p)
    for (i, n) in nodes.enumerated() { nodeAt[i] = n }
  }

  /// Sets leaf `pos` to a node state (or to "absent" with `nil`) and
  /// updates the path to the root.
  mutating func set(_ pos: Int, _ s: NodeStateKey?, u: Int64) {
    var i = size + pos
    if let s {
      cpu[i] = s.milliCPU
      mem[i] = s.memoryMiB
      dpu[i] = s.dpuUnits
      for k in 0..<devs { dev[i * devs + k] = Int16(truncatingIfNeeded: s.device(k)) }
      uMax[i] = u
      uMin[i] = u
    } else {
      cpu[i] = -1
      mem[i] = -1
      dpu[i] = -1
      for k in 0..<devs { dev[i * devs + k] = -1 }
      uMax[i] = .min
      uMin[i] = .max
    }
    i >>= 1
    while i >= 1 {
      let l = 2 * i, r = l + 1
      cpu[i] = max(cpu[l], cpu[r])
      mem[i] = max(mem[l], mem[r])
      dpu[i] = max(dpu[l], dpu[r])
      for k in 0..<devs { dev[i * devs + k] = max(dev[l * devs + k], dev[r * devs + k]) }
      uMax[i] = max(uMax[l], uMax[r])
      uMin[i] = min(uMin[l], uMin[r])
      i >>= 1
    }
  }

  /// Whether subtree `i` may hold a node that fits `t` (exact at a leaf).
  @inline(__always)
  func mayFit(_ i: Int, _ t: TaskShape) -> Bool {
    if cpu[i] < t.milliCPU || mem[i] < t.memoryMiB || dpu[i] < t.dpuUnits { return false }
    if t.deviceCount > 0 {
      if Int(t.deviceCount) > devs { return false }
      return Int32(dev[i * devs + Int(t.deviceCount) - 1]) >= t.milliPerDevice
    }
    return true
  }

  /// First leaf position of subtree `i`.
  @inline(__always)
  func start(_ i: Int) -> Int {
    let d = Int.bitWidth - 1 - i.leadingZeroBitCount
    return (i - (1 << d)) << (levels - d)
  }

  /// The feasible leaf that is best by U in `direction` (+1: largest U,
  /// −1: smallest U, 0: any), ties to the leftmost; `nil` if none fits.
  func best(_ t: TaskShape, direction: Int) -> (pos: Int, u: Int64)? {
    if !mayFit(1, t) { return nil }
    var bestPos = Int.max
    var bestU: Int64 = 0
    var stack: [Int] = []
    stack.reserveCapacity(2 * levels + 2)
    stack.append(1)
    while let i = stack.popLast() {
      if !mayFit(i, t) { continue }
      if bestPos != Int.max {
        switch direction {
        case 1:
          if uMax[i] < bestU || (uMax[i] == bestU && start(i) > bestPos) { continue }
        case -1:
          if uMin[i] > bestU || (uMin[i] == bestU && start(i) > bestPos) { continue }
        default:
          if start(i) > bestPos { continue }
        }
      }
      if i >= size {
        let pos = i - size
        let u = uMax[i]
        if bestPos == Int.max || (direction == 1 && u > bestU) || (direction == -1 && u < bestU)
            || (u == bestU && pos < bestPos) || (direction == 0 && pos < bestPos) {
          bestPos = pos
          bestU = u
        }
        continue
      }
      let l = 2 * i, r = l + 1
      // Push the less promising child first so the better one is explored first.
      let leftFirst: Bool
      switch direction {
      case 1: leftFirst = uMax[l] >= uMax[r]
      case -1: leftFirst = uMin[l] <= uMin[r]
      default: leftFirst = true
      }
      if leftFirst { stack.append(r); stack.append(l) } else { stack.append(l); stack.append(r) }
    }
    return bestPos == Int.max ? nil : (bestPos, bestU)
  }
}
