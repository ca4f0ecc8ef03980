import Foundation
import HDL
import Toolchain
import XCTest

/// Shared by the test targets that check emitted designs (CoresTests, TierTests).
///
/// Writes `design` to a temporary folder and asserts that the three tools the project promises
/// to satisfy accept it with no warning: `verilator --lint-only -Wall`, Icarus (`-g2005 -Wall`)
/// and Yosys `synth`. Returns the Yosys cell count, a size figure for reports.
@discardableResult
public func assertAcceptedByTools(_ design: Design, file: StaticString = #filePath, line: UInt = #line) throws -> Int? {
  let dir = VerilogFiles.temporaryDirectory("cores-lint")
  defer { try? FileManager.default.removeItem(at: dir) }
  let files = try VerilogFiles(design, in: dir)
  var cells: Int?
  for verdict in try Lint.all(files) {
    XCTAssertTrue(verdict.isClean, "\(design.top): \(verdict)", file: file, line: line)
    if verdict.tool == .yosys {
      XCTAssertNotNil(verdict.cells, "\(design.top): Yosys printed no cell count", file: file, line: line)
      cells = verdict.cells
    }
  }
  return cells
}
