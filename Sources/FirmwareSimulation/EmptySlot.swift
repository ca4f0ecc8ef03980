import Simulation

/// A switch downstream port with nothing plugged in (`<prefix>_*`): its link is down
/// (`<prefix>_active` 0), so the switch answers a configuration request for the slot with
/// Unsupported Request itself (§2.9.1) and sends nothing out; nothing arrives.
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
