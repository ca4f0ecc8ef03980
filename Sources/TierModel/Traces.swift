/// A small, fast, seedable generator (SplitMix64, Steele, Lea and Flood, OOPSLA 2014), so every
/// trace is reproducible from its seed on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One access of a trace: a page of the unified space, the beat within it, read or write.
public struct TraceAccess: Equatable, Sendable {
  public var page: Int
  public var word: Int
  public var isWrite: Bool

  public init(page: Int, word: Int = 0, isWrite: Bool = false) {
    self.page = page
    self.word = word
    self.isWrite = isWrite
  }
}

/// Trace generators for policy studies, each deterministic for a seed.
public enum TraceGenerator {
  /// Zipf over `pages` with exponent `theta` (0.99 is YCSB's default; 0.9 a milder skew): rank r
  /// (1-based) has probability ∝ 1/r^theta. Ranks are scattered over the pages by a seeded
  /// permutation, so hotness is not a function of the page number (and of the initial placement).
  public static func zipf(pages: Int, theta: Double, count: Int, writeFraction: Double = 0.3, seed: UInt64) -> [TraceAccess] {
    var rng = SplitMix64(seed: seed)
    var cdf = [Double](repeating: 0, count: pages)
    var sum = 0.0
    for r in 0..<pages {
      sum += 1 / pow(Double(r + 1), theta)
      cdf[r] = sum
    }
    let order = permutation(pages, &rng)
    return (0..<count).map { _ in
      let u = Double.random(in: 0..<sum, using: &rng)
      var lo = 0, hi = pages - 1
      while lo < hi {
        let mid = (lo + hi) / 2
        if cdf[mid] > u { hi = mid } else { lo = mid + 1 }
      }
      return TraceAccess(page: order[lo], word: Int(rng.next() % 512), isWrite: Double.random(in: 0..<1, using: &rng) < writeFraction)
    }
  }

  /// GUPS with a hot set, after HeMem's microbenchmarks/gups.c: a fraction `hotFraction` of the
  /// accesses (HeMem: about 90%) go uniformly to a hot set of `hotPages`, the rest uniformly
  /// to all pages. Every access is a read-modify-write in GUPS; here every other one writes.
  public static func gupsHotSet(pages: Int, hotPages: Int, hotFraction: Double = 0.9, count: Int, seed: UInt64) -> [TraceAccess] {
    var rng = SplitMix64(seed: seed)
    let hot = Array(permutation(pages, &rng).prefix(hotPages))
    return (0..<count).map { i in
      let page = Double.random(in: 0..<1, using: &rng) < hotFraction ? hot[Int(rng.next() % UInt64(hotPages))] : Int(rng.next() % UInt64(pages))
      return TraceAccess(page: page, word: Int(rng.next() % 512), isWrite: i % 2 == 1)
    }
  }

  /// A hot set that moves (HeMem's gups-hotset-move.c): `phases` phases of equal length, each
  /// with its own hot set of `hotPages` drawn afresh.
  public static func movingHotSet(pages: Int, hotPages: Int, phases: Int, hotFraction: Double = 0.9, count: Int, seed: UInt64) -> [TraceAccess] {
    var out: [TraceAccess] = []
    for phase in 0..<phases {
      let length = count / phases + (phase < count % phases ? 1 : 0)
      out += gupsHotSet(pages: pages, hotPages: hotPages, hotFraction: hotFraction, count: length, seed: seed &+ UInt64(phase) &* 0x9E37)
    }
    return out
  }

  /// A sequential scan of every page, `beatsPerPage` beats from each, `passes` times.
  public static func sequentialScan(pages: Int, passes: Int = 1, beatsPerPage: Int = 1) -> [TraceAccess] {
    var out: [TraceAccess] = []
    for _ in 0..<passes {
      for page in 0..<pages {
        for word in 0..<beatsPerPage { out.append(TraceAccess(page: page, word: word)) }
      }
    }
    return out
  }

  static func permutation(_ n: Int, _ rng: inout SplitMix64) -> [Int] {
    var p = Array(0..<n)
    p.shuffle(using: &rng)
    return p
  }
}

/// x^y for the generators (the model imports nothing, not even Foundation).
func pow(_ x: Double, _ y: Double) -> Double {
  if x == 1 { return 1 }
  return exp(y * log(x))
}

func log(_ x: Double) -> Double {
  // log(x) = k·ln2 + log(m), m in [1, 2), the latter by the atanh series.
  var k = 0.0
  var m = x
  while m >= 2 { m /= 2; k += 1 }
  while m < 1 { m *= 2; k -= 1 }
  let t = (m - 1) / (m + 1), t2 = t * t
  var term = t, sum = 0.0, n = 1.0
  while abs(term / n) > 1e-17 {
    sum += term / n
    term *= t2
    n += 2
  }
  return k * 0.693_147_180_559_945_3 + 2 * sum
}

func exp(_ x: Double) -> Double {
  // exp(x) = 2^k · exp(r), |r| ≤ ln2/2, the latter by its Taylor series.
  let ln2 = 0.693_147_180_559_945_3
  let k = (x / ln2).rounded()
  let r = x - k * ln2
  var term = 1.0, sum = 1.0, n = 1.0
  while abs(term) > 1e-17 {
    term *= r / n
    sum += term
    n += 1
  }
  var result = sum
  if k > 0 { for _ in 0..<Int(k) { result *= 2 } } else if k < 0 { for _ in 0..<Int(-k) { result /= 2 } }
  return result
}
