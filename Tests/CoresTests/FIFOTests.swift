@testable import HDL
import VerilogTesting
import Cores
import Toolchain
import XCTest

/// The synchronous FIFO's emitted Verilog, for both storage styles: accepted by Verilator, Icarus
/// and Yosys, and its datasheet figures (latency, throughput) checked under Icarus, a second,
/// event-driven four-state simulator besides Verilator. Its behaviour under random traffic against
/// a reference, for every shape below, is tested under Verilator (SimulationTests:
/// `FIFOSimulationTests`, `WideStreamCoreTests`).
final class FIFOTests: XCTestCase {
  /// Non-power-of-two depths, 1-bit and 256-bit words, custom thresholds, both storage styles.
  static let shapes: [(depth: Int, width: Int, almostFull: Int?, almostEmpty: Int?, fallThrough: Bool)] = [
    (2, 1, nil, nil, true),
    (5, 8, 4, 0, true),
    (3, 256, nil, nil, true),
    (2, 8, nil, nil, false),
    (7, 1, 5, 2, false),
    (16, 8, 12, 3, false),
    (3, 256, 3, 0, false),
  ]

  func testEveryShapeIsAcceptedByVerilatorIcarusAndYosys() throws {
    for s in Self.shapes {
      let design = try Design(top: fifo(depth: s.depth, width: s.width, almostFull: s.almostFull,
                                        almostEmpty: s.almostEmpty, firstWordFallThrough: s.fallThrough))
      let cells = try assertAcceptedByTools(design)
      print("\(design.top): \(cells ?? -1) Yosys cells")
    }
  }

  /// Datasheet latency, stated independently of the model: a word written into an empty FIFO
  /// in cycle 1 is offered in cycle 2 (fall-through) or cycle 3 (block RAM).
  func testLatencyOfAWordIntoAnEmptyFIFO() throws {
    for (fallThrough, firstOffered) in [(true, 2), (false, 3)] {
      let design = try Design(top: fifo(depth: 4, width: 8, firstWordFallThrough: fallThrough))
      var rows: [[String: BitVector]] = [["rst": BitVector(true)],
                                         ["rst": BitVector(false), "enq_valid": BitVector(true),
                                          "enq_data": BitVector(width: 8, value: 0xA5), "deq_ready": BitVector(false)]]
      rows += Array(repeating: ["enq_valid": BitVector(false)], count: 4)
      let out = try IcarusSimulation(design).run(rows)
      let offered = out.indices.filter { out[$0]["deq_valid"]?.isSet == true }
      XCTAssertEqual(offered.first, firstOffered, "fall-through \(fallThrough)")
      XCTAssertEqual(out[firstOffered]["deq_data"], BitVector(width: 8, value: 0xA5))
      XCTAssertEqual(out[2]["count"], BitVector(width: 3, value: 1), "count includes the word in either style")
    }
  }

  /// With the writer and the reader always willing, one word moves per cycle once the first
  /// has arrived, in both styles, and the FIFO never fills.
  func testFullThroughputWhenBothSidesAreAlwaysWilling() throws {
    for fallThrough in [true, false] {
      let design = try Design(top: fifo(depth: 3, width: 16, firstWordFallThrough: fallThrough))
      var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
      for i in 0..<100 {
        rows.append(["rst": BitVector(false), "enq_valid": BitVector(true), "enq_data": BitVector(width: 16, value: i),
                     "deq_ready": BitVector(true)])
      }
      let out = try IcarusSimulation(design).run(rows)
      let latency = fallThrough ? 1 : 2
      for cycle in (1 + latency)..<rows.count {
        XCTAssertEqual(out[cycle]["deq_valid"], BitVector(true), "cycle \(cycle), fall-through \(fallThrough)")
        XCTAssertEqual(out[cycle]["deq_data"], BitVector(width: 16, value: cycle - 1 - latency), "cycle \(cycle)")
        XCTAssertEqual(out[cycle]["enq_ready"], BitVector(true), "cycle \(cycle)")
      }
    }
  }

  /// `enq_ready`, `deq_valid` and `deq_data` come from registers: no input reaches them in the
  /// same cycle, so chained FIFOs never form long combinational paths.
  func testNoInputReachesTheHandshakeOutputsCombinationally() throws {
    for fallThrough in [true, false] {
      let design = try Design(top: fifo(depth: 4, width: 8, firstWordFallThrough: fallThrough))
      let top = design.modules.last!
      for port in ["enq_ready", "deq_valid", "deq_data", "count", "full", "empty"] {
        XCTAssertEqual(top.combinationalInputs[port], [], "\(port), fall-through \(fallThrough)")
      }
    }
  }

  /// In the block-RAM style Yosys infers one memory from `slots` whose read port is clocked
  /// (`RD_CLK_ENABLE` 1), enabled by `fetch` and registered in `head_word`: what block RAM needs.
  func testYosysInfersAMemoryWithAClockedReadPortInTheBlockRamStyle() throws {
    let design = try Design(top: fifo(depth: 16, width: 8, firstWordFallThrough: false))
    let dir = VerilogFiles.temporaryDirectory("cores-memory")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try VerilogFiles(design, in: dir)
    let script = "read_verilog \(files.files[0].path); hierarchy -top \(design.top); proc; opt; memory -nomap; dump t:$mem_v2"
    let result = try Toolchain.run(try ExternalTool.yosys.locate(), ["-p", script], in: dir)
    XCTAssertEqual(result.status, 0, result.output)
    for expected in ["cell $mem_v2 \\slots", "parameter \\RD_CLK_ENABLE 1'1", "connect \\RD_EN \\fetch",
                     "connect \\RD_DATA \\head_word"] {
      XCTAssertTrue(result.output.contains(expected), "Yosys did not report `\(expected)`:\n\(result.output.suffix(3000))")
    }
  }
}
