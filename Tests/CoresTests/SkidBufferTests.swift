@testable import HDL
import VerilogTesting
import Cores
import Toolchain
import XCTest

/// The skid buffer's emitted Verilog against its datasheet: accepted by Verilator, Icarus and
/// Yosys, full throughput checked under Icarus (a second, event-driven simulator besides
/// Verilator), no combinational path. Its behaviour under random traffic as a two-word queue with
/// a registered `enq_ready`, at every width below, is tested under Verilator (SimulationTests:
/// `SkidBufferSimulationTests`, `WideStreamCoreTests`).
final class SkidBufferTests: XCTestCase {
  static let widths = [1, 8, 256]

  func testEveryWidthIsAcceptedByVerilatorIcarusAndYosys() throws {
    for width in Self.widths {
      let design = try Design(top: skidBuffer(width: width))
      let cells = try assertAcceptedByTools(design)
      print("\(design.top): \(cells ?? -1) Yosys cells")
    }
  }

  /// A writer that always offers and a reader that is always ready move one word per cycle,
  /// each word appearing one cycle after it was written; `enq_ready` never drops.
  func testFullThroughputWhenTheReaderIsAlwaysReady() throws {
    let design = try Design(top: skidBuffer(width: 12))
    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    for i in 0..<200 {
      rows.append(["rst": BitVector(false), "enq_valid": BitVector(true), "enq_data": BitVector(width: 12, value: i * 7),
                   "deq_ready": BitVector(true)])
    }
    let out = try IcarusSimulation(design).run(rows)
    for cycle in 1..<rows.count {
      XCTAssertEqual(out[cycle]["enq_ready"], BitVector(true), "cycle \(cycle)")
      if cycle >= 2 {
        XCTAssertEqual(out[cycle]["deq_valid"], BitVector(true), "cycle \(cycle)")
        XCTAssertEqual(out[cycle]["deq_data"], BitVector(width: 12, value: (cycle - 2) * 7), "cycle \(cycle)")
      }
    }
  }

  /// The point of a skid buffer: `enq_ready` is a register output, so no input, `deq_ready`
  /// included, reaches it combinationally; nor do inputs reach `deq_valid` or `deq_data`.
  func testNoInputReachesAnyOutputCombinationally() throws {
    let design = try Design(top: skidBuffer(width: 8))
    let top = design.modules.last!
    for port in ["enq_ready", "deq_valid", "deq_data"] {
      XCTAssertEqual(top.combinationalInputs[port], [], port)
    }
    XCTAssertTrue(design.verilog().contains("assign enq_ready = skid_empty;"), "enq_ready is the register itself")
  }
}
