import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The ingress stage against a cycle model built on `SwitchRoutingModel`: random packets
/// (every routing outcome, multi-beat payloads, raw malformed headers, payloads cut short,
/// overlong, nullified by the sender or cut short by the next packet's start beat) with random
/// readiness on every output; every output compared every cycle.
final class SwitchIngressTests: XCTestCase {
  func testTheIngressIsAcceptedByVerilatorIcarusAndYosys() throws {
    let design = try Design(top: switchIngress(port: 1, ports: 4, dataWidth: 128))
    let cells = try assertAcceptedByTools(design)
    print("\(design.top): \(cells ?? -1) Yosys cells")
  }

  struct Packet {
    var beats: [TLPStreamBeat]
    /// Where the header routes it, or `malformed` when its header or first beat breaks a rule.
    var route: SwitchRoutingModel.Route
    var urHeader: [UInt32]?
    /// The `link_down_event` bits its first beat raises: the down port, for a request (§2.9.1).
    var linkDownEvent = 0
    /// The first beat that breaks the payload framing, when it is a later beat: from there the
    /// packet on its way ends nullified and the rest is consumed.
    var brokenAt: Int?
  }

  func testPacketsGoWhereTheModelSaysCycleByCycle() throws {
    for (port, width) in [(0, 64), (2, 128)] {
      let ports = 4
      var random = SeededRandom()
      let design = try Design(top: switchIngress(port: port, ports: ports, dataWidth: width))
      let lanes = width / 32
      let completer = PCIeID(bus: 1, device: UInt8(max(port, 1) - 1), function: 0)
      var table = CycleTable()
      var seen: [String: Int] = [:]
      var counts = (dropped: 0, malformed: 0, unsupported: 0)
      var held: SwitchRoutingModel.Route = .drop
      // A packet whose first beat was taken and whose end was not, and whether it is still
      // intact (not yet found malformed): a start beat now cuts it short.
      var inside = false
      var insideIntact = false
      var heldType0 = false
      for _ in 0..<60 {
        let model = SwitchRoutingModel(bridges: randomBridges(ports: ports, &random))
        let config = bridgeInputs(model.bridges).merging(["completer_id": BitVector(width: 16, value: Int(completer.rawValue)),
                                                          "max_payload_size": maxPayloadSizeField(model.bridges[port].maxPayloadBytes)]) { $1 }
        var packets: [Packet] = []
        for index in 0..<12 {
          let (header, parsed) = randomHeader(aimedAt: model.bridges, &random)
          var beats: [TLPStreamBeat]
          if var tlp = parsed, parsed.map({ headerBits($0) == header }) == true {
            tlp.digest = nil
            beats = tlp.streamBeats(lanes: lanes)
            // Configuration requests stay whole, so enough of them reach the bridges.
            // Packets 3 and 8 of a batch are cut short when they have beats to cut, so every
            // seed sees that rarer class often (a random mix alone left one seed with 4 cuts).
            let cut = (index == 3 || index == 8) && beats.count > 1
            if (cut || random.chance(0.25)) && ![.configRead0, .configWrite0, .configRead1, .configWrite1].contains(tlp.kind) {
              // The last packet of a batch keeps its end: the next batch routes with other bridges.
              breakFraming(&beats, cutShortAllowed: index < 11, forceCut: cut, &random)
            }
          } else {  // a raw header: one beat, whatever its Length says
            let h = [UInt32(truncatingIfNeeded: header.words[1] >> 32), UInt32(truncatingIfNeeded: header.words[1]),
                     UInt32(truncatingIfNeeded: header.words[0] >> 32), UInt32(truncatingIfNeeded: header.words[0])]
            beats = [TLPStreamBeat(header: h, lanes: (0..<lanes).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) },
                                   strobe: 1, start: true, end: true)]
          }
          let broken = MalformedTLP.firstBrokenBeat(beats, header: beats[0].header, lanes: lanes)
          let route = broken == 0 ? .malformed : model.route(parsed, ingress: port)
          var ur = route == .unsupported ? TLP.completion(answering: parsed!, completer: completer, status: .unsupportedRequest).headerDWordValues : nil
          var downEvent = 0
          if case .linkDown(let down, let nonPosted) = route {
            // The down port's bridge answers: device down − 1 on the internal bus.
            let bridge = PCIeID(bus: UInt8(model.bridges[0].secondary), device: UInt8(down - 1), function: 0)
            if nonPosted { ur = TLP.completion(answering: parsed!, completer: bridge, status: .unsupportedRequest).headerDWordValues }
            if !parsed!.kind.isCompletion { downEvent = 1 << down }
          }
          packets.append(Packet(beats: beats, route: route, urHeader: ur, linkDownEvent: downEvent, brokenAt: route == .malformed ? nil : broken))
        }
        // Drive the packets back to back, holding each beat until it is taken.
        var queue = packets.flatMap { p in p.beats.enumerated().map { (beat: $1, packet: p, index: $0) } }
        var pendingUR: [UInt32]?
        var offering = false
        var idle = 0
        while !queue.isEmpty || pendingUR != nil {
          idle += 1
          if idle > 200 { XCTFail("port \(port): stuck; \(random)"); return }
          let ready = (fabric: random.chance(0.6), own: random.chance(0.6), ur: random.chance(0.5))
          offering = offering || (!queue.isEmpty && random.chance(0.8))
          var row = config
          row["fabric_ready"] = BitVector(ready.fabric)
          row["own_ready"] = BitVector(ready.own)
          row["unsupported_ready"] = BitVector(ready.ur)
          row["link_valid"] = BitVector(offering)
          var expected: [String: BitVector] = [
            "unsupported_valid": BitVector(pendingUR != nil), "dropped_count": BitVector(width: 16, value: counts.dropped),
            "malformed_count": BitVector(width: 16, value: counts.malformed),
            "unsupported_count": BitVector(width: 16, value: counts.unsupported),
          ]
          if let ur = pendingUR { expected["unsupported_header"] = bits128(ur) }
          var linkReady = true
          // A late beat that breaks the framing goes out as the nullify marker; the beats after it nowhere.
          let nullifying = queue.first.map { $0.index == $0.packet.brokenAt } ?? false
          let afterBreak = queue.first.map { f in f.packet.brokenAt.map { f.index > $0 } ?? false } ?? false
          // A start beat while a packet is inside waits; the packet on its way ends with the marker.
          let cutting = offering && inside && queue.first?.beat.start == true
          var closes = false
          if cutting, let (beat, _, _) = queue.first {
            row.merge(beatInputs(beat, prefix: "link", width: width)) { $1 }
            var forwardTo = 0
            if case .forward(let list, _) = held { forwardTo = list.reduce(0) { $0 | 1 << $1 } }
            let own: Bool = { if case .ownBridge = held { return true } else { return false } }()
            expected["fabric_valid"] = BitVector(forwardTo != 0)
            expected["own_valid"] = BitVector(own)
            var h = beat.header
            if heldType0 { h[0] &= ~(1 << 24) }
            let marker = TLPStreamBeat(header: forwardTo != 0 ? h : beat.header, lanes: beat.lanes, strobe: 0, start: false, end: true)
            if forwardTo != 0 {
              expected.merge(beatOutputs(marker, prefix: "fabric", width: width)) { $1 }
              expected["fabric_egress"] = BitVector(width: ports, value: forwardTo)
              closes = ready.fabric
            } else if own {
              expected.merge(beatOutputs(marker, prefix: "own", width: width)) { $1 }
              closes = ready.own
            } else {
              closes = true
            }
            linkReady = false
            seen["cutShort", default: 0] += 1
          } else if offering, let (beat, packet, _) = queue.first {
            row.merge(beatInputs(beat, prefix: "link", width: width)) { $1 }
            let route = afterBreak ? .drop : beat.start ? packet.route : held
            var forwardTo = 0, type0 = false
            if case .forward(let list, let t0) = route { forwardTo = list.reduce(0) { $0 | 1 << $1 }; type0 = t0 }
            let own: Bool = { if case .ownBridge = route { return true } else { return false } }()
            expected["fabric_valid"] = BitVector(forwardTo != 0)
            expected["own_valid"] = BitVector(own)
            if forwardTo != 0 {
              linkReady = ready.fabric
              var h = beat.header
              if type0 { h[0] &= ~(1 << 24) }
              expected.merge(beatOutputs(TLPStreamBeat(header: h, lanes: beat.lanes, strobe: nullifying ? 0 : beat.strobe, start: beat.start,
                                                       end: beat.end || nullifying),
                                         prefix: "fabric", width: width)) { $1 }
              expected["fabric_egress"] = BitVector(width: ports, value: forwardTo)
              if nullifying { seen["nullified", default: 0] += 1 }
            } else if own {
              linkReady = ready.own
              expected.merge(beatOutputs(TLPStreamBeat(header: beat.header, lanes: beat.lanes, strobe: nullifying ? 0 : beat.strobe,
                                                       start: beat.start, end: beat.end || nullifying), prefix: "own", width: width)) { $1 }
            } else if beat.start && packet.urHeader != nil {
              linkReady = pendingUR == nil
            }
            seen["\(route)".components(separatedBy: "(").first!, default: 0] += 1
          } else {
            expected["fabric_valid"] = BitVector(false)
            expected["own_valid"] = BitVector(false)
          }
          if offering { expected["link_ready"] = BitVector(linkReady) }  // without a beat, ready follows stale inputs
          // Error events pulse on the first beat as it is taken, or on the late beat that breaks
          // the framing (not when the sender nullified the TLP itself).
          let taken = offering && linkReady && queue.first?.beat.start == true
          let takenRoute = queue.first?.packet.route
          let poisoned = (queue.first?.beat.header[0] ?? 0) & 1 << 14 != 0
          let lateMalformed = offering && linkReady && nullifying && queue.first?.beat.nullifies == false
          expected["unsupported_event"] = BitVector(taken && takenRoute == .unsupported)
          expected["link_down_event"] = BitVector(width: ports, value: taken ? queue.first!.packet.linkDownEvent : 0)
          expected["malformed_event"] = BitVector(taken && takenRoute == .malformed || lateMalformed || closes && insideIntact)
          expected["poisoned_event"] = BitVector(taken && poisoned && takenRoute != .malformed)
          table.add(row, expecting: expected)
          // The clock edge.
          if ready.ur { pendingUR = nil }
          if closes {
            if insideIntact { counts.malformed += 1 }
            inside = false
            insideIntact = false
            held = .drop
          }
          if offering && linkReady, let (beat, packet, index) = queue.first {
            queue.removeFirst()
            offering = false
            idle = 0
            if lateMalformed { counts.malformed += 1 }
            if nullifying { insideIntact = false; held = .drop }
            inside = !beat.end
            if beat.start {
              insideIntact = packet.route != .malformed
              if case .forward(_, let t0) = packet.route { heldType0 = t0 } else { heldType0 = false }
            }
            // A dropped TLP counts once its last beat shows it well formed.
            let dropped: Bool = { if case .linkDown(_, false) = packet.route { return true } else { return packet.route == .drop } }()
            if beat.end && dropped && packet.brokenAt.map({ index < $0 }) ?? true { counts.dropped += 1 }
            if beat.start {
              held = packet.route
              switch packet.route {
              case .malformed: counts.malformed += 1
              case .unsupported: counts.unsupported += 1; pendingUR = packet.urHeader
              case .linkDown(_, true): counts.unsupported += 1; pendingUR = packet.urHeader
              default: break
              }
            }
          }
        }
      }
      // Configuration requests for the switch's own bridges arrive only from upstream.
      for outcome in ["forward", "unsupported", "drop", "malformed", "linkDown", "nullified", "cutShort"] + (port == 0 ? ["ownBridge"] : []) {
        XCTAssertGreaterThan(seen[outcome] ?? 0, 5, "port \(port): too few `\(outcome)` beats: \(seen); \(random)")
      }
      let actual = try table.simulate(design)
      assertOutputsMatch(design.top, actual, table.expected, random)
    }
  }

  private func bits128(_ dws: [UInt32]) -> BitVector {
    let d = dws + [0, 0, 0, 0]
    return BitVector(width: 128, words: [UInt64(d[2]) << 32 | UInt64(d[3]), UInt64(d[0]) << 32 | UInt64(d[1])])
  }

  private func beatFields(_ beat: TLPStreamBeat, prefix: String, width: Int) -> [String: BitVector] {
    var words: [UInt64] = []
    for pair in stride(from: 0, to: beat.lanes.count, by: 2) {
      words.append(UInt64(beat.lanes[pair]) | (pair + 1 < beat.lanes.count ? UInt64(beat.lanes[pair + 1]) << 32 : 0))
    }
    return ["\(prefix)_header": bits128(beat.header), "\(prefix)_data": BitVector(width: width, words: words),
            "\(prefix)_strobe": BitVector(width: width / 32, unsigned: beat.strobe), "\(prefix)_start": BitVector(beat.start),
            "\(prefix)_end": BitVector(beat.end)]
  }

  private func beatInputs(_ beat: TLPStreamBeat, prefix: String, width: Int) -> [String: BitVector] {
    beatFields(beat, prefix: prefix, width: width)
  }

  private func beatOutputs(_ beat: TLPStreamBeat, prefix: String, width: Int) -> [String: BitVector] {
    beatFields(beat, prefix: prefix, width: width)
  }

  /// Breaks the payload framing of a well-formed packet: beats cut off the end, beats added,
  /// the last beat's strobe shortened, the sender's nullify marker after some beats, or
  /// (`cutShortAllowed`) beats cut off with no `end` at all, so the next packet's start beat
  /// arrives inside this one.
  private func breakFraming(_ beats: inout [TLPStreamBeat], cutShortAllowed: Bool, forceCut: Bool = false,
                            _ random: inout SeededRandom) {
    let lanes = beats[0].lanes.count
    let last = beats.count - 1
    switch forceCut ? 4 : Int.random(in: 0..<5, using: &random) {
    case 4 where beats.count > 1 && cutShortAllowed:
      beats.removeLast(Int.random(in: 1...last, using: &random))
    case 0 where beats.count > 1:
      beats.removeLast(Int.random(in: 1...last, using: &random))
      beats[beats.count - 1].end = true
    case 1 where beats[last].strobe > 1:
      beats[last].strobe >>= 1
    case 2 where beats.count > 1:
      beats.removeLast(Int.random(in: 0..<last, using: &random))
      beats[beats.count - 1].strobe = 0
      beats[beats.count - 1].end = true
    default:
      beats[last].end = false
      let full = lanes == 64 ? UInt64.max : (UInt64(1) << lanes) - 1
      beats += (0..<Int.random(in: 1...2, using: &random)).map { _ in
        TLPStreamBeat(header: beats[0].header, lanes: (0..<lanes).map { _ in UInt32.random(in: 0...UInt32.max, using: &random) },
                      strobe: full, start: false, end: false)
      }
      beats[beats.count - 1].end = true
    }
  }
}
