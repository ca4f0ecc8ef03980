import Firmware
import HDL
import PCIe
import Simulation

/// Two nodes on one Verilated `ntbPair`: each with its NTB function's management port and
/// interrupt lines behind a `SimulatedHAL`, and a `PCIeLocalSide` (the node's RAM and root
/// port) on its local TLP ports. Both nodes use the same address map, as two boards would:
/// registers at `registerBase`, RAM at `ramBase`, the NTB aperture at `apertureBase`.
/// For tests and benchmarks of NTB firmware; the model is `Cores.ntbPair` of any shape.
public final class NTBPairNodes {
  public static let registerBase: UInt64 = 0x4000_0000
  public static let ramBase: UInt64 = 0x8000_0000
  public static let ramSize: UInt64 = 1 << 20
  public static let apertureBase: UInt64 = 0x9000_0000
  /// The management core's requester ID on each node's PCIe side.
  public static let coreID = PCIeID(rawValue: 0x0100)
  /// Local bus numbers of the two NTB functions.
  public static let localBus: [UInt8] = [0x10, 0x20]

  public let system: SimulatedSystem
  public let hals: [SimulatedHAL]
  public let sides: [PCIeLocalSide]
  private let phyUp: InputPort

  public init(model: Model) throws {
    system = SimulatedSystem(model: model)
    let addressWidth = try model.input("a_mmio_address").width
    var hals: [SimulatedHAL] = [], sides: [PCIeLocalSide] = []
    for (index, name) in ["a", "b"].enumerated() {
      let side = try PCIeLocalSide(system: system, prefix: "\(name)_local", requester: Self.coreID,
                                   completer: PCIeID(rawValue: UInt16(Self.localBus[index]) << 8 | 0x08),
                                   localMemory: Self.ramBase..<(Self.ramBase + Self.ramSize))
      sides.append(side)
      hals.append(try SimulatedHAL(system: system, mmio: "\(name)_mmio",
                                   registers: Self.registerBase..<(Self.registerBase + (1 << UInt64(addressWidth))),
                                   irq: "\(name)_irq", pcie: side))
    }
    self.hals = hals
    self.sides = sides
    phyUp = try model.input("phy_up")
    try model.input("link_speed").set(3)
    try model.input("link_width").set(8)
    // Both hosts have made their NTB function a bus master, as their drivers do.
    for side in ["a", "b"] { try model.input("\(side)_bus_master_enable").set(1) }
    phyUp.set(true)
    model.reset()
  }

  public func setPhysicalLink(up: Bool) { phyUp.set(up) }
}
