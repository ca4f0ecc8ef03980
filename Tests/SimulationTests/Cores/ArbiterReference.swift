/// The round-robin packet arbiter of `roundRobinArbiter(requesters:width:)` as its datasheet
/// (Sources/Cores/RoundRobinArbiter.swift) states it: with no grant held, the grant goes in the
/// same cycle to the first requester with `valid` after the last one granted (requester 0 first
/// after reset) and is held until the beat with `last` is taken.
struct ArbiterReference {
  let requesters: Int
  private(set) var holding = false
  private(set) var owner = 0
  private(set) var lastGranted: Int

  init(requesters: Int) {
    self.requesters = requesters
    lastGranted = requesters - 1
  }

  /// Whose beat is on `out` this cycle given which requesters have `valid` set, and whether
  /// anyone holds the grant.
  func current(requests: [Bool]) -> (index: Int, granted: Bool) {
    if holding { return (owner, true) }
    for step in 1...requesters {
      let candidate = (lastGranted + step) % requesters
      if requests[candidate] { return (candidate, true) }
    }
    return (0, false)
  }

  /// The clock edge. Returns the requester that newly won the grant in this cycle, if any.
  mutating func clock(requests: [Bool], outFired: Bool, outLast: Bool) -> Int? {
    let ends = outFired && outLast
    if !holding, requests.contains(true) {
      let winner = current(requests: requests).index
      owner = winner
      lastGranted = winner
      holding = !ends
      return winner
    }
    if ends { holding = false }
    return nil
  }
}
