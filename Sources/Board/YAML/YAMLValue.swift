import Yams

/// A node of a board file together with its path (`switch.link_width`, `flash.regions[1]`),
/// which names it in messages, and the diagnostics its readers report to.
///
/// Readers (`integer(in:)`, `size(...)`, `fields(_:)`, ...) return nil after reporting why
/// the value is not what was expected, so a decoder can read every field, collect every
/// mistake, and build its result only when all fields came back.
///
/// Scalars are read by their text: quoting never changes what a value means, except that
/// a quoted `"null"` is the string null and not an absent value.
struct YAMLValue {
  let node: Node
  let path: String
  let diagnostics: Diagnostics
  /// Where the key that introduced this value is, when there is one. Messages about the
  /// whole mapping (a missing key) point there: at `switch:` rather than at its first entry.
  let keyLocation: SourceLocation?

  init(node: Node, path: String, diagnostics: Diagnostics, keyLocation: SourceLocation? = nil) {
    self.node = node
    self.path = path
    self.diagnostics = diagnostics
    self.keyLocation = keyLocation
    diagnostics.record(SourceLocation(node.mark), for: path)
    if let keyLocation { diagnostics.recordKey(keyLocation, for: path) }
  }

  var location: SourceLocation { SourceLocation(node.mark) }

  /// How messages name this value: its path, or "the board file" for the document itself.
  var subject: String { path.isEmpty ? "the board file" : path }

  /// Reports "`path`: expected `expectation`, found `what this is`[; `hint`]" and returns nil.
  func mismatch<T>(expected expectation: String, hint: String? = nil) -> T? {
    report("expected \(expectation), found \(found)" + (hint.map { "; \($0)" } ?? ""))
    return nil
  }

  /// Reports "`path`: expected `expectation`, found `the text as written`[; `hint`]" and
  /// returns nil: for a value of the right kind that breaks a rule (out of range, misaligned).
  func outOfRange<T>(expected expectation: String, hint: String? = nil) -> T? {
    report("expected \(expectation), found \(text ?? found)" + (hint.map { "; \($0)" } ?? ""))
    return nil
  }

  /// Reports "`path`: `message`" at this value.
  func report(_ message: String) {
    diagnostics.report("\(subject): \(message)", at: location)
  }

  // MARK: - What the value is

  /// The scalar's text, or nil for a mapping or a list.
  var text: String? { node.scalar?.string }

  var isNull: Bool { Self.isNull(node) }

  /// What the value is, in the words of a message: `string "abc"`, `integer 9`, `a list`.
  var found: String { Self.describe(node) }

  /// A plain `null`, `~` or nothing at all, with no explicit tag.
  static func isNull(_ node: Node) -> Bool {
    guard let scalar = node.scalar, !isQuoted(scalar) else { return false }
    return ["", "~", "null", "Null", "NULL"].contains(scalar.string) && scalar.tag.description.isEmpty
  }

  static func describe(_ node: Node) -> String {
    switch node {
    case .mapping(let mapping): return mapping.isEmpty ? "an empty mapping" : "a mapping"
    case .sequence(let sequence): return sequence.isEmpty ? "an empty list" : "a list of \(sequence.count)"
    case .scalar(let scalar):
      if isNull(node) { return scalar.string.isEmpty ? "nothing" : "null" }
      if !isQuoted(scalar) {
        if ["true", "True", "TRUE", "false", "False", "FALSE"].contains(scalar.string) {
          return "boolean \(scalar.string)"
        }
        if QuantityParsing.integer(scalar.string) != nil { return "integer \(scalar.string)" }
        if QuantityParsing.decimal(scalar.string) != nil { return "number \(scalar.string)" }
      }
      return "string \"\(scalar.string)\""
    }
  }

  /// Quoted, literal (`|`) and folded (`>`) scalars are always strings.
  private static func isQuoted(_ scalar: Node.Scalar) -> Bool {
    !(scalar.style == .plain || scalar.style == .any)
  }

  // MARK: - Containers

  /// The items of a list, each named `path[index]`.
  func list() -> [YAMLValue]? {
    guard case .sequence(let sequence) = node else { return mismatch(expected: "a list") }
    return sequence.enumerated().map { index, item in
      YAMLValue(node: item, path: "\(path)[\(index)]", diagnostics: diagnostics)
    }
  }

  /// The entries of a mapping, checked against `schema`: see `Fields`.
  func fields(_ schema: MappingSchema) -> Fields? {
    guard case .mapping(let mapping) = node else {
      return mismatch(expected: "a mapping with the keys \(schema.keys.joined(separator: ", "))")
    }
    return Fields(mapping: mapping, of: self, schema: schema)
  }
}
