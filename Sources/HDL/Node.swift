/// One vertex of a module's signal graph. `Signal` is the public face of a node.
///
/// Nodes are created by the module builder (ports, wires, registers, memories, instance pins)
/// and by operators on signals (expressions). An expression that cannot be built (a width
/// mismatch, a signal of another module) still becomes a node, carrying its `problem`, so the
/// error can be reported with the Swift line of the statement that uses it.
final class Node {
  enum Kind {
    case input
    case output
    case wire
    case register(RegisterInfo)
    case constant(BitVector)
    /// A state of an FSM: printed as the state's localparam.
    case stateConstant(FSMInfo, index: Int)
    case unary(UnaryOp, Node)
    case binary(BinaryOp, Node, Node)
    case mux(Node, Node, Node)
    /// Bits `low ..< low + width` of the operand.
    case slice(Node, low: Int)
    /// Operands most significant first, as Verilog writes them.
    case concat([Node])
    case replicate(Node, count: Int)
    case extend(Node, signed: Bool)
    /// An asynchronous read of a memory; as the target of `<==` it is a write.
    case memoryRead(MemoryInfo, address: Node)
    /// The registered output of a synchronous memory read port.
    case memoryReadSync(MemoryInfo, address: Node, enable: Node?)
    /// A port of a child instance, seen from the parent: inputs are driven, outputs read.
    case instancePin(InstanceInfo, port: String, isChildInput: Bool)
    /// A member of an interface template, not yet bound to a module.
    case template
  }

  enum UnaryOp: String { case not = "~", negate = "-", reduceAnd = "&", reduceOr = "|", reduceXor = "^", logicalNot = "!" }

  enum BinaryOp: String {
    case add = "+", sub = "-", mul = "*", and = "&", or = "|", xor = "^"
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
    case shl = "<<", shr = ">>", sshr = ">>>"

    var isComparison: Bool { [.eq, .ne, .lt, .le, .gt, .ge].contains(self) }
    var isShift: Bool { [.shl, .shr, .sshr].contains(self) }
  }

  let kind: Kind
  let width: Int
  let signed: Bool
  /// The module that owns this node; nil for constants and templates, which belong anywhere.
  let owner: ModuleBuilder?
  /// The name in Swift and in Verilog, for named nodes.
  var name: String?
  /// Where a named node was declared.
  var location: SourceLocation?
  /// Why this expression is invalid, if it is.
  var problem: String?

  init(_ kind: Kind, width: Int, signed: Bool = false, owner: ModuleBuilder?, name: String? = nil,
       location: SourceLocation? = nil, problem: String? = nil) {
    self.kind = kind
    self.width = max(width, 1)
    self.signed = signed
    self.owner = owner
    self.name = name
    self.location = location
    self.problem = problem
  }

  var operands: [Node] {
    switch kind {
    case .input, .output, .wire, .register, .constant, .stateConstant, .template, .instancePin: return []
    case .unary(_, let a), .slice(let a, _), .replicate(let a, _), .extend(let a, _): return [a]
    case .binary(_, let a, let b): return [a, b]
    case .mux(let c, let a, let b): return [c, a, b]
    case .concat(let parts): return parts
    case .memoryRead(_, let address): return [address]
    case .memoryReadSync(_, let address, let enable): return [address] + (enable.map { [$0] } ?? [])
    }
  }

  /// True for nodes with a declaration of their own in Verilog (ports, wires, registers...).
  var isNamed: Bool {
    switch kind {
    case .input, .output, .wire, .register, .instancePin, .memoryReadSync: return true
    default: return false
    }
  }

  /// True for nodes that can stand on the left of `<==`.
  var isAssignable: Bool {
    switch kind {
    case .output, .wire, .register, .memoryRead: return true
    case .instancePin(_, _, let isChildInput): return isChildInput
    default: return false
    }
  }

  /// How the node is described in messages: its name, or "an expression".
  var displayName: String { name.map { "`\($0)`" } ?? "an expression" }

  var constantValue: BitVector? { if case .constant(let v) = kind { return v } else { return nil } }
}

/// A register's clocking: its domain, reset value and enable.
final class RegisterInfo {
  let domain: ClockDomain
  let resetValue: BitVector?
  let enable: Node?
  init(domain: ClockDomain, resetValue: BitVector?, enable: Node?) {
    self.domain = domain
    self.resetValue = resetValue
    self.enable = enable
  }
}
