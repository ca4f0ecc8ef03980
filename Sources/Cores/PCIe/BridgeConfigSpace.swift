import HDL

/// Where a switch port's virtual PCI-to-PCI bridge sits: the Device/Port Type of its PCI
/// Express Capability (PCIe Base Specification 6.3, §7.5.3.2).
public enum SwitchPortRole: Int, Sendable {
  case upstream = 0b0101
  case downstream = 0b0110
}

/// The constants of one virtual PCI-to-PCI bridge's configuration space.
public struct BridgeIdentity: Sendable {
  public var vendorID: Int
  public var deviceID: Int
  public var revisionID: Int
  public var role: SwitchPortRole
  /// Port Number in Link Capabilities, 0...255.
  public var portNumber: Int
  /// Largest payload the port accepts, a power of two in 128...4096 bytes (Max_Payload_Size Supported).
  public var maxPayloadBytes: Int
  /// Link speed as the Link Capabilities encode it: 1 = 2.5 GT/s ... 5 = 32 GT/s.
  public var maxLinkSpeed: Int
  /// Lanes: 1, 2, 4, 8 or 16.
  public var maxLinkWidth: Int
  /// Size of BAR0, a 32-bit non-prefetchable memory BAR (a power of two, at least 4 KiB), or
  /// nil for a bridge without BAR.
  public var bar0Bytes: Int?

  public init(vendorID: Int, deviceID: Int, revisionID: Int = 0, role: SwitchPortRole, portNumber: Int,
              maxPayloadBytes: Int, maxLinkSpeed: Int, maxLinkWidth: Int, bar0Bytes: Int? = nil) {
    self.vendorID = vendorID
    self.deviceID = deviceID
    self.revisionID = revisionID
    self.role = role
    self.portNumber = portNumber
    self.maxPayloadBytes = maxPayloadBytes
    self.maxLinkSpeed = maxLinkSpeed
    self.maxLinkWidth = maxLinkWidth
    self.bar0Bytes = bar0Bytes
  }
}

/// Offset of the PCI Express Capability in the bridge's configuration space.
public let bridgeExpressCapabilityOffset: UInt64 = 0x40

/// The Type 1 configuration space of a switch port's virtual PCI-to-PCI bridge as a register
/// map (PCIe Base Specification 6.3, §7.5.1.1 common header, §7.5.1.3 Type 1 header, §7.5.3
/// PCI Express Capability), so that the RTL, the firmware accessors and the documentation
/// come from one description. Configuration requests reach it as `MMIO` accesses
/// (address = register number × 4, strobe = First DW BE); offsets it does not list read 0.
///
/// Decisions (each allowed by the specification, see docs/switch.md): no I/O window (I/O
/// Base/Limit and their upper halves read 0, I/O Space Enable is hardwired 0); 64-bit
/// prefetchable window; no expansion ROM; no VGA/ISA decoding; the PCI Express Capability is
/// the only capability (version 2), its root registers read 0; Max_Read_Request_Size is hardwired
/// 0 because a bridge issues no reads of its own. A downstream port is a slot without hot-plug
/// hardware (Slot Implemented; Slot Capabilities read 0: no button, indicators, power control or
/// presence pin, Physical Slot Number 0 as for a device in the switch's own silicon or on the
/// board, §7.5.3.9), whose only slot event is Data Link Layer State Changed (§6.7.3.3): Slot
/// Status's DLL_STATE_CHANGED is raised on each change of LINK_ACTIVE, with its enable and
/// Hot-Plug Interrupt Enable in Slot Control kept for software (a virtual bridge here signals no
/// interrupt of its own; the switch reports link changes to the management processor instead).
///
/// Hardware hooks: the bus numbers, windows, Command enables, BAR0, Max_Payload_Size,
/// Secondary Bus Reset and Link Disable go out (`_out`); the link status comes in (`_in`, and a
/// downstream port's Presence Detect State); each error flag of Status, Secondary Status and
/// Device Status, and a downstream port's DLL_STATE_CHANGED, is raised by a `_set` pulse.
public func bridgeConfigSpace(_ identity: BridgeIdentity, file: StaticString = #fileID, line: UInt = #line) throws -> RegisterMap {
  var problems: [String] = []
  func check(_ ok: Bool, _ message: String) { if !ok { problems.append(message) } }
  check((0...0xFFFF).contains(identity.vendorID), "vendorID \(identity.vendorID) is not a 16-bit value")
  check((0...0xFFFF).contains(identity.deviceID), "deviceID \(identity.deviceID) is not a 16-bit value")
  check((0...0xFF).contains(identity.revisionID), "revisionID \(identity.revisionID) is not an 8-bit value")
  check((0...0xFF).contains(identity.portNumber), "portNumber \(identity.portNumber) is not an 8-bit value")
  let payloadCodes = [128, 256, 512, 1024, 2048, 4096]
  check(payloadCodes.contains(identity.maxPayloadBytes), "maxPayloadBytes \(identity.maxPayloadBytes) is not one of \(payloadCodes)")
  check((1...5).contains(identity.maxLinkSpeed), "maxLinkSpeed \(identity.maxLinkSpeed) is not 1 (2.5 GT/s) ... 5 (32 GT/s)")
  check([1, 2, 4, 8, 16].contains(identity.maxLinkWidth), "maxLinkWidth \(identity.maxLinkWidth) is not 1, 2, 4, 8 or 16 lanes")
  if let size = identity.bar0Bytes {
    check(size >= 4096 && size <= 1 << 31 && size & (size - 1) == 0, "bar0Bytes \(size) is not a power of two in 4 KiB...2 GiB")
  }
  if !problems.isEmpty { throw RegisterMapError(map: "pcie_bridge_config", problems: problems) }

  let payloadCode = UInt32(payloadCodes.firstIndex(of: identity.maxPayloadBytes)!)
  var registers = bridgeHeaderRegisters(identity)
  if let size = identity.bar0Bytes {
    let low = size.trailingZeroBitCount
    registers.append(Register("BAR0", offset: 0x10, description: "Base Address Register 0: 32-bit memory, not prefetchable, \(size) bytes.", fields: [
      Field("BASE", bits: low...31, access: .readWrite, description: "Address bits 31:\(low); bits below read 0, so writing all ones and reading back sizes the BAR.", hardware: [.output]),
    ]))
  }
  registers += bridgeExpressCapabilityRegisters(identity, payloadCode: payloadCode)
  return try RegisterMap(
    name: "pcie_bridge_config", baseAddress: 0,
    description: "Type 1 configuration space of a switch port's virtual PCI-to-PCI bridge, with the PCI Express Capability at 0x40.",
    registers: registers.sorted { $0.offset < $1.offset },
    parameters: [("vendor", identity.vendorID), ("device", identity.deviceID), ("rev", identity.revisionID),
                 ("role", identity.role.rawValue), ("port", identity.portNumber), ("mps", identity.maxPayloadBytes),
                 ("speed", identity.maxLinkSpeed), ("width", identity.maxLinkWidth), ("bar", identity.bar0Bytes ?? 0)],
    file: file, line: line)
}

/// The error flags of the Status and Secondary Status registers (bits 31:16 of their DWs):
/// RW1C, raised by hardware (§7.5.1.1.4, §7.5.1.3.7).
private func statusFlags(side: String) -> [Field] {
  [
    Field("MASTER_DATA_PARITY_ERROR", bit: 24, access: .writeOneToClear, description: "A poisoned TLP was forwarded or a poisoned completion received on the \(side) side while parity error response is enabled.", hardware: [.set]),
    Field("SIGNALED_TARGET_ABORT", bit: 27, access: .writeOneToClear, description: "The \(side) side completed a request with Completer Abort.", hardware: [.set]),
    Field("RECEIVED_TARGET_ABORT", bit: 28, access: .writeOneToClear, description: "The \(side) side received a Completer Abort completion.", hardware: [.set]),
    Field("RECEIVED_MASTER_ABORT", bit: 29, access: .writeOneToClear, description: "The \(side) side received an Unsupported Request completion.", hardware: [.set]),
    Field(side == "primary" ? "SIGNALED_SYSTEM_ERROR" : "RECEIVED_SYSTEM_ERROR", bit: 30, access: .writeOneToClear,
          description: side == "primary" ? "The bridge sent ERR_FATAL or ERR_NONFATAL with SERR# Enable set." : "The secondary side received ERR_FATAL or ERR_NONFATAL.", hardware: [.set]),
    Field("DETECTED_PARITY_ERROR", bit: 31, access: .writeOneToClear, description: "The \(side) side received a poisoned TLP.", hardware: [.set]),
  ]
}

private func bridgeHeaderRegisters(_ identity: BridgeIdentity) -> [Register] {
  [
    Register("ID", offset: 0x00, description: "Vendor ID and Device ID (§7.5.1.1.1–2).", fields: [
      Field("VENDOR_ID", bits: 0...15, access: .readOnly, reset: UInt32(identity.vendorID), description: "PCI-SIG vendor identifier."),
      Field("DEVICE_ID", bits: 16...31, access: .readOnly, reset: UInt32(identity.deviceID), description: "Device identifier."),
    ]),
    Register("COMMAND_STATUS", offset: 0x04, description: "Command (bits 15:0) and Status (bits 31:16) (§7.5.1.1.3–4).", fields: [
      Field("MEMORY_SPACE_ENABLE", bit: 1, access: .readWrite, description: "Forward memory requests between the two sides; when 0 they are Unsupported Requests.", hardware: [.output]),
      Field("BUS_MASTER_ENABLE", bit: 2, access: .readWrite, description: "Forward memory requests upstream (from the secondary side).", hardware: [.output]),
      Field("PARITY_ERROR_RESPONSE", bit: 6, access: .readWrite, description: "Log poisoned TLPs in MASTER_DATA_PARITY_ERROR."),
      Field("SERR_ENABLE", bit: 8, access: .readWrite, description: "Report non-fatal and fatal errors upstream."),
      Field("INTERRUPT_DISABLE", bit: 10, access: .readWrite, description: "No INTx from this function (a virtual bridge raises none)."),
      Field("CAPABILITIES_LIST", bit: 20, access: .readOnly, reset: 1, description: "1: a capability list starts at CAPABILITIES_POINTER."),
    ] + statusFlags(side: "primary")),
    Register("CLASS_REVISION", offset: 0x08, description: "Revision ID and Class Code (§7.5.1.1.5–6).", fields: [
      Field("REVISION_ID", bits: 0...7, access: .readOnly, reset: UInt32(identity.revisionID), description: "Device revision."),
      Field("CLASS_CODE", bits: 8...31, access: .readOnly, reset: 0x06_04_00, description: "0x060400: bridge, PCI-to-PCI, normal decode."),
    ]),
    Register("HEADER", offset: 0x0C, description: "Cache Line Size, Latency Timer, Header Type and BIST (§7.5.1.1.7–10).", fields: [
      Field("CACHE_LINE_SIZE", bits: 0...7, access: .readWrite, description: "Kept for software; no effect on PCI Express."),
      Field("HEADER_LAYOUT", bits: 16...22, access: .readOnly, reset: 1, description: "1: Type 1 (bridge) header."),
    ]),
    Register("BUS_NUMBERS", offset: 0x18, description: "Primary, Secondary and Subordinate Bus Numbers (§7.5.1.3.2–4).", fields: [
      Field("PRIMARY", bits: 0...7, access: .readWrite, description: "Bus on the upstream side of the bridge.", hardware: [.output]),
      Field("SECONDARY", bits: 8...15, access: .readWrite, description: "Bus directly below the bridge: Type 1 configuration requests to it become Type 0.", hardware: [.output]),
      Field("SUBORDINATE", bits: 16...23, access: .readWrite, description: "Highest bus below the bridge.", hardware: [.output]),
    ]),
    Register("IO_WINDOW_SECONDARY_STATUS", offset: 0x1C, description: "I/O Base and Limit (read 0: no I/O window) and Secondary Status (§7.5.1.3.6–7).",
             fields: statusFlags(side: "secondary")),
    Register("MEMORY_WINDOW", offset: 0x20, description: "Memory Base and Limit: the non-prefetchable window, 1 MiB granular (§7.5.1.3.8).", fields: [
      Field("BASE", bits: 4...15, access: .readWrite, description: "Address bits 31:20 of the window's first byte (bits 19:0 are 0).", hardware: [.output]),
      Field("LIMIT", bits: 20...31, access: .readWrite, description: "Address bits 31:20 of the window's last byte (bits 19:0 are 0xFFFFF); below BASE: no window.", hardware: [.output]),
    ]),
    Register("PREFETCHABLE_WINDOW", offset: 0x24, description: "Prefetchable Memory Base and Limit, 64-bit capable (§7.5.1.3.9).", fields: [
      Field("BASE_64BIT", bits: 0...3, access: .readOnly, reset: 1, description: "1: the window has 64-bit addresses (upper halves at 0x28 and 0x2C)."),
      Field("BASE", bits: 4...15, access: .readWrite, description: "Address bits 31:20 of the window's first byte.", hardware: [.output]),
      Field("LIMIT_64BIT", bits: 16...19, access: .readOnly, reset: 1, description: "1: 64-bit, as BASE_64BIT."),
      Field("LIMIT", bits: 20...31, access: .readWrite, description: "Address bits 31:20 of the window's last byte.", hardware: [.output]),
    ]),
    Register("PREFETCHABLE_BASE_UPPER", offset: 0x28, description: "Prefetchable Base Upper 32 Bits (§7.5.1.3.10).", fields: [
      Field("ADDRESS", bits: 0...31, access: .readWrite, description: "Address bits 63:32 of the window's first byte.", hardware: [.output]),
    ]),
    Register("PREFETCHABLE_LIMIT_UPPER", offset: 0x2C, description: "Prefetchable Limit Upper 32 Bits (§7.5.1.3.10).", fields: [
      Field("ADDRESS", bits: 0...31, access: .readWrite, description: "Address bits 63:32 of the window's last byte.", hardware: [.output]),
    ]),
    Register("CAPABILITIES_POINTER", offset: 0x34, description: "First capability (§7.5.1.1.11).", fields: [
      Field("POINTER", bits: 0...7, access: .readOnly, reset: UInt32(bridgeExpressCapabilityOffset), description: "The PCI Express Capability."),
    ]),
    Register("INTERRUPT_BRIDGE_CONTROL", offset: 0x3C, description: "Interrupt Line and Pin, Bridge Control (§7.5.1.1.12–13, §7.5.1.3.13).", fields: [
      Field("INTERRUPT_LINE", bits: 0...7, access: .readWrite, description: "Kept for software."),
      Field("PARITY_ERROR_RESPONSE_ENABLE", bit: 16, access: .readWrite, description: "Log poisoned TLPs in the secondary MASTER_DATA_PARITY_ERROR."),
      Field("SERR_ENABLE", bit: 17, access: .readWrite, description: "Forward ERR_COR/NONFATAL/FATAL from the secondary side."),
      Field("ISA_ENABLE", bit: 18, access: .readWrite, description: "Kept for software; no effect without an I/O window."),
      Field("SECONDARY_BUS_RESET", bit: 22, access: .readWrite, description: "Hold the secondary side in hot reset while 1.", hardware: [.output]),
    ]),
  ]
}

private func bridgeExpressCapabilityRegisters(_ identity: BridgeIdentity, payloadCode: UInt32) -> [Register] {
  let base = bridgeExpressCapabilityOffset
  return [
    Register("EXPRESS_CAPABILITY", offset: base, description: "PCI Express Capability header and PCI Express Capabilities (§7.5.3.1–2).", fields: [
      Field("CAPABILITY_ID", bits: 0...7, access: .readOnly, reset: 0x10, description: "0x10: PCI Express."),
      Field("VERSION", bits: 16...19, access: .readOnly, reset: 2, description: "Capability structure version 2."),
      Field("PORT_TYPE", bits: 20...23, access: .readOnly, reset: UInt32(identity.role.rawValue),
            description: "Device/Port Type: 0101b upstream, 0110b downstream port of a switch.",
            values: [FieldValue("UPSTREAM", 0b0101, "Upstream port of a switch."), FieldValue("DOWNSTREAM", 0b0110, "Downstream port of a switch.")]),
    ] + (identity.role == .downstream ? [
      Field("SLOT_IMPLEMENTED", bit: 24, access: .readOnly, reset: 1, description: "1: the port's link goes to a slot (§7.5.3.2); its Slot registers are implemented."),
    ] : [])),
    Register("DEVICE_CAPABILITIES", offset: base + 0x04, description: "Device Capabilities (§7.5.3.3).", fields: [
      Field("MAX_PAYLOAD_SUPPORTED", bits: 0...2, access: .readOnly, reset: payloadCode, description: "Largest payload: 128 << value bytes."),
      Field("ROLE_BASED_ERROR_REPORTING", bit: 15, access: .readOnly, reset: 1, description: "1, as every PCI Express 1.1+ function."),
    ]),
    Register("DEVICE_CONTROL_STATUS", offset: base + 0x08, description: "Device Control (bits 15:0) and Device Status (bits 31:16) (§7.5.3.4–5).", fields: [
      Field("CORRECTABLE_REPORTING", bit: 0, access: .readWrite, description: "Send ERR_COR for correctable errors."),
      Field("NONFATAL_REPORTING", bit: 1, access: .readWrite, description: "Send ERR_NONFATAL."),
      Field("FATAL_REPORTING", bit: 2, access: .readWrite, description: "Send ERR_FATAL."),
      Field("UNSUPPORTED_REQUEST_REPORTING", bit: 3, access: .readWrite, description: "Signal Unsupported Requests with error messages."),
      Field("RELAXED_ORDERING", bit: 4, access: .readWrite, reset: 1, description: "May set Relaxed Ordering on requests it initiates."),
      Field("MAX_PAYLOAD_SIZE", bits: 5...7, access: .readWrite, description: "Payload limit in force: 128 << value bytes; software keeps it at or below MAX_PAYLOAD_SUPPORTED.", hardware: [.output]),
      Field("EXTENDED_TAG", bit: 8, access: .readWrite, description: "8-bit tags."),
      Field("NO_SNOOP", bit: 11, access: .readWrite, reset: 1, description: "May set No Snoop on requests it initiates."),
      Field("CORRECTABLE_DETECTED", bit: 16, access: .writeOneToClear, description: "A correctable error was detected.", hardware: [.set]),
      Field("NONFATAL_DETECTED", bit: 17, access: .writeOneToClear, description: "A non-fatal error was detected.", hardware: [.set]),
      Field("FATAL_DETECTED", bit: 18, access: .writeOneToClear, description: "A fatal error was detected.", hardware: [.set]),
      Field("UNSUPPORTED_REQUEST_DETECTED", bit: 19, access: .writeOneToClear, description: "An Unsupported Request was received.", hardware: [.set]),
    ]),
    Register("LINK_CAPABILITIES", offset: base + 0x0C, description: "Link Capabilities (§7.5.3.6).", fields: [
      Field("MAX_LINK_SPEED", bits: 0...3, access: .readOnly, reset: UInt32(identity.maxLinkSpeed), description: "Index into the Supported Link Speeds vector: 1 = 2.5 GT/s ... 5 = 32 GT/s."),
      Field("MAX_LINK_WIDTH", bits: 4...9, access: .readOnly, reset: UInt32(identity.maxLinkWidth), description: "Lanes."),
      // §7.5.3.6: 1 for a downstream port (required above 5 GT/s), hardwired 0 for an upstream port.
      Field("LINK_ACTIVE_REPORTING", bit: 20, access: .readOnly, reset: identity.role == .downstream ? 1 : 0,
            description: identity.role == .downstream ? "1: LINK_ACTIVE reports the data link layer state." : "0: an upstream port does not report its data link layer state."),
      Field("PORT_NUMBER", bits: 24...31, access: .readOnly, reset: UInt32(identity.portNumber), description: "This port's number in the switch."),
    ]),
    Register("LINK_CONTROL_STATUS", offset: base + 0x10, description: "Link Control (bits 15:0) and Link Status (bits 31:16) (§7.5.3.7–8).", fields: [
      Field("LINK_DISABLE", bit: 4, access: .readWrite, description: "Take the link down while 1.", hardware: [.output]),
      Field("CURRENT_LINK_SPEED", bits: 16...19, access: .readOnly, description: "Negotiated speed, coded as MAX_LINK_SPEED.", hardware: [.input]),
      Field("NEGOTIATED_LINK_WIDTH", bits: 20...25, access: .readOnly, description: "Negotiated lanes.", hardware: [.input]),
    ] + (identity.role == .downstream ? [
      // §7.5.3.8: implemented with LINK_ACTIVE_REPORTING, otherwise hardwired 0.
      Field("LINK_ACTIVE", bit: 29, access: .readOnly, description: "The data link layer is up.", hardware: [.input]),
    ] : [])),
  ] + (identity.role == .downstream ? [
    // Slot Capabilities (base + 0x14) read 0: no hot-plug hardware, Physical Slot Number 0.
    Register("SLOT_CONTROL_STATUS", offset: base + 0x18, description: "Slot Control (bits 15:0) and Slot Status (bits 31:16) (§7.5.3.10–11).", fields: [
      Field("HOT_PLUG_INTERRUPT_ENABLE", bit: 5, access: .readWrite, description: "Interrupt on enabled hot-plug events (kept for software: the switch reports link changes to the management processor)."),
      Field("DLL_STATE_CHANGED_ENABLE", bit: 12, access: .readWrite, description: "DLL_STATE_CHANGED is a hot-plug event (with HOT_PLUG_INTERRUPT_ENABLE, an interrupt)."),
      Field("PRESENCE_DETECT_STATE", bit: 22, access: .readOnly, description: "A device is present: the board has no presence pin, so this reads LINK_ACTIVE (an empty slot's link is down).", hardware: [.input]),
      Field("DLL_STATE_CHANGED", bit: 24, access: .writeOneToClear, description: "LINK_ACTIVE changed (§6.7.3.3); write 1 to clear.", hardware: [.set]),
    ]),
  ] : []) + [
    Register("LINK_CAPABILITIES_2", offset: base + 0x2C, description: "Link Capabilities 2 (§7.5.3.18).", fields: [
      Field("SUPPORTED_SPEEDS", bits: 1...7, access: .readOnly, reset: UInt32((1 << identity.maxLinkSpeed) - 1),
            description: "Bit n-1 set: speed n supported (2.5 GT/s up to MAX_LINK_SPEED)."),
    ]),
  ]
}
