import Foundation
import HDL

/// A reproducible random source for stimulus: SplitMix64 (Steele, Lea & Flood, "Fast Splittable
/// Pseudorandom Number Generators", OOPSLA 2014). The seed comes from `STRATA_SEED` when set,
/// otherwise from the system; failure messages carry it so a failing run can be replayed.
struct SeededRandom: RandomNumberGenerator, CustomStringConvertible {
  let seed: UInt64
  private var state: UInt64

  init(seed: UInt64? = nil) {
    let fromEnvironment = ProcessInfo.processInfo.environment["STRATA_SEED"].flatMap { UInt64($0) }
    self.seed = seed ?? fromEnvironment ?? UInt64.random(in: 0 ... .max)
    self.state = self.seed
  }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }

  /// A random word of `width` bits.
  mutating func bits(width: Int) -> BitVector {
    var words: [UInt64] = []
    for _ in 0..<(width + 63) / 64 { words.append(next()) }
    return BitVector(width: width, words: words)
  }

  var description: String { "seed \(seed) (replay with STRATA_SEED=\(seed))" }
}
