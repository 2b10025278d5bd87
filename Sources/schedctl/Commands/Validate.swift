import ArgumentParser
import SchedCore

extension Schedctl {
  /// `schedctl validate FILE`: check a cluster file and report every problem.
  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a cluster file; print OK or every error with file:line:column and field.",
      discussion: """
        FILE is a cluster YAML file, openb:PATH (Alibaba openb node list), pai:PATH (PAI
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
