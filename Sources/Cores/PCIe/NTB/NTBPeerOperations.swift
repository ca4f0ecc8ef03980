import HDL

/// Register operations one NTB function performs on its peer's registers (ring a doorbell,
/// write or read a scratchpad, send or release a message, announce its link enable). They cross the
/// crosslink as PCIe Vendor-Defined Messages Type 1 (PCIe Base Specification 6.3, §2.2.8.6):
///
/// - MsgD, Fmt 011b, Type 10100b (routed "local: terminate at receiver"), Length 1,
///   Message Code 0111_1111b (Vendor_Defined Type 1), Requester ID = the sender's
///   `LOCAL_BUS`:00.0, tag 0, TC 0, no attributes;
/// - header bytes 8–9 reserved (0), bytes 10–11 the vendor ID `NTBPeerOperation.vendorID`,
///   byte 12 the operation (`rawValue`), byte 13 its index (doorbell word, scratchpad or
///   message number), byte 14 the byte lanes a scratchpad write leaves alone (bit k: byte k of
///   the DW; 0 for a whole-DW write, so every other operation has 0 there), byte 15 the tag
///   that pairs a scratchpad read with its value (0 otherwise);
/// - the payload DW: the doorbell bits, the scratchpad value, the message, the mask of
///   released messages, the link enable in bit 0, or 0 (a scratchpad read).
///
/// They are posted requests, so they keep their order with the memory writes that cross the
/// link before and after them. A receiver that does not know the vendor ID discards them
/// silently, as §2.2.8.6 asks of Type 1 messages.
public enum NTBPeerOperation: Int, CaseIterable, Sendable {
  /// Set the doorbells of the payload in `DOORBELL_STATUS_<index>`.
  case doorbell = 1
  /// Load the payload into `SCRATCHPAD_<index>`.
  case scratchpad = 2
  /// Load the payload into `INBOUND_MESSAGE_<index>` and set `MESSAGE_STATUS.IN<index>`.
  case message = 3
  /// The receiver released the messages whose bits are set in the payload: clear them in `OUT_FULL`.
  case messageRelease = 4
  /// The sender's `LINK_CONTROL.ENABLE` is payload bit 0.
  case link = 5
  /// Read `SCRATCHPAD_<index>`: the receiver answers with `scratchpadValue` and the same tag.
  case scratchpadRead = 6
  /// The answer to `scratchpadRead`: the payload is `SCRATCHPAD_<index>` as it was when the
  /// read arrived.
  case scratchpadValue = 7

  /// Vendor ID in the messages (bytes 10–11). Strata has no PCI-SIG vendor ID; a product
  /// replaces this with its own.
  public static let vendorID = 0x5354
  /// Message Code of Vendor_Defined Type 1.
  public static let messageCode = 0x7F
  /// Fmt/Type byte of the MsgD: Fmt 011b, Type 10100b.
  public static let formatType = 0x74
}

/// The header of a peer operation message, as `NTBPeerOperation` lays it out; `detail` is
/// bytes 14 (bits 15:8, the lanes left alone) and 15 (bits 7:0, the tag).
func ntbPeerOperationHeader(operation: Signal, index: Signal, detail: Signal, requesterBus: Signal) -> Signal {
  concat(Signal.constant(NTBPeerOperation.formatType, width: 8), Signal.constant(1, width: 24),  // DW0: Length 1
         requesterBus, Signal.zero(width: 16), Signal.constant(NTBPeerOperation.messageCode, width: 8),  // DW1
         Signal.zero(width: 16), Signal.constant(NTBPeerOperation.vendorID, width: 16),  // DW2
         operation.resized(to: 8), index.resized(to: 8), detail.resized(to: 16))  // DW3
}

/// Whether `header` is a peer operation message: its operation (DW3 byte 12), index (byte 13),
/// the byte lanes a scratchpad write leaves alone (byte 14, bits 3:0) and the tag (byte 15).
func ntbPeerOperationFields(_ header: TLPHeaderFields)
  -> (isOperation: Signal, operation: Signal, index: Signal, keptLanes: Signal, tag: Signal) {
  let raw = header.raw
  let isOperation = raw[120..<128] == NTBPeerOperation.formatType && header.messageCode == NTBPeerOperation.messageCode
    && raw[32..<48] == NTBPeerOperation.vendorID
  return (isOperation, raw[24..<32], raw[16..<24], raw[8..<12], raw[0..<8])
}
