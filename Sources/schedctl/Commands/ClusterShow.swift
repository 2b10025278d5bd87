import ArgumentParser
import Foundation
import SchedCore

extension Schedctl {
  /// `schedctl cluster show`: the cluster by site and device kind.
  struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "cluster",
      abstract: "Inspect clusters.",
      subcommands: [Show.self])

    struct Show: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Show a cluster by site and device kind (default: the embedded reference).",
        discussion: """
          Per site: tier, PUE, green share, rings, nodes, and per device kind the devices, \
          peak PFLOPS FP16 and FP64 and the domestic share; then totals.

          Examples:
            schedctl cluster show
            schedctl cluster show cluster.yaml --format json
            schedctl cluster show openb:../shared/data/openb/openb_node_list_gpu_node.csv
          """)

      @Argument(help: "Cluster file, openb:PATH, pai:PATH or reference.")
      var file: String = "reference"

      @Option(help: "table or json.")
      var format: OutputFormat = .table

      func run() throws {
        let cluster = try loadCluster(file)
        let summary = ClusterSummary(cluster)
        switch format {
        case .table: print(summary.table())
        case .json:
          let enc = JSONEncoder()
          enc.outputFormatting = [.prettyPrinted, .sortedKeys]
          print(String(decoding: try enc.encode(summary), as: UTF8.self))
        }
      }
    }
  }
}
