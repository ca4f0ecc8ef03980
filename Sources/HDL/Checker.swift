/// The elaboration checks of one module, run when its body has been built:
/// invalid expressions (width mismatches and the like), signals read across modules,
/// targets that cannot be driven, two drivers, undriven outputs and wires, combinational
/// loops, and unused inputs (a warning). Every error carries the Swift line that caused it.
struct Checker {
  let module: ModuleBuilder
  private var reported: Set<ObjectIdentifier> = []

  init(module: ModuleBuilder) { self.module = module }

  mutating func run() {
    module.statements += module.implicitStatements
    module.implicitStatements = []
    checkStatements(module.statements)
    checkRegisterClocks()
    checkDrivers()
    DependencyGraph(module: module).reportLoops()
    reportUnusedSignals()
  }

  // MARK: - Expressions and targets

  private mutating func checkStatements(_ statements: [Statement]) {
    for s in statements {
      let at = s.location
      switch s.kind {
      case .assign(let target, let value):
        checkTarget(target, at: at)
        checkExpression(value, at: at)
        if target.problem == nil && value.problem == nil && target.width != value.width {
          module.error("width mismatch: \(target.displayName) has \(target.width) bits but the value assigned has \(value.width) bits; "
                       + "use .zeroExtended(to: \(target.width)), .signExtended(to: \(target.width)) or .truncated(to: \(target.width))", at: at)
        }
      case .when(let branches, _):
        for b in branches {
          checkExpression(b.condition, at: at)
          if b.condition.width != 1 {
            module.error("a `when` condition must be 1 bit but \(b.condition.displayName) has \(b.condition.width) bits; compare it (`!= 0`) to get one", at: at)
          }
        }
      case .switchOn(let subject, let cases, _):
        checkExpression(subject, at: at)
        for c in cases {
          for v in c.values {
            checkExpression(v, at: at)
            if v.width != subject.width {
              module.error("a case value has \(v.width) bits but the subject \(subject.displayName) has \(subject.width)", at: at)
            }
          }
        }
      case .block: break
      }
      for child in s.children { checkStatements(child) }
    }
  }

  private mutating func checkTarget(_ target: Node, at: SourceLocation?) {
    if let problem = target.problem { report(target, problem, at: at); return }
    if let owner = target.owner, owner !== module {
      report(target, "drives \(target.displayName) of module `\(owner.name)` from module `\(module.name)`; "
             + "signals cross modules only through ports", at: at)
      return
    }
    guard !target.isAssignable else {
      if case .memoryRead(_, let address) = target.kind { checkExpression(address, at: at) }
      return
    }
    let what: String
    switch target.kind {
    case .input: what = "it is an input of module `\(module.name)`; inputs are driven by the parent"
    case .instancePin(let instance, let port, _): what = "it is the output `\(port)` of instance `\(instance.name)`, driven by that instance"
    case .memoryReadSync: what = "it is a synchronous read port; write the memory with `mem[address] <== value`"
    case .template: what = "it is an interface template that was never bound to ports; pass it to `m.port`"
    default: what = "it is an expression, not a wire, register or output; declare an `m.wire` and drive that"
    }
    report(target, "cannot drive \(target.displayName): \(what)", at: at)
  }

  /// Reports the first problem in the expression and any read of another module's signal.
  private mutating func checkExpression(_ root: Node, at: SourceLocation?) {
    var stack = [root]
    var seen: Set<ObjectIdentifier> = []
    while let n = stack.popLast() {
      guard seen.insert(ObjectIdentifier(n)).inserted else { continue }
      // Only named signals and leaves have an owner of their own; an expression's is borrowed.
      if n.isNamed || n.operands.isEmpty, let owner = n.owner, owner !== module {
        report(n, "reads \(n.displayName) of module `\(owner.name)` inside module `\(module.name)`; "
               + "signals cross modules only through ports: add a port and connect it", at: at)
        return
      }
      if case .template = n.kind {
        report(n, "reads an interface template that was never bound to ports; pass it to `m.port` first", at: at)
        return
      }
      stack.append(contentsOf: n.operands)
    }
    if let problem = root.problem { report(root, problem, at: at) }
  }

  private mutating func report(_ node: Node, _ message: String, at: SourceLocation?) {
    guard reported.insert(ObjectIdentifier(node)).inserted else { return }
    module.error(message, at: at)
  }

  private func checkRegisterClocks() {
    for node in module.declarations {
      guard case .register(let info) = node.kind else { continue }
      for s in [info.domain.clock.node, info.domain.reset?.node].compactMap({ $0 }) where s.owner !== module {
        module.error("register `\(node.name!)` is clocked or reset by \(s.displayName) of another module", at: node.location)
      }
    }
  }

  // MARK: - Drivers

  private func checkDrivers() {
    var unconditional: [ObjectIdentifier: [SourceLocation]] = [:]
    for (target, location) in Self.topLevelAssignments(module.statements) {
      unconditional[ObjectIdentifier(target), default: []].append(location ?? module.definedAt)
    }
    for node in module.declarations {
      let id = ObjectIdentifier(node)
      if let places = unconditional[id], places.count > 1 {
        module.error("two drivers: \(node.displayName) is assigned unconditionally at \(places[0]) and at \(places[1]); "
                     + "keep one, or make the later one conditional with `when`", at: places[1])
      }
      guard node.isAssignable, needsDriver(node) else { continue }
      switch Self.coverage(of: node, in: module.statements) {
      case .always: break
      case .never:
        module.error("\(describe(node)) is never driven; drive it with `<==`", at: node.location)
      case .sometimes:
        module.error("\(describe(node)) is not driven on every path (it would be a latch); "
                     + "give it a default with `<==` before the `when`, or add `.otherwise`", at: node.location)
      }
    }
    for node in module.declarations {
      if case .register = node.kind, Self.coverage(of: node, in: module.statements) == .never {
        module.warning("register `\(node.name!)` is never assigned; it keeps its reset value forever", at: node.location)
      }
    }
  }

  private func needsDriver(_ node: Node) -> Bool {
    switch node.kind {
    case .output, .wire, .instancePin: return true
    default: return false
    }
  }

  private func describe(_ node: Node) -> String {
    switch node.kind {
    case .output: return "output `\(node.name!)`"
    case .instancePin(let i, let port, _): return "input `\(port)` of instance `\(i.name)`"
    default: return "wire `\(node.name!)`"
    }
  }

  /// Assignments outside any condition (blocks are transparent).
  static func topLevelAssignments(_ statements: [Statement]) -> [(Node, SourceLocation?)] {
    statements.flatMap { s -> [(Node, SourceLocation?)] in
      switch s.kind {
      case .assign(let target, _): return [(target, s.location)]
      case .block(let body): return topLevelAssignments(body)
      default: return []
      }
    }
  }

  enum Coverage { case never, sometimes, always }

  /// Whether `target` is assigned on every path through `statements`.
  static func coverage(of target: Node, in statements: [Statement]) -> Coverage {
    var result = Coverage.never
    for s in statements {
      let c: Coverage
      switch s.kind {
      case .assign(let t, _): c = t === target ? .always : .never
      case .block(let body): c = coverage(of: target, in: body)
      case .when(let branches, let otherwise):
        c = combine(branches.map { coverage(of: target, in: $0.body) } + [otherwise.map { coverage(of: target, in: $0) } ?? .never])
      case .switchOn(let subject, let cases, let otherwise):
        let rest = otherwise.map { coverage(of: target, in: $0) } ?? (isExhaustive(subject, cases) ? nil : .never)
        c = combine(cases.map { coverage(of: target, in: $0.body) } + (rest.map { [$0] } ?? []))
      }
      if c == .always { return .always }
      if c == .sometimes { result = .sometimes }
    }
    return result
  }

  /// True when the arms' constant values name every value of the subject (for example every
  /// state of a four-state FSM), so no `.otherwise` is needed for a complete assignment.
  private static func isExhaustive(_ subject: Node, _ cases: [(values: [Node], body: [Statement])]) -> Bool {
    guard subject.width <= 16 else { return false }
    var seen: Set<UInt64> = []
    for v in cases.flatMap(\.values) {
      switch v.kind {
      case .constant(let bits): if let n = bits.uint64 { seen.insert(n) }
      case .stateConstant(_, let index): seen.insert(UInt64(index))
      default: continue
      }
    }
    return seen.count == 1 << subject.width
  }

  private static func combine(_ arms: [Coverage]) -> Coverage {
    if arms.allSatisfy({ $0 == .always }) { return .always }
    if arms.allSatisfy({ $0 == .never }) { return .never }
    return .sometimes
  }

  // MARK: - Unused signals

  /// Warns about inputs, wires, registers, read ports and memories that are never read, or read
  /// only in part, as Verilator's UNUSED warning would (outputs and child pins are read elsewhere).
  /// A signal whose name contains `unused` is a deliberate sink (bits a design receives and means
  /// to ignore) and is not reported, as Verilator's default `--unused-regexp "*unused*"` does.
  private func reportUnusedSignals() {
    let usage = ReadBits(module: module)
    for node in module.declarations where !(node.name ?? "").contains("unused") {
      let what: String
      switch node.kind {
      case .input: what = "input"
      case .wire: what = "wire"
      case .register: what = "register"
      case .memoryReadSync: what = "synchronous read port"
      default: continue
      }
      let unread = usage.unread(node)
      if unread == [0..<node.width] {
        module.warning("\(what) `\(node.name!)` is never read", at: node.location)
      } else if !unread.isEmpty {
        let verb = unread.count == 1 && unread[0].count == 1 ? "is" : "are"
        module.warning("\(ReadBits.describe(unread)) of \(what) `\(node.name!)` \(verb) never read; "
                       + "narrow it or read them", at: node.location)
      }
    }
    for memory in module.memories where !usage.isRead(memory) {
      module.warning("memory `\(memory.name)` is never read", at: memory.location)
    }
  }
}
