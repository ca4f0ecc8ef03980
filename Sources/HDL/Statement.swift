/// What a module body does: assignments, possibly under conditions.
///
/// Statements are plain values returned by the body's result builder, which stamps each with
/// the Swift file and line it was written on. Assignments follow "last assignment wins":
/// a default followed by a conditional override is the normal way to describe logic.
public struct Statement {
  indirect enum Kind {
    case assign(target: Node, value: Node)
    case when(branches: [(condition: Node, body: [Statement])], otherwise: [Statement]?)
    case switchOn(subject: Node, cases: [(values: [Node], body: [Statement])], otherwise: [Statement]?)
    case block([Statement])
  }

  var kind: Kind
  var location: SourceLocation?

  init(_ kind: Kind, location: SourceLocation? = nil) {
    self.kind = kind
    self.location = location
  }

  /// Statements nested directly inside this one.
  var children: [[Statement]] {
    switch kind {
    case .assign: return []
    case .when(let branches, let otherwise): return branches.map(\.body) + (otherwise.map { [$0] } ?? [])
    case .switchOn(_, let cases, let otherwise): return cases.map(\.body) + (otherwise.map { [$0] } ?? [])
    case .block(let body): return [body]
    }
  }
}

/// Collects the statements of a module body (or of a `when` branch) and records the line of each.
@resultBuilder
public enum StatementBuilder {
  public static func buildExpression(_ statement: Statement, file: StaticString = #fileID, line: UInt = #line) -> [Statement] {
    var s = statement
    if s.location == nil { s.location = SourceLocation(file: file, line: line) }
    return [s]
  }
  public static func buildExpression(_ statements: [Statement]) -> [Statement] { statements }
  /// Declarations and calls with no statement to contribute (for example `let x = m.wire(...)`).
  public static func buildExpression(_ nothing: Void) -> [Statement] { [] }
  public static func buildBlock(_ parts: [Statement]...) -> [Statement] { parts.flatMap { $0 } }
  public static func buildArray(_ parts: [[Statement]]) -> [Statement] { parts.flatMap { $0 } }
  public static func buildOptional(_ part: [Statement]?) -> [Statement] { part ?? [] }
  public static func buildEither(first part: [Statement]) -> [Statement] { part }
  public static func buildEither(second part: [Statement]) -> [Statement] { part }
  public static func buildLimitedAvailability(_ part: [Statement]) -> [Statement] { part }
}

// MARK: - Assignment

extension Signal {
  /// Drives `target` with `value`: a wire or output combinationally, a register at the next clock
  /// edge, a memory element (`mem[address]`) by a write. Widths must be equal.
  public static func <== (target: Signal, value: Signal) -> Statement {
    Statement(.assign(target: target.node, value: value.node))
  }

  /// Drives `target` with an integer at the target's width.
  public static func <== (target: Signal, value: Int) -> Statement {
    Statement(.assign(target: target.node, value: target.literal(value).node))
  }

  /// Drives a 1-bit `target` with true (1) or false (0).
  public static func <== (target: Signal, value: Bool) -> Statement {
    Statement(.assign(target: target.node, value: target.literal(value ? 1 : 0).node))
  }
}

// MARK: - Conditions

/// Statements that take effect only while `condition` (1 bit) holds. Chain `.elseWhen` and `.otherwise`.
public func when(_ condition: Signal, file: StaticString = #fileID, line: UInt = #line,
                 @StatementBuilder _ body: () -> [Statement]) -> Statement {
  Statement(.when(branches: [(condition.node, body())], otherwise: nil), location: SourceLocation(file: file, line: line))
}

extension Statement {
  /// A further condition tried when the previous ones did not hold.
  public func elseWhen(_ condition: Signal, @StatementBuilder _ body: () -> [Statement]) -> Statement {
    guard case .when(let branches, nil) = kind else {
      preconditionFailure("`elseWhen` follows a `when` (before any `otherwise`)")
    }
    return Statement(.when(branches: branches + [(condition.node, body())], otherwise: nil), location: location)
  }

  /// Statements that take effect when no condition of the `when` held.
  public func otherwise(@StatementBuilder _ body: () -> [Statement]) -> Statement {
    switch kind {
    case .when(let branches, nil):
      return Statement(.when(branches: branches, otherwise: body()), location: location)
    case .switchOn(let subject, let cases, nil):
      return Statement(.switchOn(subject: subject, cases: cases, otherwise: body()), location: location)
    default:
      preconditionFailure("`otherwise` follows a `when` or a `switchOn`, once")
    }
  }
}

/// One arm of `switchOn`: the values it matches and its statements.
public struct Case {
  enum Values { case integers([Int]), signals([Signal]) }
  let values: Values
  let body: [Statement]

  /// An arm for integer values, taken at the subject's width.
  public init(_ values: Int..., @StatementBuilder body: () -> [Statement]) {
    self.values = .integers(values)
    self.body = body()
  }

  /// An arm for signal values (for example FSM states).
  public init(_ values: Signal..., @StatementBuilder body: () -> [Statement]) {
    self.values = .signals(values)
    self.body = body()
  }

  func nodes(matching subject: Signal) -> [Node] {
    switch values {
    case .signals(let signals): return signals.map(\.node)
    case .integers(let integers): return integers.map { subject.literal($0).node }
    }
  }
}

@resultBuilder
public enum CaseBuilder {
  public static func buildExpression(_ c: Case) -> [Case] { [c] }
  public static func buildBlock(_ parts: [Case]...) -> [Case] { parts.flatMap { $0 } }
  public static func buildArray(_ parts: [[Case]]) -> [Case] { parts.flatMap { $0 } }
  public static func buildOptional(_ part: [Case]?) -> [Case] { part ?? [] }
  public static func buildEither(first part: [Case]) -> [Case] { part }
  public static func buildEither(second part: [Case]) -> [Case] { part }
}

/// A case statement: the arm whose value equals `subject` takes effect; `.otherwise` covers the rest.
public func switchOn(_ subject: Signal, file: StaticString = #fileID, line: UInt = #line,
                     @CaseBuilder _ cases: () -> [Case]) -> Statement {
  let arms = cases().map { arm in (values: arm.nodes(matching: subject), body: arm.body) }
  return Statement(.switchOn(subject: subject.node, cases: arms, otherwise: nil), location: SourceLocation(file: file, line: line))
}

