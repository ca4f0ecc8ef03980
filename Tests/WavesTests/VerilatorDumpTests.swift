import Foundation
import Waves
import XCTest

/// The reader against a VCD Verilator writes (`--binary --timing --trace`, VerilatedVcd): an extra
/// `TOP` scope, nets shared between scopes under one code, and two-state values (Verilator
/// turns x and z into 0 by default: Verilator manual, "Unknown states").
final class VerilatorDumpTests: XCTestCase {
  var path: String { get throws { try CounterDumps.verilator() } }

  func testHierarchyUnderTOPWithSharedCodes() throws {
    let file = try WaveFile(path: try path)
    XCTAssertEqual(file.header.timescale, Timescale(magnitude: 10, unit: .ps))
    XCTAssertEqual(file.header.scopePaths(), ["TOP", "TOP.tb", "TOP.tb.dut"])
    XCTAssertEqual(try file.header.variable(named: "TOP.tb.wide").width, 256)
    XCTAssertEqual(try file.header.variable(named: "tb.dut.count").code, try file.header.variable(named: "tb.count").code)
    XCTAssertThrowsError(try file.header.variable(named: "count")) { error in
      XCTAssertEqual(error as? WaveError, .ambiguousSignal("count", candidates: ["TOP.tb.count", "TOP.tb.dut.count"]))
    }
  }

  func testTwoStateValuesMatchTheBench() throws {
    let file = try WaveFile(path: try path)
    let names = ["tb.clk", "tb.dut.count", "tb.count", "tb.state", "tb.wide", "tb.mixed", "tb.shared"]
    let window = try file.window(try file.variables(named: names), from: 0, to: CounterBench.end)
    XCTAssertEqual(window.traces.map(\.variable.path), names.map { "TOP." + $0 }, "variables sharing a code each get their trace")
    for time in stride(from: UInt64(0), through: CounterBench.end, by: Int(CounterBench.nanosecond)) {
      XCTAssertEqual(window.trace("TOP.tb.clk")?.value(at: time)?.unsignedValue, CounterBench.clk(at: time), "clk at \(time)")
      XCTAssertEqual(window.trace("TOP.tb.dut.count")?.value(at: time)?.unsignedValue, CounterBench.count(at: time) ?? 0,
                     "count at \(time) (x reads 0)")
      XCTAssertEqual(window.trace("TOP.tb.count")?.value(at: time), window.trace("TOP.tb.dut.count")?.value(at: time))
      XCTAssertEqual(window.trace("TOP.tb.state")?.value(at: time)?.unsignedValue, CounterBench.state(at: time))
      XCTAssertEqual(window.trace("TOP.tb.mixed")?.value(at: time)?.description, "1000", "4'b1x0z in two states")
    }
    let wide = try XCTUnwrap(window.trace("TOP.tb.wide"))
    XCTAssertEqual(wide.value(at: 20 * CounterBench.nanosecond)?.hex, CounterBench.wideHex)
    XCTAssertEqual(wide.value(at: 60 * CounterBench.nanosecond)?.hex, String(CounterBench.wideHex.dropLast()) + "0")
  }
}
