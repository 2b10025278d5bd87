import ArgumentParser
import SchedCore

#if canImport(Glibc)
import Glibc
#endif

/// `schedctl`: a thin command-line interface over SchedCore.
///
/// Every subcommand parses its arguments, calls the library and formats the
/// result. Bad arguments and malformed files exit with status 2 and a message
/// naming the file, line and field.
@main
struct Schedctl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "schedctl",
    abstract: "Heterogeneous compute scheduler for city compute networks.",
    discussion: """
      Examples:
        schedctl simulate                      # a simulated day on the embedded Jing-Jin-Ji cluster
        schedctl cluster show                  # the embedded reference cluster by site and kind
        schedctl validate cluster.yaml
        schedctl place --job job.yaml
        schedctl experiment openb --policy fgd --seeds 42..51
        schedctl bench --nodes 1000,10000
      """,
    version: "0.1.0",
    subcommands: Schedctl.allSubcommands
  )

  /// Runs the command; usage errors and input errors exit with status 2.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Glibc.exit(0)
      }
      let message = fullMessage(for: error)
      if !message.isEmpty {
        FileHandleOutput.standardError.write(message + "\n")
      }
      // Usage and input errors exit 2; explicit ExitCode values pass through.
      if let exit = error as? ExitCode { Glibc.exit(exit.rawValue) }
      Glibc.exit(code == .validationFailure || code == .failure ? 2 : code.rawValue)
    }
  }
}
