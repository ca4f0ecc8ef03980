import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The parts working together: a two-port switch is configured by configuration requests from
/// its root complex side, then forwards, converts and refuses TLPs as the specification says.
/// TLPs are offered one at a time with room to spare, so every beat must be taken at once.
final class TwoPortSwitchTests: XCTestCase {
  static let identities = [
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A00, role: .upstream, portNumber: 0, maxPayloadBytes: 256, maxLinkSpeed: 3, maxLinkWidth: 8),
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, role: .downstream, portNumber: 1, maxPayloadBytes: 256, maxLinkSpeed: 3, maxLinkWidth: 4),
  ]

  func testTheSwitchIsAcceptedByVerilatorIcarusAndYosys() throws {
    let design = try Design(top: try twoPortSwitch(identities: Self.identities, dataWidth: 64, queueDepth: 8))
    let cells = try assertAcceptedByTools(design, yosys: .byModule)
    if let cells { print("\(design.top): \(cells) Yosys cells") }
  }

  func testEnumerationForwardingConversionAndUnsupportedRequests() throws {
    let width = 64, lanes = 2
    let design = try Design(top: try twoPortSwitch(identities: Self.identities, dataWidth: width, queueDepth: 8))
    let rc = PCIeID(bus: 0, device: 0, function: 0), upstream = rc
    let downstream = PCIeID(bus: 1, device: 0, function: 0), endpoint = PCIeID(bus: 2, device: 0, function: 0)
    let requests: [(port: Int, tlp: TLP)] = [
      (0, .configWrite(target: upstream, offset: 0x18, value: 0x0005_0100, requester: rc, tag: 1)),  // buses 0 / 1 / 5
      (0, .configWrite(target: upstream, offset: 0x20, value: 0x8FF0_8000, requester: rc, tag: 2)),  // 0x8000_0000...0x8FFF_FFFF
      (0, .configWrite(target: upstream, offset: 0x04, value: 0x6, requester: rc, tag: 3)),           // memory, bus master
      // An unused prefetchable window is closed with base above limit, as Linux does: after
      // reset both read 0, which is the window 0...0xFFFFF.
      (0, .configWrite(target: upstream, offset: 0x24, value: 0x0000_FFF0, requester: rc, tag: 14)),
      (0, .configWrite(type1: true, target: downstream, offset: 0x18, value: 0x0005_0201, requester: rc, tag: 4)),
      (0, .configWrite(type1: true, target: downstream, offset: 0x20, value: 0x80F0_8000, requester: rc, tag: 5)),
      (0, .configWrite(type1: true, target: downstream, offset: 0x04, value: 0x6, requester: rc, tag: 6)),
      (0, .configWrite(type1: true, target: downstream, offset: 0x24, value: 0x0000_FFF0, requester: rc, tag: 15)),
      (0, .configRead(type1: true, target: downstream, offset: 0x18, requester: rc, tag: 7)),
      (0, .configRead(type1: true, target: endpoint, offset: 0x00, requester: rc, tag: 8)),           // becomes CfgRd0 below
      (0, .memoryWrite(address: 0x8000_0100, data: Array(1...8), requester: rc, tag: 9)),             // into port 1's window
      (0, .memoryRead(address: 0x8800_0000, byteCount: 16, requester: rc, tag: 10)),                  // upstream window only: UR
      (1, .completionWithData(answering: .memoryRead(address: 0x100, byteCount: 4, requester: rc, tag: 11), completer: endpoint,
                              data: [9, 9, 9, 9])),                                                    // back to the root complex
      (1, .memoryWrite(address: 0x1000, data: [1, 2, 3, 4], requester: endpoint, tag: 12)),           // outside the window: up
      (1, .configRead(target: endpoint, offset: 0, requester: endpoint, tag: 13)),                    // from below: UR
      // Both bridges recorded their Unsupported Request in Device Status (bit 19).
      (0, .configRead(target: upstream, offset: 0x48, requester: rc, tag: 16)),
      (0, .configRead(type1: true, target: downstream, offset: 0x48, requester: rc, tag: 17)),
    ]
    var forwarded = requests[9].tlp
    forwarded.kind = .configRead0
    let expected: [[TLP]] = [
      requests[0..<8].map { TLP.completion(answering: $0.tlp, completer: $0.tlp.target) }
        + [.completionWithData(answering: requests[8].tlp, completer: downstream, data: [0x01, 0x02, 0x05, 0x00]),  // 0x00050201
           .completion(answering: requests[11].tlp, completer: PCIeID(rawValue: 0), status: .unsupportedRequest),
           requests[12].tlp, requests[13].tlp,
           // Device Control defaults 0x0810 (Relaxed Ordering, No Snoop) with UR Detected.
           .completionWithData(answering: requests[15].tlp, completer: upstream, data: [0x10, 0x08, 0x08, 0x00]),
           .completionWithData(answering: requests[16].tlp, completer: downstream, data: [0x10, 0x08, 0x08, 0x00])],
      [forwarded, requests[10].tlp, .completion(answering: requests[14].tlp, completer: downstream, status: .unsupportedRequest)],
    ]

    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    var base: [String: BitVector] = ["rst": BitVector(false), "link0_out_ready": BitVector(true), "link1_out_ready": BitVector(true),
                                     "link0_fc_initialize": BitVector(true), "link1_fc_initialize": BitVector(true),
                                     "link0_active": BitVector(true), "link1_active": BitVector(true)]
    rows.append(base)  // InitFC with every advertisement 0: infinite credits
    base["link0_fc_initialize"] = BitVector(false)
    base["link1_fc_initialize"] = BitVector(false)
    var offered: [Int] = []
    for (port, tlp) in requests {
      for beat in tlp.streamBeats(lanes: lanes) {
        offered.append(rows.count)
        rows.append(base.merging(beatFields(beat, prefix: "link\(port)_in", width: width).merging(["link\(port)_in_valid": BitVector(true)]) { $1 }) { $1 })
      }
      for _ in 0..<20 { rows.append(base.merging(["link0_in_valid": BitVector(false), "link1_in_valid": BitVector(false)]) { $1 }) }
    }
    let out = try IcarusSimulation(design).run(rows)
    for cycle in offered {
      let port = rows[cycle]["link0_in_valid"] == BitVector(true) ? 0 : 1
      XCTAssertEqual(out[cycle]["link\(port)_in_ready"], BitVector(true), "cycle \(cycle): port \(port) must take the beat at once")
    }
    for port in 0..<2 {
      var beats: [TLPStreamBeat] = [], tlps: [TLP] = []
      for o in out where o["link\(port)_out_valid"] == BitVector(true) {
        beats.append(beat(o, prefix: "link\(port)_out", width: width))
        if beats.last!.end { tlps.append(try TLP(streamBeats: beats)); beats = [] }
      }
      XCTAssertEqual(tlps.count, expected[port].count, "port \(port): \(tlps.map(\.kind))")
      for (got, want) in zip(tlps, expected[port]) { XCTAssertEqual(got, want, "port \(port)") }
    }
    XCTAssertEqual(out.last?["link0_unsupported"], BitVector(width: 16, value: 1))
    XCTAssertEqual(out.last?["link1_unsupported"], BitVector(width: 16, value: 1))
    // Every TLP a port received has left its receive buffer, and its credits are back.
    for port in 0..<2 {
      for (t, type) in CreditType.allCases.enumerated() {
        let name = ["ph", "pd", "nph", "npd", "cplh", "cpld"][t]
        let spent = requests.filter { $0.port == port }.map { $0.tlp.creditsRequired[type] ?? 0 }.reduce(0, +)
        let initial = type.isHeader ? 8 : 16
        XCTAssertEqual(out.last?["link\(port)_rx_fc_\(name)_allocated"], BitVector(width: type.fieldSize, value: initial + spent), "port \(port) \(type)")
      }
    }
    XCTAssertEqual(out.last?["link0_dropped"], BitVector(width: 16, value: 0))
    XCTAssertEqual(out.last?["link1_dropped"], BitVector(width: 16, value: 0))
  }

  private func beatFields(_ beat: TLPStreamBeat, prefix: String, width: Int) -> [String: BitVector] {
    let d = beat.header + [0, 0, 0, 0]
    var words: [UInt64] = []
    for pair in stride(from: 0, to: beat.lanes.count, by: 2) {
      words.append(UInt64(beat.lanes[pair]) | (pair + 1 < beat.lanes.count ? UInt64(beat.lanes[pair + 1]) << 32 : 0))
    }
    return ["\(prefix)_header": BitVector(width: 128, words: [UInt64(d[2]) << 32 | UInt64(d[3]), UInt64(d[0]) << 32 | UInt64(d[1])]),
            "\(prefix)_data": BitVector(width: width, words: words),
            "\(prefix)_strobe": BitVector(width: width / 32, unsigned: beat.strobe), "\(prefix)_start": BitVector(beat.start),
            "\(prefix)_end": BitVector(beat.end)]
  }

  private func beat(_ o: [String: BitVector], prefix: String, width: Int) -> TLPStreamBeat {
    let h = o["\(prefix)_header"] ?? BitVector(width: 128)
    let strobe = o["\(prefix)_strobe"]?.uint64 ?? 0
    let data = o["\(prefix)_data"] ?? BitVector(width: width)
    return TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h.words[1] >> 32), UInt32(truncatingIfNeeded: h.words[1]),
                                  UInt32(truncatingIfNeeded: h.words[0] >> 32), UInt32(truncatingIfNeeded: h.words[0])],
                         lanes: (0..<width / 32).map { UInt32(truncatingIfNeeded: data.words[$0 / 2] >> (32 * UInt64($0 % 2))) },
                         strobe: strobe, start: o["\(prefix)_start"] == BitVector(true), end: o["\(prefix)_end"] == BitVector(true))
  }
}
