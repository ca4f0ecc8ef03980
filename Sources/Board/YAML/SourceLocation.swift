import Yams

/// A 1-based line and column in a board file.
struct SourceLocation: Comparable, Hashable {
  var line: Int
  var column: Int

  static let startOfFile = SourceLocation(line: 1, column: 1)

  /// Yams 5 marks are already 1-based (its parser adds 1 to libyaml's 0-based marks), so
  /// they pass through unchanged. Nodes built by the parser always carry a mark.
  init(_ mark: Mark?) {
    self.init(line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
    (lhs.line, lhs.column) < (rhs.line, rhs.column)
  }
}
