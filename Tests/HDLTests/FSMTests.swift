import XCTest
import HDL
import Toolchain

/// The FSM helper: a binary-encoded state register reset to the initial state, `goto`,
/// `isIn`, `on` arms of `switchOn`, and every state a localparam named `<FSM>_<STATE>`.
final class FSMTests: XCTestCase {
  enum Phase: CaseIterable { case idle, load, run, drain }

  /// Waits for `start`, loads a count, counts it down, then drains for one cycle.
  func sequencer() -> Module {
    Module("sequencer") { m in
      let start = m.input("start")
      let amount = m.input("amount", width: 4)
      let busy = m.output("busy")
      let finishing = m.output("finishing")
      let remaining = m.output("remaining", width: 4)
      let phase = m.fsm("phase", Phase.self, initial: .idle)
      let left = m.register("left", width: 4, reset: 0)
      busy <== !phase.isIn(.idle)
      finishing <== phase.isIn(.drain)
      remaining <== left
      switchOn(phase.state) {
        phase.on(.idle) { when(start) { phase.goto(.load) } }
        phase.on(.load) { left <== amount; phase.goto(.run) }
        phase.on(.run) {
          left <== left - 1
          when(left == 0 || left == 1) { phase.goto(.drain) }
        }
        phase.on(.drain) { phase.goto(.idle) }
      }
    }
  }

  func testStatesAreLocalparamsAndCaseArms() throws {
    let verilog = try Design(top: sequencer()).verilog()
    for (i, state) in ["IDLE", "LOAD", "RUN", "DRAIN"].enumerated() {
      XCTAssert(verilog.contains("localparam PHASE_\(state) = 2'd\(i);"), "missing localparam for \(state):\n\(verilog)")
      XCTAssert(verilog.contains("PHASE_\(state): begin"), "the case arm should name \(state):\n\(verilog)")
    }
    XCTAssert(verilog.contains("if (rst) begin\n      phase <= PHASE_IDLE;"), "reset to the initial state by name:\n\(verilog)")
  }

  func testSequencerFollowsTheStateDiagram() throws {
    let design = try Design(top: sequencer())
    var rng = SeededGenerator(seed: 61)
    let rows = [["rst": bv(1, 1)]] + (0..<400).map { _ in
      ["rst": bv(0, 1), "start": bv(rng.int(0...3) == 0 ? 1 : 0, 1), "amount": rng.vector(width: 4)]
    }
    var phase = Phase.idle
    var left = 0
    var visited: Set<String> = []
    for (cycle, (row, out)) in zip(rows, try simulate(design, rows)).enumerated() where cycle > 0 {
      visited.insert("\(phase)")
      expect(out, "busy", bv(phase == .idle ? 0 : 1, 1), "cycle \(cycle) in \(phase)")
      expect(out, "finishing", bv(phase == .drain ? 1 : 0, 1), "cycle \(cycle) in \(phase)")
      expect(out, "remaining", bv(left, 4), "cycle \(cycle) in \(phase)")
      switch phase {
      case .idle: if !row["start"]!.isZero { phase = .load }
      case .load: left = Ref.value(row["amount"]!); phase = .run
      case .run: if left <= 1 { phase = .drain }; left = (left + 15) % 16
      case .drain: phase = .idle
      }
    }
    XCTAssertEqual(visited.count, 4, "every state was visited")
    try assertEveryToolAccepts(design)
  }

  func testFiveStatesNeedThreeBits() throws {
    enum Five: CaseIterable { case a, b, c, d, e }
    let design = try Design(top: Module("five") { m in
      let go = m.input("go")
      let last = m.output("last")
      let f = m.fsm("step", Five.self, initial: .c)
      last <== f.isIn(.e)
      when(go) { f.goto(.e) }
    })
    let verilog = design.verilog()
    XCTAssert(verilog.contains("reg [2:0] step;"), verilog)
    XCTAssert(verilog.contains("localparam STEP_E = 3'd4;"), verilog)
    XCTAssert(verilog.contains("if (rst) begin\n      step <= STEP_C;"), verilog)
  }
}
