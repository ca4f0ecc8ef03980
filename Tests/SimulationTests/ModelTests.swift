import XCTest
import HDL
@testable import Simulation

final class ModelTests: XCTestCase {
  func testCounter() throws {
    let top = Module("counter") { m in
      let inc = m.input("inc", width: 8)
      let q = m.output("q", width: 8)
      let r = m.register("r", width: 8)
      r <== r + inc
      q <== r
    }
    let model = try Model(try Design(top: top))
    let inc = try model.input("inc"), q = try model.output("q")
    model.reset()
    try inc.set(3)
    model.step(10)
    XCTAssertEqual(q.uint64, 30)
  }
}
