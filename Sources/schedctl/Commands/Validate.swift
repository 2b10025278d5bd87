import ArgumentParser
import SchedCore

extension Schedctl {
  /// `schedctl validate FILE`: check a cluster file and report every problem.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a cluster file; print OK or every error with file:line:column and field.",
      discussion: """
        FILE is a cluster YAML file, openb:PATH (Alibaba openb node list), pai:PATH (PAI \
        machine list) or `reference` (the embedded Jing-Jin-Ji cluster). Exit status 2 on errors.

        Examples:
          schedctl validate cluster.yaml
          schedctl validate openb:../shared/data/openb/openb_node_list_gpu_node.csv
        """)

    @Argument(help: "Cluster file, openb:PATH, pai:PATH or reference.")
    var file: String

    func run() throws {
      let cluster = try loadCluster(file)
      let sites = cluster.sites.count
      print("OK: \(cluster.nodes.count) nodes, \(sites) site\(sites == 1 ? "" : "s"), \(cluster.acceleratorCount) accelerators")
    }
  }
}

/// Loads `--cluster`-style arguments; on errors prints them all to stderr and exits 2.
func loadCluster(_ argument: String) throws -> Cluster {
  do {
    return try ClusterSource.load(argument)
  } catch {
    for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
    throw ExitCode(2)
  }
}

/// The profile from `--profile FILE` when given, else the named `--policy`;
/// errors go to stderr with exit status 2.
func resolveProfile(policy: String, file: String?, seed: UInt64) throws -> Profile {
  if let file {
    do { return try ProfileSpec.load(path: file) } catch {
      for e in error.errors { FileHandleOutput.standardError.write(e.description + "\n") }
      throw ExitCode(2)
    }
  }
  guard let p = Profile.named(policy, seed: seed) else {
    FileHandleOutput.standardError.write("--policy: unknown policy '\(policy)'\n")
    throw ExitCode(2)
  }
  return p
}
