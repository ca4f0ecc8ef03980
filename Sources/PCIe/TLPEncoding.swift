extension TLP {
  /// The header as DWs, DW0 first, each with the header's first byte in bits 31:24 (the
  /// layout of PCIe Base Specification 6.3, §2.2.1–§2.2.9, Non-Flit Mode).
  public var headerDWordValues: [UInt32] {
    var words = [dword0]
    if kind.isCompletion {
      words.append(UInt32(completer.rawValue) << 16 | UInt32(status.rawValue) << 13 | (byteCountModified ? 1 << 12 : 0)
                   | UInt32(byteCount & 0xFFF))
      words.append(UInt32(requester.rawValue) << 16 | UInt32(tag & 0xFF) << 8 | UInt32(lowerAddress & 0x7F))
      return words
    }
    let low8 = kind.isMessage ? UInt32(messageCode) : UInt32(lastByteEnables & 0xF) << 4 | UInt32(firstByteEnables & 0xF)
    words.append(UInt32(requester.rawValue) << 16 | UInt32(tag & 0xFF) << 8 | low8)
    if kind.isConfigRequest {
      words.append(UInt32(target.rawValue) << 16 | UInt32(registerNumber & 0x3FF) << 2)
    } else if case .message(let routing) = kind {
      words += messageBytes8to15(routing)
    } else if case .messageWithData(let routing) = kind {
      words += messageBytes8to15(routing)
    } else if headerDWs == 4 {
      words += [UInt32(truncatingIfNeeded: address >> 32), UInt32(truncatingIfNeeded: address) & ~3]
    } else {
      words.append(UInt32(truncatingIfNeeded: address) & ~3)
    }
    return words
  }

  /// The whole TLP as DWs: header, payload (lowest-addressed byte in bits 31:24, as on the
  /// wire) and digest.
  public var dwordValues: [UInt32] {
    var bytes = self.bytes
    bytes += [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
    return stride(from: 0, to: bytes.count, by: 4).map { bigEndianWord(bytes, at: $0) }
  }

  /// The TLP in transmission order: header bytes (DW0 byte 0 first), payload, then the digest.
  public var bytes: [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(headerDWs * 4 + payload.count + 4)
    for word in headerDWordValues { out += bigEndianBytes(word) }
    out += payload
    if let digest { out += bigEndianBytes(digest) }
    return out
  }

  private var dword0: UInt32 {
    let encodedLength = length == 1024 ? 0 : UInt32(length & 0x3FF)
    var word = UInt32(formatField) << 29 | UInt32(kind.typeField) << 24 | encodedLength
    word |= UInt32(tag >> 9 & 1) << 23 | UInt32(trafficClass & 7) << 20 | UInt32(tag >> 8 & 1) << 19
    word |= UInt32(attributes.rawValue >> 2 & 1) << 18 | UInt32(attributes.rawValue & 3) << 12
    word |= (digest != nil ? 1 << 15 : 0) | (poisoned ? 1 << 14 : 0)
    if kind.isMemoryRequest { word |= UInt32(addressType & 3) << 10 }
    return word
  }

  private func messageBytes8to15(_ routing: MessageRouting) -> [UInt32] {
    let fields: UInt64
    switch routing {
    case .byAddress: fields = address
    case .byID: fields = UInt64(target.rawValue) << 48 | messageFields & 0xFFFF_FFFF_FFFF
    default: fields = messageFields
    }
    return [UInt32(truncatingIfNeeded: fields >> 32), UInt32(truncatingIfNeeded: fields)]
  }
}

func bigEndianBytes(_ word: UInt32) -> [UInt8] {
  [UInt8(truncatingIfNeeded: word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
   UInt8(truncatingIfNeeded: word)]
}

/// The DW whose first byte is `bytes[offset]`, that byte in bits 31:24.
func bigEndianWord(_ bytes: [UInt8], at offset: Int) -> UInt32 {
  var word: UInt32 = 0
  for k in 0..<4 { word = word << 8 | UInt32(bytes[offset + k]) }
  return word
}
