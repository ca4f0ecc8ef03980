extension TLP {
  /// Parses a TLP in transmission order (header, payload, digest when TD is set). Refuses
  /// what cannot be a TLP at all: too few bytes, reserved or unsupported Fmt/Type, a payload
  /// that disagrees with Length. Whether the fields obey the rules is `validationProblems()`'s job.
  public init(bytes: [UInt8]) throws(TLPError) {
    guard bytes.count >= 12 else {
      throw TLPError(field: "header", "\(bytes.count) bytes cannot hold a TLP header; a header is 12 or 16 bytes (§2.2.1)")
    }
    let dw = { (i: Int) -> UInt32 in bigEndianWord(bytes, at: 4 * i) }
    let dw0 = dw(0)
    let fmt = UInt8(dw0 >> 29), type = UInt8(dw0 >> 24 & 0x1F)
    guard fmt & 0b100 == 0 else {
      throw TLPError(field: "Fmt", "Fmt \(binary(fmt, digits: 3))b is a TLP prefix or reserved; Strata's links carry no prefixes (§2.2.1, Table 2-2)")
    }
    guard let kind = TLPKind.decode(hasData: fmt & 0b010 != 0, fourDW: fmt & 0b001 != 0, type: type) else {
      throw TLPError(field: "Fmt/Type",
                     "Fmt \(binary(fmt, digits: 3))b with Type \(binary(type, digits: 5))b is reserved or not supported by Strata (§2.2.1, Table 2-3); AtomicOps, DMWr and TCfg are not implemented")
    }
    self.init(kind: kind)
    uses64BitAddress = kind.isMemoryRequest && fmt & 1 != 0
    let headerBytes = headerDWs * 4
    let hasDigest = dw0 & 1 << 15 != 0
    guard bytes.count >= headerBytes + (hasDigest ? 4 : 0) else {
      throw TLPError(field: "Fmt", "Fmt \(binary(fmt, digits: 3))b announces a \(headerDWs)DW header\(hasDigest ? " and a digest" : ""), but only \(bytes.count) bytes arrived")
    }
    let lengthField = Int(dw0 & 0x3FF)
    length = lengthField == 0 && (kind.hasData || kind.isRequest) ? 1024 : lengthField
    tag = UInt16(dw0 >> 23 & 1) << 9 | UInt16(dw0 >> 19 & 1) << 8
    trafficClass = UInt8(dw0 >> 20 & 7)
    attributes = TLPAttributes(rawValue: UInt8(dw0 >> 18 & 1) << 2 | UInt8(dw0 >> 12 & 3))
    poisoned = dw0 & 1 << 14 != 0
    if kind.isMemoryRequest { addressType = UInt8(dw0 >> 10 & 3) }

    let dw1 = dw(1), dw2 = dw(2)
    if kind.isCompletion {
      completer = PCIeID(rawValue: UInt16(dw1 >> 16))
      let statusField = UInt8(dw1 >> 13 & 7)
      guard let decoded = CompletionStatus(rawValue: statusField) else {
        throw TLPError(field: "Completion Status", "\(binary(statusField, digits: 3))b is reserved; valid: 000b SC, 001b UR, 010b CRS, 100b CA (§2.2.9.1, Table 2-37)")
      }
      status = decoded
      byteCountModified = dw1 & 1 << 12 != 0
      byteCount = dw1 & 0xFFF == 0 ? 4096 : Int(dw1 & 0xFFF)
      requester = PCIeID(rawValue: UInt16(dw2 >> 16))
      tag |= UInt16(dw2 >> 8 & 0xFF)
      lowerAddress = UInt8(dw2 & 0x7F)
    } else {
      requester = PCIeID(rawValue: UInt16(dw1 >> 16))
      tag |= UInt16(dw1 >> 8 & 0xFF)
      if kind.isMessage {
        messageCode = UInt8(dw1 & 0xFF)
        let fields = UInt64(dw2) << 32 | UInt64(dw(3))
        switch kind {
        case .message(.byAddress), .messageWithData(.byAddress): address = fields
        case .message(.byID), .messageWithData(.byID):
          target = PCIeID(rawValue: UInt16(fields >> 48))
          messageFields = fields & 0xFFFF_FFFF_FFFF
        default: messageFields = fields
        }
      } else {
        firstByteEnables = UInt8(dw1 & 0xF)
        lastByteEnables = UInt8(dw1 >> 4 & 0xF)
        if kind.isConfigRequest {
          target = PCIeID(rawValue: UInt16(dw2 >> 16))
          registerNumber = Int(dw2 >> 2 & 0x3FF)
        } else if headerDWs == 4 {
          address = UInt64(dw2) << 32 | UInt64(dw(3) & ~3)
        } else {
          address = UInt64(dw2 & ~3)
        }
      }
    }

    let payloadEnd = bytes.count - (hasDigest ? 4 : 0)
    let payloadBytes = payloadEnd - headerBytes
    let expected = kind.hasData ? length * 4 : 0
    guard payloadBytes == expected else {
      throw TLPError(field: "Length", kind.hasData
        ? "Length \(lengthField) says \(expected) payload bytes but \(payloadBytes) follow the header (§2.2.2: a TLP must carry exactly Length DWs)"
        : "Fmt \(binary(fmt, digits: 3))b has no data, but \(payloadBytes) bytes follow the header")
    }
    payload = Array(bytes[headerBytes..<payloadEnd])
    if hasDigest {
      digest = bigEndianWord(bytes, at: payloadEnd)
    }
  }

  /// Parses a TLP from DWs in the layout of `dwordValues` (first transmitted byte in bits 31:24).
  public init(dwordValues: [UInt32]) throws(TLPError) {
    try self.init(bytes: dwordValues.flatMap(bigEndianBytes))
  }
}

func binary<T: BinaryInteger>(_ value: T, digits: Int) -> String {
  let text = String(value, radix: 2)
  return String(repeating: "0", count: max(0, digits - text.count)) + text
}
