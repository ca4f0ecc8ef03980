import Simulation
import SimulationTesting
import SystemCExport
import XCTest

/// The SystemC export cannot drift from the RTL as the rest of Strata simulates it: the same
/// script on the Verilator C++ model (MMIOMaster) prints the same lines, cycle counts and
/// register values included.
final class EquivalenceTests: SimulationTestCase {
  func testTheSampleAndTheVerilatorModelGiveTheSameAnswers() throws {
    try BoardExport.skipUnlessSystemC()
    let export = try BoardExport.export.get()
    let script = try BoardBringUp.script(for: try BoardExport.board())
    let socketChecks = Set(script.steps.compactMap { step -> String? in
      if case .payload(_, _, _, _, _, let label) = step { return label } else { return nil }
    })
    let systemC = try BoardExport.sampleOutput.get().filter { line in
      !line.hasPrefix("#") && !line.hasPrefix("simulated") && line.contains(" ") && !line.hasPrefix("Info:")
        && !line.hasPrefix(" ") && !line.hasPrefix("\t") && !socketChecks.contains { line.hasSuffix("# \($0)") }
    }
    let model = try self.model(try BoardExport.design.get())
    let verilator = try ModelBringUp(model: model, plan: export.plan).run(script)
    // 10 accesses per node, then every output pin (irq, cores_reset, the links' flow control).
    XCTAssertEqual(verilator.count, 10 * (try BoardExport.board().nodeCount) + export.plan.pins.filter { $0.direction == .output && $0.width <= 64 }.count)
    XCTAssertEqual(systemC.count, verilator.count)
    for (index, (a, b)) in zip(systemC, verilator).enumerated() where a != b {
      XCTFail("line \(index): SystemC `\(a)`, Verilator model `\(b)`")
      break
    }
  }
}
