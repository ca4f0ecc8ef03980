import HDL
import Toolchain
import XCTest

/// `instance(_:name:reset:)`: a child whose implicit reset is another signal restarts on it
/// while the parent's own registers run on.
final class ChildResetTests: XCTestCase {
  func testAChildRestartsOnItsOwnResetWhileTheParentRunsOn() throws {
    let counter = Module("counter") { m in
      let count = m.register("count", width: 4)
      m.output("value", width: 4) <== count
      count <== count + 1
    }
    let top = Module("child_reset") { m in
      let clear = m.input("clear")
      let cleared = m.instance(counter, name: "restarted", reset: m.reset || clear)
      let free = m.instance(counter, name: "running")
      m.output("cleared_value", width: 4) <== cleared["value"]
      m.output("free_value", width: 4) <== free["value"]
    }
    let design = try Design(top: top)
    try assertEveryToolAccepts(design)
    // Reset for one cycle, then count; `clear` in cycle 4 restarts only the `cleared` counter.
    let rows: [[String: BitVector]] = (0..<8).map { cycle in
      ["rst": bv(cycle == 0 ? 1 : 0, 1), "clear": bv(cycle == 4 ? 1 : 0, 1)]
    }
    let out = try simulate(design, rows)
    // Outputs are sampled before each rising edge: cycle c shows the count after c − 1 counted edges.
    let free = [0, 0, 1, 2, 3, 4, 5, 6], cleared = [0, 0, 1, 2, 3, 0, 1, 2]
    for cycle in 1..<8 {
      expect(out[cycle], "free_value", bv(free[cycle], 4), "cycle \(cycle): the parent's reset only")
      expect(out[cycle], "cleared_value", bv(cleared[cycle], 4), "cycle \(cycle): restarted by `clear` in cycle 4")
    }
  }
}
