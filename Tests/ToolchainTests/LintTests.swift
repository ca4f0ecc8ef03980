import Foundation
import XCTest
import Toolchain

/// `strata lint` trusts these verdicts, so each tool must be seen to both pass and fail.
final class LintTests: XCTestCase {
  private func files(_ text: String, top: String) throws -> VerilogFiles {
    let dir = VerilogFiles.temporaryDirectory("linttest")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent("\(top).v")
    try Data(text.utf8).write(to: url)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    return VerilogFiles(directory: dir, files: [url], top: top)
  }

  private let clean = """
    module inverter (
      input  wire a,
      output wire y
    );
      assign y = ~a;
    endmodule

    """

  func testACleanModulePassesAllThreeTools() throws {
    let verdicts = try Lint.all(files(clean, top: "inverter"))
    XCTAssertEqual(verdicts.map(\.tool), [.verilator, .iverilog, .yosys])
    for v in verdicts { XCTAssertTrue(v.isClean, v.description) }
    XCTAssertEqual(verdicts[2].cells, 1, "one inverter cell after synth")
  }

  func testVerilatorWarningsAreCounted() throws {
    let unused = """
      module leaky (
        input  wire [7:0] a,
        output wire y
      );
        assign y = a[0];
      endmodule

      """
    let verdict = try Lint.verilator(files(unused, top: "leaky"))
    XCTAssertFalse(verdict.isClean)
    XCTAssertTrue(verdict.warnings.contains { $0.contains("UNUSED") }, verdict.output)
  }

  func testASyntaxErrorFailsEveryTool() throws {
    let broken = "module broken (input wire a; endmodule\n"
    for verdict in try Lint.all(files(broken, top: "broken")) {
      XCTAssertFalse(verdict.errors.isEmpty, "\(verdict.tool) accepted broken Verilog:\n\(verdict.output)")
    }
  }

  func testAMissingToolNamesTheSetupScript() {
    let saved = ProcessInfo.processInfo.environment["PATH"]
    setenv("PATH", "/nonexistent", 1)
    defer { setenv("PATH", saved ?? "/usr/bin:/bin", 1) }
    XCTAssertThrowsError(try ExternalTool.yosys.locate()) { error in
      XCTAssertTrue("\(error)".contains("scripts/setup"), "\(error)")
      XCTAssertTrue("\(error)".contains("yosys"), "\(error)")
    }
  }
}
