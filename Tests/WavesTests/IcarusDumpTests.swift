import Foundation
import Waves
import XCTest

/// The reader against VCD files Icarus Verilog writes (`$dumpfile`/`$dumpvars`, IEEE 1364-2005 §18.1),
/// checked against `CounterBench`'s model of the testbench.
final class IcarusDumpTests: XCTestCase {
  var path: String { get throws { try CounterDumps.icarus() } }

  func testHeaderGivesTimescaleScopesAndDeclaredWidths() throws {
    let file = try WaveFile(path: try path)
    XCTAssertEqual(file.header.timescale, Timescale(magnitude: 10, unit: .ps), "precision of `timescale 1ns/10ps")
    XCTAssertEqual(file.header.scopePaths(), ["tb", "tb.dut"])
    let wide = try file.header.variable(named: "tb.wide")
    XCTAssertEqual(wide.width, 256)
    XCTAssertEqual(wide.range, "[255:0]")
    XCTAssertEqual(wide.gtkwaveName, "tb.wide[255:0]")
    XCTAssertEqual(try file.header.variable(named: "dut.count").path, "tb.dut.count", "an unambiguous end of a path")
    XCTAssertEqual(try file.header.variable(named: "tb.dut.clk").code, try file.header.variable(named: "tb.clk").code,
                   "a port connected to its parent's net is dumped under the same identifier code")
  }

  func testValuesMatchTheBenchAtEveryNanosecond() throws {
    let file = try WaveFile(path: try path)
    let window = try file.window(try file.variables(named: ["tb.clk", "tb.count", "tb.dut.count", "tb.state", "tb.dut.clk"]),
                                 from: 0, to: CounterBench.end)
    for time in stride(from: UInt64(0), through: CounterBench.end, by: Int(CounterBench.nanosecond)) {
      XCTAssertEqual(window.trace("tb.clk")?.value(at: time)?.unsignedValue, CounterBench.clk(at: time), "clk at \(time)")
      XCTAssertEqual(window.trace("tb.dut.clk")?.value(at: time)?.unsignedValue, CounterBench.clk(at: time), "dut.clk at \(time)")
      XCTAssertEqual(window.trace("tb.state")?.value(at: time)?.unsignedValue, CounterBench.state(at: time), "state at \(time)")
      for name in ["tb.count", "tb.dut.count"] {
        let value = try XCTUnwrap(window.trace(name)?.value(at: time))
        if let expected = CounterBench.count(at: time) {
          XCTAssertEqual(value.unsignedValue, expected, "\(name) at \(time)")
        } else {
          XCTAssertEqual(value.description, "xxxxxxxx", "\(name) before the first clock edge")
        }
      }
    }
  }

  func testWideBusOf256BitsWithUnknownLowBits() throws {
    let file = try WaveFile(path: try path)
    let window = try file.window([try file.header.variable(named: "tb.wide")], from: 0, to: CounterBench.end)
    let trace = try XCTUnwrap(window.traces.first)
    XCTAssertEqual(trace.value(at: 0)?.hex, String(repeating: "x", count: 64), "never assigned before 12 ns")
    XCTAssertEqual(trace.value(at: 20 * CounterBench.nanosecond)?.hex, CounterBench.wideHex)
    XCTAssertEqual(trace.value(at: 20 * CounterBench.nanosecond)?.width, 256)
    let later = try XCTUnwrap(trace.value(at: 60 * CounterBench.nanosecond))
    XCTAssertEqual(later.hex, String(CounterBench.wideHex.dropLast()) + "x", "wide[3:0] = 4'bxxxx at 52 ns")
    XCTAssertEqual(later.bits.suffix(4), Array("xxxx".utf8))
    XCTAssertNil(later.unsignedValue)
  }

  func testUnknownAndHighImpedanceBits() throws {
    let file = try WaveFile(path: try path)
    let window = try file.window(try file.variables(named: ["tb.mixed", "tb.shared"]), from: 0, to: CounterBench.end)
    XCTAssertEqual(window.trace("tb.mixed")?.value(at: 0)?.description, "1x0z", "4'b1x0z bit by bit")
    XCTAssertEqual(window.trace("tb.mixed")?.value(at: 0)?.hex, "x", "a hex digit with an x bit reads x")
    for time in stride(from: UInt64(0), through: CounterBench.end, by: Int(CounterBench.nanosecond)) {
      let shared = try XCTUnwrap(window.trace("tb.shared")?.value(at: time))
      if CounterBench.sharedIsDriven(at: time) {
        XCTAssertEqual(shared.unsignedValue, 0xa, "driven at \(time)")
      } else {
        XCTAssertTrue(shared.isHighImpedance, "4'bzzzz at \(time), got \(shared)")
        XCTAssertEqual(shared.hex, "z")
      }
    }
  }

  func testTimescaleChangesTimesNotCycles() throws {
    let coarse = try WaveFile(path: try DumpMaker.icarus({ CounterBench.verilog(timescale: "1ns/1ns", dumpFile: $0) }, name: "coarse"))
    let fine = try WaveFile(path: try path)
    XCTAssertEqual(coarse.header.timescale, Timescale(magnitude: 1, unit: .ns))
    let coarseClock = try coarse.clock()
    let fineClock = try fine.clock()
    XCTAssertEqual(coarseClock.period, 10, "10 ns in 1 ns units")
    XCTAssertEqual(fineClock.period, 1000, "10 ns in 10 ps units")
    XCTAssertEqual(coarseClock.firstRise, 5)
    XCTAssertEqual(fineClock.firstRise, 500)
    XCTAssertEqual(Double(coarseClock.period) * coarse.header.timescale.seconds, 10e-9, accuracy: 1e-15)
    XCTAssertEqual(Double(fineClock.period) * fine.header.timescale.seconds, 10e-9, accuracy: 1e-15)
    // Cycle 7 in both files holds the same count.
    let a = try coarse.window([try coarse.header.variable(named: "tb.count")], from: 0, to: 150)
    let b = try fine.window([try fine.header.variable(named: "tb.count")], from: 0, to: 15000)
    XCTAssertEqual(a.traces[0].value(at: coarseClock.time(ofCycle: 7))?.unsignedValue, 7)
    XCTAssertEqual(b.traces[0].value(at: fineClock.time(ofCycle: 7))?.unsignedValue, 7)
  }

  func testWindowInTheMiddleStartsFromTheValueBeforeIt() throws {
    let file = try WaveFile(path: try path)
    let from: UInt64 = 7000, to: UInt64 = 9000
    let window = try file.window([try file.header.variable(named: "tb.count")], from: from, to: to)
    let trace = window.traces[0]
    XCTAssertEqual(trace.initial?.unsignedValue, CounterBench.count(at: from))
    XCTAssertTrue(trace.changes.allSatisfy { $0.time > from && $0.time <= to }, "\(trace.changes.map(\.time))")
    XCTAssertEqual(trace.changes.map(\.time), [7500, 8500], "rising edges inside the window")
  }

  func testFSTReadThroughFst2vcdMatchesTheVCD() throws {
    let vcd = try path
    let fst = URL(fileURLWithPath: vcd).deletingPathExtension().appendingPathExtension("fst").path
    try DumpMaker.run("vcd2fst", [vcd, fst], in: URL(fileURLWithPath: vcd).deletingLastPathComponent())
    let fromFST = try WaveFile(path: fst)
    let fromVCD = try WaveFile(path: vcd)
    XCTAssertEqual(fromFST.header.timescale, fromVCD.header.timescale)
    XCTAssertEqual(fromFST.header.scopePaths(), fromVCD.header.scopePaths())
    let names = ["tb.count", "tb.wide", "tb.mixed", "tb.shared", "tb.state"]
    let a = try fromFST.window(try fromFST.variables(named: names), from: 3000, to: 9000)
    let b = try fromVCD.window(try fromVCD.variables(named: names), from: 3000, to: 9000)
    for name in names {
      for time in stride(from: UInt64(3000), through: 9000, by: 50) {
        XCTAssertEqual(a.trace(name)?.value(at: time), b.trace(name)?.value(at: time), "\(name) at \(time)")
      }
    }
    XCTAssertEqual(try fromFST.lastTime(), try fromVCD.lastTime())
  }
}
