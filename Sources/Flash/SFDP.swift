/// JESD216 Serial Flash Discoverable Parameters: the SFDP header, the parameter headers and
/// the Basic Flash Parameter Table (BFPT), enough to drive a part not in `FlashParts`.
///
/// Layout (JESD216, all little endian):
/// - SFDP header at 0: "SFDP" signature (0x50444653), minor rev, major rev, NPH (number of
///   parameter headers minus one), access protocol.
/// - Parameter headers from 8, 8 bytes each: ID LSB, minor, major, length in DWORDs,
///   3-byte table pointer, ID MSB. The BFPT has ID 0xFF00.
/// - BFPT DWORD 1: bits 18:17 address bytes (00 3-byte, 01 3- or 4-byte, 10 4-byte only).
///   DWORD 2: density (bit 31 clear: bits-1; set: 2^N bits). DWORDs 8-9: four erase types,
///   each size exponent (2^N bytes, 0 = unused) and opcode. DWORD 10 (JESD216A+): erase
///   times (typical count/units per type, max multiplier). DWORD 11: page size exponent
///   (bits 7:4), page program typical (bits 13:8) and max multiplier (bits 3:0).
public struct SFDP: Sendable, Equatable {
  public struct ParameterHeader: Sendable, Equatable {
    public var id: UInt16
    public var major: UInt8
    public var minor: UInt8
    public var lengthDWords: Int
    public var pointer: Int
  }

  public var major: UInt8
  public var minor: UInt8
  public var parameterHeaders: [ParameterHeader]

  public static let signature: UInt32 = 0x5044_4653
  public static let basicTableID: UInt16 = 0xFF00

  public enum ParseError: Error, Equatable {
    case noSignature
    case noBasicTable
    case truncated
  }

  /// Parses the SFDP header and parameter headers from the first bytes of SFDP space
  /// (8 + 8 * (NPH + 1) bytes are needed).
  public static func parseHeader(_ b: [UInt8]) throws(ParseError) -> SFDP {
    guard b.count >= 16 else { throw .truncated }
    guard (b.readLE(0) as UInt32) == signature else { throw .noSignature }
    let count = Int(b[6]) + 1
    guard b.count >= 8 + 8 * count else { throw .truncated }
    var headers: [ParameterHeader] = []
    for i in 0..<count {
      let o = 8 + 8 * i
      headers.append(ParameterHeader(
        id: UInt16(b[o + 7]) << 8 | UInt16(b[o]), major: b[o + 2], minor: b[o + 1],
        lengthDWords: Int(b[o + 3]), pointer: Int(b[o + 4]) | Int(b[o + 5]) << 8 | Int(b[o + 6]) << 16))
    }
    return SFDP(major: b[5], minor: b[4], parameterHeaders: headers)
  }

  public var basicTable: ParameterHeader? {
    // Highest revision of the BFPT wins.
    parameterHeaders.filter { $0.id == Self.basicTableID }.max { ($0.major, $0.minor) < ($1.major, $1.minor) }
  }

  /// Builds a part description from the BFPT DWORDs.
  public static func part(jedecID: UInt32, basicTable d: [UInt32]) throws(ParseError) -> FlashPart {
    guard d.count >= 9 else { throw .truncated }
    func dw(_ n: Int) -> UInt32? { n <= d.count ? d[n - 1] : nil }
    let density = d[1]
    let bits: UInt64 = density & 0x8000_0000 != 0 ? 1 << UInt64(density & 0x7FFF_FFFF) : UInt64(density) + 1
    let size = Int(bits / 8)

    // Erase times (DWORD 10), or conservative defaults for JESD216 (rev 1.0) tables.
    var typicalNs = [UInt64](repeating: 0, count: 4)
    var maxMultiplier: UInt64 = 8
    if let t = dw(10) {
      maxMultiplier = 2 * (UInt64(t & 0xF) + 1)
      let unitsNs: [UInt64] = [1_000_000, 16_000_000, 128_000_000, 1_000_000_000]
      for i in 0..<4 {
        let shift = 4 + 7 * UInt32(i)
        let count = UInt64((t >> shift) & 0x1F)
        let unit = unitsNs[Int((t >> (shift + 5)) & 0x3)]
        typicalNs[i] = (count + 1) * unit
      }
    }
    var erase: [EraseType] = []
    for i in 0..<4 {
      let word = i < 2 ? d[7] : d[8]
      let shift = UInt32(i % 2) * 16
      let exponent = Int((word >> shift) & 0xFF)
      let opcode = UInt8((word >> (shift + 8)) & 0xFF)
      guard exponent != 0 else { continue }
      let bytes = 1 << exponent
      let typ = typicalNs[i] != 0 ? typicalNs[i] : UInt64(bytes / 4096) * 50_000_000 + 50_000_000
      erase.append(EraseType(size: bytes, opcode: opcode, time: OperationTime(typicalNs: typ, maxNs: typ * maxMultiplier)))
    }
    if erase.isEmpty, d[0] & 0x3 == 0x1 {
      erase.append(.sector4K(.ms(50, 400)))
    }

    var pageSize = 256
    var program = OperationTime.ms(0.7, 5)
    if let p = dw(11) {
      pageSize = 1 << Int((p >> 4) & 0xF)
      let unit: UInt64 = (p >> 13) & 1 != 0 ? 64_000 : 8_000
      let typ = (UInt64((p >> 8) & 0x1F) + 1) * unit
      program = OperationTime(typicalNs: typ, maxNs: typ * 2 * (UInt64(p & 0xF) + 1))
    }

    let addressing: FlashPart.Addressing
    switch (d[0] >> 17) & 0x3 {
    case 0b10: addressing = .fourByteOnly
    case 0b01: addressing = size > 16 << 20 ? .enter4ByteMode(writeEnableFirst: false) : .threeByte
    default: addressing = .threeByte
    }
    return FlashPart(name: "SFDP part \(hex24(jedecID))", jedecID: jedecID, size: size, pageSize: pageSize,
                     eraseTypes: erase, pageProgram: program, addressing: addressing, source: .sfdp)
  }
}
