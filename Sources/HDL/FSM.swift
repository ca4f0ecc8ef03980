/// A state machine whose states are a Swift enum. The state register is binary encoded and
/// every state becomes a Verilog localparam (`<NAME>_<STATE>`), so the Verilog and the
/// waveform show states by name.
public struct FSM<State: CaseIterable & Equatable> {
  /// The state register.
  public let state: Signal
  let info: FSMInfo

  /// 1 while the machine is in `s`.
  public func isIn(_ s: State) -> Signal { state == constant(s) }

  /// The encoding of `s`, printed as its localparam.
  public func constant(_ s: State) -> Signal {
    let index = Array(State.allCases).firstIndex(of: s)!
    return Signal(Node(.stateConstant(info, index: index), width: info.width, owner: nil))
  }

  /// Moves to `s` at the next clock edge.
  public func goto(_ s: State) -> Statement { state <== constant(s) }

  /// An arm of `switchOn(fsm.state)` for the states `states`.
  public func on(_ states: State..., @StatementBuilder body: () -> [Statement]) -> Case {
    Case(values: states.map { constant($0) }, body: body())
  }
}

final class FSMInfo {
  let name: String
  let stateNames: [String]
  let width: Int
  init(name: String, stateNames: [String]) {
    self.name = name
    self.stateNames = stateNames
    self.width = bitsToIndex(stateNames.count)
  }

  func localparam(_ index: Int) -> String { "\(name)_\(stateNames[index])".uppercased() }
}

extension Case {
  init(values: [Signal], body: [Statement]) {
    self.values = .signals(values)
    self.body = body
  }
}

extension ModuleBuilder {
  /// A state machine starting (and reset) in `initial`.
  public func fsm<State: CaseIterable & Equatable>(_ name: String, _ type: State.Type = State.self, initial: State,
                                                   domain: ClockDomain? = nil,
                                                   file: StaticString = #fileID, line: UInt = #line) -> FSM<State> {
    let names = State.allCases.map { String(describing: $0) }
    let info = FSMInfo(name: name, stateNames: names)
    for index in names.indices { claim(info.localparam(index), at: SourceLocation(file: file, line: line)) }
    let initialIndex = Array(State.allCases).firstIndex(of: initial)!
    let register = register(name, width: info.width, signed: false,
                            resetValue: BitVector(width: info.width, value: initialIndex), enable: nil, domain: domain,
                            at: SourceLocation(file: file, line: line))
    add(info)
    return FSM(state: register, info: info)
  }
}
