/// Offset of the PCI Express Capability in an endpoint's configuration space.
public let endpointExpressCapabilityOffset: UInt64 = 0x40

/// The Type 0 configuration space of a PCI Express endpoint function as a register map (PCIe
/// Base Specification 6.3, §7.5.1.1 common header, §7.5.1.2 Type 0 header, §7.5.3 PCI Express
/// Capability), so that the RTL, the firmware accessors and the documentation come from one
/// description. Configuration requests reach it as `MMIO` accesses (address = register number
/// × 4, strobe = First DW BE); offsets it does not list read 0 and ignore writes.
///
/// - BARs: each `BARSpec` fills one slot (two for 64-bit) from BAR0. Address bits below the
///   BAR's size read 0 and ignore writes, so software sizes a BAR by writing all ones and
///   reading back (§7.5.1.2.1); the type bits are constants. Unused slots read 0 (no BAR).
/// - Decisions (each allowed by the specification): no I/O BAR (I/O Space Enable hardwired 0),
///   no expansion ROM, no INTx (Interrupt Pin 0), no Cardbus CIS; the PCI Express Capability is
///   the only capability (version 2, Device/Port Type 0000b PCI Express Endpoint); Link
///   Control/Status read 0 (the link is the switch port's business in this model).
///
/// Hardware hooks: Memory Space and Bus Master Enable, every BAR's base, Max_Payload_Size and
/// Max_Read_Request_Size go out (`_out`); the error flags are raised by `_set` pulses. `multiFunction`: Header Type bit 7.
public func endpointConfigSpace(_ identity: EndpointIdentity, multiFunction: Bool = false, file: StaticString = #fileID, line: UInt = #line) throws -> RegisterMap {
  var problems: [String] = []
  func check(_ ok: Bool, _ message: String) { if !ok { problems.append("\(file):\(line): \(message)") } }
  check((0...0xFFFF).contains(identity.vendorID), "vendorID \(identity.vendorID) is not a 16-bit value")
  check((0...0xFFFF).contains(identity.deviceID), "deviceID \(identity.deviceID) is not a 16-bit value")
  check((0...0xFF).contains(identity.revisionID), "revisionID \(identity.revisionID) is not an 8-bit value")
  check((0...0xFF_FFFF).contains(identity.classCode), "classCode \(identity.classCode) is not a 24-bit value")
  check((0...0xFFFF).contains(identity.subsystemVendorID), "subsystemVendorID \(identity.subsystemVendorID) is not a 16-bit value")
  check((0...0xFFFF).contains(identity.subsystemID), "subsystemID \(identity.subsystemID) is not a 16-bit value")
  let payloadCodes = [128, 256, 512, 1024, 2048, 4096]
  check(payloadCodes.contains(identity.maxPayloadBytes), "maxPayloadBytes \(identity.maxPayloadBytes) is not one of \(payloadCodes)")
  check((1...5).contains(identity.maxLinkSpeed), "maxLinkSpeed \(identity.maxLinkSpeed) is not 1 (2.5 GT/s) ... 5 (32 GT/s)")
  check([1, 2, 4, 8, 16].contains(identity.maxLinkWidth), "maxLinkWidth \(identity.maxLinkWidth) is not 1, 2, 4, 8 or 16 lanes")
  check(!identity.bars.isEmpty, "an endpoint needs at least one BAR; add a BARSpec")
  let slotsUsed = identity.bars.reduce(0) { $0 + $1.slots }
  check(slotsUsed <= 6, "the BARs need \(slotsUsed) slots and a Type 0 header has 6 (a 64-bit BAR takes two); drop a BAR or make one 32-bit")
  for (i, bar) in identity.bars.enumerated() {
    let largest: UInt64 = bar.is64Bit ? 1 << 62 : 1 << 31
    check(bar.bytes >= 4096 && bar.bytes <= largest && bar.bytes & (bar.bytes - 1) == 0,
          "BAR \(i): \(bar.bytes) bytes is not a power of two in 4 KiB...\(bar.is64Bit ? "2^62 bytes" : "2 GiB (make it 64-bit for more)")")
  }
  if !problems.isEmpty { throw RegisterMapError(map: "pcie_endpoint_config", problems: problems) }

  let payloadCode = UInt32(payloadCodes.firstIndex(of: identity.maxPayloadBytes)!)
  let registers = endpointHeaderRegisters(identity, multiFunction: multiFunction) + barRegisters(identity) + endpointExpressCapabilityRegisters(identity, payloadCode: payloadCode)
  // Verilator shortens long module names (and then cannot find them), so the identity's
  // other values are folded into one stable number.
  let values = [identity.revisionID, identity.classCode, identity.subsystemVendorID, identity.subsystemID, identity.maxPayloadBytes,
                identity.maxLinkSpeed, identity.maxLinkWidth] + (multiFunction ? [multiFunctionMarker] : []) + identity.bars.map { bar in
    bar.offsetBits << 2 | (bar.is64Bit ? 2 : 0) | (bar.prefetchable ? 1 : 0)
  }
  return try RegisterMap(
    name: "pcie_endpoint_config", baseAddress: 0,
    description: "Type 0 configuration space of a PCI Express endpoint function, with the PCI Express Capability at 0x40.",
    registers: registers.sorted { $0.offset < $1.offset },
    parameters: [("vendor", identity.vendorID), ("device", identity.deviceID), ("variant", stableDigest(values))],
    file: file, line: line)
}

/// The name of the BAR register in `slot` (0...5, at 0x10 + 4 × slot); the register block's
/// `bar<slot>_base_out` holds address bits `offsetBits...31` of a BAR starting there, and a
/// 64-bit BAR's upper half is `bar<slot + 1>_base_upper_out`.
func barRegisterName(slot: Int) -> String { "BAR\(slot)" }

private func endpointHeaderRegisters(_ identity: EndpointIdentity, multiFunction: Bool) -> [Register] {
  [
    Register("ID", offset: 0x00, description: "Vendor ID and Device ID (§7.5.1.1.1–2).", fields: [
      Field("VENDOR_ID", bits: 0...15, access: .readOnly, reset: UInt32(identity.vendorID), description: "PCI-SIG vendor identifier."),
      Field("DEVICE_ID", bits: 16...31, access: .readOnly, reset: UInt32(identity.deviceID), description: "Device identifier."),
    ]),
    Register("COMMAND_STATUS", offset: 0x04, description: "Command (bits 15:0) and Status (bits 31:16) (§7.5.1.1.3–4).", fields: [
      Field("MEMORY_SPACE_ENABLE", bit: 1, access: .readWrite, description: "The BARs claim memory requests; when 0 every memory request is an Unsupported Request.", hardware: [.output]),
      Field("BUS_MASTER_ENABLE", bit: 2, access: .readWrite, description: "The function may issue memory requests.", hardware: [.output]),
      Field("PARITY_ERROR_RESPONSE", bit: 6, access: .readWrite, description: "Log poisoned completions in MASTER_DATA_PARITY_ERROR."),
      Field("SERR_ENABLE", bit: 8, access: .readWrite, description: "Report non-fatal and fatal errors."),
      Field("INTERRUPT_DISABLE", bit: 10, access: .readWrite, description: "No INTx from this function (it raises none)."),
      Field("CAPABILITIES_LIST", bit: 20, access: .readOnly, reset: 1, description: "1: a capability list starts at CAPABILITIES_POINTER."),
      Field("MASTER_DATA_PARITY_ERROR", bit: 24, access: .writeOneToClear, description: "A poisoned completion was received for a request of this function.", hardware: [.set]),
      Field("SIGNALED_TARGET_ABORT", bit: 27, access: .writeOneToClear, description: "The function completed a request with Completer Abort.", hardware: [.set]),
      Field("RECEIVED_TARGET_ABORT", bit: 28, access: .writeOneToClear, description: "The function received a Completer Abort completion.", hardware: [.set]),
      Field("RECEIVED_MASTER_ABORT", bit: 29, access: .writeOneToClear, description: "The function received an Unsupported Request completion.", hardware: [.set]),
      Field("SIGNALED_SYSTEM_ERROR", bit: 30, access: .writeOneToClear, description: "The function sent ERR_FATAL or ERR_NONFATAL with SERR# Enable set.", hardware: [.set]),
      Field("DETECTED_PARITY_ERROR", bit: 31, access: .writeOneToClear, description: "The function received a poisoned TLP.", hardware: [.set]),
    ]),
    Register("CLASS_REVISION", offset: 0x08, description: "Revision ID and Class Code (§7.5.1.1.5–6).", fields: [
      Field("REVISION_ID", bits: 0...7, access: .readOnly, reset: UInt32(identity.revisionID), description: "Device revision."),
      Field("CLASS_CODE", bits: 8...31, access: .readOnly, reset: UInt32(identity.classCode), description: "Base class, sub-class and programming interface."),
    ]),
    Register("HEADER", offset: 0x0C, description: "Cache Line Size, Latency Timer, Header Type and BIST (§7.5.1.1.7–10).", fields: [
      Field("CACHE_LINE_SIZE", bits: 0...7, access: .readWrite, description: "Kept for software; no effect on PCI Express."),
      Field("HEADER_LAYOUT", bits: 16...22, access: .readOnly, reset: 0, description: "0: Type 0 (function) header."),
      Field("MULTI_FUNCTION", bit: 23, access: .readOnly, reset: multiFunction ? 1 : 0, description: multiFunction ? "1: a multi-function device; software probes functions 1...7." : "0: a single-function device."),
    ]),
    Register("SUBSYSTEM", offset: 0x2C, description: "Subsystem Vendor ID and Subsystem ID (§7.5.1.2.3).", fields: [
      Field("SUBSYSTEM_VENDOR_ID", bits: 0...15, access: .readOnly, reset: UInt32(identity.subsystemVendorID), description: "Vendor of the add-in card or subsystem."),
      Field("SUBSYSTEM_ID", bits: 16...31, access: .readOnly, reset: UInt32(identity.subsystemID), description: "Subsystem identifier."),
    ]),
    Register("CAPABILITIES_POINTER", offset: 0x34, description: "First capability (§7.5.1.1.11).", fields: [
      Field("POINTER", bits: 0...7, access: .readOnly, reset: UInt32(endpointExpressCapabilityOffset), description: "The PCI Express Capability."),
    ]),
    Register("INTERRUPT", offset: 0x3C, description: "Interrupt Line and Interrupt Pin (§7.5.1.1.12–13).", fields: [
      Field("INTERRUPT_LINE", bits: 0...7, access: .readWrite, description: "Kept for software."),
      Field("INTERRUPT_PIN", bits: 8...15, access: .readOnly, reset: 0, description: "0: the function uses no INTx pin."),
    ]),
  ]
}

/// The BAR registers (§7.5.1.2.1): per BAR its type bits and the writable base bits of its
/// first DW; a 64-bit BAR's second DW holds address bits 63:32, those below the size reading 0.
private func barRegisters(_ identity: EndpointIdentity) -> [Register] {
  zip(identity.bars, identity.barSlots).enumerated().flatMap { index, entry -> [Register] in
    let (bar, slot) = entry
    let low = bar.offsetBits
    let kind = "\(bar.is64Bit ? "64" : "32")-bit\(bar.prefetchable ? " prefetchable" : "") memory, \(bar.bytes) bytes"
    var lowFields = [
      Field("MEMORY_SPACE", bit: 0, access: .readOnly, reset: 0, description: "0: a memory BAR."),
      Field("ADDRESS_TYPE", bits: 1...2, access: .readOnly, reset: bar.is64Bit ? 0b10 : 0b00, description: "00b: 32-bit address; 10b: 64-bit, the next BAR holds bits 63:32."),
      Field("PREFETCHABLE", bit: 3, access: .readOnly, reset: bar.prefetchable ? 1 : 0, description: "1: reads have no side effects."),
    ]
    if low < 32 {
      lowFields.append(Field("BASE", bits: low...31, access: .readWrite, description: "Address bits 31:\(low); bits below read 0, so writing all ones and reading back sizes the BAR.", hardware: [.output]))
    }
    var registers = [Register(barRegisterName(slot: slot), offset: 0x10 + 4 * UInt64(slot), description: "BAR \(index) (Base Address Register \(slot)): \(kind).", fields: lowFields)]
    if bar.is64Bit {
      registers.append(Register(barRegisterName(slot: slot + 1), offset: 0x10 + 4 * UInt64(slot + 1), description: "BAR \(index), address bits 63:32 (Base Address Register \(slot + 1)).", fields: [
        Field("BASE_UPPER", bits: max(low - 32, 0)...31, access: .readWrite, description: "Address bits 63:\(max(low, 32)).", hardware: [.output]),
      ]))
    }
    return registers
  }
}

private func endpointExpressCapabilityRegisters(_ identity: EndpointIdentity, payloadCode: UInt32) -> [Register] {
  let base = endpointExpressCapabilityOffset
  return [
    Register("EXPRESS_CAPABILITY", offset: base, description: "PCI Express Capability header and PCI Express Capabilities (§7.5.3.1–2).", fields: [
      Field("CAPABILITY_ID", bits: 0...7, access: .readOnly, reset: 0x10, description: "0x10: PCI Express."),
      Field("VERSION", bits: 16...19, access: .readOnly, reset: 2, description: "Capability structure version 2."),
      Field("PORT_TYPE", bits: 20...23, access: .readOnly, reset: 0, description: "Device/Port Type 0000b: PCI Express Endpoint."),
    ]),
    Register("DEVICE_CAPABILITIES", offset: base + 0x04, description: "Device Capabilities (§7.5.3.3).", fields: [
      Field("MAX_PAYLOAD_SUPPORTED", bits: 0...2, access: .readOnly, reset: payloadCode, description: "Largest payload: 128 << value bytes."),
      Field("L0S_ACCEPTABLE_LATENCY", bits: 6...8, access: .readOnly, reset: 0b111, description: "111b: no limit."),
      Field("L1_ACCEPTABLE_LATENCY", bits: 9...11, access: .readOnly, reset: 0b111, description: "111b: no limit."),
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
      Field("MAX_READ_REQUEST_SIZE", bits: 12...14, access: .readWrite, reset: 0b010, description: "Largest read request the function may issue: 128 << value bytes (reset 512).", hardware: [.output]),
      Field("CORRECTABLE_DETECTED", bit: 16, access: .writeOneToClear, description: "A correctable error was detected.", hardware: [.set]),
      Field("NONFATAL_DETECTED", bit: 17, access: .writeOneToClear, description: "A non-fatal error was detected.", hardware: [.set]),
      Field("FATAL_DETECTED", bit: 18, access: .writeOneToClear, description: "A fatal error (a malformed TLP) was detected.", hardware: [.set]),
      Field("UNSUPPORTED_REQUEST_DETECTED", bit: 19, access: .writeOneToClear, description: "An Unsupported Request was received.", hardware: [.set]),
    ]),
    Register("LINK_CAPABILITIES", offset: base + 0x0C, description: "Link Capabilities (§7.5.3.6).", fields: [
      Field("MAX_LINK_SPEED", bits: 0...3, access: .readOnly, reset: UInt32(identity.maxLinkSpeed), description: "Index into the Supported Link Speeds vector: 1 = 2.5 GT/s ... 5 = 32 GT/s."),
      Field("MAX_LINK_WIDTH", bits: 4...9, access: .readOnly, reset: UInt32(identity.maxLinkWidth), description: "Lanes."),
    ]),
    Register("LINK_CAPABILITIES_2", offset: base + 0x2C, description: "Link Capabilities 2 (§7.5.3.18).", fields: [
      Field("SUPPORTED_SPEEDS", bits: 1...7, access: .readOnly, reset: UInt32((1 << identity.maxLinkSpeed) - 1),
            description: "Bit n-1 set: speed n supported (2.5 GT/s up to MAX_LINK_SPEED)."),
    ]),
  ]
}

/// FNV-1a over `values`, 32 bits: the same on every run and platform (unlike `Hasher`).
func stableDigest(_ values: [Int]) -> Int {
  var hash: UInt32 = 0x811C_9DC5
  for value in values {
    for byte in 0..<8 { hash = (hash ^ UInt32(truncatingIfNeeded: value >> (8 * byte)) & 0xFF) &* 0x0100_0193 }
  }
  return Int(hash)
}

/// Folded into the variant of a function of a multi-function device (Header Type bit 7 set),
/// so that its register block is a module of its own.
private let multiFunctionMarker = 0x4D46
