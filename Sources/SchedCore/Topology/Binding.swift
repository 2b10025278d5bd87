#if canImport(Glibc)
import Glibc
#endif

/// Running a command bound to chosen cores and a memory node, the way Slurm
/// binds tasks with hwloc.
public enum Binding {
  /// Parses a core list like "0-3,8,10-11" into sorted, distinct indices.
  public static func parseList(_ text: String) -> [Int]? {
    var out: Set<Int> = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let b = part.split(separator: "-", omittingEmptySubsequences: false)
      guard b.count == 1 || b.count == 2, let lo = Int(b[0]), let hi = Int(b[b.count - 1]), lo >= 0, lo <= hi,
            hi < 1 << 20 else { return nil }
      out.formUnion(lo...hi)
    }
    return out.isEmpty ? nil : out.sorted()
  }

  /// Binds this process to the PUs of `cores` (logical core indices of the
  /// live topology) and, if given, its memory to NUMA node `numa`; the
  /// binding is inherited by a command started with exec.
  public static func bindCurrentProcess(cores: [Int], numa: Int?) throws(TopologyError) {
    let topo = try Topology.load(.live)
    var pus: [Int] = []
    for c in cores {
      guard c < topo.cores.count else {
        throw TopologyError(source: "live machine", message: "core \(c) does not exist (cores 0...\(topo.cores.count - 1))")
      }
      pus += topo.cores[c].pus
    }
    if let numa { try NumaBinding.bindMemory(toNode: numa) }
    try HwlocTopologyReader.bindProcess(toPUs: pus)
  }

  /// Binds, then replaces this process with `command` (searched in PATH).
  /// Returns only on failure.
  public static func exec(command: [String], cores: [Int], numa: Int?) throws(TopologyError) -> Never {
    try bindCurrentProcess(cores: cores, numa: numa)
    guard let first = command.first else { throw TopologyError(source: "exec", message: "no command given") }
    var argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) }
    argv.append(nil)
    execvp(first, &argv)
    throw TopologyError(source: first, message: "cannot execute: \(String(cString: strerror(errno)))")
  }
}
