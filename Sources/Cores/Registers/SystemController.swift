import HDL

/// The system controller of one node: the `systemControlRegisters` block with what surrounds it
/// on the board — a free-running 64-bit cycle counter behind CYCLE_COUNT_LOW/HIGH, the node's
/// interrupt line, and the soft-reset handshake.
///
/// Ports: `mmio` (the register block's bus), one input per interrupt cause (`doorbell`,
/// `link_change`, `dma_done`, `tier_error`: a 1-cycle pulse raises the cause's status bit),
/// `irq` (1 while any enabled cause is pending; not `interrupt`, a C++ word Verilator warns
/// about), `soft_reset` (1 from software's request until `soft_reset_done`, a pulse from the
/// reset sequencer).
public func systemController(boardID: Int, nodeID: Int) throws -> Module {
  let map = try systemControlRegisters(boardID: boardID, nodeID: nodeID)
  return Module("system_controller_board\(boardID)_node\(nodeID)") { m in
    let bus = m.port("mmio", MMIO(addressWidth: map.addressWidth).flipped)
    let registers = m.instance(registerBlock(map), name: "registers")
    connect(bus, to: registers.interface("mmio", as: MMIO.self))

    let cycles = m.register("cycles", width: 64, reset: 0)
    cycles <== cycles + 1
    registers["cycle_count_low_value_in"] <== cycles[0..<32]
    registers["cycle_count_high_value_in"] <== cycles[32..<64]

    let causes = systemControlInterrupts.map { $0.name.lowercased() }
    let pending = causes.map { cause in
      registers["interrupt_status_\(cause)_out"] & registers["interrupt_enable_\(cause)_out"]
    }
    for cause in causes { registers["interrupt_status_\(cause)_set"] <== m.input(cause) }
    m.output("irq") <== concat(pending).reduceOr()

    m.output("soft_reset") <== registers["control_soft_reset_out"]
    registers["control_soft_reset_clear"] <== m.input("soft_reset_done")
  }
}
