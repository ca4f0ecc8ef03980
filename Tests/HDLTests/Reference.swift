import HDL

/// Two's-complement arithmetic on `BitVector`s of any width, written from the textbook
/// definitions (ripple carry, schoolbook multiplication, bit-by-bit shifts) and independent of
/// the HDL. Simulated hardware is checked against these values.
enum Ref {
  static func bits(_ v: BitVector) -> [Bool] { (0..<v.width).map { v[$0] } }

  static func vector(_ bits: [Bool]) -> BitVector {
    var v = BitVector(width: bits.count)
    for (i, b) in bits.enumerated() where b { v[i] = true }
    return v
  }

  static func not(_ a: BitVector) -> BitVector { vector(bits(a).map { !$0 }) }
  static func and(_ a: BitVector, _ b: BitVector) -> BitVector { vector(zip(bits(a), bits(b)).map { $0 && $1 }) }
  static func or(_ a: BitVector, _ b: BitVector) -> BitVector { vector(zip(bits(a), bits(b)).map { $0 || $1 }) }
  static func xor(_ a: BitVector, _ b: BitVector) -> BitVector { vector(zip(bits(a), bits(b)).map { $0 != $1 }) }

  /// `a + b + carryIn`, wrapping at the width of `a` (both operands have that width).
  static func add(_ a: BitVector, _ b: BitVector, carryIn: Bool = false) -> BitVector {
    precondition(a.width == b.width)
    var carry = carryIn
    var out = [Bool]()
    for (x, y) in zip(bits(a), bits(b)) {
      out.append((x != y) != carry)
      carry = (x && y) || (carry && (x != y))
    }
    return vector(out)
  }

  static func sub(_ a: BitVector, _ b: BitVector) -> BitVector { add(a, not(b), carryIn: true) }
  static func negate(_ a: BitVector) -> BitVector { add(not(a), BitVector(width: a.width), carryIn: true) }

  /// The product modulo 2^width (operands already extended to `width`): schoolbook
  /// multiplication on 64-bit words.
  static func mul(_ a: BitVector, _ b: BitVector) -> BitVector {
    precondition(a.width == b.width)
    let n = a.words.count
    var acc = [UInt64](repeating: 0, count: n)
    for i in 0..<n {
      var carry: UInt64 = 0
      for j in 0..<(n - i) {
        let (high, low) = a.words[i].multipliedFullWidth(by: b.words[j])
        let (s1, o1) = acc[i + j].addingReportingOverflow(low)
        let (s2, o2) = s1.addingReportingOverflow(carry)
        acc[i + j] = s2
        carry = high &+ (o1 ? 1 : 0) &+ (o2 ? 1 : 0)
      }
    }
    return BitVector(width: a.width, words: acc)
  }

  static func zeroExtend(_ a: BitVector, to width: Int) -> BitVector { vector(bits(a) + Array(repeating: false, count: width - a.width)) }
  static func signExtend(_ a: BitVector, to width: Int) -> BitVector { vector(bits(a) + Array(repeating: a[a.width - 1], count: width - a.width)) }

  static func shl(_ a: BitVector, _ n: Int) -> BitVector { vector((0..<a.width).map { $0 >= n && a[$0 - n] }) }
  static func shr(_ a: BitVector, _ n: Int) -> BitVector { vector((0..<a.width).map { $0 + n < a.width && a[$0 + n] }) }
  static func sshr(_ a: BitVector, _ n: Int) -> BitVector {
    vector((0..<a.width).map { $0 + n < a.width ? a[$0 + n] : a[a.width - 1] })
  }

  /// -1, 0 or 1 as unsigned numbers compare.
  static func compareUnsigned(_ a: BitVector, _ b: BitVector) -> Int {
    for i in stride(from: a.width - 1, through: 0, by: -1) where a[i] != b[i] { return a[i] ? 1 : -1 }
    return 0
  }

  /// -1, 0 or 1 as two's-complement numbers compare.
  static func compareSigned(_ a: BitVector, _ b: BitVector) -> Int {
    let (sa, sb) = (a[a.width - 1], b[b.width - 1])
    if sa != sb { return sa ? -1 : 1 }
    return compareUnsigned(a, b)
  }

  static func bit(_ b: Bool) -> BitVector { BitVector(width: 1, value: b ? 1 : 0) }

  /// Bits `low ..< low + count`.
  static func slice(_ a: BitVector, _ low: Int, _ count: Int) -> BitVector { vector(Array(bits(a)[low..<low + count])) }

  /// Most significant part first, like Verilog `{a, b}`.
  static func concat(_ parts: [BitVector]) -> BitVector { vector(parts.reversed().flatMap(bits)) }

  static func value(_ v: BitVector) -> Int { Int(v.uint64!) }
}

/// SplitMix64: a small seeded generator so every random test replays the same vectors.
struct SeededGenerator: RandomNumberGenerator {
  private var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension SeededGenerator {
  /// A random value of `width` bits; one draw in four is an edge value (0, all ones, only the
  /// top bit, all but the top bit), where carries, signs and overflows go wrong.
  mutating func vector(width: Int) -> BitVector {
    var words = (0..<(width + 63) / 64).map { _ in next() }
    switch Int.random(in: 0..<16, using: &self) {
    case 0: return BitVector(width: width)
    case 1: return BitVector.ones(width: width)
    case 2: var v = BitVector(width: width); v[width - 1] = true; return v
    case 3: var v = BitVector.ones(width: width); v[width - 1] = false; return v
    default:
      if width % 64 != 0 { words[words.count - 1] &= (1 << UInt64(width % 64)) - 1 }
      return BitVector(width: width, words: words)
    }
  }

  mutating func bit() -> BitVector { BitVector(width: 1, value: Int.random(in: 0...1, using: &self)) }
  mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}
