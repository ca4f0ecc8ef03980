// Operators on signals. The width rules, chosen so that mistakes are caught and intent is plain:
// - `&` `|` `^` need operands of equal width;
// - `+` `-` and comparisons extend the narrower operand (zero or sign, by its signedness) to
//   the wider one; `+` and `-` wrap at that width (see `addingWithCarry` for the full sum);
// - `*` gives the full product (width of both operands added);
// - shifts keep the width of the shifted value; `>>` of a signed value is arithmetic;
// - mixing signed and unsigned operands is an error: say `.asSigned` or `.asUnsigned`;
// - an integer literal takes the width and signedness of the other operand and must fit.

infix operator <== : AssignmentPrecedence

extension Signal {
  // MARK: bitwise
  public static prefix func ~ (a: Signal) -> Signal { a.unary(.not, width: a.width) }
  public static func & (a: Signal, b: Signal) -> Signal { bitwise(.and, a, b) }
  public static func | (a: Signal, b: Signal) -> Signal { bitwise(.or, a, b) }
  public static func ^ (a: Signal, b: Signal) -> Signal { bitwise(.xor, a, b) }
  public static func & (a: Signal, b: Int) -> Signal { bitwise(.and, a, a.literal(b)) }
  public static func | (a: Signal, b: Int) -> Signal { bitwise(.or, a, a.literal(b)) }
  public static func ^ (a: Signal, b: Int) -> Signal { bitwise(.xor, a, a.literal(b)) }

  // MARK: logical (1-bit operands)
  public static prefix func ! (a: Signal) -> Signal {
    guard a.width == 1 else {
      return invalid(width: 1, owner: a.node.owner, "`!` needs a 1-bit operand but \(a.node.displayName) has \(a.width) bits; compare with zero (`x == 0`) instead")
    }
    return a.unary(.not, width: 1)
  }
  public static func && (a: Signal, b: Signal) -> Signal { logical(.and, a, b, "&&") }
  public static func || (a: Signal, b: Signal) -> Signal { logical(.or, a, b, "||") }

  // MARK: arithmetic
  public static prefix func - (a: Signal) -> Signal { a.unary(.negate, width: a.width) }
  public static func + (a: Signal, b: Signal) -> Signal { arithmetic(.add, a, b) }
  public static func - (a: Signal, b: Signal) -> Signal { arithmetic(.sub, a, b) }
  public static func + (a: Signal, b: Int) -> Signal { arithmetic(.add, a, a.literal(b)) }
  public static func - (a: Signal, b: Int) -> Signal { arithmetic(.sub, a, a.literal(b)) }
  public static func * (a: Signal, b: Signal) -> Signal {
    let w = a.width + b.width
    let (aa, bb) = (a.resized(to: w), b.resized(to: w))
    return binary(.mul, aa, bb, width: w, signed: a.isSigned)
  }

  /// The full sum, one bit wider than the wider operand, so that it never wraps.
  public func addingWithCarry(_ other: Signal) -> Signal {
    let w = max(width, other.width) + 1
    return Signal.arithmetic(.add, resized(to: w), other.resized(to: w))
  }

  // MARK: comparisons
  public static func == (a: Signal, b: Signal) -> Signal { compare(.eq, a, b) }
  public static func != (a: Signal, b: Signal) -> Signal { compare(.ne, a, b) }
  public static func < (a: Signal, b: Signal) -> Signal { compare(.lt, a, b) }
  public static func <= (a: Signal, b: Signal) -> Signal { compare(.le, a, b) }
  public static func > (a: Signal, b: Signal) -> Signal { compare(.gt, a, b) }
  public static func >= (a: Signal, b: Signal) -> Signal { compare(.ge, a, b) }
  public static func == (a: Signal, b: Int) -> Signal { compare(.eq, a, a.literal(b)) }
  public static func != (a: Signal, b: Int) -> Signal { compare(.ne, a, a.literal(b)) }
  public static func < (a: Signal, b: Int) -> Signal { compare(.lt, a, a.literal(b)) }
  public static func <= (a: Signal, b: Int) -> Signal { compare(.le, a, a.literal(b)) }
  public static func > (a: Signal, b: Int) -> Signal { compare(.gt, a, a.literal(b)) }
  public static func >= (a: Signal, b: Int) -> Signal { compare(.ge, a, a.literal(b)) }

  // MARK: shifts
  public static func << (a: Signal, amount: Int) -> Signal { shift(.shl, a, by: amount) }
  public static func >> (a: Signal, amount: Int) -> Signal { shift(a.isSigned ? .sshr : .shr, a, by: amount) }
  public static func << (a: Signal, amount: Signal) -> Signal { binary(.shl, a, amount.asUnsignedIfNeeded, width: a.width, signed: a.isSigned) }
  public static func >> (a: Signal, amount: Signal) -> Signal {
    binary(a.isSigned ? .sshr : .shr, a, amount.asUnsignedIfNeeded, width: a.width, signed: a.isSigned)
  }

  // MARK: - building blocks

  /// An integer literal with this signal's width and signedness.
  func literal(_ value: Int) -> Signal { .constant(value, width: width, signed: isSigned) }

  var asUnsignedIfNeeded: Signal { isSigned ? asUnsigned : self }

  static func binary(_ op: Node.BinaryOp, _ a: Signal, _ b: Signal, width: Int, signed: Bool, problem: String? = nil) -> Signal {
    let (owner, inherited) = merge([a.node, b.node])
    return Signal(Node(.binary(op, a.node, b.node), width: width, signed: signed, owner: owner, problem: problem ?? inherited))
  }

  static func bitwise(_ op: Node.BinaryOp, _ a: Signal, _ b: Signal) -> Signal {
    let problem = a.width == b.width ? nil
      : "width mismatch in `\(op.rawValue)`: \(a.node.displayName) has \(a.width) bits and \(b.node.displayName) has \(b.width) bits; "
        + "make them equal with .zeroExtended(to:), .signExtended(to:) or .truncated(to:)"
    return binary(op, a, b, width: max(a.width, b.width), signed: a.isSigned && b.isSigned, problem: problem)
  }

  static func logical(_ op: Node.BinaryOp, _ a: Signal, _ b: Signal, _ spelling: String) -> Signal {
    let problem = (a.width == 1 && b.width == 1) ? nil
      : "`\(spelling)` needs 1-bit operands but \(a.node.displayName) has \(a.width) bits and \(b.node.displayName) has \(b.width) bits; use `\(op.rawValue)` for bitwise logic"
    return binary(op, a, b, width: 1, signed: false, problem: problem)
  }

  static func signednessProblem(_ op: String, _ a: Signal, _ b: Signal) -> String? {
    a.isSigned == b.isSigned ? nil
      : "`\(op)` mixes signed \((a.isSigned ? a : b).node.displayName) and unsigned \((a.isSigned ? b : a).node.displayName); convert one with .asSigned or .asUnsigned"
  }

  static func arithmetic(_ op: Node.BinaryOp, _ a: Signal, _ b: Signal) -> Signal {
    let w = max(a.width, b.width)
    return binary(op, a.resized(to: w), b.resized(to: w), width: w, signed: a.isSigned,
                  problem: signednessProblem(op.rawValue, a, b))
  }

  static func compare(_ op: Node.BinaryOp, _ a: Signal, _ b: Signal) -> Signal {
    let w = max(a.width, b.width)
    return binary(op, a.resized(to: w), b.resized(to: w), width: 1, signed: false,
                  problem: signednessProblem(op.rawValue, a, b))
  }

  static func shift(_ op: Node.BinaryOp, _ a: Signal, by amount: Int) -> Signal {
    guard amount >= 0 else {
      return invalid(width: a.width, owner: a.node.owner, "cannot shift \(a.node.displayName) by a negative amount (\(amount))")
    }
    if amount == 0 { return a }
    let bits = max(BitVector(width: 64, value: amount).significantBits, 1)
    return binary(op, a, .constant(amount, width: bits), width: a.width, signed: a.isSigned)
  }
}

// MARK: - Selection

/// `ifTrue` when `condition` is 1, otherwise `ifFalse`. Both values must have the same width.
public func mux(_ condition: Signal, _ ifTrue: Signal, _ ifFalse: Signal) -> Signal {
  var problem: String?
  if condition.width != 1 {
    problem = "the condition of `mux` must be 1 bit but \(condition.node.displayName) has \(condition.width) bits"
  } else if ifTrue.width != ifFalse.width {
    problem = "width mismatch in `mux`: the true value has \(ifTrue.width) bits and the false value \(ifFalse.width) bits"
  }
  let (owner, inherited) = Signal.merge([condition.node, ifTrue.node, ifFalse.node])
  return Signal(Node(.mux(condition.node, ifTrue.node, ifFalse.node), width: max(ifTrue.width, ifFalse.width),
                     signed: ifTrue.isSigned && ifFalse.isSigned, owner: owner, problem: problem ?? inherited))
}

/// `ifTrue` when `condition` is 1, otherwise the integer `ifFalse` at the width of `ifTrue`.
public func mux(_ condition: Signal, _ ifTrue: Signal, _ ifFalse: Int) -> Signal { mux(condition, ifTrue, ifTrue.literal(ifFalse)) }
/// The integer `ifTrue` at the width of `ifFalse` when `condition` is 1, otherwise `ifFalse`.
public func mux(_ condition: Signal, _ ifTrue: Int, _ ifFalse: Signal) -> Signal { mux(condition, ifFalse.literal(ifTrue), ifFalse) }

/// The value of the first condition that holds, or `otherwise` when none does (a priority encoder).
public func priority(_ cases: [(Signal, Signal)], otherwise: Signal) -> Signal {
  cases.reversed().reduce(otherwise) { result, c in mux(c.0, c.1, result) }
}

/// `values[index]`; indices beyond the last value give the last value. All values share one width.
public func select(_ index: Signal, _ values: [Signal]) -> Signal {
  guard let last = values.last else { return Signal.invalid(width: 1, owner: index.node.owner, "`select` needs at least one value") }
  if values.count > 1 << min(index.width, 62) {
    return Signal.invalid(width: last.width, owner: index.node.owner,
                          "`select` has \(values.count) values but its index \(index.node.displayName) of \(index.width) bits reaches only \(1 << index.width)")
  }
  return values.enumerated().dropLast().reversed().reduce(last) { result, entry in
    mux(index == entry.offset, entry.element, result)
  }
}
