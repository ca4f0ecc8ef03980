import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The receive buffer with a link partner that honours its credits: bursts that spend every
/// credit the partner holds, then a quiet spell in which the buffer drains. Every beat must be
/// taken at once, the credits handed back must be exactly those spent, and the TLPs must come
/// out whole, each class in order, no NP or Cpl TLP ahead of an earlier posted one.
final class SwitchReceiverTests: XCTestCase {
  static let (width, depth, headers, data) = (64, 48, 8, 16)
  static let names = ["ph", "pd", "nph", "npd", "cplh", "cpld"]

  func testTheReceiverIsAcceptedByVerilatorIcarusAndYosys() throws {
    try assertAcceptedByTools(try Design(top: switchReceiver(dataWidth: 128, depth: 40, headerCredits: 8, dataCredits: 32)))
  }

  func testAnAdvertisementTooLargeForTheQueuesIsRefused() {
    XCTAssertThrowsError(try Design(top: switchReceiver(dataWidth: 64, depth: 16, headerCredits: 8, dataCredits: 8))) { error in
      XCTAssertTrue("\(error)".contains("may need 24 beats, more than the queue depth 16"), "\(error)")
    }
  }

  func testBurstsThatSpendEveryCreditAreTakenWholeAndCreditsComeBack() throws {
    var random = SeededRandom()
    let lanes = Self.width / 32
    let design = try Design(top: switchReceiver(dataWidth: Self.width, depth: Self.depth, headerCredits: Self.headers,
                                                dataCredits: Self.data))
    var gates = CreditType.allCases.map { CreditGate(type: $0, advertised: $0.isHeader ? Self.headers : Self.data) }
    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    var offeredCycles: [Int] = []
    var checkpoints: [(cycle: Int, allocated: [Int])] = []
    var sent: [TLP] = []
    for _ in 0..<40 {
      // A burst: TLPs while the credits last.
      for _ in 0..<Int.random(in: 1...20, using: &random) {
        var tlp = TLP.random(using: &random)
        tlp.digest = nil
        if tlp.kind.hasData && tlp.length > 24 { tlp = .memoryWrite(address: 0x80, data: [UInt8](repeating: 7, count: 96), requester: tlp.requester) }
        let need = tlp.creditsRequired
        guard need.allSatisfy({ gates[$0.key.rawValue].permits($0.value) }) else { break }
        for (type, units) in need { gates[type.rawValue].consume(units) }
        sent.append(tlp)
        for beat in tlp.streamBeats(lanes: lanes) {
          offeredCycles.append(rows.count)
          rows.append(beatFields(beat).merging(["rst": BitVector(false), "link_valid": BitVector(true),
                                                "out_ready": BitVector(random.chance(0.7))]) { $1 })
        }
      }
      // Quiet: the buffer drains; then every credit spent is back.
      for _ in 0..<200 { rows.append(["rst": BitVector(false), "link_valid": BitVector(false), "out_ready": BitVector(random.chance(0.7))]) }
      checkpoints.append((rows.count - 1, gates.map(\.creditsConsumed)))
      for t in 0..<6 {
        let initial = CreditType.allCases[t].isHeader ? Self.headers : Self.data
        gates[t].update(limit: gates[t].creditsConsumed + initial)
      }
    }
    let out = try IcarusSimulation(design).run(rows)
    for cycle in offeredCycles where out[cycle]["link_ready"] != BitVector(true) {
      XCTFail("cycle \(cycle): a beat sent on credit was refused; \(random)")
      break
    }
    for (cycle, consumed) in checkpoints {
      for (t, type) in CreditType.allCases.enumerated() {
        let initial = type.isHeader ? Self.headers : Self.data
        XCTAssertEqual(out[cycle]["fc_\(Self.names[t])_allocated"]?.uint64.map(Int.init), (consumed[t] + initial) % (1 << type.fieldSize),
                       "cycle \(cycle): \(type) credits returned; \(random)")
      }
    }
    XCTAssertEqual(out.last?["fc_pd_advertised"], BitVector(width: 12, value: Self.data))
    // What left, in order of leaving.
    var beats: [TLPStreamBeat] = [], received: [TLP] = []
    for (row, o) in zip(rows, out) where o["out_valid"] == BitVector(true) && row["out_ready"] == BitVector(true) {
      beats.append(outBeat(o))
      if beats.last!.end { received.append(try TLP(streamBeats: beats)); beats = [] }
    }
    XCTAssertEqual(received.count, sent.count, "\(random)")
    func classOf(_ t: TLP) -> FlowControlClass { t.kind.flowControlClass }
    for c in FlowControlClass.allCases {
      XCTAssertEqual(received.filter { classOf($0) == c }, sent.filter { classOf($0) == c }, "\(c) order; \(random)")
    }
    // Ordering: match each received TLP to its position in `sent` (per class, in order).
    var next: [FlowControlClass: [Int]] = [:]
    for (i, t) in sent.enumerated() { next[classOf(t), default: []].append(i) }
    var leftPosted = Set<Int>()
    for t in received {
      let i = next[classOf(t)]!.removeFirst()
      if classOf(t) == .posted { leftPosted.insert(i); continue }
      let earlierPosted = sent[..<i].indices.filter { classOf(sent[$0]) == .posted }
      XCTAssertTrue(earlierPosted.allSatisfy(leftPosted.contains), "TLP \(i) left before an earlier posted TLP; \(random)")
    }
  }

  /// A `start` before a TLP's `end` (its sender began the next TLP): the receive buffer closes
  /// the cut TLP in its class queue with a beat no framing check accepts (`end`, strobe on the
  /// top lane only, unlike the nullify marker's 0, which would read as the sender's own), so the
  /// consumer counts it as malformed; the start waits that one cycle, then the next TLP, of
  /// another class here, passes whole, and both TLPs' announced credits come back.
  func testATLPCutShortByAStartIsClosedAndItsCreditsComeBack() throws {
    let lanes = Self.width / 32
    let design = try Design(top: switchReceiver(dataWidth: Self.width, depth: Self.depth, headerCredits: Self.headers,
                                                dataCredits: Self.data))
    let write = TLP.memoryWrite(address: 0x1000, data: [UInt8](repeating: 0xA5, count: 32), requester: PCIeID(rawValue: 0x0100), tag: 1)
    let read = TLP.memoryRead(address: 0x2000, byteCount: 4, requester: PCIeID(rawValue: 0x0100), tag: 2)
    let writeBeats = write.streamBeats(lanes: lanes)  // 8 DWs: four beats, two of them sent
    XCTAssertEqual(writeBeats.count, 4)
    func offer(_ beat: TLPStreamBeat) -> [String: BitVector] {
      beatFields(beat).merging(["rst": BitVector(false), "link_valid": BitVector(true), "out_ready": BitVector(true)]) { $1 }
    }
    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    rows += [offer(writeBeats[0]), offer(writeBeats[1])]
    let readBeat = read.streamBeats(lanes: lanes)[0]
    rows += [offer(readBeat), offer(readBeat)]  // refused once while the write is closed
    rows += Array(repeating: ["rst": BitVector(false), "link_valid": BitVector(false), "out_ready": BitVector(true)], count: 30)
    let out = try IcarusSimulation(design).run(rows)

    XCTAssertEqual((1...4).map { out[$0]["link_ready"] == BitVector(true) }, [true, true, false, true],
                   "the start that cuts the write waits one cycle")
    let left = zip(rows, out).filter { $1["out_valid"] == BitVector(true) }.map { outBeat($1) }
    XCTAssertEqual(left.count, 4, "two beats of the write, its closing beat, the read: \(left)")
    guard left.count == 4 else { return }
    XCTAssertEqual(Array(left[0..<2]), Array(writeBeats[0..<2]))
    XCTAssertEqual([left[2].start, left[2].end, left[2].strobe == 0b10], [false, true, true], "the closing beat: \(left[2])")
    XCTAssertNotNil(MalformedTLP.firstBrokenBeat(Array(left[0...2]), header: left[0].header, lanes: lanes),
                    "a framing check must find the closed write malformed")
    XCTAssertFalse(left[2].nullifies, "the closing beat must not read as the sender's nullify marker")
    XCTAssertEqual(try TLP(streamBeats: [left[3]]), read)
    // Credits as announced by the headers: the write's 1 PH and 2 PD (8 DWs), the read's 1 NPH.
    let last = out[out.count - 1]
    let expected = ["ph": Self.headers + 1, "pd": Self.data + 2, "nph": Self.headers + 1, "npd": Self.data,
                    "cplh": Self.headers, "cpld": Self.data]
    for (name, value) in expected { XCTAssertEqual(last["fc_\(name)_allocated"]?.uint64, UInt64(value), "\(name) credits returned") }
  }

  private func beatFields(_ beat: TLPStreamBeat) -> [String: BitVector] {
    let d = beat.header + [0, 0, 0, 0]
    var words: [UInt64] = []
    for pair in stride(from: 0, to: beat.lanes.count, by: 2) {
      words.append(UInt64(beat.lanes[pair]) | (pair + 1 < beat.lanes.count ? UInt64(beat.lanes[pair + 1]) << 32 : 0))
    }
    return ["link_header": BitVector(width: 128, words: [UInt64(d[2]) << 32 | UInt64(d[3]), UInt64(d[0]) << 32 | UInt64(d[1])]),
            "link_data": BitVector(width: Self.width, words: words), "link_strobe": BitVector(width: Self.width / 32, unsigned: beat.strobe),
            "link_start": BitVector(beat.start), "link_end": BitVector(beat.end)]
  }

  private func outBeat(_ o: [String: BitVector]) -> TLPStreamBeat {
    let h = o["out_header"] ?? BitVector(width: 128)
    let data = o["out_data"] ?? BitVector(width: Self.width)
    return TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h.words[1] >> 32), UInt32(truncatingIfNeeded: h.words[1]),
                                  UInt32(truncatingIfNeeded: h.words[0] >> 32), UInt32(truncatingIfNeeded: h.words[0])],
                         lanes: (0..<Self.width / 32).map { UInt32(truncatingIfNeeded: data.words[$0 / 2] >> (32 * UInt64($0 % 2))) },
                         strobe: o["out_strobe"]?.uint64 ?? 0, start: o["out_start"] == BitVector(true), end: o["out_end"] == BitVector(true))
  }
}
