import HDL
import XCTest

/// Initial contents take the memory's word width, whatever the literal's own width, and a word
/// that does not fit is refused at the line that declared the memory.
final class MemoryInitialContentsTests: XCTestCase {
  private func lookup(_ initial: [BitVector], width: Int = 8, line: UInt = #line) -> Module {
    Module("lookup") { m in
      let address = m.input("address", width: 2)
      let table = m.memory("words", depth: 4, width: width, initial: initial, line: line)
      m.output("word", width: width) <== table[address]
    }
  }

  func testNarrowLiteralsAreWidenedToTheWordWidth() throws {
    let verilog = try Design(top: lookup([1, 2, 3, 0x7f])).verilog()
    for (i, v) in ["8'd1", "8'd2", "8'd3", "8'd127"].enumerated() {
      XCTAssertTrue(verilog.contains("words[\(i)] = \(v);"), verilog)
    }
  }

  func testAWordWiderThanTheMemoryIsRefusedWhereTheMemoryIsDeclared() {
    let line: UInt = #line
    XCTAssertThrowsError(try Design(top: lookup([1, 0x1ff], line: line))) { error in
      let d = (error as? ElaborationError)?.errors.first
      XCTAssertEqual(d?.message, "initial word 1 of memory `words` is 9'h1ff but words have 8 bits")
      XCTAssertEqual(d?.location.line, Int(line))
    }
  }

  func testAnIntegerThatDoesNotFitIsRefused() {
    let values: [Int] = [3, 16]
    let module = Module("ints") { m in
      let address = m.input("address", width: 1)
      let table = m.memory("words", depth: 2, width: 4, initial: values)
      m.output("word", width: 4) <== table[address]
    }
    XCTAssertThrowsError(try Design(top: module)) { error in
      XCTAssertEqual((error as? ElaborationError)?.errors.first?.message,
                     "initial word 1 of memory `words` is 16, which does not fit in 4 bits")
    }
  }
}
