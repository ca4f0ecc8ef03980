import HDL
import PCIe

/// The version of the switch management register layout (INFO.VERSION).
public let switchManagementVersion = 1

/// Where the management processor sees the switch, as byte offsets on the switch's `mgmt`
/// port: the management registers (`switchManagementRegisters`) from 0, each bridge's
/// configuration block (`bridgeConfigSpace`) in its own slot above `bridgeWindowBase`.
public enum SwitchManagementMap {
  /// Width of the `mgmt` port's byte address (8 KiB).
  public static let addressWidth = 13
  /// The first bridge window; bridge k answers at `bridgeWindowBase + k * bridgeWindowStride`.
  public static let bridgeWindowBase = 0x1000
  /// Bytes per bridge window (the configuration block's 128 bytes: offsets 0x00...0x7C).
  public static let bridgeWindowStride = 0x80
  /// The management processor's Requester ID on the upstream bridge's primary bus: device 31,
  /// function 7 (completions to it are taken off the upstream link by the switch).
  public static let requesterDevice = 31, requesterFunction = 7
}

/// The switch's own registers on its management port: identification, the configuration
/// request block (what firmware enumeration uses: target, register, byte enables, data,
/// go/busy/done and the completion's status or a timeout), each downstream port's link state and
/// link changes (LINK_STATE, LINK_CHANGE: the switch's `link_change` interrupt output is 1 while
/// any LINK_CHANGE bit is) and each port's ingress counters.
///
/// Hardware hooks: CFG_CONTROL.GO is set by software (write 1) and cleared by the request
/// engine when it issues the request (`_out`, `_clear`); CFG_STATUS.DONE is raised when the
/// completion (or the timeout) ends it (`_set`); BUSY, COMPLETION_STATUS, TIMEOUT, READ_DATA
/// and the counters are supplied by hardware (`_in`); LINK_CHANGE.PORTk is raised on each change
/// of port k's Data Link Layer Link Active (`_set`) and goes out (`_out`), LINK_STATE comes in.
public func switchManagementRegisters(ports: Int, baseAddress: UInt64 = 0) throws -> RegisterMap {
  guard (2...32).contains(ports) else {
    throw RegisterMapError(map: "switch_management", problems: ["a switch has 2...32 ports, not \(ports)"])
  }
  let statuses: [FieldValue] = [FieldValue("SC", 0, "Successful Completion."), FieldValue("UR", 1, "Unsupported Request: nothing answers at that BDF."),
                  FieldValue("CRS", 2, "Configuration Request Retry Status: the function is not ready; try again later."),
                  FieldValue("CA", 4, "Completer Abort.")]
  var counters: [Register] = []
  for k in 0..<ports {
    let errors: [Field] = [
      Field("DROPPED", bits: 0...15, access: .readOnly, description: "Unclaimed posted requests and completions, dropped.", hardware: [.input]),
      Field("UNSUPPORTED", bits: 16...31, access: .readOnly, description: "Unclaimed non-posted requests, answered with UR.", hardware: [.input]),
    ]
    let malformed: [Field] = [
      Field("COUNT", bits: 0...15, access: .readOnly, description: "Malformed TLPs (16-bit count that stops at 0xFFFF).", hardware: [.input]),
    ]
    counters.append(Register("PORT\(k)_ERRORS", offset: UInt64(0x100 + 8 * k),
                             description: "TLPs port \(k) received and did not forward (16-bit counts that stop at 0xFFFF).", fields: errors))
    counters.append(Register("PORT\(k)_MALFORMED", offset: UInt64(0x104 + 8 * k),
                             description: "Malformed TLPs port \(k) received (discarded, §2.3).", fields: malformed))
  }
  return try RegisterMap(
    name: "switch_management", baseAddress: baseAddress,
    description: "The PCIe switch's management registers: configuration requests issued on the upstream bridge's primary bus, and per-port error counters.",
    registers: [
      Register("INFO", offset: 0x00, description: "Identifies the block.", fields: [
        Field("PORTS", bits: 0...5, access: .readOnly, reset: UInt32(ports), description: "Switch ports: the upstream port 0 and downstream ports 1...PORTS-1."),
        Field("VERSION", bits: 16...23, access: .readOnly, reset: UInt32(switchManagementVersion), description: "Version of this register layout."),
      ]),
      Register("CFG_TARGET", offset: 0x04, description: "Where the next configuration request goes.", fields: [
        Field("FUNCTION", bits: 0...2, access: .readWrite, description: "Function number.", hardware: [.output]),
        Field("DEVICE", bits: 3...7, access: .readWrite, description: "Device number.", hardware: [.output]),
        Field("BUS", bits: 8...15, access: .readWrite, description: "Bus number: the upstream bridge's primary bus gets a Type 0 request, any other bus Type 1.", hardware: [.output]),
        Field("REGISTER", bits: 16...25, access: .readWrite, description: "DW register number (byte offset / 4, 0...1023), extended bits included.", hardware: [.output]),
      ]),
      Register("CFG_CONTROL", offset: 0x08, description: "The request and its start.", fields: [
        Field("BYTE_ENABLES", bits: 0...3, access: .readWrite, reset: 0xF, description: "First DW Byte Enables of the request.", hardware: [.output]),
        Field("IS_WRITE", bit: 8, access: .readWrite, description: "1: CfgWr with CFG_WRITE_DATA; 0: CfgRd.", hardware: [.output]),
        Field("GO", bit: 31, access: .writeOneToSet, description: "Write 1 to issue the request; reads 1 until the switch has taken it.", hardware: [.output, .clear]),
      ]),
      Register("CFG_WRITE_DATA", offset: 0x0C, description: "Data of a configuration write.", fields: [
        Field("VALUE", bits: 0...31, access: .readWrite, description: "The DW written (bytes per BYTE_ENABLES).", hardware: [.output]),
      ]),
      Register("CFG_READ_DATA", offset: 0x10, description: "Data of the last successful configuration read.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "The completion's data DW; all ones after a read that failed (UR, CRS, CA) or timed out, as a root complex returns it; 0 after a write.", hardware: [.input]),
      ]),
      Register("CFG_STATUS", offset: 0x14, description: "Progress and outcome of the last request.", fields: [
        Field("BUSY", bit: 0, access: .readOnly, description: "A request is issued or waits for its completion.", hardware: [.input]),
        Field("DONE", bit: 1, access: .writeOneToClear, description: "Set when a request ends (completion or timeout); write 1 to clear.", hardware: [.set]),
        Field("TIMEOUT", bit: 2, access: .readOnly, description: "The last request got no completion within CFG_TIMEOUT cycles.", hardware: [.input]),
        Field("COMPLETION_STATUS", bits: 4...6, access: .readOnly, description: "The last completion's Completion Status (§2.2.9.1).", hardware: [.input], values: statuses),
      ]),
      Register("CFG_TIMEOUT", offset: 0x18, description: "How long to wait for a completion.", fields: [
        Field("CYCLES", bits: 0...23, access: .readWrite, reset: 65_536, description: "Clock cycles from issue to timeout.", hardware: [.output]),
      ]),
    ] + linkRegisters(ports: ports) + counters,
    // The port count shapes the counters: each count its own module (`switch_management_ports3`).
    parameters: [("ports", ports)])
}

/// LINK_STATE and LINK_CHANGE: one bit per downstream port k (bit k; the upstream port's link is
/// the switch's own, so bit 0 is not used).
private func linkRegisters(ports: Int) -> [Register] {
  [
    Register("LINK_STATE", offset: 0x1C, description: "Each downstream port's Data Link Layer Link Active (its bridge's Link Status).",
             fields: (1..<ports).map {
               Field("PORT\($0)", bit: $0, access: .readOnly, description: "Port \($0)'s link is up (DL_Active).", hardware: [.input])
             }),
    Register("LINK_CHANGE", offset: 0x20, description: "Link changes for the management processor: each downstream port's Data Link Layer State Changed (§6.7.3.3), as its bridge's Slot Status reports it to the host.",
             fields: (1..<ports).map {
               Field("PORT\($0)", bit: $0, access: .writeOneToClear,
                     description: "Port \($0)'s link went up or down; write 1 to clear. The switch's `link_change` output is 1 while any bit is.",
                     hardware: [.set, .output])
             }),
  ]
}
