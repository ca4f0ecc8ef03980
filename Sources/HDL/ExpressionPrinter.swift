/// Prints expressions as Verilog. Expressions used more than once, and operands Verilog cannot
/// slice directly, get a temporary wire so the output stays linear in the size of the design and
/// every slice applies to a name. A temporary is named after the signal whose statement first
/// needed it (`_sum_0`, `_count_1`, ...); Swift names cannot start with `_`, so these never clash.
struct ExpressionPrinter {
  let module: ModuleBuilder
  /// The signal the emitter is printing a statement for; temporaries made now take its name.
  var purpose = "t"
  /// The Swift line of that statement, written beside the temporaries made for it.
  var origin: SourceLocation?
  private var uses: [ObjectIdentifier: Int] = [:]
  private var temporaryNames: [ObjectIdentifier: String] = [:]
  private var temporaryLines: [String] = []
  private var temporaryNodes: [(name: String, node: Node)] = []
  /// Which bits of each temporary are read: one made to slice an expression may be read in part.
  private var temporaryBitsRead: [String: [Bool]] = [:]

  init(module: ModuleBuilder) { self.module = module }

  /// Counts how often each expression is used, to decide which ones get a temporary.
  mutating func prepare(_ statements: [Statement]) {
    var roots: [Node] = []
    func collect(_ list: [Statement]) {
      for s in list {
        switch s.kind {
        case .assign(let target, let value):
          roots.append(value)
          if case .memoryRead(_, let a) = target.kind { roots.append(a) }
        case .when(let branches, _): roots += branches.map(\.condition)
        case .switchOn(let subject, let cases, _): roots.append(subject); roots += cases.flatMap(\.values)
        case .block: break
        }
        s.children.forEach(collect)
      }
    }
    collect(statements)
    for n in module.declarations {
      if case .register(let info) = n.kind, let e = info.enable { roots.append(e) }
    }
    for m in module.memories {
      for r in m.syncReads { roots += r.operands }
    }
    var stack = roots
    while let n = stack.popLast() {
      let id = ObjectIdentifier(n)
      uses[id, default: 0] += 1
      // A read port is printed by name; its address is counted once, with the memory's ports.
      if uses[id] == 1 && !n.isNamed { stack.append(contentsOf: n.operands) }
    }
  }

  func temporaries() -> [String] { temporaryLines }

  /// The declarations of the temporaries made so far; those read only in part tell Verilator
  /// that the unread bits are intended (the Swift code sliced a wider expression).
  func temporaryDeclarations() -> [String] {
    temporaryNodes.map { name, n in
      let declaration = "  \(VerilogEmitter.netKind(false, signed: n.signed))\(VerilogEmitter.range(n.width))\(name);"
      let read = temporaryBitsRead[name] ?? []
      guard read.contains(false) else { return declaration }
      let unread = read.indices.filter { !read[$0] }
      return "  /* verilator lint_off UNUSED */\n\(declaration)  // \(unread.count) of \(n.width) bits not read\n"
        + "  /* verilator lint_on UNUSED */"
    }
  }

  /// The Verilog text of `n`; `top` drops the outer parentheses.
  mutating func print(_ n: Node, top: Bool = false) -> String {
    if let name = temporaryNames[ObjectIdentifier(n)] { markRead(name, 0..<n.width); return name }
    if needsTemporary(n) { let name = temporary(for: n); markRead(name, 0..<n.width); return name }
    let text = render(n)
    if top, text.hasPrefix("("), text.hasSuffix(")"), balanced(text.dropFirst().dropLast()) { return String(text.dropFirst().dropLast()) }
    return text
  }

  private func needsTemporary(_ n: Node) -> Bool {
    if n.isNamed { return false }
    switch n.kind {
    case .constant, .stateConstant: return false
    case .extend(let inner, _) where inner.width == n.width: return (uses[ObjectIdentifier(n)] ?? 0) > 1 && !inner.isNamed
    default: return (uses[ObjectIdentifier(n)] ?? 0) > 1
    }
  }

  private mutating func temporary(for n: Node) -> String {
    let name = "_\(purpose)_\(temporaryNames.count)"
    temporaryNames[ObjectIdentifier(n)] = name
    temporaryNodes.append((name, n))
    temporaryBitsRead[name] = Array(repeating: false, count: n.width)
    let text = render(n)
    temporaryLines.append("  assign \(name) = \(stripParens(text));\(origin.map { "  // \($0.fileName):\($0.line)" } ?? "")")
    return name
  }

  private mutating func markRead(_ temporary: String, _ bits: Range<Int>) {
    for b in bits { temporaryBitsRead[temporary]?[b] = true }
  }

  /// A name for bits `bits` of `n`, making a temporary when it is an expression (Verilog
  /// slices names only).
  private mutating func name(_ n: Node, reading bits: Range<Int>) -> String {
    if n.isNamed { return print(n) }
    let t = temporaryNames[ObjectIdentifier(n)] ?? temporary(for: n)
    markRead(t, bits)
    return t
  }

  private mutating func render(_ n: Node) -> String {
    switch n.kind {
    case .input, .output, .wire, .register, .instancePin, .memoryReadSync:
      return n.name!
    case .template:
      return "/* unbound */"
    case .constant(let v):
      return Self.literal(v, signed: n.signed)
    case .stateConstant(let fsm, let index):
      return fsm.localparam(index)
    case .unary(let op, let a):
      if op == .not && a.width == 1 { return "~\(print(a))" }
      return "\(op.rawValue)\(print(a))"
    case .binary(let op, let a, let b):
      switch op {
      case .and where n.width == 1 && a.width == 1: return "(\(print(a)) & \(print(b)))"
      case .mul where n.signed:
        // The operands are already sign-extended to the product's width, where signed and
        // unsigned products have the same bits; an unsigned `*` avoids Verilator's limit on
        // signed multiplication (VL_MULS_MAX_WORDS) for wide products.
        return "$signed($unsigned(\(print(a, top: true))) * $unsigned(\(print(b, top: true))))"
      default: return "(\(print(a)) \(op.rawValue) \(print(b)))"
      }
    case .mux(let c, let a, let b):
      return "(\(print(c)) ? \(print(a)) : \(print(b)))"
    case .slice(let a, let low):
      let base = name(a, reading: low..<low + n.width)
      return n.width == 1 ? "\(base)[\(low)]" : "\(base)[\(low + n.width - 1):\(low)]"
    case .concat(let parts):
      return "{" + parts.map { print($0) }.joined(separator: ", ") + "}"
    case .replicate(let a, let count):
      return "{\(count){\(print(a))}}"
    case .extend(let a, let signed):
      let pad = n.width - a.width
      if pad == 0 { return "\(signed ? "$signed" : "$unsigned")(\(print(a, top: true)))" }
      let fill: String
      // Sign extension repeats the top bit whatever the operand's own signedness.
      if signed {
        let base = name(a, reading: a.width - 1..<a.width)
        fill = a.width == 1 ? base : "\(base)[\(a.width - 1)]"
      } else {
        fill = "1'b0"
      }
      let text = pad == 1 ? "{\(fill), \(print(a))}" : "{{\(pad){\(fill)}}, \(print(a))}"
      return signed ? "$signed(\(text))" : text
    case .memoryRead(let info, let address):
      return "\(info.name)[\(print(address, top: true))]"
    }
  }

  private func stripParens(_ text: String) -> String {
    if text.hasPrefix("("), text.hasSuffix(")"), balanced(text.dropFirst().dropLast()) { return String(text.dropFirst().dropLast()) }
    return text
  }

  private func balanced(_ s: Substring) -> Bool {
    var depth = 0
    for ch in s {
      if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1; if depth < 0 { return false } }
    }
    return depth == 0
  }

  /// A sized Verilog literal: decimal for small unsigned values, hexadecimal otherwise.
  static func literal(_ v: BitVector, signed: Bool) -> String {
    if v.width == 1 { return "1'b\(v[0] ? 1 : 0)" }
    if !signed, let small = v.uint64, small < 1 << 20 { return "\(v.width)'d\(small)" }
    return "\(v.width)'\(signed ? "s" : "")h\(v.hex)"
  }
}
