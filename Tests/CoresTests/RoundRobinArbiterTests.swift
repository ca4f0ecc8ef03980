@testable import HDL
import VerilogTesting
import Cores
import Toolchain
import XCTest

/// The round-robin arbiter's emitted Verilog: accepted by Verilator, Icarus and Yosys for every
/// shape, and strict rotation with no idle cycle under saturation checked under Icarus, a second,
/// event-driven simulator besides Verilator. Its behaviour under random packets against a
/// reference (whole packets, the grant held until `last`, no requester passed over more than
/// `requesters - 1` times), for every shape below, is tested under Verilator (SimulationTests:
/// `ArbiterSimulationTests`, `ArbiterShapesTests`).
final class RoundRobinArbiterTests: XCTestCase {
  static let shapes: [(requesters: Int, width: Int)] = [(2, 1), (3, 8), (4, 16), (5, 256), (8, 4)]

  func testEveryShapeIsAcceptedByVerilatorIcarusAndYosys() throws {
    for s in Self.shapes {
      let design = try Design(top: roundRobinArbiter(requesters: s.requesters, width: s.width))
      let cells = try assertAcceptedByTools(design)
      print("\(design.top): \(cells ?? -1) Yosys cells")
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
