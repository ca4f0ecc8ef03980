/// A TLP that breaks a rule: the header field at fault and what is wrong with it, with the
/// rule's place in the PCIe Base Specification 6.3 and what a valid value would be.
public struct TLPError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The field as the specification names it: "Length", "Fmt/Type", "First DW BE", ...
  public let field: String
  public let problem: String

  public init(field: String, _ problem: String) {
    self.field = field
    self.problem = problem
  }

  public var description: String { "TLP \(field): \(problem)" }
}
