import Foundation

/// Why a board file was refused, and where.
///
/// `line` and `column` are 1-based, as editors and compilers count them, and point at the
/// offending key or value. An error about the file as a whole (it cannot be read) has
/// line and column 0 and is printed without them.
///
/// A file with several mistakes is refused with one `BoardError` for the first of them in
/// file order; the rest ride along in `additionalErrors`, so printing the error lists them all,
/// one per line.
public struct BoardError: Error, CustomStringConvertible, Equatable, Sendable {
  public var file: String
  public var line: Int
  public var column: Int
  public var message: String
  /// The other mistakes found in the same file, in file order, after this one.
  public var additionalErrors: [BoardError]

  public init(file: String, line: Int, column: Int, message: String, additionalErrors: [BoardError] = []) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
    self.additionalErrors = additionalErrors
  }

  /// This error followed by the additional ones, each without further errors attached.
  public var allErrors: [BoardError] {
    var first = self
    first.additionalErrors = []
    return [first] + additionalErrors
  }

  /// `file:line:column: error: message`, one line per error.
  public var description: String {
    allErrors.map(\.singleLine).joined(separator: "\n")
  }

  private var singleLine: String {
    line > 0 ? "\(file):\(line):\(column): error: \(message)" : "\(file): error: \(message)"
  }
}

/// So that `localizedDescription`, which command-line tools often print, reads the same.
extension BoardError: LocalizedError {
  public var errorDescription: String? { description }
}
