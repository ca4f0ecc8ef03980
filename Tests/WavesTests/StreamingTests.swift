import Foundation
import Waves
import XCTest

/// The reader streams: it stops at the end of the window, keeps only the chosen signals, and
/// reports a damaged file with its line.
final class StreamingTests: XCTestCase {
  /// A VCD with `cycles` cycles of a counter `n` (16 bits) and a clock `clk`, period 10.
  func write(cycles: Int, tail: String = "", name: String) throws -> String {
    var text = """
      $timescale 1 ns $end
      $scope module top $end
      $var wire 1 ! clk $end
      $var wire 16 " n [15:0] $end
      $var wire 32 #% noise [31:0] $end
      $upscope $end
      $enddefinitions $end
      #0
      $dumpvars
      0!
      b0 "
      b0 #%
      $end

      """
    for cycle in 0..<cycles {
      text += "#\(cycle * 10 + 5)\n1!\nb\(String(cycle + 1, radix: 2)) \"\nb\(String(cycle &* 2654435761 & 0xffff_ffff, radix: 2)) #%\n"
      text += "#\(cycle * 10 + 10)\n0!\n"
    }
    text += tail
    let url = try DumpMaker.folder("stream-\(name)").appendingPathComponent("\(name).vcd")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func testReadingStopsAtTheEndOfTheWindow() throws {
    // A damaged tail: a reader that went past the window would report it.
    let path = try write(cycles: 1000, tail: "#99999\nthis is not a value change\n", name: "tail")
    let file = try WaveFile(path: path)
    let window = try file.window([try file.header.variable(named: "n")], from: 100, to: 200)
    XCTAssertEqual(window.traces[0].initial?.unsignedValue, 10, "10 rising edges at 5, 15, ..., 95")
    XCTAssertEqual(window.traces[0].changes.map(\.time), Array(stride(from: UInt64(105), through: 195, by: 10)))
    XCTAssertThrowsError(try file.window([try file.header.variable(named: "n")], from: 9000, to: 99999)) { error in
      // 13 lines of header and initial values, 6 lines per cycle, then the tail's timestamp.
      XCTAssertEqual(error as? WaveError,
                     .malformed(path: path, line: 13 + 6 * 1000 + 2, message: "unexpected 'this' among value changes"))
    }
  }

  func testLastTimeFromTheTailAndClockFromTheStart() throws {
    let path = try write(cycles: 5000, name: "last")
    let file = try WaveFile(path: path)
    XCTAssertEqual(try file.lastTime(), 50000)
    let clock = try file.clock()
    XCTAssertEqual(clock.firstRise, 5)
    XCTAssertEqual(clock.period, 10)
    var request = WaveRequest()
    request.signals = ["n"]
    request.from = WaveTimeSpec("end-100c")
    let (window, _) = try request.read(from: file)
    XCTAssertEqual(window.from, 49000)
    XCTAssertEqual(window.traces[0].initial?.unsignedValue, 4900)
  }

  func testLongIdentifierCodesAndAroundWindows() throws {
    let path = try write(cycles: 200, name: "codes")
    let file = try WaveFile(path: path)
    var request = WaveRequest()
    request.signals = ["top.noise"]
    request.around = .cycle(100)
    let (window, marker) = try request.read(from: file)
    XCTAssertEqual(marker, 1005)
    XCTAssertEqual(window.from, 1005 - 40 * 10)
    XCTAssertEqual(window.to, 1005 + 10 * 10)
    XCTAssertEqual(window.traces[0].value(at: 1005)?.unsignedValue, UInt64(100 &* 2654435761 & 0xffff_ffff))
  }

  func testErrorsNameTheFileTheLineAndTheFix() throws {
    let path = try write(cycles: 3, name: "errors")
    let file = try WaveFile(path: path)
    XCTAssertThrowsError(try file.header.variable(named: "top.nn")) { error in
      XCTAssertEqual(error as? WaveError, .unknownSignal("top.nn", nearest: ["top.n"]))
      XCTAssertTrue("\(error)".contains("did you mean top.n?"), "\(error)")
    }
    XCTAssertThrowsError(try WaveFile(path: path + ".missing.vcd")) { error in
      XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
    }
    XCTAssertThrowsError(try WaveFile(path: "/etc/hostname")) { error in
      XCTAssertEqual(error as? WaveError, .unsupportedFormat(path: "/etc/hostname"))
    }
    let broken = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("broken.vcd")
    try "$timescale 1 ns $end\n$scope module top $end\n$var wire x ! clk $end\n".write(to: broken, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try WaveFile(path: broken.path)) { error in
      XCTAssertEqual("\(error)", "\(broken.path):3: $var needs a kind, a width, a code and a name, got 'wire x ! clk'")
    }
    let notFST = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("text.fst")
    try "hello".write(to: notFST, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try WaveFile(path: notFST.path)) { error in
      // fst2vcd exits with status 255 and says why; that is what the user sees, not a VCD parse error.
      XCTAssertEqual(error as? WaveError, .converterFailed(tool: "fst2vcd", status: 255,
                                                          output: "Could not open '\(notFST.path)', exiting."))
    }
  }
}

/// State names from the localparams Strata's `m.fsm` emits (`<REGISTER>_<STATE>`), which
/// Verilator traces as parameters beside the register.
final class StateNameTests: XCTestCase {
  func testStateRegisterNamedFromItsLocalparams() throws {
    let text = """
      $timescale 1ps $end
      $scope module TOP $end
      $scope module lossy_slot $end
      $var parameter 2 ! SLOT_EMPTY [1:0] $end
      $var parameter 2 " SLOT_HOLDING [1:0] $end
      $var parameter 2 # SLOT_DRAINING [1:0] $end
      $var parameter 2 $ OTHER_IDLE [1:0] $end
      $var logic 2 % slot [1:0] $end
      $var logic 2 & other_count [1:0] $end
      $upscope $end
      $upscope $end
      $enddefinitions $end
      #0
      b00 !
      b01 "
      b10 #
      b00 $
      b00 %
      b00 &
      #1
      b01 %

      """
    let url = try DumpMaker.folder("states").appendingPathComponent("states.vcd")
    try text.write(to: url, atomically: true, encoding: .utf8)
    let file = try WaveFile(path: url.path)
    let names = try file.stateNames(for: try file.variables(named: ["slot", "other_count"]))
    XCTAssertEqual(names, ["TOP.lossy_slot.slot": [0: "empty", 1: "holding", 2: "draining"]],
                   "other_count is not `OTHER`: only parameters named after the register count")
  }
}
