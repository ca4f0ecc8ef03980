import XCTest
import HDL

/// `initial: [1, 2, 3]` on a memory: since `BitVector` takes integer literals, such an array
/// types as `[BitVector]` of the fewest bits each. The words still have the memory's width, as
/// IEEE 1364-2005 §4.9.3 (memory words are the declared width) expects of `mem[i] = value`.
final class MemoryInitialLiteralTests: XCTestCase {
  func lookup(initial: [BitVector]) -> Module {
    Module("lookup") { m in
      let address = m.input("address", width: 2)
      let word = m.output("word", width: 8)
      let table = m.memory("words", depth: 4, width: 8, initial: initial)
      word <== table[address]
    }
  }

  func testLiteralWordsTakeTheMemoryWidth() throws {
    let verilog = try Design(top: lookup(initial: [1, 2, 3, 0xff])).verilog()
    for (index, value) in [1, 2, 3, 255].enumerated() {
      XCTAssertTrue(verilog.contains("words[\(index)] = 8'd\(value);"), verilog)
    }
  }

  func testAWordWiderThanTheMemoryIsAnError() {
    XCTAssertThrowsError(try Design(top: lookup(initial: [1, 0x1ff]))) { error in
      let messages = (error as? ElaborationError)?.diagnostics.map(\.message) ?? []
      XCTAssertEqual(messages, ["memory `words`: initial value 1 (0x1ff) needs 9 bits; its words have 8"])
    }
  }
}
