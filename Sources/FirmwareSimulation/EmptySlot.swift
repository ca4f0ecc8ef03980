import Simulation

/// A switch downstream port with nothing plugged in (`<prefix>_*`): the link is not active,
/// nothing arrives, and whatever the switch sends (a configuration request looking for a
/// device) is taken and lost, so the request times out as it would at an empty slot.
final class EmptySlot: CycleAgent {
  private let outReady: InputPort
  private let flowControl: LinkFlowControl?

  init(system: SimulatedSystem, prefix: String) throws {
    let model = system.model
    try model.input("\(prefix)_in_valid").set(false)
    try model.input("\(prefix)_active").set(false)
    outReady = try model.input("\(prefix)_out_ready")
    flowControl = try LinkFlowControl(model: model, prefix: prefix)
    system.attach(self)
  }

  func drive() {
    flowControl?.drive()
    outReady.set(true)
  }

  func sample() {}
}
