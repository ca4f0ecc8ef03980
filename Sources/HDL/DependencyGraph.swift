/// The combinational dependencies between a module's named signals, used to find loops.
///
/// A wire, output or child input depends on every named signal its assignments read and on
/// the conditions they sit under. Registers, synchronous memory reads and inputs start a new
/// cycle, so they end a path. A child's output depends on the child inputs that reach it
/// combinationally inside the child (computed when the child was elaborated).
struct DependencyGraph {
  let module: ModuleBuilder
  /// For each combinational target, the named signals it reads combinationally.
  private var edges: [ObjectIdentifier: [Node]] = [:]

  init(module: ModuleBuilder) {
    self.module = module
    collect(module.statements, conditions: [])
  }

  private mutating func collect(_ statements: [Statement], conditions: [Node]) {
    for s in statements {
      switch s.kind {
      case .assign(let target, let value):
        guard isCombinational(target) else { continue }
        edges[ObjectIdentifier(target), default: []] += Self.sources(of: [value] + conditions)
      case .block(let body):
        collect(body, conditions: conditions)
      case .when(let branches, let otherwise):
        var seen: [Node] = []
        for b in branches {
          seen.append(b.condition)
          collect(b.body, conditions: conditions + seen)
        }
        if let otherwise { collect(otherwise, conditions: conditions + seen) }
      case .switchOn(let subject, let cases, let otherwise):
        let guards = conditions + [subject] + cases.flatMap(\.values)
        for c in cases { collect(c.body, conditions: guards) }
        if let otherwise { collect(otherwise, conditions: guards) }
      }
    }
  }

  private func isCombinational(_ n: Node) -> Bool {
    switch n.kind {
    case .wire, .output, .instancePin: return true
    default: return false
    }
  }

  /// The named signals read by `roots`, looking through unnamed expressions.
  static func sources(of roots: [Node]) -> [Node] {
    var result: [Node] = []
    var stack = roots
    var seen: Set<ObjectIdentifier> = []
    while let n = stack.popLast() {
      guard seen.insert(ObjectIdentifier(n)).inserted else { continue }
      if n.isNamed { result.append(n); continue }
      stack.append(contentsOf: n.operands)
    }
    return result
  }

  /// What `n` depends on combinationally, one step.
  private func successors(_ n: Node) -> [Node] {
    switch n.kind {
    case .wire, .output: return edges[ObjectIdentifier(n)] ?? []
    case .instancePin(let instance, let port, let isChildInput):
      if isChildInput { return edges[ObjectIdentifier(n)] ?? [] }
      return (instance.module.combinationalInputs[port] ?? []).compactMap { instance.pins[$0] }
    default: return []
    }
  }

  /// Reports each combinational loop once, as a path through named signals.
  func reportLoops() {
    enum Mark { case active, done }
    var mark: [ObjectIdentifier: Mark] = [:]
    var path: [Node] = []
    var reported: Set<String> = []

    func visit(_ n: Node) {
      let id = ObjectIdentifier(n)
      if mark[id] == .done { return }
      if mark[id] == .active {
        let start = path.lastIndex { $0 === n }!
        let loop = Array(path[start...]) + [n]
        let text = loop.reversed().map { describe($0) }.joined(separator: " -> ")
        let key = Set(loop.map { $0.name ?? "" }).sorted().joined(separator: ",")
        if reported.insert(key).inserted {
          module.error("combinational loop: \(text); break it with a register", at: n.location)
        }
        return
      }
      mark[id] = .active
      path.append(n)
      for s in successors(n) { visit(s) }
      path.removeLast()
      mark[id] = .done
    }
    for n in module.declarations { visit(n) }
    computeCombinationalInputs()
  }

  private func describe(_ n: Node) -> String {
    if case .instancePin(let instance, let port, _) = n.kind { return "\(instance.name).\(port)" }
    return n.name ?? "?"
  }

  /// For each output, the inputs that reach it without passing a register, for parents' loop checks.
  private func computeCombinationalInputs() {
    var memo: [ObjectIdentifier: Set<String>] = [:]
    var visiting: Set<ObjectIdentifier> = []
    func inputs(_ n: Node) -> Set<String> {
      let id = ObjectIdentifier(n)
      if let known = memo[id] { return known }
      if case .input = n.kind { return [n.name!] }
      guard visiting.insert(id).inserted else { return [] }
      let result = successors(n).reduce(into: Set<String>()) { $0.formUnion(inputs($1)) }
      visiting.remove(id)
      memo[id] = result
      return result
    }
    for port in module.ports {
      if case .output = port.kind { module.combinationalInputs[port.name!] = inputs(port) }
    }
  }
}
