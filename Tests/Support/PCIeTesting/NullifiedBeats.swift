import PCIe

extension TLP {
  /// The beats of this TLP as a cut-through sender that gives up on it sends them: its first
  /// `kept` beats (clamped to 1...all), the last of them without `end`, then the nullify marker
  /// (`TLPStreamBeat.nullifies`: `end`, no `start`, strobe 0).
  public func nullifiedStreamBeats(lanes: Int, keeping kept: Int) -> [TLPStreamBeat] {
    let all = streamBeats(lanes: lanes)
    var beats = Array(all.prefix(min(max(kept, 1), all.count)))
    beats[beats.count - 1].end = false
    beats.append(TLPStreamBeat(header: beats[0].header, lanes: Array(repeating: 0, count: lanes), strobe: 0, start: false, end: true))
    return beats
  }
}
