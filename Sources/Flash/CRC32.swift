/// CRC-32 (IEEE 802.3, as in zlib/PNG): polynomial 0x04C11DB7 reflected (0xEDB88320),
/// initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF. Check value: CRC32("123456789") == 0xCBF43926.
public struct CRC32: Sendable {
  static let table: [UInt32] = (0..<256).map { i -> UInt32 in
    var c = UInt32(i)
    for _ in 0..<8 { c = (c & 1) != 0 ? (0xEDB8_8320 ^ (c >> 1)) : (c >> 1) }
    return c
  }

  private var state: UInt32 = 0xFFFF_FFFF

  public init() {}

  public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    var c = state
    Self.table.withUnsafeBufferPointer { t in
      for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
    }
    state = c
  }

  public var value: UInt32 { state ^ 0xFFFF_FFFF }

  public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
    var crc = CRC32()
    crc.update(bytes)
    return crc.value
  }
}
