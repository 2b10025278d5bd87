/// Filter `price-ceiling`: the site's device-hour price for the node's
/// accelerator (core-hour price for CPU-only tasks) must not exceed the
/// job's ceiling.
enum PriceCeilingFilter {
  static func check(_ c: NodeClass, _ r: GroupRequirement, _ job: Job) -> String? {
    guard let ceiling = job.priceCeiling else { return nil }
    let price = r.needsDevice ? c.devicePrice : c.coreHourPrice
    return price <= ceiling ? nil : "price \(price)/h > ceiling \(ceiling)/h"
  }
}
