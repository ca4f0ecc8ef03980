/// Conversions between `BitVector` and Swift integers, for test benches and simulation.
extension BitVector: ExpressibleByIntegerLiteral {
  /// A literal takes the fewest bits that hold it (at least 1): `let v: BitVector = 0x1ff` is 9 bits.
  public init(integerLiteral value: UInt64) {
    self.init(width: max(1, 64 - value.leadingZeroBitCount), unsigned: value)
  }

  /// `value` as a `width`-bit vector, or nil when it does not fit (negative values need two's
  /// complement room: -1 fits any width, -129 needs 9 bits).
  public init?<T: BinaryInteger>(exactly value: T, width: Int) {
    let magnitude = value < 0 ? ~value : value
    var significant = 0
    for (i, word) in magnitude.words.enumerated() where word != 0 { significant = i * UInt.bitWidth + UInt.bitWidth - word.leadingZeroBitCount }
    let needed = significant + (value < 0 ? 1 : 0)
    guard needed <= width else { return nil }
    self.init(width: width, value: value)
  }

  /// The low `width` bits of `value`'s two's complement.
  public init<T: BinaryInteger>(width: Int, value: T) {
    let extended: UInt = value < 0 ? .max : 0
    let words = (0..<(width + 63) / 64).map { i -> UInt64 in
      i < value.words.count ? UInt64(value.words[value.words.startIndex + i]) : UInt64(extended)
    }
    self.init(width: width, words: words)
  }
}

extension FixedWidthInteger {
  /// The vector's unsigned value, or nil when it needs more bits than `Self` has.
  public init?(exactly bits: BitVector) {
    guard bits.significantBits <= Self.bitWidth - (Self.isSigned ? 1 : 0) || bits.isZero else { return nil }
    self.init(truncatingIfNeeded: bits)
  }

  /// The vector's low `Self.bitWidth` bits.
  public init(truncatingIfNeeded bits: BitVector) {
    var result: Self = 0
    for (i, word) in bits.words.enumerated() where i * 64 < Self.bitWidth {
      result |= Self(truncatingIfNeeded: word) << (i * 64)
    }
    self = result
  }
}
