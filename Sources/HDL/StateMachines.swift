/// A state machine of an elaborated design, as waveform viewers need it to show states by name:
/// its state register and the state names in encoding order (the register holds a state's index).
public struct StateMachineDescription: Hashable, Sendable {
  /// The Verilog module that declares it.
  public let module: String
  /// The state register's name in that module.
  public let register: String
  /// State names; the state with index i is encoded as i.
  public let states: [String]
}

extension Design {
  /// Every `m.fsm` of every module, children first.
  public var stateMachines: [StateMachineDescription] {
    modules.flatMap { module in
      module.fsms.map { StateMachineDescription(module: module.name, register: $0.name, states: $0.stateNames) }
    }
  }
}
