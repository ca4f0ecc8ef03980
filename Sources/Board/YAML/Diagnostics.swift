/// Collects the errors found in one board file, with the location of every value read so
/// later checks that span several values can point at the right one.
final class Diagnostics {
  let file: String
  private var errors: [(location: SourceLocation, message: String)] = []
  /// Where each value was read, by its path in the file (`flash.regions[1].offset`).
  private(set) var locations: [String: SourceLocation] = [:]
  /// Where the key of each value read from a mapping is, by the value's path.
  private var keyLocations: [String: SourceLocation] = [:]

  init(file: String) {
    self.file = file
  }

  var isEmpty: Bool { errors.isEmpty }

  func report(_ message: String, at location: SourceLocation) {
    errors.append((location, message))
  }

  /// Reports `message` at the value read from `path` (the start of the file if it was not read).
  func report(_ message: String, atPath path: String) {
    report(message, at: location(of: path))
  }

  func record(_ location: SourceLocation, for path: String) {
    locations[path] = location
  }

  func recordKey(_ location: SourceLocation, for path: String) {
    keyLocations[path] = location
  }

  /// Reports `message` at the key of the value read from `path` (`regions:` rather than its
  /// first item), for mistakes about a whole list or mapping.
  func report(_ message: String, atKeyOf path: String) {
    report(message, at: keyLocations[path] ?? location(of: path))
  }

  func location(of path: String) -> SourceLocation {
    locations[path] ?? .startOfFile
  }

  /// All errors in file order, the first carrying the others; nil when there are none.
  func combinedError() -> BoardError? {
    // A stable sort keeps errors at the same place in the order they were found.
    let ordered = errors.enumerated()
      .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
      .map { BoardError(file: file, line: $0.element.location.line, column: $0.element.location.column, message: $0.element.message) }
    guard var first = ordered.first else { return nil }
    first.additionalErrors = Array(ordered.dropFirst())
    return first
  }
}
