/// Header of a Strata firmware image.
///
/// An image file is this 64-byte header followed immediately by the body. In a flash slot
/// the header occupies the slot's first 256-byte page (the rest of that page is 0xFF) and
/// the body starts at slot offset 256 (`ImageHeader.bodyOffsetInSlot`), so the header can be
/// programmed last in a single page program: that program is the commit point of an update.
///
/// Byte layout, all integers little endian:
///
/// | offset | size | field                                                            |
/// |-------:|-----:|------------------------------------------------------------------|
/// |      0 |    4 | magic: ASCII "STIM" (53 54 49 4D)                                |
/// |      4 |    2 | format version, currently 1                                      |
/// |      6 |    2 | board id (`Board.id`)                                            |
/// |      8 |    4 | body length in bytes                                             |
/// |     12 |    4 | CRC-32 (IEEE 802.3) of the body                                  |
/// |     16 |    8 | load address                                                     |
/// |     24 |    8 | entry point                                                      |
/// |     32 |    8 | sequence number: monotonically increasing, assigned by the       |
/// |        |      | flasher when the image is written to a slot (0 in image files)   |
/// |     40 |   20 | reserved, zero                                                   |
/// |     60 |    4 | CRC-32 (IEEE) of header bytes 0..<60                             |
public struct ImageHeader: Sendable, Equatable {
  public static let size = 64
  public static let magic: [UInt8] = Array("STIM".utf8)
  public static let currentVersion: UInt16 = 1
  /// Where the body starts inside a slot (the header page is programmed alone, last).
  public static let bodyOffsetInSlot = 256

  public var version: UInt16
  public var boardID: UInt16
  public var bodyLength: UInt32
  public var bodyCRC: UInt32
  public var loadAddress: UInt64
  public var entryPoint: UInt64
  public var sequence: UInt64

  public init(version: UInt16 = ImageHeader.currentVersion, boardID: UInt16, bodyLength: UInt32,
              bodyCRC: UInt32, loadAddress: UInt64, entryPoint: UInt64, sequence: UInt64 = 0) {
    self.version = version
    self.boardID = boardID
    self.bodyLength = bodyLength
    self.bodyCRC = bodyCRC
    self.loadAddress = loadAddress
    self.entryPoint = entryPoint
    self.sequence = sequence
  }

  /// Header for `body`, with its length and CRC filled in.
  public init(boardID: UInt16, body: [UInt8], loadAddress: UInt64, entryPoint: UInt64,
              sequence: UInt64 = 0) {
    self.init(boardID: boardID, bodyLength: UInt32(body.count), bodyCRC: CRC32.checksum(body),
              loadAddress: loadAddress, entryPoint: entryPoint, sequence: sequence)
  }

  public var encoded: [UInt8] {
    var b = Self.magic
    b.appendLE(version)
    b.appendLE(boardID)
    b.appendLE(bodyLength)
    b.appendLE(bodyCRC)
    b.appendLE(loadAddress)
    b.appendLE(entryPoint)
    b.appendLE(sequence)
    b += [UInt8](repeating: 0, count: 20)
    b.appendLE(CRC32.checksum(b))
    return b
  }

  public enum DecodeError: Error, Equatable, CustomStringConvertible {
    case tooShort(Int)
    case badMagic([UInt8])
    case badHeaderCRC(stored: UInt32, computed: UInt32)
    case unsupportedVersion(UInt16)

    public var description: String {
      switch self {
      case .tooShort(let n): return "only \(n) bytes, a header needs \(ImageHeader.size)"
      case .badMagic(let m):
        return "magic is \(hex(m)), expected \(hex(ImageHeader.magic)) (\"STIM\")"
      case .badHeaderCRC(let s, let c):
        return "header CRC-32 is \(hex32(s)) but the header bytes give \(hex32(c))"
      case .unsupportedVersion(let v):
        return "format version \(v) is not supported (this flasher writes version \(ImageHeader.currentVersion))"
      }
    }
  }

  public static func decode<C: Collection>(_ raw: C) throws(DecodeError) -> ImageHeader
  where C.Element == UInt8 {
    let b = Array(raw.prefix(size))
    guard b.count == size else { throw .tooShort(b.count) }
    guard Array(b[0..<4]) == magic else { throw .badMagic(Array(b[0..<4])) }
    let stored: UInt32 = b.readLE(60)
    let computed = CRC32.checksum(b[0..<60])
    guard stored == computed else { throw .badHeaderCRC(stored: stored, computed: computed) }
    let version: UInt16 = b.readLE(4)
    guard version == currentVersion else { throw .unsupportedVersion(version) }
    return ImageHeader(version: version, boardID: b.readLE(6), bodyLength: b.readLE(8),
                       bodyCRC: b.readLE(12), loadAddress: b.readLE(16), entryPoint: b.readLE(24),
                       sequence: b.readLE(32))
  }
}

/// A firmware image file: header plus body, validated whole before anything is written.
public struct FirmwareImage: Sendable, Equatable {
  public var header: ImageHeader
  public var body: [UInt8]

  public init(header: ImageHeader, body: [UInt8]) {
    self.header = header
    self.body = body
  }

  /// Parses and checks an image file: header magic/version/CRC, body length and body CRC.
  public init(fileBytes: [UInt8], name: String = "image") throws(FlashError) {
    let header: ImageHeader
    do {
      header = try ImageHeader.decode(fileBytes)
    } catch {
      throw FlashError.invalidImage(name: name, reason: error.description)
    }
    let body = Array(fileBytes.dropFirst(ImageHeader.size))
    guard body.count == Int(header.bodyLength) else {
      throw FlashError.invalidImage(
        name: name,
        reason: "header says the body is \(header.bodyLength) bytes but the file has \(body.count) after the header")
    }
    let crc = CRC32.checksum(body)
    guard crc == header.bodyCRC else {
      throw FlashError.invalidImage(
        name: name, reason: "body CRC-32 is \(hex32(crc)), header says \(hex32(header.bodyCRC)); the file is corrupt or truncated")
    }
    self.header = header
    self.body = body
  }

  /// The file form: header then body.
  public var fileBytes: [UInt8] { header.encoded + body }

  /// What goes into a slot: header page (header + 0xFF padding) then body.
  public func slotBytes(sequence: UInt64) -> [UInt8] {
    var h = header
    h.sequence = sequence
    var page = h.encoded
    page += [UInt8](repeating: 0xFF, count: ImageHeader.bodyOffsetInSlot - page.count)
    return page + body
  }
}

extension Array where Element == UInt8 {
  mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
    var x = v.littleEndian
    Swift.withUnsafeBytes(of: &x) { self += $0 }
  }

  func readLE<T: FixedWidthInteger>(_ offset: Int) -> T {
    var v: T = 0
    for i in 0..<(T.bitWidth / 8) { v |= T(self[offset + i]) << (8 * i) }
    return v
  }
}

func hex(_ bytes: [UInt8]) -> String {
  bytes.map { hex8($0) }.joined(separator: " ")
}

func hex8(_ v: UInt8) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return s.count == 1 ? "0" + s : s
}

func hex32(_ v: UInt32) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, 8 - s.count)) + s
}

func hexAddress(_ v: Int) -> String {
  let s = String(v, radix: 16, uppercase: true)
  return "0x" + String(repeating: "0", count: max(0, 6 - s.count)) + s
}
