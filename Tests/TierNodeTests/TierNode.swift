import Board
import Cores
import Firmware
import FirmwareSimulation
import HDL
import PCIe
import Simulation
import SimulationTesting
import TierModel

/// One node of `OneNodeBoard` on its Verilated board top, as its firmware and its host see it:
/// the management core's `SimulatedHAL` on `mgmt0` (registers from `management.mmio_base`, the
/// interrupt line `irq0`), the root complex and its memory on `host0` (`PCIeLocalSide`, so that
/// HAL accesses outside the registers become memory requests into the switch), and a
/// `BackingStoreAgent` on each tier's ports (`node0_dram_*`, ...) timed from the board file
/// unless a test gives its own `timing` (the stores are Swift agents: the RTL is the same).
final class TierNode {
  let board: Board
  let model: Model
  let system: SimulatedSystem
  let host: PCIeLocalSide
  let hal: SimulatedHAL
  /// DRAM, flash, disk.
  let stores: [BackingStoreAgent]
  let timing: TierTiming

  var mmioBase: UInt64 { board.management.mmioBase }
  /// The tier controller's registers in the management core's map (`NodeAddressMap.tierController`).
  var tierRegisters: UInt64 { mmioBase + UInt64(NodeAddressMap.tierController.lowerBound) }
  var control: TierControl<SimulatedHAL> { TierControl(bus: hal, baseAddress: tierRegisters) }
  var frames: [UInt32] { tierFrames(board: board).map(UInt32.init) }

  static let root = PCIeID(bus: 0, device: 0, function: 0)

  init(model: Model, board: Board, timing: TierTiming? = nil) throws {
    self.board = board
    self.model = model
    let system = SimulatedSystem(model: model), timing = timing ?? TierTiming(board: board)
    self.system = system
    self.timing = timing
    host = try PCIeLocalSide(system: system, prefix: "host0", requester: Self.root, completer: Self.root)
    stores = try zip(TierStorePorts.tiers, Tier.allCases).map { name, tier in
      try BackingStoreAgent(system: system, prefix: "node0_\(name)", tier: tier, timing: timing)
    }
    hal = try SimulatedHAL(system: system, mmio: "mgmt0", registers: board.management.mmioBase..<board.management.mmioBase + (1 << 20),
                           irq: "irq0", pcie: host)
    // A disk read waits 3,000 cycles for its store (12 ms at time_scale 1000): more than the HAL's default.
    hal.timeoutCycles = 20_000
    // The root port's side of the host link: x4 at 8 GT/s, up, infinite credits (advertised 0)
    // announced by one InitFC after reset.
    try model.set("host0_speed", BitVector(width: 4, value: 3))
    try model.set("host0_width", BitVector(width: 6, value: 4))
    try model.set("host0_active", BitVector(width: 1, value: 1))
    model.reset()
    try model.set("host0_fc_initialize", BitVector(width: 1, value: 1))
    system.step()
    try model.set("host0_fc_initialize", BitVector(width: 1, value: 0))
    system.step(4)
  }

  /// The firmware's enumeration through the switch's configuration-request registers.
  func enumerateThroughTheSwitch() throws -> DeviceTree {
    let access = SwitchConfigurationAccess(hal: hal, base: mmioBase + UInt64(NodeAddressMap.pcieSwitch.lowerBound))
    return try enumerate(access, options: EnumerationOptions(rootMaxPayload: board.switchConfig.maxPayloadBytes))
  }

  /// Where a unified-space byte lands: the tier function's BAR 0 as enumeration placed it.
  static func spaceBase(_ tree: DeviceTree) -> UInt64? { tierFunction(tree)?.bars.first { $0.index == 0 }?.address }

  /// The function with the tier controller's class code (0x058000, memory controller).
  static func tierFunction(_ tree: DeviceTree) -> PCIFunction? { tree.functions.first { $0.classCode == 0x05_8000 } }

  func store(_ tier: Tier) -> BackingStoreAgent { stores[Tier.allCases.firstIndex(of: tier)!] }
}
