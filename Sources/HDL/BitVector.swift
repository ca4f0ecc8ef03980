/// A fixed-width bit pattern of any width (1 to many thousands of bits), stored as
/// little-endian 64-bit words. Used for constants, reset values and memory contents,
/// and by simulation to carry port values.
public struct BitVector: Hashable, Sendable, CustomStringConvertible {
  public let width: Int
  /// Little-endian words; bits above `width` in the last word are always zero.
  public private(set) var words: [UInt64]

  public init(width: Int, words: [UInt64] = []) {
    precondition(width >= 1, "a BitVector needs at least one bit")
    self.width = width
    let count = (width + 63) / 64
    var w = Array(words.prefix(count))
    w.append(contentsOf: repeatElement(0, count: count - w.count))
    self.words = w
    maskTopWord()
  }

  /// The low `width` bits of `value` (two's complement for negative values).
  public init(width: Int, value: Int) {
    self.init(width: width, words: [UInt64(bitPattern: Int64(value))])
    if value < 0 { for i in 1..<words.count { words[i] = .max }; maskTopWord() }
  }

  public init(width: Int, unsigned value: UInt64) { self.init(width: width, words: [value]) }

  /// All ones of the given width.
  public static func ones(width: Int) -> BitVector {
    BitVector(width: width, words: Array(repeating: .max, count: (width + 63) / 64))
  }

  /// Parses hexadecimal digits (underscores allowed), for example "dead_beef".
  public init?(width: Int, hex: String) {
    var result = BitVector(width: width)
    var bit = 0
    for ch in hex.reversed() where ch != "_" {
      guard let digit = ch.hexDigitValue else { return nil }
      for k in 0..<4 where digit >> k & 1 == 1 {
        guard bit + k < width else { return nil }
        result[bit + k] = true
      }
      bit += 4
    }
    self = result
  }

  public subscript(bit: Int) -> Bool {
    get { words[bit / 64] >> UInt64(bit % 64) & 1 == 1 }
    set {
      let mask: UInt64 = 1 << UInt64(bit % 64)
      if newValue { words[bit / 64] |= mask } else { words[bit / 64] &= ~mask }
    }
  }

  public var isZero: Bool { words.allSatisfy { $0 == 0 } }

  /// The number of bits needed to represent the value as unsigned (0 needs 1 bit).
  public var significantBits: Int {
    for i in stride(from: words.count - 1, through: 0, by: -1) where words[i] != 0 {
      return i * 64 + (64 - words[i].leadingZeroBitCount)
    }
    return 1
  }

  /// The value truncated or zero-extended to `newWidth`.
  public func resized(to newWidth: Int) -> BitVector { BitVector(width: newWidth, words: words) }

  /// Lowercase hexadecimal without leading zeros beyond the width's digit count.
  public var hex: String {
    let digits = (width + 3) / 4
    var out = ""
    for d in stride(from: digits - 1, through: 0, by: -1) {
      var v = 0
      for k in 0..<4 where d * 4 + k < width && self[d * 4 + k] { v |= 1 << k }
      out.append(String(v, radix: 16))
    }
    return out
  }

  public var description: String { "\(width)'h\(hex)" }

  /// The value as UInt64 when it fits.
  public var uint64: UInt64? { words.dropFirst().allSatisfy { $0 == 0 } ? words[0] : nil }

  private mutating func maskTopWord() {
    let used = width % 64
    if used != 0 { words[words.count - 1] &= (1 << UInt64(used)) - 1 }
  }
}
