import ArgumentParser

extension Schedctl {
  /// The subcommands, in the order `--help` lists them.
  static let allSubcommands: [any ParsableCommand.Type] = [
    Validate.self,
    ClusterCommand.self,
    Place.self,
    Simulate.self,
    Experiment.self,
    Bench.self,
    Compare.self,
    Discover.self,
    Exec.self,
  ]
}
