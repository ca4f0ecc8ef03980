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
    XCTAssertTrue(verilog.contains("wire _t0;"), verilog)
    XCTAssertTrue(verilog.contains("assign _t0 = a == b;"), verilog)
  }
}
