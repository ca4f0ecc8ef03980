/// The Attr field: No Snoop (Attr[0]), Relaxed Ordering (Attr[1]) and ID-Based Ordering
/// (Attr[2], header bit 18) (PCIe Base Specification 6.3, §2.2.6.3–§2.2.6.5).
public struct TLPAttributes: OptionSet, Hashable, Sendable {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let noSnoop = TLPAttributes(rawValue: 0b001)
  public static let relaxedOrdering = TLPAttributes(rawValue: 0b010)
  public static let idBasedOrdering = TLPAttributes(rawValue: 0b100)
}

/// A transaction-layer packet in Non-Flit Mode: its header fields and data payload.
///
/// One flat value for every kind, like the header itself: the fields a kind does not use
/// stay zero and are neither encoded nor decoded. Build TLPs with the static functions
/// (`memoryWrite(address:data:requester:tag:)` and the others), which compute byte
/// enables, lengths and byte counts; `validationProblems()` lists every rule of the base
/// specification a hand-made or parsed TLP breaks; `bytes`/`TLP(bytes:)` encode and parse.
public struct TLP: Hashable, Sendable {
  public var kind: TLPKind
  /// Fmt[0] of a memory request: a 4DW header with a 64-bit address. Messages always use
  /// a 4DW header; every other kind a 3DW header.
  public var uses64BitAddress = false
  /// Traffic Class, 0...7.
  public var trafficClass: UInt8 = 0
  public var attributes: TLPAttributes = []
  /// AT, Address Type of memory requests, 0...3 (0: untranslated).
  public var addressType: UInt8 = 0
  /// EP: the payload is poisoned.
  public var poisoned = false
  /// The end-to-end CRC when TD is set: Strata forwards it and does not check it.
  public var digest: UInt32?
  /// The Length field in DWs, 1...1024 (encoded as 0 for 1024); 0 for kinds without one
  /// (Cpl, Msg). A read request's Length is the data it asks for.
  public var length = 0

  /// Requester ID and Tag (10 bits) of requests, messages and completions.
  public var requester = PCIeID(rawValue: 0)
  public var tag: UInt16 = 0
  /// First and Last DW byte enables of requests, 4 bits each.
  public var firstByteEnables: UInt8 = 0
  public var lastByteEnables: UInt8 = 0
  /// The byte address of memory and I/O requests (bits 1:0 are zero) and of address-routed messages.
  public var address: UInt64 = 0

  /// Destination of configuration requests and of ID-routed messages.
  public var target = PCIeID(rawValue: 0)
  /// Configuration register number in DWs, 0...1023 (Extended Register Number and Register Number).
  public var registerNumber = 0

  /// Completer ID, status, byte count (1...4096) and lower address (0...127) of completions.
  public var completer = PCIeID(rawValue: 0)
  public var status = CompletionStatus.successful
  public var byteCountModified = false
  public var byteCount = 0
  public var lowerAddress: UInt8 = 0

  /// Message Code of messages, and header bytes 8–15 where the routing leaves them to the
  /// message (big-endian, byte 8 in bits 63:56): all of them for routings other than by ID and
  /// by address, bytes 10–15 for ID-routed messages (bytes 8–9 are `target`).
  public var messageCode: UInt8 = 0
  public var messageFields: UInt64 = 0

  /// The data payload in address order (byte 0 is the lowest address); `length * 4` bytes.
  public var payload: [UInt8] = []

  public init(kind: TLPKind) { self.kind = kind }

  /// Number of header DWs: 4 for 64-bit memory requests and messages, else 3.
  public var headerDWs: Int { kind.isMessage || (kind.isMemoryRequest && uses64BitAddress) ? 4 : 3 }

  /// The Fmt field: bit 1 says the TLP has data, bit 0 that its header is 4DW.
  public var formatField: UInt8 { (kind.hasData ? 0b010 : 0) | (headerDWs == 4 ? 0b001 : 0) }

  /// Payload DWs as 32-bit values with the lowest-addressed byte in bits 7:0, the order in
  /// which a little-endian data path and Strata's TLP stream carry them.
  public var payloadDWs: [UInt32] {
    stride(from: 0, to: payload.count, by: 4).map { i in
      (0..<4).reduce(UInt32(0)) { word, k in i + k < payload.count ? word | UInt32(payload[i + k]) << (8 * k) : word }
    }
  }

  /// For a request: the bytes its byte enables select, after PCIe Base Specification 6.3,
  /// Table 2-40 (a zero-length read, First DW BE 0000b, counts 1).
  public var enabledByteCount: Int {
    if length <= 1 {
      let be = firstByteEnables & 0xF
      if be == 0 { return 1 }
      return 8 - be.leadingZeroBitCount - be.trailingZeroBitCount  // first to last enabled byte, inclusive
    }
    let skippedAtStart = firstByteEnables & 0xF == 0 ? 4 : (firstByteEnables & 0xF).trailingZeroBitCount
    let skippedAtEnd = lastByteEnables & 0xF == 0 ? 4 : (lastByteEnables & 0xF).leadingZeroBitCount - 4
    return length * 4 - skippedAtStart - skippedAtEnd
  }

  /// For a request: the low 7 bits of the address of its first enabled byte, the Lower
  /// Address its completion carries (PCIe Base Specification 6.3, Table 2-41).
  public var firstEnabledByteAddress: UInt8 {
    let be = firstByteEnables & 0xF
    let offset = be == 0 ? 0 : be.trailingZeroBitCount
    return UInt8(truncatingIfNeeded: address & 0x7C) | UInt8(offset)
  }
}
