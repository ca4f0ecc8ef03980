/// One beat of a TLP on Strata's RTL TLP stream (`Cores.TLPStream`): the header beside the
/// first beat, payload DWs in lanes (lane 0 first, lowest-addressed byte in bits 7:0).
public struct TLPStreamBeat: Hashable, Sendable {
  /// Header DW0...DW3 (DW3 is 0 for a 3DW header).
  public var header: [UInt32]
  /// One value per lane; lanes beyond the payload are 0.
  public var lanes: [UInt32]
  /// Bit `i` set when lane `i` holds payload.
  public var strobe: UInt64
  public var start: Bool
  public var end: Bool

  public init(header: [UInt32], lanes: [UInt32], strobe: UInt64, start: Bool, end: Bool) {
    self.header = header
    self.lanes = lanes
    self.strobe = strobe
    self.start = start
    self.end = end
  }

  /// The nullify marker: a later beat (not `start`) with `end` set and no lane strobed ends its
  /// TLP as bad (a cut-through switch found it malformed after passing its head on); the
  /// receiver discards the TLP and returns the credits its header consumed. No well-formed TLP
  /// has such a beat: every beat after the first carries payload.
  public var nullifies: Bool { end && !start && strobe == 0 }
}

extension TLP {
  /// The beats that carry this TLP on a stream of `lanes` DWs per beat (2, 4 or 8 for a 64-,
  /// 128- or 256-bit data path). The digest is not carried: it is dropped and TD cleared.
  public func streamBeats(lanes: Int) -> [TLPStreamBeat] {
    precondition(lanes >= 1 && lanes <= 64, "a TLP stream has 1...64 DW lanes, not \(lanes)")
    var withoutDigest = self
    withoutDigest.digest = nil
    let header = Array((withoutDigest.headerDWordValues + [0, 0, 0, 0]).prefix(4))
    let words = payloadDWs
    let count = max(1, (words.count + lanes - 1) / lanes)
    return (0..<count).map { beat in
      let slice = Array(words.dropFirst(beat * lanes).prefix(lanes))
      let strobe = slice.count == 64 ? UInt64.max : (UInt64(1) << slice.count) - 1
      return TLPStreamBeat(header: header, lanes: slice + [UInt32](repeating: 0, count: lanes - slice.count), strobe: strobe,
                           start: beat == 0, end: beat == count - 1)
    }
  }

  /// Reassembles a TLP from its beats (the header of the first, the strobed lanes of all).
  /// Refuses beats whose start/end marks or strobes do not frame one TLP, naming the beat.
  public init(streamBeats beats: [TLPStreamBeat]) throws(TLPError) {
    guard let first = beats.first, first.start else {
      throw TLPError(field: "stream framing", "the first beat must have start set")
    }
    var bytes = first.header.prefix(4).flatMap(bigEndianBytes)
    var payload: [UInt8] = []
    for (index, beat) in beats.enumerated() {
      if index > 0 && beat.start { throw TLPError(field: "stream framing", "beat \(index) sets start inside a TLP") }
      if beat.nullifies {
        throw TLPError(field: "stream framing", "beat \(index) is the nullify marker (end with strobe 0): the sender discarded this TLP")
      }
      if (index == beats.count - 1) != beat.end {
        throw TLPError(field: "stream framing", "end must be set on the last beat only, not on beat \(index) of \(beats.count)")
      }
      for (lane, word) in beat.lanes.enumerated() where beat.strobe >> lane & 1 == 1 {
        payload += (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
      }
    }
    let headerDWs = bytes[0] & 0x20 != 0 ? 4 : 3
    bytes = Array(bytes.prefix(headerDWs * 4))
    if bytes[2] & 0x80 != 0 {
      throw TLPError(field: "TD", "is set, but a TLP stream carries no digest; the port that received it must drop the digest and clear TD")
    }
    self = try TLP(bytes: bytes + payload)
  }
}
