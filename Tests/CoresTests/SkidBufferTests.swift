@testable import HDL
import VerilogTesting
import Cores
import Toolchain
import XCTest

/// The skid buffer against its datasheet: observably a two-word queue whose `enq_ready` is
/// registered (it says whether the queue had room at the last clock edge).
final class SkidBufferTests: XCTestCase {
  static let widths = [1, 8, 256]

  func testEveryWidthIsAcceptedByVerilatorIcarusAndYosys() throws {
    for width in Self.widths {
      let design = try Design(top: skidBuffer(width: width))
      let cells = try assertAcceptedByTools(design)
      print("\(design.top): \(cells ?? -1) Yosys cells")
    }
  }

  func testEveryWidthBehavesAsATwoWordQueueUnderRandomTraffic() throws {
    for width in Self.widths {
      var random = SeededRandom()
      let design = try Design(top: skidBuffer(width: width))
      var queue: [BitVector] = []  // the reference: at most two words, oldest first
      var table = CycleTable()
      var offer: BitVector?
      var sawFull = false
      for cycle in 0..<3000 {
        let busyReader = (cycle / 100) % 2 == 0
        if offer == nil && random.chance(0.7) { offer = random.bits(width: width) }
        let take = random.chance(busyReader ? 0.3 : 0.9)
        var expected: [String: BitVector] = ["enq_ready": BitVector(queue.count < 2), "deq_valid": BitVector(!queue.isEmpty)]
        if let head = queue.first { expected["deq_data"] = head }
        var row: [String: BitVector] = ["enq_valid": BitVector(offer != nil), "deq_ready": BitVector(take)]
        if let offer { row["enq_data"] = offer }
        table.add(row, expecting: expected)
        sawFull = sawFull || queue.count == 2
        let accepted = offer != nil && queue.count < 2
        if take && !queue.isEmpty { queue.removeFirst() }
        if accepted, let word = offer { queue.append(word); offer = nil }
      }
      XCTAssertTrue(sawFull, "the stimulus must make the buffer skid; \(random)")
      let actual = try table.simulate(design)
      guard assertOutputsMatch(design.top, actual, table.expected, random) else { continue }
      assertNoLossOrDuplication(design.top, table.inputs, actual, random)
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
