import Simulation
import SimulationTesting
import SystemCExport
import XCTest

/// The SystemC export cannot drift from the RTL as the rest of Strata simulates it: the same
/// script on the Verilator C++ model (MMIOMaster) prints the same lines, cycle counts and
/// register values included. devkit's cable makes the sample two boards: the same two boards on
/// two instances of the Verilator model, the cable crossed the same way, print the same TLPs.
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
    let design = try BoardExport.design.get()
    let board = try BoardExport.board()
    // devkit has a cable, so its sample is two boards joined by it: two instances of the one
    // Verilator model (one build), crossed the same way.
    XCTAssertEqual(script.crossedLinks, ["cable0"])
    let models = [try self.model(design), try Model(try CompiledModel.load(design))]
    let harness = try TwoModelBringUp(models, plan: export.plan, crossing: script.crossedLinks)
    let verilator = try harness.run(script)
    // 10 accesses per node, the cable bring-up and window transfer (an access or a send per
    // step), the cable's 7 TLPs of the bring-up (each end's link enable as the cable comes up and
    // once enabled, board 0's scratchpad and doorbell, board 1's scratchpad back), the window
    // transfer's 6 (the write and the read across and into board 1's host memory, the completion
    // back across and into board 0's host), every output pin per board, and the memory's one run.
    let cableSteps = script.steps.count - 10 * board.nodeCount
      - script.steps.filter { if case .payload = $0 { return true } else { return false } }.count
      - script.steps.filter { if case .idle = $0 { return true } else { return false } }.count
    let pins = export.plan.pins.filter { $0.direction == .output && $0.width <= 64 }.count
    XCTAssertEqual(verilator.count, 10 * board.nodeCount + cableSteps + 7 + 6 + 2 * pins + 1)
    XCTAssertEqual(systemC.count, verilator.count)
    // The taps print while the kernel runs, so within a cycle a TLP line and an access line may
    // come in either order, and so may two taps' TLP lines (both boards announce their link over
    // the cable in the same cycle): accesses compare as one sequence, TLPs as one per tap.
    let isTLP = { (line: String) in line.contains(" tlp ") }
    let byTap = { (lines: [String]) in Dictionary(grouping: lines.filter(isTLP)) { $0.prefix { $0 != " " } } }
    XCTAssertEqual(byTap(systemC), byTap(verilator))
    XCTAssertEqual(systemC.filter(isTLP).count, verilator.filter(isTLP).count)
    for (index, (a, b)) in zip(systemC.filter { !isTLP($0) }, verilator.filter { !isTLP($0) }).enumerated() where a != b {
      XCTFail("line \(index): SystemC `\(a)`, Verilator model `\(b)`")
      break
    }

    // The window transfer's timing, on the models (the sample runs the same cycles, as the lines
    // show): the cable's latency is paid once by the write (host0_in → board 1's host memory)
    // and twice by the read (host0_in → the completion at board 0's host0_out).
    func edge(_ matches: (String) -> Bool) throws -> Int { harness.lineCycles[try XCTUnwrap(verilator.firstIndex(where: matches))] }
    let writeSent = try edge { $0.hasPrefix("host0_in send 40") }, readSent = try edge { $0.hasPrefix("host0_in send 00") }
    let written = try edge { $0.hasPrefix("board1_host0_out tlp 60") }, completed = try edge { $0.hasPrefix("host0_out tlp 4a") }
    let latency = board.ntb.linkLatencyCycles
    print("window transfer on devkit (cable \(latency) cycles): MWr host0_in -> board 1's host \(written - writeSent) cycles, "
          + "MRd -> CplD at host0_out \(completed - readSent) cycles")
    XCTAssertGreaterThanOrEqual(written - writeSent, latency)
    XCTAssertGreaterThanOrEqual(completed - readSent, 2 * latency)
    XCTAssertLessThan(completed - readSent, WindowTransfer.crossingCycles(board), "the script waits long enough for the completion")
  }
}
