import HDL
import Toolchain
import XCTest

/// A memory's synchronous read port is a register of its own: the emitter must declare it.
final class SynchronousReadPortTests: XCTestCase {
  func testASynchronousReadPortIsDeclaredAndReadsTheWordWrittenEarlier() throws {
    let top = Module("sync_read") { m in
      let address = m.input("address", width: 2)
      let write = m.input("write")
      let data = m.input("data", width: 8)
      let word = m.output("word", width: 8)
      let slots = m.memory("slots", depth: 4, width: 8)
      let written = m.register("written")  // reads `rst`, which the memory alone would leave unused
      m.output("any_written") <== written
      when(write) { written <== true }
      when(write) { slots[address] <== data }
      word <== slots.readSync(address, name: "word_read")
    }
    let design = try Design(top: top)
    XCTAssertTrue(design.verilog().contains("reg [7:0] word_read;"), design.verilog())
    let dir = VerilogFiles.temporaryDirectory("sync-read")
    defer { try? FileManager.default.removeItem(at: dir) }
    let verdict = try Lint.verilator(VerilogFiles(design, in: dir))
    XCTAssertTrue(verdict.isClean, "\(verdict)")
    // Write 0x5a to word 2 in cycle 1; read word 2 in cycle 2: it appears in cycle 3.
    let bv = { (w: Int, v: Int) in BitVector(width: w, value: v) }
    let out = try IcarusSimulation(design).run([
      ["rst": bv(1, 1)],
      ["rst": bv(1, 0), "write": bv(1, 1), "address": bv(2, 2), "data": bv(8, 0x5a)],
      ["write": bv(1, 0)],
      [:],
    ])
    XCTAssertEqual(out[3]["word"], bv(8, 0x5a))
  }
}
