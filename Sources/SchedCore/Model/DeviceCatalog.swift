/// The set of device models a cluster can refer to, with dense integer ids.
///
/// Lookups are by name or alias, case-insensitively. The built-in catalog
/// (`DeviceCatalog.builtin`) covers common Chinese and foreign devices; a
/// cluster file extends it with its own entries.
public struct DeviceCatalog: Sendable {
  /// Models in id order: `models[Int(id)]`.
  public private(set) var models: [DeviceModel]
  private var index: [String: DeviceModelID]

  /// An empty catalog.
  public init() {
    models = []
    index = [:]
  }

  /// A catalog holding `models`; later entries replace earlier ones with the
  /// same name.
  public init(_ models: [DeviceModel]) {
    self.init()
    for m in models { _ = upsert(m) }
  }

  /// Adds `model`, or replaces the entry with the same name. Returns its id.
  @discardableResult
  public mutating func upsert(_ model: DeviceModel) -> DeviceModelID {
    let key = model.name.lowercased()
    if let id = index[key] {
      models[Int(id)] = model
      for a in model.aliases { index[a.lowercased()] = id }
      return id
    }
    let id = DeviceModelID(models.count)
    models.append(model)
    index[key] = id
    for a in model.aliases where index[a.lowercased()] == nil { index[a.lowercased()] = id }
    return id
  }

  /// The id of the model named `name` (or with that alias), case-insensitive.
  ///
  /// - Complexity: O(1) expected.
  public func id(named name: String) -> DeviceModelID? {
    index[name.lowercased()]
  }

  /// The model with the given name or alias.
  public func model(named name: String) -> DeviceModel? {
    id(named: name).map { models[Int($0)] }
  }

  /// The model with id `id`.
  @inlinable
  public subscript(id: DeviceModelID) -> DeviceModel { models[Int(id)] }

  /// Number of models.
  public var count: Int { models.count }
}
