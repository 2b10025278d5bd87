/// An immutable description of a compute network: device catalog, sites,
/// latency network and nodes. Built from a spec file, an importer or the
/// embedded reference; the mutable state lives in `ClusterState`.
public struct Cluster: Sendable {
  /// Cluster name, as given by the cluster file or importer (for reports).
  public var name: String
  /// Device models the nodes and requests refer to, by `DeviceModelID`.
  public var catalog: DeviceCatalog
  /// Sites in id order (`sites[Int(siteID)]`); each is also a location of `network`.
  public private(set) var sites: [Site]
  /// Access points, sites, links and rings, with all-pairs shortest latencies.
  public private(set) var network: LatencyNetwork
  /// Nodes in id order (`nodes[Int(nodeID)]`); each names its site by `SiteID`.
  public private(set) var nodes: [Node]
  /// For each site, its location index in `network`.
  public private(set) var siteLocation: [Int]
  private var siteIndex: [String: SiteID]
  private var nodeIndex: [String: NodeID]

  /// Assembles a cluster. Sites without a location of their own in `network`
  /// get `-1` in `siteLocation` (latency-bounded jobs never go there).
  public init(name: String, catalog: DeviceCatalog, sites: [Site], network: LatencyNetwork,
              nodes: [Node]) {
    self.name = name
    self.catalog = catalog
    self.sites = sites
    self.network = network
    self.nodes = nodes
    var si: [String: SiteID] = [:]
    for (i, s) in sites.enumerated() where si[s.id] == nil { si[s.id] = SiteID(i) }
    siteIndex = si
    var ni: [String: NodeID] = [:]
    ni.reserveCapacity(nodes.count)
    for (i, n) in nodes.enumerated() where ni[n.id] == nil { ni[n.id] = NodeID(i) }
    nodeIndex = ni
    siteLocation = sites.map { network.index(of: $0.id) ?? -1 }
  }

  /// The id of the site whose `Site.id` is `id` (the first one if repeated), or nil.
  public func siteID(named id: String) -> SiteID? { siteIndex[id] }
  /// The id of the node whose `Node.id` is `id` (the first one if repeated), or nil.
  public func nodeID(named id: String) -> NodeID? { nodeIndex[id] }

  /// The site `node` belongs to.
  @inlinable
  public func site(of node: Node) -> Site { sites[Int(node.site)] }

  /// The accelerator model of `node`, if any.
  public func acceleratorModel(of node: Node) -> DeviceModel? {
    node.accelerator.map { catalog[$0.model] }
  }

  /// Total accelerator count over all nodes.
  public var acceleratorCount: Int {
    nodes.reduce(0) { $0 + Int($1.acceleratorCount) }
  }
}
