import Foundation
import XCTest
@testable import HDL
import Toolchain

/// Records the line a test marks inside a module body (`y <== a; mark.here()`), so a test can
/// assert that a diagnostic points at exactly that statement.
final class LineMarker {
  private(set) var lines: [String: Int] = [:]
  func here(_ label: String = "", line: Int = #line) { lines[label] = line }
  var line: Int { lines[""] ?? -1 }
  subscript(label: String) -> Int { lines[label] ?? -1 }
}

/// The diagnostics of a design that must fail to elaborate.
func elaborationErrors(_ top: Module, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
  do {
    let d = try Design(top: top)
    XCTFail("expected an elaboration error, but it elaborated:\n\(d.verilog())", file: file, line: line)
    return []
  } catch let error as ElaborationError {
    return error.errors
  } catch {
    XCTFail("unexpected error \(error)", file: file, line: line)
    return []
  }
}

/// Asserts that elaborating `top` fails with exactly one error, whose message contains every
/// fragment and which points at `atLine` of this test file (read after elaborating, so it can
/// be a `LineMarker`'s line).
func assertSingleError(_ top: Module, contains fragments: @autoclosure () -> [String], atLine: @autoclosure () -> Int,
                       file: StaticString = #filePath, line: UInt = #line) {
  let errors = elaborationErrors(top, file: file, line: line)
  guard errors.count == 1, let e = errors.first else {
    XCTFail("expected one error, got \(errors.count):\n\(errors.map(\.description).joined(separator: "\n"))", file: file, line: line)
    return
  }
  for f in fragments() where !e.message.contains(f) {
    XCTFail("the message does not say \"\(f)\":\n\(e.message)", file: file, line: line)
  }
  XCTAssertEqual(e.location.line, atLine(), "reported at the wrong line: \(e)", file: file, line: line)
  XCTAssertEqual(e.location.fileName, "\(file)".split(separator: "/").last.map(String.init), file: file, line: line)
}

/// Runs Verilator `--lint-only -Wall` on the design and fails the test with its words if it warns.
func assertVerilatorClean(_ design: Design, file: StaticString = #filePath, line: UInt = #line) throws {
  let dir = VerilogFiles.temporaryDirectory("lint")
  defer { try? FileManager.default.removeItem(at: dir) }
  let verdict = try Lint.verilator(try VerilogFiles(design, in: dir))
  XCTAssert(verdict.isClean, "\(verdict)\n\(design.verilog())", file: file, line: line)
}

/// Verilator `-Wall`, Icarus `-g2005` and Yosys `synth` must all accept the design without a warning.
func assertEveryToolAccepts(_ design: Design, file: StaticString = #filePath, line: UInt = #line) throws {
  let dir = VerilogFiles.temporaryDirectory("tools")
  defer { try? FileManager.default.removeItem(at: dir) }
  for verdict in try Lint.all(try VerilogFiles(design, in: dir)) {
    XCTAssert(verdict.isClean, "\(verdict)\n\(design.verilog())", file: file, line: line)
  }
}

/// Runs the design under Icarus, one row per cycle (see `IcarusSimulation`).
func simulate(_ design: Design, _ rows: [[String: BitVector]], clock: String? = "clk") throws -> [[String: BitVector]] {
  try IcarusSimulation(design, clock: clock).run(rows)
}

/// Compares one output of one cycle with the reference value, naming both in the failure.
func expect(_ actual: [String: BitVector], _ port: String, _ expected: BitVector, _ context: @autoclosure () -> String,
            file: StaticString = #filePath, line: UInt = #line) {
  guard let value = actual[port] else {
    XCTFail("`\(port)` is unknown (x) or missing; \(context())", file: file, line: line)
    return
  }
  if value != expected {
    XCTFail("`\(port)` is \(value) but the reference says \(expected); \(context())", file: file, line: line)
  }
}

func bv(_ value: Int, _ width: Int) -> BitVector { BitVector(width: width, value: value) }
