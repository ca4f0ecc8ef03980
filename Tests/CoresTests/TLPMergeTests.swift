import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The TLP merge against `ArbiterModel` (the round-robin arbiter's datasheet) for timing, and
/// end to end: every input's TLPs come out whole, in order, never interleaved.
final class TLPMergeTests: XCTestCase {
  func testTheMergeIsAcceptedByVerilatorIcarusAndYosys() throws {
    try assertAcceptedByTools(try Design(top: tlpMerge(inputs: 3, dataWidth: 128)))
  }

  func testThreeSourcesOfRandomTLPs() throws {
    var random = SeededRandom()
    let inputs = 3, width = 64, lanes = 2
    let design = try Design(top: tlpMerge(inputs: inputs, dataWidth: width))
    var model = ArbiterModel(requesters: inputs)
    var queues: [[TLPStreamBeat]] = Array(repeating: [], count: inputs)
    var sentTLPs: [[TLP]] = Array(repeating: [], count: inputs)
    var offering = Array(repeating: false, count: inputs)
    var table = CycleTable()
    var outBeats: [(source: Int, beat: TLPStreamBeat)] = []
    for _ in 0..<4000 {
      for i in 0..<inputs where queues[i].isEmpty && random.chance(0.2) {
        var tlp = TLP.random(using: &random)
        tlp.digest = nil
        if tlp.length > 16 && tlp.kind.hasData { tlp = .memoryWrite(address: 0x40, data: [1, 2, 3, 4, 5, 6, 7, 8], requester: tlp.requester) }
        queues[i] = tlp.streamBeats(lanes: lanes)
        sentTLPs[i].append(tlp)
      }
      for i in 0..<inputs { offering[i] = offering[i] || (!queues[i].isEmpty && random.chance(0.8)) }
      let outReady = random.chance(0.7)
      let valid = offering
      let last = (0..<inputs).map { valid[$0] && queues[$0][0].end }
      let words = (0..<inputs).map { i in valid[i] ? word(queues[i][0], width: width) : BitVector(width: 128 + width + lanes + 1) }
      let arbiter = model.outputs(valid: valid, data: words, last: last, outReady: outReady)
      var row: [String: BitVector] = ["out_ready": BitVector(outReady)]
      var expected: [String: BitVector] = ["grant": arbiter["grant"]!, "out_valid": arbiter["out_valid"]!]
      for i in 0..<inputs {
        row["in\(i)_valid"] = BitVector(valid[i])
        if valid[i] { row.merge(fields(queues[i][0], prefix: "in\(i)", width: width)) { $1 } }
        expected["in\(i)_ready"] = arbiter["in\(i)_ready"]
      }
      if let g = model.granted(valid), valid[g] { expected.merge(fields(queues[g][0], prefix: "out", width: width)) { $1 } }
      table.add(row, expecting: expected)
      if let g = model.granted(valid), valid[g], outReady {
        outBeats.append((g, queues[g].removeFirst()))
        offering[g] = false
      }
      model.clock(valid: valid, last: last, outReady: outReady)
    }
    // Reassemble: beats of one TLP are contiguous and come from one source.
    var received: [[TLP]] = Array(repeating: [], count: inputs)
    var current: [TLPStreamBeat] = [], source = -1
    for (s, beat) in outBeats {
      if beat.start { current = []; source = s }
      XCTAssertEqual(s, source, "a TLP's beats were interleaved with another source's; \(random)")
      current.append(beat)
      if beat.end { received[s].append(try TLP(streamBeats: current)) }
    }
    for i in 0..<inputs {
      XCTAssertGreaterThan(received[i].count, 100, "\(random)")
      XCTAssertEqual(received[i], Array(sentTLPs[i].prefix(received[i].count)), "source \(i); \(random)")
    }
    let actual = try table.simulate(design)
    assertOutputsMatch(design.top, actual, table.expected, random)
  }

  private func word(_ beat: TLPStreamBeat, width: Int) -> BitVector {
    // start, strobe, data, header from the most significant end, as the merge packs them.
    var bits = BitVector(width: 128 + width + width / 32 + 1)
    let f = fields(beat, prefix: "", width: width)
    var offset = 0
    for (name, w) in [("_header", 128), ("_data", width), ("_strobe", width / 32), ("_start", 1)] {
      let v = f[name]!
      for b in 0..<w where v[b] { bits[offset + b] = true }
      offset += w
    }
    return bits
  }

  private func fields(_ beat: TLPStreamBeat, prefix: String, width: Int) -> [String: BitVector] {
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
}
