/// A problem found while elaborating a design, with the place in the Swift source that caused it.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning }

  public let severity: Severity
  public let message: String
  public let location: SourceLocation
  /// The module being elaborated when the problem was found.
  public let module: String

  public var description: String { "\(location): \(severity.rawValue): \(message) [in module \(module)]" }
}

/// Elaboration failed: one or more errors (warnings are listed too).
public struct ElaborationError: Error, CustomStringConvertible {
  public let diagnostics: [Diagnostic]

  public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

  public var description: String {
    diagnostics.map(\.description).joined(separator: "\n")
  }
}
