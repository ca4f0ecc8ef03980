import Board

/// The register map of one NTB function (see `NTBLayout` for the offsets and docs/switch.md,
/// "The NTB function", for the behaviour behind each register).
///
/// Registers written by the peer across the crosslink (`SCRATCHPAD_n`, `INBOUND_MESSAGE_n`, the
/// doorbell and message status bits, the peer's link state) are loaded or set by the function's
/// hardware. Writes to `PEER_DOORBELL_SET_n`, `PEER_SCRATCHPAD_n`, `OUTBOUND_MESSAGE_n` and the
/// inbound message bits of `MESSAGE_STATUS` are also sent to the peer. A read of
/// `PEER_SCRATCHPAD_n` reads the peer's `SCRATCHPAD_n` across the link (ntb_peer_spad_read);
/// `PEER_DOORBELL_SET_n` and `OUTBOUND_MESSAGE_n` read back the last value written here.
public func ntbRegisters(_ config: NTBConfig, baseAddress: UInt64 = 0) throws -> RegisterMap {
  try ntbRegisters(NTBLayout(config), baseAddress: baseAddress)
}

public func ntbRegisters(_ layout: NTBLayout, baseAddress: UInt64 = 0) throws -> RegisterMap {
  typealias L = NTBLayout
  var registers: [Register] = [
    Register("NTB_INFO", offset: L.info, description: "What this NTB function has (ntb_mw_count, ntb_spad_count, ntb_db_valid_mask, ntb_msg_count).", fields: [
      Field("MEMORY_WINDOWS", bits: 0...4, access: .readOnly, reset: UInt32(layout.memoryWindows), description: "Memory windows."),
      Field("SCRATCHPADS", bits: 8...14, access: .readOnly, reset: UInt32(layout.scratchpads), description: "Scratchpad registers each way."),
      Field("DOORBELLS", bits: 16...22, access: .readOnly, reset: UInt32(layout.doorbells), description: "Doorbell bits (the valid mask is this many ones)."),
      Field("VECTORS", bits: 24...26, access: .readOnly, reset: UInt32(L.vectors), description: "Interrupt vectors."),
      Field("MESSAGES", bits: 28...30, access: .readOnly, reset: UInt32(L.messages), description: "Message registers each way."),
    ]),
    Register("LUT_INFO", offset: L.lutInfo, description: "The lookup table and the requester-ID table.", fields: [
      Field("LUT_ENTRIES", bits: 0...10, access: .readOnly, reset: UInt32(layout.lutEntries), description: "Lookup-table entries (0: no LUT mode)."),
      Field("LUT_ENTRY_SIZE_LOG2", bits: 16...21, access: .readOnly, reset: UInt32(layout.lutEntrySize.trailingZeroBitCount),
            description: "log2 of the bytes one entry translates: a window in LUT mode is split into LUT_ENTRIES entries."),
      Field("REQUESTER_ENTRIES", bits: 24...28, access: .readOnly, reset: UInt32(L.requesterEntries), description: "Requester-ID table entries."),
    ]),
    Register("NTB_IDENTITY", offset: L.identity, description: "Where this function sits on its local side.", fields: [
      Field("LOCAL_BUS", bits: 0...7, access: .readWrite, description: "The function's bus number: inbound requests from the peer leave with Requester ID = LOCAL_BUS and the proxy entry as device/function, so their completions come back here.", hardware: [.output]),
    ]),
    Register("LINK_CONTROL", offset: L.linkControl, description: "ntb_link_enable / ntb_link_disable.", fields: [
      Field("ENABLE", bit: 0, access: .readWrite, description: "1: take part in the link. Writing 0 is a barrier: no request starts across the crosslink after the write.", hardware: [.output]),
    ]),
    Register("LINK_STATUS", offset: L.linkStatus, description: "ntb_link_is_up.", fields: [
      Field("UP", bit: 0, access: .readOnly, description: "Crosslink up and both sides enabled.", hardware: [.input]),
      Field("PEER_ENABLED", bit: 1, access: .readOnly, description: "The peer's LINK_CONTROL.ENABLE as it last announced it.", hardware: [.input]),
      Field("SPEED", bits: 16...19, access: .readOnly, description: "Crosslink speed (1 = 2.5 GT/s ... 5 = 32 GT/s, as in Link Status).", hardware: [.input]),
      Field("WIDTH", bits: 20...25, access: .readOnly, description: "Crosslink width in lanes.", hardware: [.input]),
    ]),
    Register("EVENT_STATUS", offset: L.eventStatus, description: "Events, each raised by hardware; write 1 to clear.", fields: [
      Field("LINK_CHANGED", bit: 0, access: .writeOneToClear, description: "LINK_STATUS.UP changed (the link-change interrupt).", hardware: [.set, .output]),
      Field("PEER_OP_DROPPED", bit: 1, access: .writeOneToClear, description: "A peer doorbell, scratchpad or message write was not sent, or a peer scratchpad read not answered, because the link was down.", hardware: [.set]),
      Field("REQUEST_REFUSED", bit: 2, access: .writeOneToClear, description: "A request from the local side hit no valid translation, had no requester-ID entry or met a down link (reads get UR, writes are dropped).", hardware: [.set]),
    ]),
    Register("INTERRUPT_ROUTING", offset: L.interruptRouting, description: "Which vector link and message events raise.", fields: [
      Field("LINK_VECTOR", bits: 0...1, access: .readWrite, description: "Vector of LINK_CHANGED.", hardware: [.output]),
      Field("MESSAGE_VECTOR", bits: 8...9, access: .readWrite, description: "Vector of unmasked inbound messages.", hardware: [.output]),
      Field("LINK_INTERRUPT", bit: 16, access: .readWrite, reset: 1, description: "LINK_CHANGED raises LINK_VECTOR.", hardware: [.output]),
      Field("MESSAGE_INTERRUPT", bit: 17, access: .readWrite, reset: 1, description: "An unmasked inbound message raises MESSAGE_VECTOR.", hardware: [.output]),
    ]),
    Register("APERTURE_BASE_LOW", offset: L.apertureBaseLow, description: "Local address of memory window 0 (window w follows at w × window size), aligned to the whole aperture; a stand-in for the endpoint's BAR.", fields: [
      Field("ADDRESS", bits: 12...31, access: .readWrite, description: "Address bits 31:12; bits below the aperture size are ignored.", hardware: [.output]),
    ]),
    Register("APERTURE_BASE_HIGH", offset: L.apertureBaseHigh, description: "Address bits 63:32 of the aperture.", fields: [
      Field("ADDRESS", bits: 0...31, access: .readWrite, description: "Address bits 63:32.", hardware: [.output]),
    ]),
    Register("MSI_CONTROL", offset: L.msiControl, description: "MSI writes to the local side when a vector rises.", fields: [
      Field("ENABLE", bit: 0, access: .readWrite, description: "Send an MSI (a one-DW memory write of MSI_DATA with the vector in its low bits to MSI_ADDRESS) when a vector's line rises.", hardware: [.output]),
    ]),
    Register("MSI_ADDRESS_LOW", offset: L.msiAddressLow, description: "MSI address bits 31:2.", fields: [
      Field("ADDRESS", bits: 2...31, access: .readWrite, description: "Address bits 31:2.", hardware: [.output]),
    ]),
    Register("MSI_ADDRESS_HIGH", offset: L.msiAddressHigh, description: "MSI address bits 63:32 (0: a 32-bit MSI address).", fields: [
      Field("ADDRESS", bits: 0...31, access: .readWrite, description: "Address bits 63:32.", hardware: [.output]),
    ]),
    Register("MSI_DATA", offset: L.msiData, description: "MSI message data.", fields: [
      Field("DATA", bits: 0...15, access: .readWrite, description: "Message data; its two low bits are replaced by the vector (multiple-message MSI).", hardware: [.output]),
    ]),
  ]
  for word in 0..<layout.doorbellWords {
    let bits = (word * 32)..<min(layout.doorbells, word * 32 + 32)
    registers.append(Register("DOORBELL_STATUS_\(word)", offset: L.doorbellStatus(word), description: "Inbound doorbells \(bits.lowerBound)...\(bits.upperBound - 1) (ntb_db_read / ntb_db_clear): set by the peer's PEER_DOORBELL_SET, write 1 to clear.", fields: bits.map { i in
      Field("DB\(i)", bit: i - word * 32, access: .writeOneToClear, description: "Doorbell \(i).", hardware: [.set, .output])
    }))
    registers.append(Register("DOORBELL_MASK_\(word)", offset: L.doorbellMask(word), description: "Inbound doorbell mask (ntb_db_set_mask): 1 keeps a doorbell from raising its vector; its status still records it.", fields: [
      Field("MASK", bits: 0...(bits.count - 1), access: .readWrite, description: "One bit per doorbell.", hardware: [.output]),
    ]))
    registers.append(Register("PEER_DOORBELL_SET_\(word)", offset: L.peerDoorbellSet(word), description: "Outbound doorbells (ntb_peer_db_set): each 1 written sets that doorbell in the peer's DOORBELL_STATUS_\(word). Reads the last value written here, not the peer's doorbells (ntb_peer_db_read is optional in Linux and not offered).", fields: [
      Field("BITS", bits: 0...(bits.count - 1), access: .readWrite, description: "Doorbells to ring."),
    ]))
  }
  for r in 0..<((layout.doorbells + 15) / 16) {
    let count = min(16, layout.doorbells - r * 16)
    registers.append(Register("DOORBELL_VECTORS_\(r)", offset: L.doorbellVectors(r), description: "Vector of doorbells \(r * 16)...\(r * 16 + count - 1), two bits each from bit 0 (ntb_db_vector_mask).", fields: [
      Field("VECTORS", bits: 0...(2 * count - 1), access: .readWrite, description: "Doorbell \(r * 16) + k raises the vector in bits 2k+1:2k.", hardware: [.output]),
    ]))
  }
  registers.append(Register("MESSAGE_STATUS", offset: L.messageStatus, description: "Message registers (ntb_msg_read_sts / ntb_msg_clear_sts): a message is never overwritten.", fields:
    (0..<L.messages).map { n in
      Field("IN\(n)", bit: n, access: .writeOneToClear, description: "INBOUND_MESSAGE_\(n) holds a message; write 1 to release it (the peer's OUT_FULL bit \(n) clears).", hardware: [.set, .output])
    } + [Field("OUT_FULL", bits: 8...11, access: .readOnly, description: "Bit n: OUTBOUND_MESSAGE_n was sent and the peer has not released it; a write to it now is refused.", hardware: [.input])]
    + (0..<L.messages).map { n in
      Field("REFUSED\(n)", bit: 16 + n, access: .writeOneToClear, description: "A write to OUTBOUND_MESSAGE_\(n) was refused (full, or the link down).", hardware: [.set])
    }))
  registers.append(Register("MESSAGE_MASK", offset: L.messageMask, description: "Inbound message interrupt mask.", fields: [
    Field("MASK", bits: 0...(L.messages - 1), access: .readWrite, description: "Bit n: message n raises no interrupt.", hardware: [.output]),
  ]))
  for n in 0..<L.messages {
    registers.append(Register("OUTBOUND_MESSAGE_\(n)", offset: L.outboundMessage(n), description: "ntb_peer_msg_write: a write sends the value to the peer's INBOUND_MESSAGE_\(n) unless OUT_FULL bit \(n) is set. Reads the last value written here (Linux has no read of a peer's message; MESSAGE_STATUS.OUT_FULL says whether it is still held).", fields: [
      Field("VALUE", bits: 0...31, access: .readWrite, description: "The message."),
    ]))
  }
  for n in 0..<L.messages {
    registers.append(Register("INBOUND_MESSAGE_\(n)", offset: L.inboundMessage(n), description: "ntb_msg_read: the peer's message \(n), valid while MESSAGE_STATUS.IN\(n) is 1.", fields: [
      Field("VALUE", bits: 0...31, access: .readOnly, description: "Loaded when the peer's message arrives.", hardware: [.load]),
    ]))
  }
  for n in 0..<L.requesterEntries {
    registers.append(Register("REQUESTER_ID_\(n)", offset: L.requesterEntry(n), description: "Requester-ID table entry \(n): a local requester allowed through the windows; its requests cross with device/function \(n) as proxy ID.", fields: [
      Field("ID", bits: 0...15, access: .readWrite, description: "Bus, device, function of the local requester.", hardware: [.output]),
      Field("VALID", bit: 31, access: .readWrite, description: "The entry is in use.", hardware: [.output]),
    ]))
  }
  for w in 0..<layout.memoryWindows {
    var control = [Field("VALID", bit: 0, access: .readWrite, description: "The window translates (ntb_peer_mw_set_trans).", hardware: [.output])]
    if layout.lutEntries > 0 {
      control.append(Field("LUT", bit: 1, access: .readWrite, description: "Translate through the lookup table instead of MW\(w)_TRANSLATION.", hardware: [.output],
                           values: [FieldValue("DIRECT", 0, "One translated address for the window."), FieldValue("LOOKUP", 1, "Split into LUT_ENTRIES entries, each with its own translation.")]))
    }
    control.append(Field("SIZE_LOG2", bits: 8...13, access: .readWrite, reset: UInt32(layout.windowSizeLog2),
                         description: "log2 of the bytes translated from the window's start (12...SIZE_MAX_LOG2); a request reaching past them is refused.", hardware: [.output]))
    registers += [
      Register("MW\(w)_CONTROL", offset: L.windowControl(w), description: "Memory window \(w).", fields: control),
      Register("MW\(w)_ALIGNMENT", offset: L.windowAlignment(w), description: "ntb_mw_get_align for window \(w).", fields: [
        Field("ADDRESS_ALIGN_LOG2", bits: 0...5, access: .readOnly, reset: UInt32(L.alignmentLog2), description: "Translated addresses are multiples of 2^this."),
        Field("SIZE_ALIGN_LOG2", bits: 8...13, access: .readOnly, reset: UInt32(L.alignmentLog2), description: "Sizes are multiples of 2^this."),
        Field("SIZE_MAX_LOG2", bits: 16...21, access: .readOnly, reset: UInt32(layout.windowSizeLog2), description: "log2 of the largest size."),
      ]),
      Register("MW\(w)_TRANSLATION_LOW", offset: L.windowTranslationLow(w), description: "Window \(w)'s translated address bits 31:12: a request at offset o in the window leaves for the peer at translation + o.", fields: [
        Field("ADDRESS", bits: 12...31, access: .readWrite, description: "Address bits 31:12.", hardware: [.output]),
      ]),
      Register("MW\(w)_TRANSLATION_HIGH", offset: L.windowTranslationHigh(w), description: "Window \(w)'s translated address bits 63:32.", fields: [
        Field("ADDRESS", bits: 0...31, access: .readWrite, description: "Address bits 63:32.", hardware: [.output]),
      ]),
    ]
  }
  for n in 0..<layout.scratchpads {
    registers.append(Register("SCRATCHPAD_\(n)", offset: L.scratchpad(n), description: "ntb_spad_read / ntb_spad_write; the peer's PEER_SCRATCHPAD_\(n) writes land here.", fields: [
      Field("VALUE", bits: 0...31, access: .readWrite, description: "Scratch value.", hardware: [.load, .output]),
    ]))
  }
  for n in 0..<layout.scratchpads {
    registers.append(Register("PEER_SCRATCHPAD_\(n)", offset: L.peerScratchpad(n), description: "ntb_peer_spad_write / ntb_peer_spad_read: a write is sent to the peer's SCRATCHPAD_\(n) (its strobed bytes only); a read waits for the peer's SCRATCHPAD_\(n) to come back across the link (all ones, and EVENT_STATUS.PEER_OP_DROPPED, when the link is down or goes down meanwhile).", fields: [
      Field("VALUE", bits: 0...31, access: .readWrite, description: "The peer's scratchpad as the last read found it.", hardware: [.load]),
    ]))
  }
  for e in 0..<layout.lutEntries {
    registers += [
      Register("LUT\(e)_CONTROL", offset: L.lutControl(e), description: "Lookup-table entry \(e): the \(e)th slice of a window in LUT mode.", fields: [
        Field("VALID", bit: 0, access: .readWrite, description: "The entry translates.", hardware: [.output]),
        Field("PEER", bits: 8...13, access: .readWrite, description: "Target peer (partition) index; this function has one peer, index 0, and refuses others.", hardware: [.output]),
      ]),
      Register("LUT\(e)_TRANSLATION_LOW", offset: L.lutTranslationLow(e), description: "Entry \(e)'s translated address bits 31:12.", fields: [
        Field("ADDRESS", bits: 12...31, access: .readWrite, description: "Address bits 31:12.", hardware: [.output]),
      ]),
      Register("LUT\(e)_TRANSLATION_HIGH", offset: L.lutTranslationHigh(e), description: "Entry \(e)'s translated address bits 63:32.", fields: [
        Field("ADDRESS", bits: 0...31, access: .readWrite, description: "Address bits 63:32.", hardware: [.output]),
      ]),
    ]
  }
  return try RegisterMap(name: "ntb", baseAddress: baseAddress, description: "One non-transparent bridge function: memory windows, lookup table, requester-ID table, doorbells, scratchpads, messages and link.",
                         registers: registers,
                         parameters: [("mw", layout.memoryWindows), ("ws", layout.windowSizeLog2), ("lut", layout.lutEntries),
                                      ("spad", layout.scratchpads), ("db", layout.doorbells)])
}
