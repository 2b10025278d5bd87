import ArgumentParser
import SchedCore

/// Options shared by commands that place work on a cluster.
struct PlacementOptions: ParsableArguments {
  @Option(help: "Cluster: reference, FILE.yaml, openb:PATH or pai:PATH.")
  var cluster: String = "reference"

  @Option(help: "Placement policy: \(Profile.names.joined(separator: ", ")).")
  var policy: String = "default"

  @Option(help: "Profile YAML (scorers, weights, tie-break); replaces --policy.")
  var profile: String?

  func validate() throws {
    guard Profile.named(policy) != nil else {
      throw ValidationError("--policy: unknown policy '\(policy)' (known: \(Profile.names.joined(separator: ", ")))")
    }
  }

  /// The cluster, or exit 2 with every error.
  func loadedCluster() throws -> Cluster { try loadCluster(cluster) }

  /// The profile from --profile, else --policy.
  func resolved(seed: UInt64) throws -> Profile { try resolveProfile(policy: policy, file: profile, seed: seed) }
}
