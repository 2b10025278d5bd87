extension Topology {
  /// This machine as a SchedCore node: cores, memory, NUMA layout from the
  /// real locality, and accelerators mapped to catalog models when hwloc
  /// names them (the GPUModel info of GPU/co-processor OS devices, matched
  /// against catalog names and aliases; the first recognised model wins,
  /// and only devices of that model are counted; unrecognised GPUs are
  /// reported in `unrecognised` and left out).
  public func node(id: String, site: SiteID, catalog: DeviceCatalog) -> (node: Node, unrecognised: [String]) {
    // One accelerator per PCI device: prefer NVML/RSMI "GPU" devices, else CUDA/OpenCL co-processors.
    var byPCI: [String: OSDevice] = [:]
    var order: [String] = []
    for d in osDevices where d.kind == .gpu || d.kind == .coprocessor {
      let key = d.pciBusID ?? d.name
      if byPCI[key] == nil { order.append(key) }
      if byPCI[key] == nil || (byPCI[key]?.info["GPUModel"] == nil && d.info["GPUModel"] != nil) { byPCI[key] = d }
    }
    var model: DeviceModelID?
    var devices: [(OSDevice, Int)] = []  // device, NUMA node
    var unrecognised: [String] = []
    for key in order {
      guard let d = byPCI[key] else { continue }
      let name = d.info["GPUModel"] ?? ""
      let match = catalog.models.indices.first { i in
        let m = catalog.models[i]
        guard m.kind.isAccelerator, !name.isEmpty else { return false }
        return ([m.name] + m.aliases).contains { name.lowercased().contains($0.lowercased()) }
      }.map { DeviceModelID($0) }
      if let match, model == nil || model == match {
        model = match
        devices.append((d, d.numaNodes.first ?? 0))
      } else {
        unrecognised.append(name.isEmpty ? d.name : "\(d.name) (\(name))")
      }
    }
    let domains = numaNodes.map { n in
      NUMADomain(cores: n.cores.map { Int32($0) },
                 devices: devices.indices.filter { devices[$0].1 == n.index }.map { Int32($0) },
                 memoryMiB: Int64(n.memoryBytes / (1 << 20)))
    }
    let accel = model.map { DeviceGroup(model: $0, count: Int32(devices.count), memoryMiB: catalog[$0].memoryMiB ?? 0) }
    let memMiB = Int64(memoryBytes / (1 << 20))
    let node = Node(id: id, site: site, sockets: Int32(max(1, packages.count)),
                    milliCPU: Int64(max(1, cores.count)) * 1000, memoryMiB: max(1, memMiB), accelerator: accel,
                    numa: domains.isEmpty ? nil : NUMALayout(domains: domains))
    return (node, unrecognised)
  }
}
