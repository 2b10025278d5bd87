import CHwloc

/// The one file that talks to hwloc: loads a topology from the live
/// machine, an XML file or a synthetic description (keeping important I/O
/// devices), converts it to a `Topology` value, and binds processes to CPU
/// sets. Every C call is checked; no C type leaves this file.
enum HwlocTopologyReader {
  static func describe(_ source: TopologySource) -> String {
    switch source {
    case .live: "live machine"
    case .xml(let p): p
    case .synthetic(let d): "synthetic '\(d)'"
    }
  }

  static func read(_ source: TopologySource) throws(TopologyError) -> Topology {
    let name = describe(source)
    var topo: hwloc_topology_t?
    guard hwloc_topology_init(&topo) == 0, let t = topo else {
      throw TopologyError(source: name, message: "hwloc_topology_init failed")
    }
    defer { hwloc_topology_destroy(t) }
    guard hwloc_topology_set_io_types_filter(t, HWLOC_TYPE_FILTER_KEEP_IMPORTANT) == 0 else {
      throw TopologyError(source: name, message: "cannot keep I/O devices (hwloc_topology_set_io_types_filter)")
    }
    switch source {
    case .live:
      break
    case .xml(let path):
      guard hwloc_topology_set_xml(t, path) == 0 else {
        throw TopologyError(source: path, message: "not a readable hwloc XML file")
      }
    case .synthetic(let desc):
      guard hwloc_topology_set_synthetic(t, desc) == 0 else {
        throw TopologyError(source: name, message: "invalid synthetic description (expected e.g. 'pack:2 numa:2 core:8 pu:2')")
      }
    }
    guard hwloc_topology_load(t) == 0 else {
      throw TopologyError(source: name, message: "hwloc could not load the topology")
    }
    return convert(t)
  }

  static func count(_ t: hwloc_topology_t, _ type: hwloc_obj_type_t) -> Int {
    Int(max(0, hwloc_get_nbobjs_by_type(t, type)))
  }

  static func object(_ t: hwloc_topology_t, _ type: hwloc_obj_type_t, _ i: Int) -> hwloc_obj_t? {
    hwloc_get_obj_by_type(t, type, UInt32(i))
  }

  /// Logical indices of NUMA nodes whose CPU sets intersect `set`.
  static func numaNodes(_ t: hwloc_topology_t, intersecting set: hwloc_const_cpuset_t?) -> [Int] {
    guard let set else { return [] }
    var out: [Int] = []
    for i in 0..<count(t, HWLOC_OBJ_NUMANODE) {
      if let n = object(t, HWLOC_OBJ_NUMANODE, i), hwloc_bitmap_intersects(n.pointee.cpuset, set) != 0 { out.append(i) }
    }
    return out
  }

  static func convert(_ t: hwloc_topology_t) -> Topology {
    let nCores = count(t, HWLOC_OBJ_CORE)
    let nNuma = count(t, HWLOC_OBJ_NUMANODE)
    var numa: [Topology.NUMANode] = []
    for i in 0..<nNuma {
      guard let o = object(t, HWLOC_OBJ_NUMANODE, i) else { continue }
      numa.append(Topology.NUMANode(index: i, osIndex: Int(o.pointee.os_index), memoryBytes: o.pointee.attr?.pointee.numanode.local_memory ?? 0, cores: []))
    }
    var cores: [Topology.Core] = []
    for i in 0..<nCores {
      guard let o = object(t, HWLOC_OBJ_CORE, i) else { continue }
      var pus: [Int] = []
      var id = hwloc_bitmap_first(o.pointee.cpuset)
      while id >= 0 {
        pus.append(Int(id))
        id = hwloc_bitmap_next(o.pointee.cpuset, id)
      }
      let pkg = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, o).map { Int($0.pointee.logical_index) }
      let nn = numaNodes(t, intersecting: o.pointee.cpuset).first
      if let nn, nn < numa.count { numa[nn].cores.append(i) }
      cores.append(Topology.Core(index: i, osIndex: Int(o.pointee.os_index), package: pkg, numaNode: nn, pus: pus))
    }
    var packages: [Topology.Package] = []
    for i in 0..<count(t, HWLOC_OBJ_PACKAGE) {
      guard let o = object(t, HWLOC_OBJ_PACKAGE, i) else { continue }
      packages.append(Topology.Package(index: i, cores: cores.filter { $0.package == i }.map(\.index),
                                       numaNodes: numaNodes(t, intersecting: o.pointee.cpuset)))
    }
    var caches: [Topology.Cache] = []
    let cacheTypes: [(hwloc_obj_type_t, Int, Bool)] = [
      (HWLOC_OBJ_L1CACHE, 1, false), (HWLOC_OBJ_L2CACHE, 2, false), (HWLOC_OBJ_L3CACHE, 3, false),
      (HWLOC_OBJ_L4CACHE, 4, false), (HWLOC_OBJ_L5CACHE, 5, false), (HWLOC_OBJ_L1ICACHE, 1, true),
      (HWLOC_OBJ_L2ICACHE, 2, true), (HWLOC_OBJ_L3ICACHE, 3, true),
    ]
    for (type, level, instruction) in cacheTypes {
      for i in 0..<count(t, type) {
        guard let o = object(t, type, i) else { continue }
        let inside = cores.filter { c in
          guard let co = object(t, HWLOC_OBJ_CORE, c.index) else { return false }
          return hwloc_bitmap_isincluded(co.pointee.cpuset, o.pointee.cpuset) != 0
        }.map(\.index)
        caches.append(Topology.Cache(level: level, instruction: instruction,
                                     sizeBytes: o.pointee.attr?.pointee.cache.size ?? 0, cores: inside))
      }
    }
    // I/O: locality is the CPU set of the first non-I/O ancestor.
    func locality(_ o: hwloc_obj_t) -> [Int] {
      guard let a = hwloc_get_non_io_ancestor_obj(t, o) else { return [] }
      return numaNodes(t, intersecting: a.pointee.cpuset)
    }
    func busID(_ o: hwloc_obj_t) -> String {
      guard let p = o.pointee.attr?.pointee.pcidev else { return "" }
      func hex(_ v: UInt32, _ w: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, w - s.count)) + s
      }
      return "\(hex(UInt32(p.domain), 4)):\(hex(UInt32(p.bus), 2)):\(hex(UInt32(p.dev), 2)).\(hex(UInt32(p.func), 1))"
    }
    var pci: [Topology.PCIDevice] = []
    for i in 0..<count(t, HWLOC_OBJ_PCI_DEVICE) {
      guard let o = object(t, HWLOC_OBJ_PCI_DEVICE, i), let p = o.pointee.attr?.pointee.pcidev else { continue }
      pci.append(Topology.PCIDevice(busID: busID(o), vendorID: p.vendor_id, deviceID: p.device_id,
                                    classID: p.class_id, numaNodes: locality(o)))
    }
    var osdevs: [Topology.OSDevice] = []
    for i in 0..<count(t, HWLOC_OBJ_OS_DEVICE) {
      guard let o = object(t, HWLOC_OBJ_OS_DEVICE, i) else { continue }
      let kind: Topology.OSDeviceKind
      switch o.pointee.attr?.pointee.osdev.type {
      case HWLOC_OBJ_OSDEV_GPU: kind = .gpu
      case HWLOC_OBJ_OSDEV_COPROC: kind = .coprocessor
      case HWLOC_OBJ_OSDEV_NETWORK: kind = .network
      case HWLOC_OBJ_OSDEV_OPENFABRICS: kind = .openFabrics
      case HWLOC_OBJ_OSDEV_BLOCK: kind = .block
      case HWLOC_OBJ_OSDEV_DMA: kind = .dma
      default: kind = .other
      }
      var info: [String: String] = [:]
      if let infos = o.pointee.infos {
        for k in 0..<Int(o.pointee.infos_count) {
          if let n = infos[k].name, let v = infos[k].value { info[String(cString: n)] = String(cString: v) }
        }
      }
      var pciParent: String?
      var p = o.pointee.parent
      while let q = p {
        if q.pointee.type == HWLOC_OBJ_PCI_DEVICE { pciParent = busID(q); break }
        if q.pointee.type != HWLOC_OBJ_OS_DEVICE && q.pointee.type != HWLOC_OBJ_BRIDGE { break }
        p = q.pointee.parent
      }
      osdevs.append(Topology.OSDevice(
        name: o.pointee.name.map { String(cString: $0) } ?? "os\(i)", kind: kind,
        subtype: o.pointee.subtype.map { String(cString: $0) }, info: info, pciBusID: pciParent,
        numaNodes: locality(o)))
    }
    var distances: [[UInt64]]?
    var nr: UInt32 = 1
    var dist: UnsafeMutablePointer<hwloc_distances_s>?
    if hwloc_distances_get_by_type(t, HWLOC_OBJ_NUMANODE, &nr, &dist, 0, 0) == 0, nr >= 1, let d = dist {
      let n = Int(d.pointee.nbobjs)
      if n == numa.count, let values = d.pointee.values {
        distances = (0..<n).map { i in (0..<n).map { j in values[i * n + j] } }
      }
      hwloc_distances_release(t, d)
    }
    let memory = numa.reduce(UInt64(0)) { $0 + $1.memoryBytes }
    return Topology(packages: packages, numaNodes: numa, caches: caches, cores: cores,
                    puCount: count(t, HWLOC_OBJ_PU), pciDevices: pci, osDevices: osdevs, distances: distances,
                    memoryBytes: memory)
  }

  /// Binds the calling process to the given OS PU indices (inherited across exec).
  static func bindProcess(toPUs pus: [Int]) throws(TopologyError) {
    var topo: hwloc_topology_t?
    guard hwloc_topology_init(&topo) == 0, let t = topo else {
      throw TopologyError(source: "live machine", message: "hwloc_topology_init failed")
    }
    defer { hwloc_topology_destroy(t) }
    guard hwloc_topology_load(t) == 0 else { throw TopologyError(source: "live machine", message: "cannot load the topology") }
    guard let set = hwloc_bitmap_alloc() else { throw TopologyError(source: "live machine", message: "out of memory") }
    defer { hwloc_bitmap_free(set) }
    for p in pus { hwloc_bitmap_set(set, UInt32(p)) }
    guard hwloc_set_cpubind(t, set, Int32(HWLOC_CPUBIND_PROCESS.rawValue)) == 0 else {
      throw TopologyError(source: "live machine", message: "hwloc_set_cpubind failed for PUs \(pus)")
    }
  }
}
