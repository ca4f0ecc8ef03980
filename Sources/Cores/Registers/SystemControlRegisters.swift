/// The version of the system controller's register layout, reported in its VERSION register.
/// Raise `minor` for an added register or field, `major` for a change firmware must know about.
public let systemControlVersion = (major: 1, minor: 0)

/// The causes of the node's interrupt, one bit each in INTERRUPT_STATUS and INTERRUPT_ENABLE.
public let systemControlInterrupts: [(name: String, meaning: String)] = [
  ("DOORBELL", "a peer rang this node's NTB doorbell"),
  ("LINK_CHANGE", "a PCIe link went up or down"),
  ("DMA_DONE", "a tier DMA transfer finished"),
  ("TIER_ERROR", "the memory-tier controller reported an error"),
]

/// The board's system controller, one per node: identification, a scratch register for bus
/// checks, the node's index, interrupt status and enable, a free-running cycle counter and the
/// soft-reset request.
///
/// - `boardID`: the board's identifier (0...65535), constant in ID.BOARD.
/// NODE.INDEX comes from hardware (`node_index_in`, strapped by the board top), so every node
/// of a board shares one block.
/// - `baseAddress`: where the management processor sees the block.
///
/// Hardware hooks: each INTERRUPT_STATUS flag is raised by a one-cycle `_set` pulse from its
/// source and is sent out (`_out`) beside INTERRUPT_ENABLE's bits, so the node ORs the enabled
/// flags into its interrupt line; CYCLE_COUNT_LOW/HIGH mirror a 64-bit counter; CONTROL.SOFT_RESET
/// stays 1 (`_out`) until the reset sequencer acknowledges with `_clear`.
public func systemControlRegisters(boardID: Int, baseAddress: UInt64 = 0x1000_0000) throws -> RegisterMap {
  guard (0...0xFFFF).contains(boardID) else {
    throw RegisterMapError(map: "system_control", problems: ["boardID \(boardID) is outside 0...65535 (ID.BOARD is 16 bits)"])
  }

  let interrupts = systemControlInterrupts
  return try RegisterMap(
    name: "system_control", baseAddress: baseAddress,
    description: "System controller of one node: identification, interrupts, cycle counter and soft reset.",
    registers: [
      Register("ID", offset: 0x00, description: "Identifies the block and the board.", fields: [
        Field("BOARD", bits: 0...15, access: .readOnly, reset: UInt32(boardID), description: "The board's identifier."),
        Field("MAGIC", bits: 16...31, access: .readOnly, reset: 0x5354, description: "0x5354 (\"ST\"): a Strata system controller answers here."),
      ]),
      Register("VERSION", offset: 0x04, description: "Version of this register layout.", fields: [
        Field("MINOR", bits: 0...15, access: .readOnly, reset: UInt32(systemControlVersion.minor), description: "Raised for added registers or fields."),
        Field("MAJOR", bits: 16...31, access: .readOnly, reset: UInt32(systemControlVersion.major), description: "Raised for incompatible changes."),
      ]),
      Register("SCRATCH", offset: 0x08, description: "Free for software; checks that register writes and reads arrive.", fields: [
        Field("VALUE", bits: 0...31, access: .readWrite, description: "Any value."),
      ]),
      Register("NODE", offset: 0x0C, description: "Where this node sits on the board.", fields: [
        Field("INDEX", bits: 0...7, access: .readOnly, description: "The node's index on the board, strapped by the board.",
              hardware: [.input]),
      ]),
      Register("INTERRUPT_STATUS", offset: 0x10, description: "Pending interrupt causes; write 1 to a bit to acknowledge it.",
               fields: interrupts.enumerated().map { i, cause in
                 Field(cause.name, bit: i, access: .writeOneToClear, description: "Set when \(cause.meaning).", hardware: [.set, .output])
               }),
      Register("INTERRUPT_ENABLE", offset: 0x14, description: "Which causes raise the node's interrupt line.",
               fields: interrupts.enumerated().map { i, cause in
                 Field(cause.name, bit: i, access: .readWrite, description: "Interrupt when \(cause.meaning).", hardware: [.output])
               }),
      Register("CYCLE_COUNT_LOW", offset: 0x18, description: "Low word of the free-running 64-bit cycle counter.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Cycles since reset, bits 31:0.", hardware: [.input]),
      ]),
      Register("CYCLE_COUNT_HIGH", offset: 0x1C,
               description: "High word of the cycle counter; read HIGH, LOW, HIGH again and retry if HIGH changed.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Cycles since reset, bits 63:32.", hardware: [.input]),
      ]),
      Register("CONTROL", offset: 0x20, description: "Requests to the node.", fields: [
        Field("SOFT_RESET", bit: 0, access: .writeOneToSet,
              description: "Write 1 to reset the node's cores; reads 1 until the reset sequencer has finished.",
              hardware: [.output, .clear]),
      ]),
    ],
    parameters: [("board", boardID)])
}
