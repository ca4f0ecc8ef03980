/// A hardware module: a name, the parameters that make it distinct, and the Swift code that
/// builds its body. Generators are plain functions returning a `Module`; each distinct
/// (name, parameters) pair becomes one Verilog module named from both, such as
/// `fifo_depth16_width64`.
public struct Module {
  public let baseName: String
  public let parameters: [(name: String, value: String)]
  let location: SourceLocation
  let body: (ModuleBuilder) -> [Statement]

  public init(_ name: String, parameters: KeyValuePairs<String, any CustomStringConvertible> = [:],
              file: StaticString = #fileID, line: UInt = #line,
              @StatementBuilder body: @escaping (ModuleBuilder) -> [Statement]) {
    self.baseName = name
    self.parameters = parameters.map { ($0.key, $0.value.description) }
    self.location = SourceLocation(file: file, line: line)
    self.body = body
  }

  /// The Verilog module name: the base name followed by each parameter and its value.
  public var name: String {
    let suffix = parameters.map { "_" + Verilog.identifierPart($0.name) + Verilog.identifierPart($0.value) }.joined()
    return Verilog.identifierPart(baseName) + suffix
  }
}

/// The result of elaborating a top module: every distinct module it uses, children first.
public struct Design {
  public let top: String
  let modules: [ModuleBuilder]
  /// Warnings found while elaborating (errors make `init` throw).
  public let warnings: [Diagnostic]

  /// Elaborates `top` and everything it instantiates, running every check.
  public init(top: Module) throws {
    let elaborator = Elaborator()
    let root = elaborator.elaborate(top)
    let diagnostics = elaborator.order.flatMap(\.diagnostics)
    if diagnostics.contains(where: { $0.severity == .error }) { throw ElaborationError(diagnostics: diagnostics) }
    self.top = root.name
    self.modules = elaborator.order
    self.warnings = diagnostics
  }

  /// The names of the Verilog modules, children first.
  public var moduleNames: [String] { modules.map(\.name) }

  /// One Verilog file per module, named `<module>.v`, in a stable order (children first).
  public func verilogFiles() -> [(name: String, contents: String)] {
    modules.map { module in
      var emitter = VerilogEmitter(module: module)
      return ("\(module.name).v", emitter.emit())
    }
  }

  /// All modules in one Verilog text, children first.
  public func verilog() -> String { verilogFiles().map(\.contents).joined(separator: "\n") }

  /// The ports of the top module in declaration order, for test benches and simulators.
  public var topPorts: [ModulePort] { modules.last!.ports.map(ModulePort.init) }
}

/// A port of an elaborated module.
public struct ModulePort: Hashable, Sendable {
  public enum Direction: String, Sendable { case input, output }
  public let name: String
  public let width: Int
  public let direction: Direction
  public let isSigned: Bool

  init(_ node: Node) {
    name = node.name!
    width = node.width
    direction = { if case .input = node.kind { return .input } else { return .output } }()
    isSigned = node.signed
  }
}

/// Elaborates each distinct module once and remembers the order in which they finished.
final class Elaborator {
  private var done: [String: ModuleBuilder] = [:]
  /// Modules whose bodies are running, by name, to catch a module that instantiates itself.
  private var inProgress: [String: ModuleBuilder] = [:]
  private(set) var order: [ModuleBuilder] = []

  func elaborate(_ module: Module) -> ModuleBuilder {
    let name = module.name
    if let existing = done[name] {
      if existing.definedAt != module.location {
        existing.error("two different generators make a module named `\(name)` (the other is at \(module.location)); "
                       + "give one of them another name or a distinguishing parameter", at: existing.definedAt)
      }
      return existing
    }
    if let outer = inProgress[name] {
      // Reported on the module being built (whose diagnostics are kept), which stands in for
      // the child so the rest of the body does not report missing ports as well.
      outer.error("module `\(name)` instantiates itself; hardware recursion needs a parameter that changes and ends it",
                  at: module.location)
      return outer
    }
    let builder = ModuleBuilder(name: name, definedAt: module.location, elaborator: self)
    inProgress[name] = builder
    builder.statements = module.body(builder)
    builder.finish()
    inProgress[name] = nil
    done[name] = builder
    order.append(builder)
    return builder
  }
}
