/// The skid buffer of `skidBuffer(width:)` as its datasheet (Sources/Cores/SkidBuffer.swift)
/// states it: a main register on `deq`, a skid register that catches the word accepted while the
/// reader stalls, `enq_ready` = skid empty.
struct SkidBufferReference<Word> {
  private(set) var main: Word?
  private(set) var skid: Word?

  var enqReady: Bool { skid == nil }
  var deqValid: Bool { main != nil }
  var held: Int { (main == nil ? 0 : 1) + (skid == nil ? 0 : 1) }

  /// The clock edge, given this cycle's `enq` offer (valid with data, or nil) and `deq_ready`.
  mutating func clock(offered: Word?, deqReady: Bool) {
    let mainLoads = main == nil || deqReady
    if mainLoads {
      if let waiting = skid {
        main = waiting
        skid = nil
      } else {
        main = offered
      }
    } else if let offered, enqReady {
      skid = offered
    }
  }
}
