import HDL
import Toolchain
import XCTest

/// A slice of a slice reads its bits straight from the base signal, so no temporary wire with
/// unread bits is emitted (Verilator -Wall would flag it as UNUSEDSIGNAL).
final class SliceOfSliceTests: XCTestCase {
  func testASliceOfASliceIndexesTheBaseDirectly() throws {
    let top = Module("slice_of_slice") { m in
      let word = m.input("word", width: 32)
      let nibble = m.output("nibble", width: 4)
      nibble <== word[8..<24][4..<8]
    }
    let design = try Design(top: top)
    XCTAssertTrue(design.verilog().contains("assign nibble = word[15:12];"), design.verilog())
    let out = try IcarusSimulation(design, clock: nil).run([["word": BitVector(width: 32, value: 0x1234_5678)]])
    XCTAssertEqual(out[0]["nibble"], BitVector(width: 4, value: 0x5), "bits 15:12 of 0x12345678")
  }
}
