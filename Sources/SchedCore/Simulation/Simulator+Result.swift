extension Simulator {
  func result(wallSeconds: Double) -> SimulationResult {
    var outcomes: [JobOutcome] = []
    outcomes.reserveCapacity(jobs.count)
    var waits: [Double] = []
    var slowdowns: [Double] = []
    var firstSubmit = Int64.max, lastEnd = Int64.min
    var latencyJobs = 0, latencyStarted = 0, latencyRejected = 0
    for (i, j) in jobs.enumerated() {
      let r = run[i]
      firstSubmit = min(firstSubmit, j.submitMicros)
      var wait: Double?
      var runS: Double?
      var slow: Double?
      if r.firstStart >= 0 {
        wait = Double(r.firstStart - j.submitMicros) / 1e6
        if let w = wait { waits.append(w) }
      }
      if r.phase == .finished {
        lastEnd = max(lastEnd, r.end)
        let runMicros = r.end - r.runStart
        runS = Double(runMicros) / 1e6
        let total = Double(r.end - j.submitMicros) / 1e6
        let s = max(total / max(Double(runMicros) / 1e6, 10), 1)
        slow = s
        slowdowns.append(s)
      }
      let bounded: Bool
      if case .none = j.latency { bounded = false } else { bounded = true }
      if bounded {
        latencyJobs += 1
        if r.firstStart >= 0 { latencyStarted += 1 }
        if r.phase == .rejected { latencyRejected += 1 }
      }
      let sites = Array(Set((r.allocation?.tasks ?? []).map { cluster.sites[Int(cluster.nodes[Int($0.node)].site)].id })).sorted()
      outcomes.append(JobOutcome(
        id: j.id, tenant: j.tenant, priority: j.priority, phase: r.phase,
        submitSeconds: Double(j.submitMicros) / 1e6,
        startSeconds: r.firstStart >= 0 ? Double(r.firstStart) / 1e6 : nil,
        endSeconds: r.end >= 0 ? Double(r.end) / 1e6 : nil,
        waitSeconds: wait, runSeconds: runS, boundedSlowdown: slow, preemptions: r.preemptions,
        requeues: r.requeues, sites: sites, latencyBound: bounded, rejectReason: r.rejectReason))
    }
    func mean(_ s: [TimePoint]) -> Double { s.isEmpty ? 0 : s.reduce(0) { $0 + $1.value } / Double(s.count) }
    var byKind: [String: [TimePoint]] = [:]
    for (k, v) in metrics.utilKind { byKind[k.rawValue] = v }
    var bySite: [String: [TimePoint]] = [:]
    for (s, v) in metrics.utilSite.enumerated() where !v.isEmpty { bySite[cluster.sites[s].id] = v }
    return SimulationResult(
      cluster: cluster.name, policy: config.profile.name, queueMode: config.queue.mode, seed: config.seed,
      jobs: jobs.count,
      finished: run.filter { $0.phase == .finished }.count,
      running: run.filter { $0.phase == .running }.count,
      queued: run.filter { $0.phase == .queued }.count,
      rejected: run.filter { $0.phase == .rejected }.count,
      preemptions: preemptionEvents, preemptedJobs: run.filter { $0.preemptions > 0 }.count,
      failureRequeues: failureRequeues, nodeFailures: nodeFailures,
      wait: Distribution(waits), boundedSlowdown: Distribution(slowdowns),
      makespanSeconds: lastEnd > firstSubmit ? Double(lastEnd - firstSubmit) / 1e6 : 0,
      meanUtilizationByKind: byKind.mapValues(mean), meanUtilizationBySite: bySite.mapValues(mean),
      utilizationByKind: byKind, utilizationBySite: bySite, queueLength: metrics.queueLength,
      fragmentation: metrics.fragmentation,
      latencyBoundJobs: latencyJobs, latencyBoundStarted: latencyStarted, latencyBoundRejected: latencyRejected,
      domesticShare: metrics.allTFLOPSHours > 0 ? metrics.domesticTFLOPSHours / metrics.allTFLOPSHours : 0,
      energyKWh: metrics.energyWattHours / 1000, events: eventCount, counters: counters,
      wallSeconds: wallSeconds,
      outcomes: outcomes, usage: usage)
  }
}
