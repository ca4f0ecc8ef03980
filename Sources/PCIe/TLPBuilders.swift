extension TLP {
  /// A memory write of `data` to byte `address` (any alignment): Length, byte enables and
  /// the padded payload follow from the two, and the header format from the address
  /// (3DW below 4 GB). An empty `data` makes a zero-length write (one DW, no byte enabled).
  public static func memoryWrite(address: UInt64, data: [UInt8], requester: PCIeID, tag: UInt16 = 0) -> TLP {
    var tlp = memoryRequest(.memoryWrite, address: address, byteCount: data.count, requester: requester, tag: tag)
    let lead = Int(address & 3)
    tlp.payload = [UInt8](repeating: 0, count: lead) + data
    tlp.payload += [UInt8](repeating: 0, count: tlp.length * 4 - tlp.payload.count)
    return tlp
  }

  /// A memory read of `byteCount` bytes from byte `address`; 0 makes a zero-length read.
  public static func memoryRead(address: UInt64, byteCount: Int, requester: PCIeID, tag: UInt16 = 0) -> TLP {
    memoryRequest(.memoryRead, address: address, byteCount: byteCount, requester: requester, tag: tag)
  }

  /// A configuration read of the DW at byte `offset` (a multiple of 4, below 4096) of
  /// `target`'s configuration space: Type 1 when `type1`, for a bus below a bridge.
  public static func configRead(type1: Bool = false, target: PCIeID, offset: Int, byteEnables: UInt8 = 0xF,
                                requester: PCIeID, tag: UInt16 = 0) -> TLP {
    configRequest(type1 ? .configRead1 : .configRead0, target: target, offset: offset, byteEnables: byteEnables,
                  requester: requester, tag: tag)
  }

  /// A configuration write of `value` (byte 0 in bits 7:0) to the DW at byte `offset`.
  public static func configWrite(type1: Bool = false, target: PCIeID, offset: Int, value: UInt32, byteEnables: UInt8 = 0xF,
                                 requester: PCIeID, tag: UInt16 = 0) -> TLP {
    var tlp = configRequest(type1 ? .configWrite1 : .configWrite0, target: target, offset: offset, byteEnables: byteEnables,
                            requester: requester, tag: tag)
    tlp.payload = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    return tlp
  }

  /// The completion that answers `request` with `status` and no data: for a read with a
  /// status other than SC, and for I/O and configuration writes. Byte Count and Lower
  /// Address are what a successful completion would carry (§2.3.1.1); 4 and 0 for
  /// non-memory requests (§2.2.9.1).
  public static func completion(answering request: TLP, completer: PCIeID, status: CompletionStatus = .successful) -> TLP {
    var tlp = TLP(kind: request.kind == .memoryReadLocked ? .completionLocked : .completion)
    tlp.fillCompletionFields(answering: request, completer: completer)
    tlp.status = status
    return tlp
  }

  /// The single successful completion that returns `data` for the read `request`: the DWs
  /// its address and byte enables cover, in address order (for a memory read, `data` has
  /// `request.length * 4` bytes; for a configuration or I/O read, 4).
  public static func completionWithData(answering request: TLP, completer: PCIeID, data: [UInt8]) -> TLP {
    var tlp = TLP(kind: request.kind == .memoryReadLocked ? .completionLockedWithData : .completionWithData)
    tlp.fillCompletionFields(answering: request, completer: completer)
    tlp.length = data.count / 4
    tlp.payload = data
    return tlp
  }

  /// A message (MsgD when `data` is not empty). `target` is used when `routing` is by ID,
  /// `address` when it is by address; `fields` fills the header bytes the routing leaves to
  /// the message (see `messageFields`).
  public static func message(code: UInt8, routing: MessageRouting, requester: PCIeID, target: PCIeID = PCIeID(rawValue: 0),
                             address: UInt64 = 0, fields: UInt64 = 0, data: [UInt8] = [], tag: UInt16 = 0) -> TLP {
    var tlp = TLP(kind: data.isEmpty ? .message(routing) : .messageWithData(routing))
    tlp.messageCode = code
    tlp.requester = requester
    tlp.tag = tag
    if routing == .byID { tlp.target = target }
    if routing == .byAddress { tlp.address = address }
    tlp.messageFields = routing == .byID ? fields & 0xFFFF_FFFF_FFFF : routing == .byAddress ? 0 : fields
    tlp.payload = data
    tlp.length = (data.count + 3) / 4
    return tlp
  }

  private static func memoryRequest(_ kind: TLPKind, address: UInt64, byteCount: Int, requester: PCIeID, tag: UInt16) -> TLP {
    var tlp = TLP(kind: kind)
    tlp.requester = requester
    tlp.tag = tag
    tlp.address = address & ~3
    tlp.uses64BitAddress = address > UInt32.max
    let lead = Int(address & 3)
    if byteCount == 0 {
      tlp.length = 1
      return tlp
    }
    let end = lead + byteCount  // one past the last byte, counted from the first DW
    tlp.length = (end + 3) / 4
    let first = UInt8(0xF << lead & 0xF)
    let last = UInt8(0xF >> ((4 - end % 4) % 4))
    if tlp.length == 1 {
      tlp.firstByteEnables = first & last
    } else {
      tlp.firstByteEnables = first
      tlp.lastByteEnables = last
    }
    return tlp
  }

  private static func configRequest(_ kind: TLPKind, target: PCIeID, offset: Int, byteEnables: UInt8, requester: PCIeID,
                                    tag: UInt16) -> TLP {
    precondition(offset % 4 == 0 && (0..<4096).contains(offset),
                 "configuration register offset \(offset) must be a multiple of 4 in 0...4092; select bytes with byteEnables")
    var tlp = TLP(kind: kind)
    tlp.requester = requester
    tlp.tag = tag
    tlp.target = target
    tlp.registerNumber = offset / 4
    tlp.length = 1
    tlp.firstByteEnables = byteEnables
    return tlp
  }

  private mutating func fillCompletionFields(answering request: TLP, completer: PCIeID) {
    self.completer = completer
    requester = request.requester
    tag = request.tag
    trafficClass = request.trafficClass
    attributes = request.attributes
    if request.kind.isMemoryRequest {
      byteCount = request.enabledByteCount
      lowerAddress = request.firstEnabledByteAddress
    } else {
      byteCount = 4
      lowerAddress = 0
    }
  }
}
