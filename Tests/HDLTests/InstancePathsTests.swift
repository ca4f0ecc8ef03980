import HDL
import XCTest

/// `Design.instancePaths`: every instance's Verilog hierarchical name below the top, the names
/// simulators and waveform viewers give scopes (IEEE 1364-2005 §12.5, hierarchical names).
final class InstancePathsTests: XCTestCase {
  private func leaf() -> Module {
    Module("leaf") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y", width: 4)
      y <== ~a
    }
  }

  private func pair() -> Module {
    Module("pair") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y", width: 4)
      let left = m.instance(self.leaf(), name: "left")
      let right = m.instance(self.leaf(), name: "right")
      left["a"] <== a
      right["a"] <== left["y"]
      y <== right["y"]
    }
  }

  func testNestedInstancesAreNamedByTheirDottedPathParentsFirst() throws {
    let design = try Design(top: Module("outer") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y", width: 4)
      let first = m.instance(self.pair(), name: "first")
      let second = m.instance(self.pair(), name: "second")
      first["a"] <== a
      second["a"] <== first["y"]
      y <== second["y"]
    })
    XCTAssertEqual(design.instancePaths, ["first", "first.left", "first.right", "second", "second.left", "second.right"],
                   "one module elaborated once, placed twice, gives two sets of scopes")
  }

  func testALeafDesignHasNoInstances() throws {
    XCTAssertEqual(try Design(top: leaf()).instancePaths, [])
  }
}
