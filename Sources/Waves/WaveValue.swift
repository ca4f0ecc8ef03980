/// The value of a signal at one time: one character per bit, most significant first,
/// each `0`, `1`, `x` (unknown) or `z` (high impedance), as VCD writes them.
public struct WaveValue: Hashable, Sendable, CustomStringConvertible {
  /// Bits, most significant first: ASCII `0`, `1`, `x` or `z`.
  public let bits: [UInt8]

  /// `text` as a VCD value change writes it (without the `b` prefix), extended to `width`
  /// the way IEEE 1364-2005 §18.2.1 says: with `0` when the leftmost bit is `0` or `1`,
  /// otherwise with copies of that `x` or `z`.
  public init(_ text: Substring.UTF8View, width: Int) {
    self.init(bytes: text, width: width)
  }

  init<C: Collection>(bytes text: C, width: Int) where C.Element == UInt8 {
    var bits = [UInt8]()
    bits.reserveCapacity(width)
    let given = text.count
    if given < width {
      let first = text.first.map(WaveValue.normalised) ?? UInt8(ascii: "x")
      let fill = first == UInt8(ascii: "1") ? UInt8(ascii: "0") : first
      bits.append(contentsOf: repeatElement(fill, count: width - given))
      bits.append(contentsOf: text.map(WaveValue.normalised))
    } else {
      bits.append(contentsOf: text.dropFirst(given - width).map(WaveValue.normalised))
    }
    self.bits = bits
  }

  /// The four 1-bit values, shared so scalar changes allocate nothing.
  static let scalars: [WaveValue] = ["0", "1", "x", "z"].map { WaveValue(Substring($0).utf8, width: 1) }

  public init(_ text: String, width: Int? = nil) {
    self.init(Substring(text).utf8, width: width ?? text.utf8.count)
  }

  /// A fully known value of `width` bits.
  public init(width: Int, value: UInt64) {
    bits = (0..<width).reversed().map { $0 < 64 && (value >> UInt64($0)) & 1 == 1 ? UInt8(ascii: "1") : UInt8(ascii: "0") }
  }

  public var width: Int { bits.count }
  public var description: String { String(decoding: bits, as: UTF8.self) }

  /// True when no bit is `x` or `z`.
  public var isKnown: Bool { bits.allSatisfy { $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: "1") } }
  public var hasUnknown: Bool { bits.contains(UInt8(ascii: "x")) }
  public var hasHighImpedance: Bool { bits.contains(UInt8(ascii: "z")) }
  /// True when every bit is `z`: the signal is not driven at all.
  public var isHighImpedance: Bool { !bits.isEmpty && bits.allSatisfy { $0 == UInt8(ascii: "z") } }

  /// The value as an unsigned integer when it is known and fits in 64 bits.
  public var unsignedValue: UInt64? {
    guard isKnown else { return nil }
    var value: UInt64 = 0
    for (index, bit) in bits.enumerated() {
      if bit == UInt8(ascii: "1") {
        guard bits.count - index <= 64 else { return nil }
        value |= 1 << UInt64(bits.count - 1 - index)
      }
    }
    return value
  }

  /// Hexadecimal digits, most significant first; a digit with any `x` bit reads `x`, a digit
  /// whose bits are all `z` reads `z` and one partly `z` reads `Z` (GTKWave's convention).
  public var hex: String {
    var digits = [UInt8]()
    let padded = [UInt8](repeating: bits.first == UInt8(ascii: "z") || bits.first == UInt8(ascii: "x") ? bits.first! : UInt8(ascii: "0"),
                         count: (4 - bits.count % 4) % 4) + bits
    var index = 0
    while index < padded.count {
      let nibble = padded[index..<index + 4]
      if nibble.contains(UInt8(ascii: "x")) {
        digits.append(UInt8(ascii: "x"))
      } else if nibble.allSatisfy({ $0 == UInt8(ascii: "z") }) {
        digits.append(UInt8(ascii: "z"))
      } else if nibble.contains(UInt8(ascii: "z")) {
        digits.append(UInt8(ascii: "Z"))
      } else {
        let value = nibble.reduce(0) { $0 << 1 | ($1 == UInt8(ascii: "1") ? 1 : 0) }
        digits.append(Array("0123456789abcdef".utf8)[value])
      }
      index += 4
    }
    return String(decoding: digits, as: UTF8.self)
  }

  /// VCD writes `X`, `Z` and `U`/`W`/`L`/`H`/`-` (from VHDL-derived tools) too; fold them to the four values.
  static func normalised(_ byte: UInt8) -> UInt8 {
    switch byte {
    case UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "x"), UInt8(ascii: "z"): return byte
    case UInt8(ascii: "Z"): return UInt8(ascii: "z")
    case UInt8(ascii: "L"): return UInt8(ascii: "0")
    case UInt8(ascii: "H"): return UInt8(ascii: "1")
    default: return UInt8(ascii: "x")
    }
  }
}
