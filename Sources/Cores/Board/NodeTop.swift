import Board
import HDL

/// The management address space of a node as seen on its `mgmt` port: byte offsets from the
/// board's `management.mmio_base`. The switch and the tier controller take the windows after
/// the system controller as they arrive.
public enum NodeAddressMap {
  /// Width of a node's management address (a 64 KiB window).
  public static let addressWidth = 16
  /// The system controller's registers.
  public static let systemControl: ClosedRange<Int> = 0x0000...0x00FF
  /// The PCIe switch's management port (`SwitchManagementMap`): its registers from 0x2000, the
  /// bridges' configuration blocks from 0x3000.
  public static let pcieSwitch: ClosedRange<Int> = 0x2000...0x3FFF
}

/// Width of a node's index strap (NODE.INDEX).
public let nodeIndexWidth = 8

/// Cycles the node's cores are held in reset after software writes CONTROL.SOFT_RESET.
public let softResetCycles = 16

/// One node of the board: its management port and the blocks behind it.
///
/// Every node of a board is the same module; the board straps each instance's `node_index`.
///
/// Ports: `node_index` (the node's place on the board, read back in NODE.INDEX), `mgmt` (MMIO
/// responder, `NodeAddressMap.addressWidth`-bit byte addresses), the PCIe switch's links
/// `link<k>_*` (port 0 upstream to the node's root complex, then the downstream ports; the names
/// and meanings of `pcieSwitch`), `irq` (the
/// node's interrupt line to its management processor: any enabled pending cause), and
/// `cores_reset` (held for `softResetCycles` after a soft reset request, for the node's cores).
/// Addresses outside every block's window complete at once with `error`.
public func nodeTop(board: Board, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("\(board.name)_node", file: file, line: line) { m in
    let mapResult = Result { try systemControlRegisters(boardID: Int(board.id), baseAddress: board.management.mmioBase) }
    let switchResult = Result { try pcieSwitch(SwitchParameters(board: board)) }
    m.require((try? mapResult.get()) != nil, "the nodes of board `\(board.name)`: \((mapResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    m.require((try? switchResult.get()) != nil, "the switch of board `\(board.name)`: \((switchResult.failure).map { "\($0)" } ?? "")",
              file: file, line: line)
    if let map = try? mapResult.get(), let pcie = try? switchResult.get() {
      NodeBody(m: m, map: map, pcieSwitch: pcie, ports: board.switchConfig.downstreamPorts + 1, dataWidth: board.datapathBits).statements()
    }
  }
}

private extension Result {
  var failure: Failure? { if case .failure(let e) = self { return e } else { return nil } }
}

/// Builds a node's body around its system controller.
private struct NodeBody {
  let m: ModuleBuilder
  let map: RegisterMap
  let pcieSwitch: Module
  let ports: Int
  let dataWidth: Int

  @StatementBuilder
  func statements() -> [Statement] {
    let nodeIndex = m.input("node_index", width: nodeIndexWidth)
    let mgmt = m.port("mgmt", MMIO(addressWidth: NodeAddressMap.addressWidth).flipped)
    let irq = m.output("irq")
    let coresReset = m.output("cores_reset")
    let sysctl = m.instance(registerBlock(map), name: "system_control")
    let bus = sysctl.interface("mmio", as: MMIO.self)
    let blockBits = map.addressWidth
    let inSystemControl = m.wire("in_system_control")
    let cycles = m.register("cycle_count", width: 64)
    let resetTimer = m.register("soft_reset_timer", width: bitsToHold(softResetCycles))

    let pcie = m.instance(pcieSwitch, name: "pcie_switch")
    let switchBus = pcie.interface("mgmt", as: MMIO.self)
    let switchBits = SwitchManagementMap.addressWidth
    let inSwitch = m.wire("in_pcie_switch")

    // Address decoding: the system controller owns the low window, the switch its 8 KiB.
    inSystemControl <== mgmt.address[blockBits..<NodeAddressMap.addressWidth] == 0
    inSwitch <== mgmt.address[switchBits..<NodeAddressMap.addressWidth] == NodeAddressMap.pcieSwitch.lowerBound >> switchBits
    bus.valid <== mgmt.valid && inSystemControl
    bus.write <== mgmt.write
    bus.address <== mgmt.address[0..<blockBits]
    bus.writeData <== mgmt.writeData
    bus.strobe <== mgmt.strobe
    switchBus.valid <== mgmt.valid && inSwitch
    switchBus.write <== mgmt.write
    switchBus.address <== mgmt.address[0..<switchBits]
    switchBus.writeData <== mgmt.writeData
    switchBus.strobe <== mgmt.strobe
    mgmt.ready <== priority([(inSystemControl, bus.ready), (inSwitch, switchBus.ready)], otherwise: mgmt.valid)
    mgmt.readData <== priority([(inSystemControl, bus.readData), (inSwitch, switchBus.readData)], otherwise: .zero(width: 32))
    mgmt.error <== priority([(inSystemControl, bus.error), (inSwitch, switchBus.error)], otherwise: mgmt.valid)
    for k in 0..<ports {
      SwitchLinkPorts.passThrough(m, child: pcie, inner: "link\(k)", outer: "link\(k)", dataWidth: dataWidth)
    }

    sysctl["node_index_in"] <== nodeIndex

    // The free-running cycle counter behind CYCLE_COUNT_LOW/HIGH.
    cycles <== cycles + 1
    sysctl["cycle_count_low_value_in"] <== cycles[0..<32]
    sysctl["cycle_count_high_value_in"] <== cycles[32..<64]

    // Interrupt causes arrive with the switch (DOORBELL, LINK_CHANGE) and the tier
    // controller (DMA_DONE, TIER_ERROR); until those blocks exist nothing raises them.
    for cause in causes { sysctl["interrupt_status_\(cause)_set"] <== false }
    irq <== ((concat(interruptBits(sysctl, "status")) & concat(interruptBits(sysctl, "enable"))) != 0)

    // Soft reset: hold the cores in reset for a fixed time, then acknowledge the request.
    when(sysctl["control_soft_reset_out"] && resetTimer == 0) { resetTimer <== softResetCycles }
      .elseWhen(resetTimer != 0) { resetTimer <== resetTimer - 1 }
    coresReset <== resetTimer != 0
    sysctl["control_soft_reset_clear"] <== resetTimer == 1
  }

  /// The interrupt causes as they appear in port names: `doorbell`, `link_change`, ...
  private var causes: [String] { systemControlInterrupts.map { $0.name.lowercased() } }

  private func interruptBits(_ sysctl: Instance, _ register: String) -> [Signal] {
    causes.map { sysctl["interrupt_\(register)_\($0)_out"] }
  }
}
