import XCTest
import HDL

final class TemporaryTests: XCTestCase {
  /// An expression read twice becomes one temporary wire, which must be both declared and assigned.
  func testSharedExpressionTemporaryIsAssigned() throws {
    let top = Module("shared") { m in
      let a = m.input("a", width: 4)
      let b = m.input("b", width: 4)
      let x = m.output("x")
      let y = m.output("y")
      let same = a == b
      x <== same && a[0]
      y <== same || b[1]
    }
    let verilog = try Design(top: top).verilog()
    // Temporaries are named after the first signal that needed them (`_x_0`).
    XCTAssertTrue(verilog.contains("wire _x_0;"), verilog)
    XCTAssertTrue(verilog.contains("assign _x_0 = a == b;"), verilog)
  }
}
