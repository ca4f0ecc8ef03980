import Foundation
import XCTest
import HDL
import Toolchain

/// Warnings: what elaborates but is probably a mistake. Each names the signal, the unread bits
/// and the Swift line of its declaration, and appears before Verilator would say the same
/// (UNUSEDSIGNAL in the Verilator manual's list of warnings).
final class WarningTests: XCTestCase {
  func warnings(_ top: Module, file: StaticString = #filePath, line: UInt = #line) -> [Diagnostic] {
    do { return try Design(top: top).warnings } catch {
      XCTFail("expected the design to elaborate: \(error)", file: file, line: line)
      return []
    }
  }

  func testUnusedInput() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let a = m.input("a")
      let spare = m.input("spare", width: 3); mark.here()
      let y = m.output("y")
      y <== a
      let _ = spare
    }
    let found = warnings(top)
    XCTAssertEqual(found.map(\.message), ["input `spare` is never read"])
    XCTAssertEqual(found.first?.location.line, mark.line)
    XCTAssertEqual(found.first?.severity, .warning)
  }

  /// A wire named `unused…` collects bits on purpose; like Verilator's default
  /// `--unused-regexp "*unused*"` (Verilator manual, UNUSEDSIGNAL), the checker stays quiet.
  func testSignalsNamedUnusedAreDeliberateSinks() {
    let top = Module("t") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y")
      let unusedHigh = m.wire("unused_high_bits", width: 3)
      let spare = m.wire("spare", width: 3)
      y <== a[0]
      unusedHigh <== a[1...3]
      spare <== a[1...3]
    }
    XCTAssertEqual(warnings(top).map(\.message), ["wire `spare` is never read"])
  }

  /// Verilator -Wall warns about an input read only in part; the checker says which bits first.
  func testInputReadOnlyInPart() throws {
    let mark = LineMarker()
    let top = Module("t") { m in
      let a = m.input("a", width: 8); mark.here()
      let y = m.output("y", width: 3)
      y <== a[2..<4].zeroExtended(to: 3) + a[6].zeroExtended(to: 3)
    }
    let found = warnings(top)
    XCTAssertEqual(found.map(\.message), ["bits 0..<2, 4..<6, 7 of input `a` are never read; narrow it or read them"])
    XCTAssertEqual(found.first?.location.line, mark.line)
    let dir = VerilogFiles.temporaryDirectory("partial")
    defer { try? FileManager.default.removeItem(at: dir) }
    let verdict = try Lint.verilator(try VerilogFiles(try Design(top: top), in: dir))
    XCTAssert(verdict.warnings.contains { $0.contains("UNUSED") && $0.contains("'a'") }, "Verilator agrees: \(verdict)")
  }

  func testSingleUnreadBit() {
    let top = Module("t") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y", width: 3)
      y <== a[1..<4]
    }
    XCTAssertEqual(warnings(top).map(\.message), ["bit 0 of input `a` is never read; narrow it or read them"])
  }

  func testUnreadWireAndRegister() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let a = m.input("a", width: 4)
      let y = m.output("y")
      let w = m.wire("w", width: 4); mark.here("wire")
      let r = m.register("r", width: 4, reset: 0); mark.here("register")
      w <== a
      r <== a
      y <== r[3]
    }
    let found = warnings(top)
    XCTAssertEqual(found.map(\.message), ["wire `w` is never read", "bits 0..<3 of register `r` are never read; narrow it or read them"])
    XCTAssertEqual(found.map(\.location.line), [mark["wire"], mark["register"]])
  }

  func testMemoryNeverRead() throws {
    let mark = LineMarker()
    let top = Module("t") { m in
      let a = m.input("a", width: 2)
      let d = m.input("d", width: 8)
      let y = m.output("y", width: 8)
      let log = m.memory("log", depth: 4, width: 8); mark.here()
      log[a] <== d
      y <== d
    }
    let found = warnings(top)
    XCTAssertEqual(found.map(\.message), ["memory `log` is never read"])
    XCTAssertEqual(found.first?.location.line, mark.line)
    let dir = VerilogFiles.temporaryDirectory("memory")
    defer { try? FileManager.default.removeItem(at: dir) }
    let verdict = try Lint.verilator(try VerilogFiles(try Design(top: top), in: dir))
    XCTAssert(verdict.warnings.contains { $0.contains("UNUSED") && $0.contains("'log'") }, "Verilator agrees: \(verdict)")
  }

  func testRegisterNeverAssigned() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let y = m.output("y", width: 4)
      let r = m.register("r", width: 4, reset: 5); mark.here()
      y <== r
    }
    let found = warnings(top)
    XCTAssertEqual(found.map(\.message), ["register `r` is never assigned; it keeps its reset value forever"])
    XCTAssertEqual(found.first?.location.line, mark.line)
  }

  /// A child's output the parent reads only in part is normal (the child's width is its own):
  /// no warning, and the emitter tells Verilator so.
  func testChildOutputsReadInPartAreNotWarnings() throws {
    let child = Module("child") { m in
      let a = m.input("a", width: 8)
      let y = m.output("y", width: 8)
      let z = m.output("z")
      y <== a
      z <== a.reduceXor()
    }
    let top = Module("t") { m in
      let a = m.input("a", width: 8)
      let y = m.output("y", width: 2)
      let c = m.instance(child, name: "c")
      c["a"] <== a
      y <== c["y"][3..<5]
    }
    let design = try Design(top: top)
    XCTAssertEqual(design.warnings, [])
    try assertVerilatorClean(design)
  }
}
