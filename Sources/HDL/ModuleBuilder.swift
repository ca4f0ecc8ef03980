/// Builds one module: the object a module body receives (`m`). It declares ports, wires,
/// registers, memories and instances; the body's statements say how they are driven.
public final class ModuleBuilder {
  public let name: String
  let definedAt: SourceLocation
  unowned let elaborator: Elaborator

  /// Every named node in declaration order.
  private(set) var declarations: [Node] = []
  private(set) var ports: [Node] = []
  private(set) var memories: [MemoryInfo] = []
  private(set) var instances: [InstanceInfo] = []
  private(set) var fsms: [FSMInfo] = []
  /// Interface templates by port name, so instances can hand the same interface back.
  var interfaces: [String: (template: any Interface, flipped: Bool)] = [:]
  var statements: [Statement] = []
  /// Connections the builder adds itself (clock and reset of children).
  var implicitStatements: [Statement] = []
  var diagnostics: [Diagnostic] = []
  /// For each output, the inputs that reach it combinationally (filled by the checks).
  var combinationalInputs: [String: Set<String>] = [:]
  private var implicitClock: Signal?
  private var implicitReset: Signal?

  init(name: String, definedAt: SourceLocation, elaborator: Elaborator) {
    self.name = name
    self.definedAt = definedAt
    self.elaborator = elaborator
  }

  func error(_ message: String, at location: SourceLocation?) {
    let d = Diagnostic(severity: .error, message: message, location: location ?? definedAt, module: name)
    // One mistake can surface through several signals of one statement; say it once.
    if !diagnostics.contains(d) { diagnostics.append(d) }
  }

  func warning(_ message: String, at location: SourceLocation?) {
    diagnostics.append(Diagnostic(severity: .warning, message: message, location: location ?? definedAt, module: name))
  }

  // MARK: - Ports

  /// An input port of `width` bits.
  public func input(_ name: String, width: Int = 1, signed: Bool = false,
                    file: StaticString = #fileID, line: UInt = #line) -> Signal {
    port(name, .input, width: width, signed: signed, at: SourceLocation(file: file, line: line))
  }

  /// An output port of `width` bits; drive it with `<==`.
  public func output(_ name: String, width: Int = 1, signed: Bool = false,
                     file: StaticString = #fileID, line: UInt = #line) -> Signal {
    port(name, .output, width: width, signed: signed, at: SourceLocation(file: file, line: line))
  }

  func port(_ name: String, _ kind: Node.Kind, width: Int, signed: Bool, at location: SourceLocation) -> Signal {
    let node = declare(name, kind, width: width, signed: signed, at: location)
    ports.append(node)
    return Signal(node)
  }

  // MARK: - Wires and registers

  /// A combinational signal driven by `<==`, usually for feedback or for a value set under conditions.
  public func wire(_ name: String, width: Int = 1, signed: Bool = false,
                   file: StaticString = #fileID, line: UInt = #line) -> Signal {
    Signal(declare(name, .wire, width: width, signed: signed, at: SourceLocation(file: file, line: line)))
  }

  /// A register updated at each rising clock edge of `domain` (the module's `clk`/`rst` by default).
  /// - Parameters:
  ///   - reset: the value loaded while reset is asserted, or nil for a register without reset.
  ///   - enable: when given, the register changes only while it is 1.
  public func register(_ name: String, width: Int = 1, signed: Bool = false, reset: Int? = 0,
                       enable: Signal? = nil, domain: ClockDomain? = nil,
                       file: StaticString = #fileID, line: UInt = #line) -> Signal {
    let location = SourceLocation(file: file, line: line)
    var resetValue: BitVector?
    if let reset {
      if let problem = Signal.fitProblem(reset, width: width, signed: signed) {
        error("reset value of register `\(name)`: \(problem)", at: location)
      }
      resetValue = BitVector(width: max(width, 1), value: reset)
    }
    return register(name, width: width, signed: signed, resetValue: resetValue, enable: enable, domain: domain, at: location)
  }

  /// A register whose reset value is a bit vector (for wide registers).
  public func register(_ name: String, reset: BitVector, enable: Signal? = nil, domain: ClockDomain? = nil,
                       file: StaticString = #fileID, line: UInt = #line) -> Signal {
    register(name, width: reset.width, signed: false, resetValue: reset, enable: enable, domain: domain,
             at: SourceLocation(file: file, line: line))
  }

  func register(_ name: String, width: Int, signed: Bool, resetValue: BitVector?, enable: Signal?,
                domain: ClockDomain?, at location: SourceLocation) -> Signal {
    if let enable, enable.width != 1 {
      error("the enable of register `\(name)` must be 1 bit but \(enable.node.displayName) has \(enable.width) bits", at: location)
    }
    let d = domain ?? (resetValue == nil ? ClockDomain(clock: clock, reset: nil) : defaultDomain)
    if resetValue != nil && d.reset == nil {
      error("register `\(name)` has a reset value but its clock domain has no reset; pass reset: nil or use a domain with a reset", at: location)
    }
    let info = RegisterInfo(domain: d, resetValue: resetValue, enable: enable?.node)
    return Signal(declare(name, .register(info), width: width, signed: signed, at: location))
  }

  /// The module's implicit clock domain: inputs `clk` and `rst` (synchronous, active high).
  /// Each input is created the first time something needs it (a register or memory needs
  /// the clock, a register with a reset value the reset), and they lead the port list.
  public var defaultDomain: ClockDomain { ClockDomain(clock: clock, reset: reset) }

  /// The implicit clock input (`clk`).
  public var clock: Signal {
    if let implicitClock { return implicitClock }
    let clk = declaredInput("clk") ?? {
      let clk = Signal(declare("clk", .input, width: 1, signed: false, at: SourceLocation(file: #fileID, line: #line)))
      ports.insert(clk.node, at: 0)
      return clk
    }()
    implicitClock = clk
    return clk
  }

  /// The implicit synchronous, active-high reset input (`rst`).
  public var reset: Signal {
    if let implicitReset { return implicitReset }
    let rst = declaredInput("rst") ?? {
      // The clock first (it may be created now, which changes `ports`), then its place.
      let clockNode = clock.node
      let clockIndex = ports.firstIndex { $0 === clockNode }!
      let rst = Signal(declare("rst", .input, width: 1, signed: false, at: SourceLocation(file: #fileID, line: #line)))
      ports.insert(rst.node, at: clockIndex + 1)
      return rst
    }()
    implicitReset = rst
    return rst
  }

  /// A 1-bit input the body declared itself under the implicit clock's or reset's name: it is
  /// adopted rather than declared twice.
  private func declaredInput(_ name: String) -> Signal? {
    guard let node = ports.first(where: { $0.name == name }), case .input = node.kind, node.width == 1 else { return nil }
    return Signal(node)
  }

  var hasImplicitClock: Bool { implicitClock != nil }
  var hasImplicitReset: Bool { implicitReset != nil }

  // MARK: - Declarations

  func declare(_ name: String, _ kind: Node.Kind, width: Int, signed: Bool, at location: SourceLocation) -> Node {
    claim(name, at: location)
    if width < 1 || width > 65_536 {
      error("`\(name)` has width \(width); widths run from 1 to 65536 bits", at: location)
    }
    let node = Node(kind, width: width, signed: signed, owner: self, name: name, location: location)
    declarations.append(node)
    return node
  }

  /// Records a named node made outside `declare` (a synchronous read port), so it is declared in Verilog.
  func addDeclaration(_ node: Node) { declarations.append(node) }
  func add(_ memory: MemoryInfo) { memories.append(memory) }
  func add(_ instance: InstanceInfo) { instances.append(instance) }
  func add(_ fsm: FSMInfo) { fsms.append(fsm) }
  /// Every name used in this module's Verilog scope, with where it was declared.
  private(set) var usedNames: [String: SourceLocation] = [:]

  /// Reserves `name` in the module's scope, reporting invalid, reserved or repeated names.
  func claim(_ name: String, at location: SourceLocation) {
    if !Verilog.isValidIdentifier(name) {
      error("`\(name)` is not usable as a Verilog name: use letters, digits and underscores, starting with a letter", at: location)
    } else if Verilog.reservedWords.contains(name) {
      error("`\(name)` is a Verilog keyword; choose another name", at: location)
    } else if name == self.name {
      error("`\(name)` is also the name of its module; Verilog tools warn that it hides the module (VARHIDDEN): choose another name", at: location)
    } else if let first = usedNames[name] {
      error("`\(name)` is declared twice in module `\(self.name)` (first at \(first))", at: location)
    }
    usedNames[name] = usedNames[name] ?? location
  }

  func finish() {
    var checker = Checker(module: self)
    checker.run()
  }
}
