import Foundation

/// The seeded random source for stimulus: xoshiro256** (Blackman and Vigna), seeded through
/// SplitMix64. The same seed gives the same numbers on every platform, so a failing run can be
/// replayed with `STRATA_SEED=<seed>`.
public struct SimulationRandom: RandomNumberGenerator {
  /// The seed this generator (or the one it was derived from) started from.
  public let seed: UInt64
  @usableFromInline var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

  public init(seed: UInt64) { self.init(mixing: seed, reporting: seed) }

  /// An independent generator for one part of a test bench (a driver, a monitor), named so
  /// adding another part does not change the numbers this one sees.
  public init(seed: UInt64, stream: String) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a over the stream name
    for byte in stream.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    self.init(mixing: seed ^ hash, reporting: seed)
  }

  private init(mixing state: UInt64, reporting seed: UInt64) {
    self.seed = seed
    var mixer = state
    func splitMix() -> UInt64 {
      mixer &+= 0x9e37_79b9_7f4a_7c15
      var z = mixer
      z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
      z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
      return z ^ (z >> 31)
    }
    (s0, s1, s2, s3) = (splitMix(), splitMix(), splitMix(), splitMix())
  }

  /// STRATA_SEED when set (decimal or 0x-hexadecimal), else a fresh seed.
  public static func seedFromEnvironment() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["STRATA_SEED"], let seed = parseSeed(text) { return seed }
    var system = SystemRandomNumberGenerator()
    return system.next()
  }

  static func parseSeed(_ text: String) -> UInt64? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.lowercased().hasPrefix("0x") { return UInt64(trimmed.dropFirst(2), radix: 16) }
    return UInt64(trimmed)
  }

  @inlinable
  public mutating func next() -> UInt64 {
    let result = rotate(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotate(s3, 45)
    return result
  }

  /// True with probability `p`.
  @inlinable
  public mutating func chance(_ p: Probability) -> Bool { p.threshold == .max || next() < p.threshold }

  @inlinable
  func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { x << k | x >> (64 - k) }
}

/// A probability stored as a 64-bit threshold, so a draw is one comparison.
public struct Probability: Sendable, ExpressibleByFloatLiteral {
  public let threshold: UInt64

  /// `p` in 0...1; values outside are clamped.
  public init(_ p: Double) {
    let clamped = min(max(p, 0), 1)
    threshold = clamped >= 1 ? .max : UInt64(clamped * 18_446_744_073_709_551_616.0)
  }

  public init(floatLiteral value: Double) { self.init(value) }

  public static let always = Probability(1)
  public static let never = Probability(0)
}
