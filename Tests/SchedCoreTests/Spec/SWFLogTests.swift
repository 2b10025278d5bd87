import Foundation
import Testing
@testable import SchedCore

@Suite struct SWFLogTests {
  @Test func fixtureLoads() throws {
    let l = try SWFLog.load(path: TestPaths.fixture("swf/lublin_256.head200.swf"))
    #expect(l.jobs.count + l.skipped == 200)
    #expect(l.jobs[0].groups[0].count == 16 && l.jobs[0].actualMicros == 12_072_000_000)
    #expect(l.jobs[0].estimatedMicros == l.jobs[0].actualMicros)  // requested time -1 falls back to run time
  }

  @Test func realLogs() throws {
    guard TestPaths.hasShared("swf/lublin_256.swf") else { return }
    let l = try SWFLog.load(path: TestPaths.shared("swf/lublin_256.swf"))
    #expect(l.jobs.count + l.skipped == 10_000)
    guard TestPaths.hasShared("swf/NASA-iPSC-1993-3.1-cln.swf.gz") else { return }
    let nasa = try SWFLog.load(path: TestPaths.shared("swf/NASA-iPSC-1993-3.1-cln.swf.gz"))
    #expect(nasa.jobs.count + nasa.skipped == 18_239)
  }

  static let bad: [(String, Int, String, String)] = [
    ("; header\n1 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1\n", 2, "", "expected 18 fields"),
    ("1 0 -1 ten 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "run_time", "expected a number"),
    ("1 -5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "submit", "negative submit"),
    ("1 0 -1 10 4 -1 -1 -1 nan -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "requested_time", "expected a number"),
    // Submit times whose microseconds would overflow (they trapped before the bound).
    ("1 99999999999999 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "submit", "beyond 1e9 s"),
    ("1 1e15 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "submit", "beyond 1e9 s"),
    ("1 9223372036854775807 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "submit", "beyond 1e9 s"),
    ("1 1000000001 -1 999999999 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", 1, "submit", "beyond 1e9 s"),
    // A job number used twice: the second line is named, with the first.
    ("7 0 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n; c\n7 5 -1 10 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n",
     3, "job", "already used at line 1"),
    // A log without a runnable job is refused (it ran a 0-job simulation),
    // saying how many lines were skipped.
    ("; only\n; comments\n\n", 0, "", "no jobs: the log has only blank and comment lines"),
    ("", 0, "", "no jobs"),
    ("; c\n1 0 -1 -1 4 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n2 0 -1 10 -1 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n",
     0, "", "no jobs: 2 lines skipped as not runnable"),
  ]

  /// The largest submit time accepted runs without overflow.
  @Test func submitAtTheBoundRuns() throws {
    let l = try SWFLog.parse(text: "1 1000000000 -1 999999999 2 -1 -1 -1 -1 -1 1 -1 -1 -1 0 -1 -1 -1\n", file: "x.swf")
    #expect(l.jobs.count == 1 && l.jobs[0].submitMicros == 1_000_000_000_000_000)
    // One sample per 1e14 µs: hourly samples of the empty years before the job would take long.
    let r = Simulator.run(cluster: SWFLog.machine(processors: 4), jobs: l.jobs,
                          config: SimulationConfig(profile: .single(.firstFit), sampleStepMicros: 100_000_000_000_000))
    #expect(r.finished == 1)
  }

  @Test(arguments: 0..<bad.count)
  func badLines(_ i: Int) {
    let (text, line, field, fragment) = Self.bad[i]
    do {
      _ = try SWFLog.parse(text: text, file: "x.swf")
      Issue.record("case \(i) accepted")
    } catch {
      #expect(error.errors.contains { $0.line == line && $0.path == field && $0.message.contains(fragment) }, "case \(i): \(error)")
    }
  }

  @Test func fcfsVersusEasyOnTheFixture() throws {
    let l = try SWFLog.load(path: TestPaths.fixture("swf/lublin_256.head200.swf"))
    let machine = SWFLog.machine(processors: 256)
    func run(_ m: QueueMode) -> SimulationResult {
      Simulator.run(cluster: machine, jobs: Array(l.jobs.prefix(120)),
                    config: SimulationConfig(profile: .single(.firstFit), queue: QueuePolicy(mode: m, preemption: false)))
    }
    let f = run(.fcfs), e = run(.easy)
    #expect(f.finished == 120 && e.finished == 120)
    #expect(e.wait.mean <= f.wait.mean)
  }
}

@Suite struct OpenbPodListTests {
  @Test func fixtureAndRealCounts() throws {
    let pods = try OpenbPodList.load(path: TestPaths.fixture("openb/openb_pod_list_default.head50.csv"))
    #expect(pods.count == 50)
    #expect(pods[1].gpus == 1 && pods[1].gpuMilli == 460)
    #expect(pods[0].job.priority == .online)
    guard TestPaths.hasShared("openb/openb_pod_list_default.csv") else { return }
    let all = try OpenbPodList.load(path: TestPaths.shared("openb/openb_pod_list_default.csv"))
    #expect(all.count == 8152)
    let multi = try OpenbPodList.load(path: TestPaths.shared("openb/openb_pod_list_multigpu50.csv"))
    #expect(!multi.isEmpty)
    // Every QoS of the real trace is one the importer accepts.
    let qos = Dictionary(grouping: all, by: \.qos).mapValues(\.count)
    #expect(Set(qos.keys) == ["LS", "BE", "Burstable", "Guaranteed"], "\(qos)")
    #expect(all.filter { $0.qos == "Guaranteed" }.allSatisfy { $0.job.priority == .production })
  }

  /// Every pod list of the real trace loads (the QoS check refuses none of them).
  @Test func everyRealPodListLoads() throws {
    guard TestPaths.hasShared("openb/openb_pod_list_default.csv") else { return }
    let dir = TestPaths.shared("openb")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("openb_pod_list_") }
    #expect(files.count >= 20)
    for f in files.sorted() {
      do { #expect(try !OpenbPodList.load(path: dir + "/" + f).isEmpty) } catch { Issue.record("\(f): \(error)") }
    }
  }

  static let bad: [(String, Int, String, String)] = [
    ("name,cpu\n", 1, "", "expected header"),
    ("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1000,1024,1\n", 2, "", "expected 5 fields"),
    ("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,x,1024,1,500\n", 2, "cpu_milli", "non-negative integer"),
    ("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1000,1024,2,500\n", 2, "gpu_milli", "whole GPUs"),
    ("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1000,1024,1,1500\n", 2, "gpu_milli", "expected 0 to 1000"),
    ("name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1000,1024,1,500\np,1,1,0,0\n", 3, "name", "duplicate"),
    // An unknown QoS was taken for best-effort; it is an error naming the accepted values.
    (long + "p,1000,1024,1,500,,LS,Running,0,10,0\nq,1000,1024,1,500,,Gold,Running,0,10,0\n", 3, "qos",
     "unknown QoS 'Gold' (accepted: LS, Guaranteed, Burstable, BE, or empty)"),
    (long + "q,1000,1024,1,500,,ls,Running,0,10,0\n", 2, "qos", "unknown QoS 'ls'"),
    // A list without a pod is refused (it ran a 0-job simulation).
    ("name,cpu_milli,memory_mib,num_gpu,gpu_milli\n", 0, "", "no jobs: the file has a header row and no pod rows"),
    (long, 0, "", "no jobs"),
  ]

  static let long = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,"
    + "scheduled_time\n"

  @Test func qosMapsToPriorities() throws {
    let text = Self.long + "a,1,1,0,0,,LS,Running,0,10,0\nb,1,1,0,0,,Guaranteed,Running,0,10,0\n"
      + "c,1,1,0,0,,Burstable,Running,0,10,0\nd,1,1,0,0,,BE,Running,0,10,0\ne,1,1,0,0,,,Running,0,10,0\n"
    let pods = try OpenbPodList.parse(text: text, file: "pods.csv")
    #expect(pods.map(\.job.priority) == [.online, .production, .batch, .bestEffort, .bestEffort])
  }

  @Test(arguments: 0..<bad.count)
  func badRows(_ i: Int) {
    let (text, line, field, fragment) = Self.bad[i]
    do {
      _ = try OpenbPodList.parse(text: text, file: "pods.csv")
      Issue.record("case \(i) accepted")
    } catch {
      #expect(error.errors.contains { $0.line == line && $0.path == field && $0.message.contains(fragment) }, "case \(i): \(error)")
    }
  }
}
