/// A value in a circuit: a port, wire, register, memory read or an expression built from them.
///
/// Signals are small values; operators build logic. Widths are checked when the expression is
/// built and reported, with the Swift line of the statement that uses it, at elaboration.
public struct Signal: CustomStringConvertible {
  let node: Node

  init(_ node: Node) { self.node = node }

  public var width: Int { node.width }
  public var isSigned: Bool { node.signed }
  /// The name given in Swift (and used in Verilog), if this signal is named.
  public var name: String? { node.name }
  public var description: String { node.name ?? "<expression of \(width) bits>" }

  /// A constant of the given width. Negative values are stored in two's complement.
  public static func constant(_ value: Int, width: Int, signed: Bool = false) -> Signal {
    let problem = Signal.fitProblem(value, width: width, signed: signed)
    return Signal(Node(.constant(BitVector(width: max(width, 1), value: value)), width: width, signed: signed,
                       owner: nil, problem: problem))
  }

  public static func constant(_ value: BitVector, signed: Bool = false) -> Signal {
    Signal(Node(.constant(value), width: value.width, signed: signed, owner: nil))
  }

  public static func zero(width: Int) -> Signal { .constant(0, width: width) }
  public static func ones(width: Int) -> Signal {
    width < 1 ? .constant(0, width: width) : .constant(BitVector.ones(width: width))  // the former reports the width
  }
  public static let high = Signal.constant(1, width: 1)
  public static let low = Signal.constant(0, width: 1)

  static func fitProblem(_ value: Int, width: Int, signed: Bool) -> String? {
    guard width >= 1 else { return "a constant needs a width of at least 1 bit, not \(width)" }
    if signed {
      if width >= 64 { return nil }
      let lo = -(1 << (width - 1)), hi = (1 << (width - 1)) - 1
      return (lo...hi).contains(value) ? nil : "the constant \(value) does not fit in \(width) signed bits (range \(lo)...\(hi))"
    }
    if value < 0 { return "the constant \(value) is negative but the signal is unsigned; use .asSigned or a positive value" }
    if width >= 64 { return nil }
    return value >> width == 0 ? nil : "the constant \(value) does not fit in \(width) bits (needs \(BitVector(width: 64, value: value).significantBits))"
  }
}

// MARK: - Reinterpretation and resizing

extension Signal {
  /// The same bits read as a signed (two's complement) number.
  public var asSigned: Signal { Signal(Node(.extend(node, signed: true), width: width, signed: true, owner: node.owner, problem: node.problem)) }
  /// The same bits read as an unsigned number.
  public var asUnsigned: Signal { Signal(Node(.extend(node, signed: false), width: width, signed: false, owner: node.owner, problem: node.problem)) }

  /// Zero-extended to `newWidth` bits (which must not be narrower).
  public func zeroExtended(to newWidth: Int) -> Signal { extended(to: newWidth, signed: false, verb: "zero-extend") }
  /// Sign-extended to `newWidth` bits (which must not be narrower).
  public func signExtended(to newWidth: Int) -> Signal { extended(to: newWidth, signed: true, verb: "sign-extend") }

  /// The low `newWidth` bits (which must not be wider).
  public func truncated(to newWidth: Int) -> Signal {
    if newWidth == width { return self }
    guard newWidth >= 1, newWidth < width else {
      return Signal.invalid(width: max(newWidth, 1), owner: node.owner,
                            "cannot truncate \(node.displayName) of \(width) bits to \(newWidth) bits; truncation needs a smaller width")
    }
    return bits(0..<newWidth)
  }

  /// Truncated or extended (by the signal's own signedness) to exactly `newWidth` bits.
  public func resized(to newWidth: Int) -> Signal {
    newWidth < width ? truncated(to: newWidth) : extended(to: newWidth, signed: isSigned, verb: "extend")
  }

  private func extended(to newWidth: Int, signed: Bool, verb: String) -> Signal {
    if newWidth == width { return signed == isSigned ? self : (signed ? asSigned : asUnsigned) }
    guard newWidth > width else {
      return Signal.invalid(width: newWidth, owner: node.owner,
                            "cannot \(verb) \(node.displayName) of \(width) bits to \(newWidth) bits; use .truncated(to: \(newWidth))")
    }
    let ext = Node(.extend(node, signed: signed), width: newWidth, signed: signed, owner: node.owner, problem: node.problem)
    return Signal(ext)
  }

  static func invalid(width: Int, owner: ModuleBuilder?, _ problem: String) -> Signal {
    Signal(Node(.constant(BitVector(width: max(width, 1))), width: width, owner: owner, problem: problem))
  }
}

// MARK: - Bits, slices, concatenation

extension Signal {
  /// One bit, 0 being the least significant.
  public subscript(bit: Int) -> Signal { bits(bit..<bit + 1) }

  /// Bits `range.lowerBound ..< range.upperBound`, least significant first: `x[0..<8]` is the low byte.
  public subscript(range: Range<Int>) -> Signal { bits(range) }

  /// Bits `lo ... hi` inclusive: `x[0...7]` is the low byte.
  public subscript(range: ClosedRange<Int>) -> Signal { bits(range.lowerBound..<range.upperBound + 1) }

  /// Bits `range`, least significant first.
  public func bits(_ range: Range<Int>) -> Signal {
    guard range.lowerBound >= 0, range.upperBound <= width, !range.isEmpty else {
      return Signal.invalid(width: max(range.count, 1), owner: node.owner,
                            "bits \(range.lowerBound)..<\(range.upperBound) are outside \(node.displayName), which has bits 0..<\(width)")
    }
    if range.lowerBound == 0 && range.count == width && !isSigned { return self }
    // A slice of an unnamed slice reads the base directly: Verilog cannot slice an expression,
    // and a temporary wire whose other bits go unread would draw lint warnings.
    if case .slice(let base, let low) = node.kind, node.name == nil {
      return Signal(Node(.slice(base, low: low + range.lowerBound), width: range.count, owner: node.owner, problem: node.problem))
    }
    return Signal(Node(.slice(node, low: range.lowerBound), width: range.count, owner: node.owner, problem: node.problem))
  }

  /// The most significant bit.
  public var msb: Signal { self[width - 1] }

  /// The signal repeated `count` times side by side.
  public func replicated(_ count: Int) -> Signal {
    guard count >= 1 else { return Signal.invalid(width: 1, owner: node.owner, "cannot replicate \(node.displayName) \(count) times") }
    return Signal(Node(.replicate(node, count: count), width: width * count, owner: node.owner, problem: node.problem))
  }

  /// AND of all bits (1 bit).
  public func reduceAnd() -> Signal { unary(.reduceAnd, width: 1) }
  /// OR of all bits: "any bit set" (1 bit).
  public func reduceOr() -> Signal { unary(.reduceOr, width: 1) }
  /// XOR of all bits: the parity (1 bit).
  public func reduceXor() -> Signal { unary(.reduceXor, width: 1) }

  func unary(_ op: Node.UnaryOp, width: Int) -> Signal {
    Signal(Node(.unary(op, node), width: width, signed: op == .negate && isSigned, owner: node.owner, problem: node.problem))
  }

  /// The value plus one, wrapping to zero at `modulo` (a counter's next value).
  public func next(modulo: Int) -> Signal {
    if modulo == 1 << width { return self + 1 }
    return mux(self == modulo - 1, .zero(width: width), self + 1)
  }
}

/// Concatenation, most significant part first (like Verilog `{a, b}`).
public func concat(_ parts: Signal...) -> Signal { concat(parts) }

/// Concatenation, most significant part first (like Verilog `{a, b}`).
public func concat(_ parts: [Signal]) -> Signal {
  guard !parts.isEmpty else { return Signal.invalid(width: 1, owner: nil, "cannot concatenate no signals") }
  if parts.count == 1 { return parts[0].isSigned ? parts[0].asUnsigned : parts[0] }
  let (owner, problem) = Signal.merge(parts.map(\.node))
  return Signal(Node(.concat(parts.map(\.node)), width: parts.reduce(0) { $0 + $1.width }, owner: owner, problem: problem))
}

extension Signal {
  /// The owner of the first owned node among `nodes`, and the first problem among them.
  /// Reads across modules are found by the checks, which know the module being elaborated.
  static func merge(_ nodes: [Node]) -> (ModuleBuilder?, String?) {
    let owner = nodes.lazy.compactMap(\.owner).first
    let problem = nodes.lazy.compactMap(\.problem).first
    return (owner, problem)
  }
}
