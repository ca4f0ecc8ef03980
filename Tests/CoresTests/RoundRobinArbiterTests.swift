@testable import HDL
import VerilogTesting
import Cores
import Toolchain
import XCTest

/// The round-robin arbiter against `ArbiterModel`, and its promises checked on the design's
/// own outputs: whole packets, the grant held until `last`, no requester passed over more than
/// `requesters - 1` times.
final class RoundRobinArbiterTests: XCTestCase {
  static let shapes: [(requesters: Int, width: Int)] = [(2, 1), (3, 8), (4, 16), (5, 256), (8, 4)]

  func testEveryShapeIsAcceptedByVerilatorIcarusAndYosys() throws {
    for s in Self.shapes {
      let design = try Design(top: roundRobinArbiter(requesters: s.requesters, width: s.width))
      let cells = try assertAcceptedByTools(design)
      print("\(design.top): \(cells ?? -1) Yosys cells")
    }
  }

  func testEveryShapeMatchesTheModelAndKeepsItsPromisesUnderRandomTraffic() throws {
    for s in Self.shapes {
      var random = SeededRandom()
      let design = try Design(top: roundRobinArbiter(requesters: s.requesters, width: s.width))
      let traffic = PacketTraffic(requesters: s.requesters, width: s.width, cycles: s.width > 64 ? 1500 : 3000, &random)
      let actual = try traffic.table.simulate(design)
      guard assertOutputsMatch(design.top, actual, traffic.table.expected, random) else { continue }
      let observed = ArbiterObservation(requesters: s.requesters, inputs: traffic.table.inputs, outputs: actual)
      XCTAssertEqual(observed.problems, [], "\(design.top); \(random)")
      XCTAssertEqual(observed.packetsOut, traffic.packetsSent, "\(design.top): packets out differ from packets sent; \(random)")
      XCTAssertGreaterThan(traffic.packetsSent.joined().count, 200, "\(design.top): too little traffic; \(random)")
      XCTAssertLessThanOrEqual(observed.longestWait, s.requesters - 1, "\(design.top): unfair; \(random)")
      // Under saturation strict rotation makes someone wait exactly requesters - 1 grants.
      XCTAssertGreaterThanOrEqual(observed.longestWait, s.requesters - 1, "\(design.top): saturation phase not reached; \(random)")
    }
  }

  /// All requesters always busy with two-beat packets and a reader that is always ready: the
  /// packets leave in strict rotation 0, 1, 2, 0, ... with no idle cycle between them.
  func testStrictRotationAndNoIdleCycleUnderSaturation() throws {
    let n = 3
    let design = try Design(top: roundRobinArbiter(requesters: n, width: 8))
    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    for cycle in 0..<60 {
      var row: [String: BitVector] = ["rst": BitVector(false), "out_ready": BitVector(true)]
      for i in 0..<n {
        // Requester i sends bytes 0xi0, 0xi1, ...; every second beat ends a packet. A requester's
        // beats move only while it holds the grant, so its beat counter is derived from the rotation.
        let packetsBefore = cycle / (2 * n) + (i < (cycle / 2) % n ? 1 : 0)
        let beat = 2 * packetsBefore + (i == (cycle / 2) % n ? cycle % 2 : 0)
        row["in\(i)_valid"] = BitVector(true)
        row["in\(i)_data"] = BitVector(width: 8, value: (i << 4) | (beat & 0xF))
        row["in\(i)_last"] = BitVector(beat % 2 == 1)
      }
      rows.append(row)
    }
    let out = try IcarusSimulation(design).run(rows)
    for cycle in 1..<rows.count {
      let expectedOwner = ((cycle - 1) / 2) % n
      XCTAssertEqual(out[cycle]["grant_index"], BitVector(width: 2, value: expectedOwner), "cycle \(cycle)")
      XCTAssertEqual(out[cycle]["out_valid"], BitVector(true), "cycle \(cycle)")
      XCTAssertEqual(out[cycle]["out_data"], rows[cycle]["in\(expectedOwner)_data"], "cycle \(cycle)")
    }
  }
}

/// Seeded packet traffic from every requester, reacting to the model's `ready`: packets of 1 to
/// 5 beats, idle gaps inside and between them, a slow reader in some phases, and a saturation
/// phase where every requester always has a packet to send.
struct PacketTraffic {
  private(set) var table = CycleTable()
  /// The beats each requester had accepted, grouped by packet.
  private(set) var packetsSent: [[[BitVector]]]

  init(requesters n: Int, width: Int, cycles: Int, _ random: inout SeededRandom) {
    var model = ArbiterModel(requesters: n)
    var offer: [(data: BitVector, last: Bool)?] = Array(repeating: nil, count: n)
    var beatsLeft = Array(repeating: 0, count: n)
    var sent: [[[BitVector]]] = Array(repeating: [], count: n)
    var open: [[BitVector]] = Array(repeating: [], count: n)
    for cycle in 0..<cycles {
      let phase = (cycle / 250) % 3  // 0: saturation, 1: light and bursty, 2: slow reader
      for i in 0..<n where offer[i] == nil {
        if beatsLeft[i] == 0 && (phase == 0 || random.chance(0.15 + 0.1 * Double(i % 3))) {
          beatsLeft[i] = Int.random(in: 1...5, using: &random)
        }
        if beatsLeft[i] > 0 && (phase == 0 || random.chance(0.75)) {
          offer[i] = (random.bits(width: width), beatsLeft[i] == 1)
          beatsLeft[i] -= 1
        }
      }
      let outReady = phase == 0 ? true : random.chance(phase == 2 ? 0.3 : 0.8)
      let valid = offer.map { $0 != nil }
      let data = offer.map { $0?.data ?? BitVector(width: width) }
      let last = offer.map { $0?.last ?? false }
      var row: [String: BitVector] = ["out_ready": BitVector(outReady)]
      for i in 0..<n {
        row["in\(i)_valid"] = BitVector(valid[i])
        row["in\(i)_data"] = data[i]
        row["in\(i)_last"] = BitVector(last[i])
      }
      table.add(row, expecting: model.outputs(valid: valid, data: data, last: last, outReady: outReady))
      if let g = model.granted(valid), valid[g], outReady {
        open[g].append(data[g])
        if last[g] { sent[g].append(open[g]); open[g] = [] }
        offer[g] = nil
      }
      model.clock(valid: valid, last: last, outReady: outReady)
    }
    packetsSent = sent
  }
}

/// What the arbiter did, read from its inputs and outputs alone (no model): the packets that
/// left, by the requester granted while they left, and breaches of its promises.
struct ArbiterObservation {
  private(set) var packetsOut: [[[BitVector]]]
  /// The most grants given to others while one requester kept `valid` set.
  private(set) var longestWait = 0
  private(set) var problems: [String] = []

  init(requesters n: Int, inputs: [[String: BitVector]], outputs: [[String: BitVector]]) {
    packetsOut = Array(repeating: [], count: n)
    var open: [[BitVector]] = Array(repeating: [], count: n)
    var waits = Array(repeating: 0, count: n)
    var current: [String: BitVector] = [:]
    var previousGrant: BitVector?
    var previousEnded = false
    for (cycle, (row, out)) in zip(inputs, outputs).enumerated() {
      current.merge(row) { _, new in new }
      guard current["rst"]?.isSet == false, let grant = out["grant"] else { continue }
      let owners = (0..<n).filter { grant[$0] }
      guard owners.count <= 1 else { problems.append("cycle \(cycle): grant \(grant) is not one-hot"); continue }
      let owner = owners.first
      if let previousGrant, !previousGrant.isZero, !previousEnded, previousGrant != grant {
        problems.append("cycle \(cycle): the grant moved from \(previousGrant) to \(grant) inside a packet")
      }
      let newGrant = owner != nil && (previousGrant?.isZero ?? true || previousEnded)
      if newGrant, let owner {
        for i in 0..<n where i != owner && current["in\(i)_valid"]!.isSet { waits[i] += 1; longestWait = max(longestWait, waits[i]) }
        waits[owner] = 0
      }
      let fires = out["out_valid"]?.isSet == true && current["out_ready"]!.isSet
      previousEnded = fires && out["out_last"]?.isSet == true
      if fires, let owner {
        if out["out_data"] != current["in\(owner)_data"] || out["in\(owner)_ready"]?.isSet != true {
          problems.append("cycle \(cycle): the beat that left is not requester \(owner)'s, or it was not told ready")
        }
        open[owner].append(out["out_data"] ?? BitVector(width: 1))
        if previousEnded { packetsOut[owner].append(open[owner]); open[owner] = [] }
      } else if fires {
        problems.append("cycle \(cycle): a beat left with no grant")
      }
      previousGrant = grant
    }
  }
}
