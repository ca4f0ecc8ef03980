/// Which bits of each named signal a module reads. The checks warn about inputs, wires and
/// registers that are partly or never read (as Verilator's UNUSED warnings would, but with the
/// Swift line), and the emitter marks the bits of child outputs that the parent ignores.
struct ReadBits {
  private var read: [ObjectIdentifier: [Bool]] = [:]
  /// Memories with an asynchronous read somewhere in the module.
  private var readMemories: Set<ObjectIdentifier> = []

  init(module: ModuleBuilder) {
    var roots: [Node] = []
    func collect(_ statements: [Statement]) {
      for s in statements {
        switch s.kind {
        case .assign(let target, let value):
          roots.append(value)
          if case .memoryRead(_, let address) = target.kind { roots.append(address) }
        case .when(let branches, _): roots += branches.map(\.condition)
        case .switchOn(let subject, let cases, _): roots.append(subject); roots += cases.flatMap(\.values)
        case .block: break
        }
        s.children.forEach(collect)
      }
    }
    collect(module.statements)
    for node in module.declarations {
      if case .register(let info) = node.kind {
        roots.append(info.domain.clock.node)
        if info.resetValue != nil, let reset = info.domain.reset { roots.append(reset.node) }
        if let enable = info.enable { roots.append(enable) }
      }
    }
    for memory in module.memories {
      roots.append(memory.domain.clock.node)
      roots += memory.syncReads.flatMap(\.operands)
    }
    walk(roots)
  }

  private mutating func walk(_ roots: [Node]) {
    var stack = roots
    var seen: Set<ObjectIdentifier> = []
    while let n = stack.popLast() {
      guard seen.insert(ObjectIdentifier(n)).inserted else { continue }
      if n.isNamed {
        mark(n, 0..<n.width)
      } else if case .slice(let operand, let low) = n.kind, operand.isNamed {
        mark(operand, low..<low + n.width)
      } else {
        if case .memoryRead(let memory, _) = n.kind { readMemories.insert(ObjectIdentifier(memory)) }
        stack.append(contentsOf: n.operands)
      }
    }
  }

  private mutating func mark(_ n: Node, _ bits: Range<Int>) {
    var flags = read[ObjectIdentifier(n)] ?? Array(repeating: false, count: n.width)
    for b in bits { flags[b] = true }
    read[ObjectIdentifier(n)] = flags
  }

  /// True when some port reads `memory`.
  func isRead(_ memory: MemoryInfo) -> Bool { readMemories.contains(ObjectIdentifier(memory)) || !memory.syncReads.isEmpty }

  /// The bit ranges of `n` that are never read, lowest first (empty when every bit is read).
  func unread(_ n: Node) -> [Range<Int>] {
    guard let flags = read[ObjectIdentifier(n)] else { return [0..<n.width] }
    var ranges: [Range<Int>] = []
    var start: Int?
    for (i, isRead) in flags.enumerated() {
      if !isRead, start == nil { start = i }
      if isRead, let s = start { ranges.append(s..<i); start = nil }
    }
    if let s = start { ranges.append(s..<flags.count) }
    return ranges
  }

  /// "bits 4..<8", "bit 3" or "bits 0..<2 and 5..<8": the unread part of a signal, for messages.
  static func describe(_ ranges: [Range<Int>]) -> String {
    let parts = ranges.map { $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)..<\($0.upperBound)" }
    let single = ranges.count == 1 && ranges[0].count == 1
    return (single ? "bit " : "bits ") + parts.joined(separator: ", ")
  }
}
