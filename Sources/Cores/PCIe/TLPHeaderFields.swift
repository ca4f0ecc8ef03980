import HDL
import PCIe

/// The fields of a 128-bit `TLPStream` header as signals: pure wiring plus the few gates
/// that classify the TLP, to be used inside any core that routes or answers TLPs. Field
/// positions follow PCIe Base Specification 6.3 (Non-Flit Mode), as `PCIe.TLP` encodes them.
public struct TLPHeaderFields {
  /// The header itself.
  public let raw: Signal
  public let format: Signal
  public let type: Signal
  public let hasData: Signal
  public let fourDW: Signal
  public let trafficClass: Signal
  /// Attr[2:0]: ID-based ordering, relaxed ordering, no snoop.
  public let attributes: Signal
  public let digest: Signal
  public let poisoned: Signal
  /// AT (address type), LN (lightweight notification), TH (TLP processing hints present) and
  /// PH (the hint, address bits 1:0): decoded so they can be forwarded; Strata's cores act on none.
  public let addressType: Signal
  public let lightweightNotification: Signal
  public let hintsPresent: Signal
  public let processingHint: Signal
  /// Length in DWs, 11 bits: the field's 0 reads as 1024 where the TLP carries a length.
  public let length: Signal

  public let requester: Signal
  /// 10-bit tag (T9, T8 from DW0 above the 8 bits of DW1 or, in completions, DW2).
  public let tag: Signal
  public let firstByteEnables: Signal
  public let lastByteEnables: Signal
  /// 64-bit byte address of memory and I/O requests and address-routed messages (bits 1:0 zero).
  public let address: Signal
  /// The same address in DWs (address bits 63:2), for logic that compares whole addresses.
  public let dwordAddress: Signal
  /// Destination ID of configuration requests and ID-routed messages; Requester ID of completions.
  public let routingID: Signal
  public let registerNumber: Signal
  public let completer: Signal
  public let status: Signal
  public let byteCount: Signal
  public let lowerAddress: Signal
  public let messageCode: Signal
  public let messageRouting: Signal

  /// MRd and MRdLk.
  public let isMemoryRead: Signal
  public let isLockedRead: Signal
  public let isMemoryWrite: Signal
  public let isIO: Signal
  public let isConfigType0: Signal
  public let isConfigType1: Signal
  public let isCompletion: Signal
  public let isMessage: Signal
  /// Fmt/Type is reserved or a kind Strata does not implement (TLP prefixes, AtomicOps, DMWr):
  /// exactly the encodings `PCIe.TLP(bytes:)` refuses.
  public let isUnsupportedKind: Signal
  /// A memory request whose Length runs past the 4 KiB page of its address (§2.2.7).
  public let crosses4KiB: Signal

  /// Posted (memory writes, messages), non-posted and completion flow-control classes.
  public var isPosted: Signal { isMemoryWrite || isMessage }
  public var isNonPosted: Signal { isMemoryRead || isIO || isConfigType0 || isConfigType1 }
  public var isConfig: Signal { isConfigType0 || isConfigType1 }
  public var isMemoryRequest: Signal { isMemoryRead || isMemoryWrite }

  public init(_ header: Signal) {
    precondition(header.width == TLPStream.headerWidth, "a TLP header has \(TLPStream.headerWidth) bits, not \(header.width)")
    raw = header
    let dw = (0..<4).map { k in header[(96 - 32 * k)..<(128 - 32 * k)] }
    format = dw[0][29..<32]
    let typeField = dw[0][24..<29]
    type = typeField
    hasData = format[1]
    fourDW = format[0]
    trafficClass = dw[0][20..<23]
    attributes = concat(dw[0][18], dw[0][12..<14])
    digest = dw[0][15]
    poisoned = dw[0][14]
    addressType = dw[0][10..<12]
    lightweightNotification = dw[0][17]
    hintsPresent = dw[0][16]
    processingHint = mux(format[0], dw[3][0..<2], dw[2][0..<2])

    let typeIs = { (kind: TLPKind) -> Signal in typeField == Int(kind.typeField) }
    let prefix = format[2]
    let memory = !prefix && typeIs(.memoryRead)
    let locked = !prefix && !hasData && typeIs(.memoryReadLocked)
    let threeDWOnly = !prefix && !fourDW
    isMemoryRead = memory && !hasData || locked
    isLockedRead = locked
    isMemoryWrite = memory && hasData
    isIO = threeDWOnly && typeIs(.ioRead)
    isConfigType0 = threeDWOnly && typeIs(.configRead0)
    isConfigType1 = threeDWOnly && typeIs(.configRead1)
    isCompletion = threeDWOnly && (typeIs(.completion) || typeIs(.completionLocked))
    isMessage = !prefix && format[0] && typeField[3..<5] == 0b10
    isUnsupportedKind = !(memory || locked || isIO || isConfigType0 || isConfigType1 || isCompletion || isMessage)

    let lengthField = dw[0][0..<10]
    let carriesLength = hasData || memory || locked || isIO || isConfigType0 || isConfigType1
    length = mux(lengthField == 0 && carriesLength, Signal.constant(1024, width: 11), lengthField.zeroExtended(to: 11))

    requester = mux(isCompletion, dw[2][16..<32], dw[1][16..<32])
    tag = concat(dw[0][23], dw[0][19], mux(isCompletion, dw[2][8..<16], dw[1][8..<16]))
    firstByteEnables = dw[1][0..<4]
    lastByteEnables = dw[1][4..<8]
    dwordAddress = mux(fourDW, concat(dw[2], dw[3][2..<32]), dw[2][2..<32].zeroExtended(to: 62))
    address = concat(dwordAddress, Signal.zero(width: 2))
    routingID = dw[2][16..<32]
    registerNumber = dw[2][2..<12]
    completer = dw[1][16..<32]
    status = dw[1][13..<16]
    byteCount = dw[1][0..<12]
    lowerAddress = dw[2][0..<7]
    messageCode = dw[1][0..<8]
    messageRouting = typeField[0..<3]
    crosses4KiB = (memory || locked) && dwordAddress[0..<10].zeroExtended(to: 11) + length > 1024
  }
}

/// A completion header (Cpl, or CplD when `withData`; CplLk/CplDLk when `locked` is 1)
/// answering the request whose fields are `request`: its Requester ID, tag, traffic class and
/// attributes, with `completer`, `status` and the byte count and lower address the caller
/// computed (4 and 0 for non-memory requests, §2.2.9.1). Length is `length` DWs for CplD, 0 for Cpl.
public func completionHeader(answering request: TLPHeaderFields, completer: Signal, status: Signal, byteCount: Signal,
                             lowerAddress: Signal, withData: Bool = false, length: Signal? = nil, locked: Signal? = nil) -> Signal {
  let formatCode = Signal.constant(withData ? 0b010 : 0b000, width: 3)
  let lengthField = withData ? (length ?? Signal.constant(1, width: 10)).resized(to: 10) : Signal.zero(width: 10)
  let plain = Signal.constant(Int(TLPKind.completion.typeField), width: 5)
  let type = locked.map { mux($0, Signal.constant(Int(TLPKind.completionLocked.typeField), width: 5), plain) } ?? plain
  let dw0 = concat(formatCode, type, request.tag[9],
                   request.trafficClass, request.tag[8], request.attributes[2],
                   Signal.zero(width: 4),  // LN, TH, TD, EP
                   request.attributes[0..<2], Signal.zero(width: 2), lengthField)
  let dw1 = concat(completer, status, Signal.low, byteCount)
  let dw2 = concat(request.requester, request.tag[0..<8], Signal.low, lowerAddress)
  return concat(dw0, dw1, dw2, Signal.zero(width: 32))
}
