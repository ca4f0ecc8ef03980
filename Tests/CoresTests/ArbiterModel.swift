import HDL

/// The round-robin arbiter of `Sources/Cores/RoundRobinArbiter.swift` as its datasheet states
/// it: with no grant held, the first requester with `valid` set after the last granted one (in
/// index order, wrapping) gets the grant at once; it keeps it until its beat with `last` is taken.
struct ArbiterModel {
  let requesters: Int
  private(set) var holding = false
  private(set) var owner = 0
  private(set) var lastGranted: Int

  init(requesters: Int) {
    self.requesters = requesters
    lastGranted = requesters - 1  // requester 0 has the first turn
  }

  /// Who holds the grant in this cycle, given who is requesting.
  func granted(_ valid: [Bool]) -> Int? {
    if holding { return owner }
    return (1...requesters).map { (lastGranted + $0) % requesters }.first { valid[$0] }
  }

  /// The outputs in this cycle.
  func outputs(valid: [Bool], data: [BitVector], last: [Bool], outReady: Bool) -> [String: BitVector] {
    let g = granted(valid)
    var grant = BitVector(width: requesters)
    if let g { grant[g] = true }
    var out: [String: BitVector] = ["grant": grant, "out_valid": BitVector(g.map { valid[$0] } ?? false)]
    if let g {
      out["grant_index"] = BitVector(width: bitsToIndex(requesters), value: g)
      if valid[g] { out["out_data"] = data[g]; out["out_last"] = BitVector(last[g]) }
    }
    for i in 0..<requesters { out["in\(i)_ready"] = BitVector(outReady && g == i) }
    return out
  }

  /// One clock edge.
  mutating func clock(valid: [Bool], last: [Bool], outReady: Bool) {
    guard let g = granted(valid) else { return }
    let packetEnds = valid[g] && outReady && last[g]
    if !holding {
      owner = g
      lastGranted = g
    }
    holding = !packetEnds
  }
}
