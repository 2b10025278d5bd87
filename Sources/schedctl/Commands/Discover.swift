import ArgumentParser
import Foundation
import SchedCore
import Yams

extension Schedctl {
  /// `schedctl discover`: the local (or a described) machine's topology.
  struct Discover: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Discover a machine's topology with hwloc (live, XML or synthetic).",
      discussion: """
        Formats: tree (indented, like lstopo), json and yaml (the Topology value), node (a \
        SchedCore node entry ready to paste under `nodes:` in a cluster file).

        Examples:
          schedctl discover
          schedctl discover --xml ../shared/data/hwloc-xml/power8gpudistances.xml --format node
          schedctl discover --synthetic "pack:2 numa:2 core:8 pu:2" --format json
        """)

    @Option(help: "Read an hwloc XML export instead of the live machine.")
    var xml: String?

    @Option(help: "Use an hwloc synthetic description, e.g. 'pack:2 numa:2 core:8 pu:2'.")
    var synthetic: String?

    @Option(help: "tree, json, yaml or node.")
    var format: DiscoverFormat = .tree

    func validate() throws {
      if xml != nil && synthetic != nil { throw ValidationError("give --xml or --synthetic, not both") }
    }

    func run() throws {
      let source: TopologySource = xml.map { .xml(path: $0) } ?? synthetic.map { .synthetic($0) } ?? .live
      if let xml, !FileManager.default.fileExists(atPath: xml) {
        FileHandleOutput.standardError.write("\(xml): no such file\n")
        throw ExitCode(2)
      }
      let topo: Topology
      do { topo = try Topology.load(source) } catch {
        FileHandleOutput.standardError.write("\(error)\n")
        throw ExitCode(2)
      }
      switch format {
      case .tree: print(Self.tree(topo))
      case .json:
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try enc.encode(topo), as: UTF8.self))
      case .yaml: print(try YAMLEncoder().encode(topo))
      case .node: print(Self.nodeYAML(topo))
      }
    }

    static func tree(_ t: Topology) -> String {
      var out = ["Machine (\(t.memoryBytes / (1 << 20)) MiB total)"]
      for p in t.packages {
        out.append("  Package L#\(p.index)")
        for n in p.numaNodes { out.append("    NUMANode L#\(n) (\(t.numaNodes[n].memoryBytes / (1 << 20)) MiB)") }
        for c in p.cores {
          let core = t.cores[c]
          out.append("    Core L#\(c) (OS \(core.osIndex), NUMA \(core.numaNode.map(String.init) ?? "-"))  PUs "
                     + core.pus.map { "P#\($0)" }.joined(separator: " "))
        }
      }
      let orphan = t.cores.filter { $0.package == nil }
      for c in orphan { out.append("  Core L#\(c.index)  PUs " + c.pus.map { "P#\($0)" }.joined(separator: " ")) }
      for l in 1...5 {
        let cs = t.caches.filter { $0.level == l && !$0.instruction }
        if !cs.isEmpty { out.append("  L\(l) caches: \(cs.count) × \(cs[0].sizeBytes / 1024) KiB") }
      }
      for d in t.pciDevices {
        out.append(String(format: "  PCI %@ %04x:%04x class %04x  NUMA %@", d.busID, d.vendorID, d.deviceID, d.classID,
                          d.numaNodes.map(String.init).joined(separator: ",")))
      }
      for d in t.osDevices {
        out.append("  \(d.kind.rawValue)(\(d.subtype ?? "-")) \"\(d.name)\"  NUMA \(d.numaNodes.map(String.init).joined(separator: ","))"
                   + (d.info["GPUModel"].map { "  \($0)" } ?? ""))
      }
      if let dist = t.distances {
        out.append("  NUMA distances:")
        for row in dist { out.append("    " + row.map { String($0) }.joined(separator: " ")) }
      }
      return out.joined(separator: "\n")
    }

    static func nodeYAML(_ t: Topology) -> String {
      let (node, unknown) = t.node(id: "local", site: 0, catalog: .builtin)
      var lines = ["- id: local", "  site: SITE   # set to a site id of your cluster file",
                   "  cpu: {sockets: \(node.sockets), milli_cpu: \(node.milliCPU)}",
                   "  memory_mib: \(node.memoryMiB)"]
      if let a = node.accelerator {
        lines.append("  accelerators: {model: \(DeviceCatalog.builtin[a.model].name), count: \(a.count)}")
      }
      lines.append("  numa:")
      for d in node.numa.domains {
        lines.append("    - {cores: [\(d.cores.map(String.init).joined(separator: ", "))], devices: [\(d.devices.map(String.init).joined(separator: ", "))], memory_mib: \(d.memoryMiB)}")
      }
      for u in unknown { lines.append("  # unrecognised accelerator left out: \(u)") }
      return lines.joined(separator: "\n")
    }
  }

  /// `schedctl exec`: run a command bound to cores and a NUMA memory node.
  struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run a command bound to the given cores (and NUMA memory node).",
      discussion: """
        Binds itself with hwloc (CPU) and libnuma (memory), then execs the command, which \
        inherits the binding. Cores are logical core indices of the live machine.

        Examples:
          schedctl exec --cores 0-1 -- stress --cpu 2
          schedctl exec --cores 0 --numa 0 -- cat /proc/self/status
        """)

    @Option(help: "Cores, e.g. 0-3,8.")
    var cores: String

    @Option(help: "NUMA node for memory allocations.")
    var numa: Int?

    @Argument(parsing: .captureForPassthrough, help: "-- COMMAND ARGS...")
    var command: [String] = []

    var commandLine: [String] { command.first == "--" ? Array(command.dropFirst()) : command }

    func validate() throws {
      guard Binding.parseList(cores) != nil else { throw ValidationError("--cores: expected a list like 0-3,8, got '\(cores)'") }
      if let numa, numa < 0 { throw ValidationError("--numa: expected a node number ≥ 0, got \(numa)") }
      guard !commandLine.isEmpty else { throw ValidationError("give the command after --") }
    }

    func run() throws {
      guard let list = Binding.parseList(cores) else { throw ExitCode(2) }
      do {
        try Binding.exec(command: commandLine, cores: list, numa: numa)
      } catch {
        FileHandleOutput.standardError.write("schedctl exec: \(error)\n")
        throw ExitCode(2)
      }
    }
  }
}

enum DiscoverFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
  case tree, json, yaml, node
}
