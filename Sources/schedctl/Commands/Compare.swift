import ArgumentParser
import Foundation
import SchedCore

extension Schedctl {
  /// `schedctl compare`: a regression gate over two JSON results.
  struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare two simulate/experiment/bench JSON results; exit 1 when a metric got worse.",
      discussion: """
        Every numeric field is compared (arrays longer than 64 items — time series, per-job \
        lists — are skipped). The direction is known per metric name: waits, slowdowns, \
        latencies (…Nanos), makespan, failures, rejections, preemptions, energy and \
        fragmentation should go down; placements/s, allocation, utilization, domestic share \
        and finished/placed counts should go up. Unknown metrics are shown but never fail.

        Examples:
          schedctl compare baseline.json current.json
          schedctl compare base.json cur.json --tolerance 5% --metric placementsPerSecond --metric p99Nanos
        """)

    @Argument(help: "Baseline JSON.") var baseline: String
    @Argument(help: "Current JSON.") var current: String

    @Option(help: "Allowed relative worsening, e.g. 2%.")
    var tolerance: String = "2%"

    @Option(name: .customLong("metric"), help: "Only metrics whose path contains this (repeatable).")
    var metrics: [String] = []

    var toleranceValue: Double? {
      let t = tolerance.hasSuffix("%") ? String(tolerance.dropLast()) : tolerance
      guard let v = Double(t), v.isFinite, v >= 0 else { return nil }
      return v / 100
    }

    func validate() throws {
      guard toleranceValue != nil else { throw ValidationError("--tolerance: expected a percentage like 2%, got '\(tolerance)'") }
    }

    func run() throws {
      let a = try Self.flatten(file: baseline), b = try Self.flatten(file: current)
      guard let tol = toleranceValue else { throw ExitCode(2) }
      var worse = 0
      print("metric".padding(toLength: 48, withPad: " ", startingAt: 0) + "baseline".leftPad(14) + "current".leftPad(14)
            + "change".leftPad(10) + "  verdict")
      for key in a.keys.sorted() {
        guard let old = a[key], let new = b[key] else { continue }
        if !metrics.isEmpty && !metrics.contains(where: { key.contains($0) }) { continue }
        let change = old != 0 ? (new - old) / abs(old) : (new == 0 ? 0 : .infinity)
        let dir = Self.direction(key)
        var verdict = "·"
        if dir != 0 && change != 0 {
          let bad = dir > 0 ? change < -tol : change > tol
          let good = dir > 0 ? change > 0 : change < 0
          verdict = bad ? "WORSE" : (good ? "better" : "within tolerance")
          if bad { worse += 1 }
        }
        if change != 0 || verdict != "·" {
          print(key.padding(toLength: 48, withPad: " ", startingAt: 0) + String(format: "%14.4g%14.4g%9.1f%%", old, new,
                                                                                 change.isFinite ? change * 100 : 999) + "  \(verdict)")
        }
      }
      print(worse == 0 ? "no regressions beyond \(tolerance)" : "\(worse) metric(s) worse beyond \(tolerance)")
      if worse > 0 { throw ExitCode(1) }
    }

    /// +1 when higher is better, −1 when lower is better, 0 when unknown.
    static func direction(_ key: String) -> Int {
      let k = key.lowercased()
      let last = k.split(separator: ".").last.map(String.init) ?? k
      for up in ["placementspersecond", "allocated", "utilization", "domesticshare", "finished", "placed"] where last.contains(up) {
        return 1
      }
      for down in ["wait", "slowdown", "nanos", "makespan", "failed", "rejected", "preempt", "energy", "fragmentation",
                   "wallseconds", "queued"] where k.contains(down) {
        return -1
      }
      return 0
    }

    static func flatten(file: String) throws -> [String: Double] {
      guard let data = FileManager.default.contents(atPath: file) else {
        FileHandleOutput.standardError.write("\(file): cannot read the file\n")
        throw ExitCode(2)
      }
      let any: Any
      do { any = try JSONSerialization.jsonObject(with: data) } catch {
        FileHandleOutput.standardError.write("\(file): not JSON (\(error.localizedDescription))\n")
        throw ExitCode(2)
      }
      var out: [String: Double] = [:]
      func walk(_ v: Any, _ path: String) {
        if let d = v as? [String: Any] {
          for (k, x) in d { walk(x, path.isEmpty ? k : "\(path).\(k)") }
        } else if let a = v as? [Any] {
          guard a.count <= 64 else { return }
          for (i, x) in a.enumerated() { walk(x, "\(path)[\(i)]") }
        } else if !(v is Bool), let n = v as? NSNumber {
          out[path] = n.doubleValue
        }
      }
      walk(any, "")
      return out
    }
  }
}
