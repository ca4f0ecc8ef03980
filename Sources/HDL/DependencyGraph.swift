/// The combinational dependencies between a module's named signals, used to find loops.
///
/// A wire, output or child input depends on every named signal its assignments read and on
/// the conditions they sit under. Registers, synchronous memory reads and inputs start a new
/// cycle, so they end a path. A child's output depends on the child inputs that reach it
/// combinationally inside the child (computed when the child was elaborated).
struct DependencyGraph {
  let module: ModuleBuilder
  /// One combinational dependency: the named signal read, and the assignment that reads it
  /// (its place in the body and its Swift line), so a loop can be reported where it was written.
  private struct Edge {
    let source: Node
    let order: Int
    let location: SourceLocation?
  }

  /// For each combinational target, the named signals it reads combinationally.
  private var edges: [ObjectIdentifier: [Edge]] = [:]
  private var assignments = 0

  init(module: ModuleBuilder) {
    self.module = module
    collect(module.statements, conditions: [])
  }

  private mutating func collect(_ statements: [Statement], conditions: [Node]) {
    for s in statements {
      switch s.kind {
      case .assign(let target, let value):
        guard isCombinational(target) else { continue }
        assignments += 1
        edges[ObjectIdentifier(target), default: []] += Self.sources(of: [value] + conditions).map {
          Edge(source: $0, order: assignments, location: s.location)
        }
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
    case .wire, .output: return (edges[ObjectIdentifier(n)] ?? []).map(\.source)
    case .instancePin(let instance, let port, let isChildInput):
      if isChildInput { return (edges[ObjectIdentifier(n)] ?? []).map(\.source) }
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
        let cycle = Array(path[start...])
        let key = Set(cycle.map { $0.name ?? "" }).sorted().joined(separator: ",")
        if reported.insert(key).inserted {
          module.error("combinational loop: \(describeLoop(cycle)); break it with a register", at: closingAssignment(cycle))
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

  /// The loop in the direction values flow, starting at its earliest-declared signal, so the
  /// text does not depend on where the search entered the loop. `cycle[i]` reads `cycle[i + 1]`.
  private func describeLoop(_ cycle: [Node]) -> String {
    let flow = Array(cycle.reversed())
    let index = Dictionary(module.declarations.enumerated().map { (ObjectIdentifier($1), $0) }) { first, _ in first }
    let start = flow.indices.min { (index[ObjectIdentifier(flow[$0])] ?? .max) < (index[ObjectIdentifier(flow[$1])] ?? .max) }!
    let rotated = flow[start...] + flow[..<start] + [flow[start]]
    return rotated.map { describe($0) }.joined(separator: " -> ")
  }

  /// The last-written assignment among the loop's edges: the statement that closed the loop.
  private func closingAssignment(_ cycle: [Node]) -> SourceLocation? {
    var best: Edge?
    for (i, target) in cycle.enumerated() {
      let source = cycle[(i + 1) % cycle.count]
      for e in edges[ObjectIdentifier(target)] ?? [] where e.source === source && e.order > (best?.order ?? 0) { best = e }
    }
    return best?.location
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
