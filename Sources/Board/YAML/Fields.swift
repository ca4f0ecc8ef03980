import Yams

/// The entries of one mapping in a board file, checked against its schema when read:
/// keys that are not names, duplicate keys, unknown keys (with the nearest known key as a
/// suggestion) and missing required keys are all reported at once.
struct Fields {
  private let owner: YAMLValue
  private var values: [String: YAMLValue] = [:]

  init(mapping: Node.Mapping, of owner: YAMLValue, schema: MappingSchema) {
    self.owner = owner
    var firstSeen: [String: SourceLocation] = [:]
    // A misspelt key is one mistake: its "did you mean" covers the required key it misses.
    var suggested: Set<String> = []
    for (keyNode, valueNode) in mapping {
      let keyLocation = SourceLocation(keyNode.mark)
      guard let key = keyNode.scalar?.string else {
        owner.diagnostics.report(
          "\(owner.subject): expected a key name, found \(YAMLValue.describe(keyNode)) as a key", at: keyLocation)
        continue
      }
      // Yams 5 keeps every pair of a mapping, so duplicates are found here. (Yams 6 throws
      // duplicatedKeysInMapping itself; Package.swift asks for 5.x.)
      if let first = firstSeen[key] {
        owner.diagnostics.report(
          "\(owner.subject): duplicate key '\(key)' (first given at line \(first.line)); keep one of them",
          at: keyLocation)
        continue
      }
      firstSeen[key] = keyLocation
      guard schema.keys.contains(key) else {
        let nearest = EditDistance.nearest(to: key, among: schema.keys)
        if let nearest { suggested.insert(nearest) }
        owner.diagnostics.report(Fields.unknownKeyMessage(key, nearest: nearest, in: owner, schema: schema), at: keyLocation)
        continue
      }
      let childPath = owner.path.isEmpty ? key : "\(owner.path).\(key)"
      values[key] = YAMLValue(node: valueNode, path: childPath, diagnostics: owner.diagnostics, keyLocation: keyLocation)
    }
    for key in schema.required where firstSeen[key] == nil && !suggested.contains(key) {
      owner.diagnostics.report(
        "\(owner.subject): missing required key '\(key)'", at: owner.keyLocation ?? owner.location)
    }
  }

  /// The value of a required key; nil when it is missing (already reported).
  subscript(key: String) -> YAMLValue? {
    values[key]
  }

  /// The value of an optional key; nil when it is absent or null.
  func optional(_ key: String) -> YAMLValue? {
    guard let value = values[key], !value.isNull else { return nil }
    return value
  }

  private static func unknownKeyMessage(
    _ key: String, nearest: String?, in owner: YAMLValue, schema: MappingSchema
  ) -> String {
    let prefix = "\(owner.subject): unknown key '\(key)'"
    if key == "<<" {
      return "\(owner.subject): YAML merge keys (<<) are not supported; write the keys out, or alias a whole value with *name"
    }
    if let nearest {
      return "\(prefix); did you mean '\(nearest)'?"
    }
    let homes = BoardSchema.sections.filter { $0.schema.keys.contains(key) && $0.schema.name != schema.name }
    if !homes.isEmpty {
      return "\(prefix); '\(key)' belongs under \(YAMLValue.list(homes.map(\.path)))"
    }
    return "\(prefix); expected one of: \(schema.keys.joined(separator: ", "))"
  }
}
