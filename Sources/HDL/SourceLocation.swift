/// Where in the user's Swift code something was declared or done.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public let file: String
  public let line: Int

  public init(file: StaticString, line: UInt) {
    self.file = "\(file)"
    self.line = Int(line)
  }

  public init(file: String, line: Int) {
    self.file = file
    self.line = line
  }

  /// The file name without its module prefix, as written into Verilog comments.
  public var fileName: String { String(file.split(separator: "/").last ?? Substring(file)) }

  public var description: String { "\(file):\(line)" }

  static let unknown = SourceLocation(file: "<unknown>", line: 0)
}
