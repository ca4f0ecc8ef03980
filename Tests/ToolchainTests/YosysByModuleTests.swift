import Foundation
import Toolchain
import XCTest

/// `strata lint` runs Yosys one module at a time and remembers clean modules by content: the
/// verdicts must still fail where a whole-design run fails, and the cache must forget a module
/// whose Verilog, or whose child's, changed.
final class YosysByModuleTests: XCTestCase {
  private let child = """
    module inverter (
      input  wire a,
      output wire y
    );
      assign y = ~a;
    endmodule

    """

  private func parent(width: Int) -> String {
    """
    module pair (
      input  wire [1:0] a,
      output wire [\(width - 1):0] y
    );
      inverter low (
        .a(a[0]),
        .y(y[0])
      );
      inverter high (
        .a(a[1]),
        .y(y[\(width - 1):1])
      );
    endmodule

    """
  }

  private func design(_ files: [(String, String)]) throws -> VerilogFiles {
    let dir = VerilogFiles.temporaryDirectory("yosys-by-module")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
    let urls = try files.map { name, text -> URL in
      let url = dir.appendingPathComponent("\(name).v")
      try Data(text.utf8).write(to: url)
      return url
    }
    return VerilogFiles(directory: dir, files: urls, top: files.last!.0)
  }

  func testCleanModulesAreRememberedAndAChangedChildChecksItsParentAgain() throws {
    let cache = VerilogFiles.temporaryDirectory("yosys-cache")
    addTeardownBlock { try? FileManager.default.removeItem(at: cache) }
    var yosys = YosysByModule(cache: cache)
    let first = try yosys.run(try design([("inverter", child), ("pair", parent(width: 2))]))
    XCTAssertTrue(first.isClean, first.description)
    XCTAssertEqual([yosys.modules, yosys.fromCache], [2, 0])
    _ = try yosys.run(try design([("inverter", child), ("pair", parent(width: 2))]))
    XCTAssertEqual([yosys.modules, yosys.fromCache], [2, 2], "the same Verilog in another folder is the same module")
    let changed = child.replacingOccurrences(of: "~a", with: "a")
    _ = try yosys.run(try design([("inverter", changed), ("pair", parent(width: 2))]))
    XCTAssertEqual(yosys.fromCache, 0, "the child changed, and the parent connects its ports")
  }

  func testAPortWidthMismatchWithAChildIsReportedInTheParent() throws {
    var yosys = YosysByModule(cache: nil)
    let verdict = try yosys.run(try design([("inverter", child), ("pair", parent(width: 3))]))
    XCTAssertFalse(verdict.isClean, verdict.output)
    XCTAssertTrue((verdict.warnings + verdict.errors).allSatisfy { $0.hasPrefix("pair: ") }, verdict.description)
  }
}
