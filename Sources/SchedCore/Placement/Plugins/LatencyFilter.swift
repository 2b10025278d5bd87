/// Filter `latency`: with a bound, the node's site must be within the bound
/// (one-way, shortest path) of the job's origin; with a ring, the site must
/// be a ring member.
enum LatencyFilter {
  static func check(_ c: NodeClass, _ job: Job, _ cluster: Cluster) -> String? {
    switch job.latency {
    case .none:
      return nil
    case .bound(let origin, let bound):
      guard let o = cluster.network.index(of: origin) else { return "unknown origin \(origin)" }
      guard c.location >= 0, let l = cluster.network.latency(o, c.location) else {
        return "site unreachable from \(origin)"
      }
      return l <= bound ? nil : "latency \(l) µs > \(bound) µs from \(origin)"
    case .ring(let name):
      guard let ring = cluster.network.ring(named: name) else { return "unknown ring \(name)" }
      return c.location >= 0 && ring.members.contains(c.location) ? nil : "site outside ring \(name)"
    }
  }
}
