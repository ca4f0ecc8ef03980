import HDL
import PCIe
import Simulation

/// The link partner's half of PCIe flow control (§2.6.1) on a switch port `<prefix>_*`:
///
/// - towards the switch: a `CreditGate` per credit type, initialised from the switch's
///   `<prefix>_rx_fc_*_advertised` and raised by its `_allocated` (UpdateFC) every cycle, so a
///   TLP goes in only when the switch has room for it;
/// - from the switch: infinite credits advertised (InitFC with 0), for a partner that takes a
///   beat every cycle.
///
/// Both start in the first cycle driven in which the link is up (`<prefix>_active`, when the
/// model has it, reads 1), and again after each link-down (§2.6.1: flow control is initialised
/// on every DL_Up); while the link is down nothing is permitted.
///
/// Plain TLP ports without credits (`ntbPair`'s local sides) have none of these ports; `init`
/// returns nil for them.
final class LinkFlowControl {
  private static let names = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
  private let advertised, allocated: [OutputPort]
  private let initialize, update: InputPort
  private let active: InputPort?
  private let ourAdvertisement, ourLimits: [InputPort]
  private let model: Model
  private var gates: [CreditGate] = []
  /// The cycle of the last InitFC: the first cycle driven with the link up after reset or a link-down.
  private var initializedAt: Int?
  private var wasUp = false

  init?(model: Model, prefix: String) throws {
    guard model.ports.contains(where: { $0.name == "\(prefix)_rx_fc_ph_advertised" }) else { return nil }
    self.model = model
    advertised = try Self.names.map { try model.output("\(prefix)_rx_fc_\($0)_advertised") }
    allocated = try Self.names.map { try model.output("\(prefix)_rx_fc_\($0)_allocated") }
    initialize = try model.input("\(prefix)_fc_initialize")
    update = try model.input("\(prefix)_fc_update")
    active = model.ports.contains(where: { $0.name == "\(prefix)_active" }) ? try model.input("\(prefix)_active") : nil
    ourAdvertisement = try Self.names.map { try model.input("\(prefix)_fc_\($0)_advertised") }
    ourLimits = try Self.names.map { try model.input("\(prefix)_fc_\($0)_limit") }
  }

  /// Sets this cycle's flow-control inputs (the same on every call within a cycle); the first
  /// cycle driven with the link up, after reset or a link-down, is the InitFC.
  func drive() {
    let up = active.map { !$0.value.isZero } ?? true
    if up && !wasUp {
      initializedAt = model.cycle
      for port in ourAdvertisement + ourLimits { try? port.set(UInt64(0)) }
      gates = CreditType.allCases.map { CreditGate(type: $0, advertised: Int(advertised[$0.rawValue].uint64)) }
    } else if !up {
      initializedAt = nil
      gates = []
    }
    wasUp = up
    initialize.set(model.cycle == initializedAt)
    update.set(false)
    for type in CreditType.allCases where !gates.isEmpty { gates[type.rawValue].update(limit: Int(allocated[type.rawValue].uint64)) }
  }

  /// Whether the switch has room for `tlp` now.
  func permits(_ tlp: TLP) -> Bool {
    !gates.isEmpty && tlp.creditsRequired.allSatisfy { gates[$0.key.rawValue].permits($0.value) }
  }

  func consume(_ tlp: TLP) {
    for (type, units) in tlp.creditsRequired { gates[type.rawValue].consume(units) }
  }
}
