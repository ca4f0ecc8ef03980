/// A shadow of the unified space that knows nothing of tiers: 64-bit words by byte address, a
/// word never written reading 0. The stress tests check every read of the RTL and the model
/// against it, and read back every word they wrote at the end.
struct WordShadow {
  private var words: [UInt64: UInt64] = [:]
  /// Addresses written, in first-write order.
  private(set) var written: [UInt64] = []

  subscript(address: UInt64) -> UInt64 { words[address] ?? 0 }

  /// Merges `data` into the word at `address`, only the bytes whose enable bit is set.
  mutating func write(_ address: UInt64, _ data: UInt64, byteEnables: UInt8) {
    var mask: UInt64 = 0
    for byte in 0..<8 where byteEnables & (1 << byte) != 0 { mask |= UInt64(0xFF) << UInt64(8 * byte) }
    if words[address] == nil { written.append(address) }
    words[address] = (self[address] & ~mask) | (data & mask)
  }
}
