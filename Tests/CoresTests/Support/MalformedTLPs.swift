import PCIe
import Simulation

/// TLPs sent broken on purpose, each kind a rule of the PCIe Base Specification 6.3 that a
/// receiver checks (§2.2.2 payload against Length, §2.2.7 4 KiB, §2.3 reserved Fmt/Type), and
/// the expectations a switch must meet for them, worked out from the beats alone.
struct MalformedTLP {
  enum Kind: String, CaseIterable {
    /// Beats missing at the end: `end` comes before Length DWs have arrived.
    case short
    /// The last beat strobes fewer lanes than Length leaves for it.
    case shortLastBeat
    /// Beats beyond Length DWs.
    case long
    /// A TLP without data (Fmt) with a DW of payload.
    case payloadWithoutData
    /// A TLP with data (Fmt, Length) with no payload at all.
    case dataWithoutPayload
    /// Fmt/Type 000b/00011b, reserved.
    case reservedType
    /// A memory write whose Length runs past its 4 KiB page.
    case crosses4KiB
    /// Cut short: some beats of a TLP with payload and no `end`; the sender's next TLP (see
    /// `follower`) begins with its `start`. The receive buffer closes it, its credits come back.
    case cutShort
    /// Not malformed: the sender ends the TLP with the nullify marker after some beats, as a
    /// cut-through switch upstream would; it is passed on nullified and counted nowhere.
    case nullifiedBySender
  }

  let kind: Kind
  /// The TLP whose header the beats carry; nil for a header no `TLP` holds.
  let tlp: TLP?
  let beats: [TLPStreamBeat]
  let credits: [CreditType: Int]

  /// Whether the switch must count it in its port's malformed counter.
  var countsAsMalformed: Bool { kind != .nullifiedBySender }

  /// Whether the switch has passed its head on before it can tell (the first beat that breaks
  /// the framing is not the first beat), so the packet leaves wherever the header routes it,
  /// ended by the nullify marker.
  var leavesNullified: Bool {
    if kind == .cutShort { return true }  // every beat sent fits; only the missing end breaks it
    guard kind != .reservedType && kind != .crosses4KiB, let header = beats.first?.header else { return false }
    return (MalformedTLP.firstBrokenBeat(beats, header: header, lanes: 2) ?? 0) > 0
  }

  /// The index of the first beat that does not fit the payload the header announces (Length
  /// DWs when Fmt says it carries data, none otherwise): the beat count is ⌈DWs / lanes⌉ (at
  /// least one), every lane strobed but the last beat's, which strobes the rest from lane 0,
  /// and `end` is set on the last beat only. Nil when all fit.
  static func firstBrokenBeat(_ beats: [TLPStreamBeat], header: [UInt32], lanes: Int) -> Int? {
    let hasData = header[0] >> 30 & 1 == 1
    let length = header[0] & 0x3FF == 0 ? 1024 : Int(header[0] & 0x3FF)
    var remaining = hasData ? length : 0
    for (index, beat) in beats.enumerated() {
      let here = min(remaining, lanes)
      let last = remaining <= lanes
      if beat.strobe != (UInt64(1) << here) - 1 || beat.end != last { return index }
      remaining -= here
    }
    return nil
  }

  /// What the sender sends right after a TLP cut short, so that a `start` follows it: a local
  /// message without data (terminated at the switch, counted nowhere). It needs only a posted
  /// header credit, which the cut TLP, alone in its class queue, cannot exhaust; a TLP needing
  /// credits the cut one holds would wait for them forever.
  static func follower(from port: Int) -> TLP {
    TLP.message(code: 0x7F, routing: .local, requester: port == 0 ? SwitchTrafficTests.rootComplex
                  : PCIeID(bus: UInt8(4 * port - 2), device: 0, function: 0))
  }

  /// A malformed TLP (or a nullified one) from a link partner on `port`, starting from a TLP of
  /// the random traffic where the kind needs one.
  static func random(from port: Int, ports: Int, _ random: inout SimulationRandom) -> MalformedTLP {
    let lanes = 2
    func data(_ lane: Int) -> [UInt32] { (0..<lanes).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) } }
    // A good TLP of the traffic whose beats are then broken; one with payload when the kind needs it.
    func base(withData: Bool?, minimumDWs: Int = 0) -> TLP {
      while true {
        let tlp = SwitchTrafficTests.randomTLP(from: port, ports: ports, &random)
        if let withData, tlp.kind.hasData != withData { continue }
        if tlp.kind.hasData ? tlp.length >= minimumDWs : minimumDWs == 0 { return tlp }
      }
    }
    let kind = Kind.allCases.randomElement(using: &random)!
    switch kind {
    case .short:
      let tlp = base(withData: true, minimumDWs: lanes + 1)
      var beats = tlp.streamBeats(lanes: lanes)
      beats.removeLast(Int.random(in: 1...(beats.count - 1), using: &random))
      beats[beats.count - 1].end = true
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    case .shortLastBeat:
      var tlp = base(withData: true, minimumDWs: lanes)
      while tlp.length % lanes != 0 { tlp = base(withData: true, minimumDWs: lanes) }
      var beats = tlp.streamBeats(lanes: lanes)
      beats[beats.count - 1].strobe >>= 1
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    case .long:
      let tlp = base(withData: nil)
      var beats = tlp.streamBeats(lanes: lanes)
      beats[beats.count - 1].end = false
      for extra in 0..<Int.random(in: 1...3, using: &random) {
        beats.append(TLPStreamBeat(header: beats[0].header, lanes: data(extra), strobe: 0b11, start: false, end: false))
      }
      beats[beats.count - 1].end = true
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    case .payloadWithoutData:
      let tlp = base(withData: false)
      var beats = tlp.streamBeats(lanes: lanes)
      beats[0].strobe = 1
      beats[0].lanes = data(0)
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    case .dataWithoutPayload:
      let tlp = base(withData: true)
      let beats = [TLPStreamBeat(header: tlp.streamBeats(lanes: lanes)[0].header, lanes: [0, 0], strobe: 0, start: true, end: true)]
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    case .reservedType:
      var header = base(withData: nil).streamBeats(lanes: lanes)[0].header
      header[0] = header[0] & 0x00FF_FFFF | 0x03 << 24
      let beats = [TLPStreamBeat(header: header, lanes: [0, 0], strobe: 0, start: true, end: true)]
      return MalformedTLP(kind: kind, tlp: nil, beats: beats, credits: announcedCredits(header: header))
    case .crosses4KiB:
      // Inside the first downstream window, its last DW on the next page.
      let count = 4 * Int.random(in: 2...16, using: &random)
      let address = UInt64(0x800) << 20 | UInt64.random(in: 0...0xFF, using: &random) << 12 | UInt64(4096 - count + 4)
      let tlp = TLP.memoryWrite(address: address, data: (0..<count).map { UInt8(truncatingIfNeeded: $0) },
                                requester: SwitchTrafficTests.rootComplex, tag: 0)
      return MalformedTLP(kind: kind, tlp: tlp, beats: tlp.streamBeats(lanes: lanes), credits: tlp.creditsRequired)
    case .cutShort:
      let tlp = base(withData: true, minimumDWs: lanes + 1)
      var beats = tlp.streamBeats(lanes: lanes)
      beats.removeLast(Int.random(in: 1...(beats.count - 1), using: &random))
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    case .nullifiedBySender:
      let tlp = base(withData: true, minimumDWs: lanes + 1)
      var beats = tlp.streamBeats(lanes: lanes)
      beats.removeLast(Int.random(in: 0..<(beats.count - 1), using: &random))
      beats[beats.count - 1] = TLPStreamBeat(header: beats[0].header, lanes: [0, 0], strobe: 0, start: false, end: true)
      return MalformedTLP(kind: kind, tlp: tlp, beats: beats, credits: tlp.creditsRequired)
    }
  }
}
