import Foundation
import HDL
import Toolchain
import XCTest

/// How `assertAcceptedByTools` has Yosys check a design.
public enum YosysCheck {
  /// `synth -top` of the whole design, giving its cell count.
  case wholeDesign
  /// `YosysByModule`, as `strata lint` checks the boards: each module synthesised with its
  /// children as black boxes, side by side on the cores, clean modules remembered by content in
  /// the cache's `yosys` folder (shared with `strata lint`), so a large design pays only for the
  /// modules no other test or board has checked. Counts no cells; with STRATA_YOSYS_CELLS=1
  /// it is `.wholeDesign`, for the size figures the docs quote.
  case byModule
}

/// Shared by the test targets that check emitted designs (CoresTests, TierTests).
///
/// Writes `design` to a temporary folder and asserts that the three tools the project promises
/// to satisfy accept it with no warning: `verilator --lint-only -Wall`, Icarus (`-g2005 -Wall`)
/// and Yosys `synth`. Returns the Yosys cell count, a size figure for reports (nil when Yosys
/// checked the design `.byModule`).
@discardableResult
public func assertAcceptedByTools(_ design: Design, yosys: YosysCheck = .wholeDesign, file: StaticString = #filePath,
                                  line: UInt = #line) throws -> Int? {
  let dir = VerilogFiles.temporaryDirectory("cores-lint")
  defer { try? FileManager.default.removeItem(at: dir) }
  let files = try VerilogFiles(design, in: dir)
  var cells: Int?
  var verdicts = [try Lint.verilator(files), try Lint.icarus(files)]
  let wholeDesign = yosys == .wholeDesign || ProcessInfo.processInfo.environment["STRATA_YOSYS_CELLS"] == "1"
  if wholeDesign {
    let verdict = try Lint.yosys(files)
    XCTAssertNotNil(verdict.cells, "\(design.top): Yosys printed no cell count", file: file, line: line)
    cells = verdict.cells
    verdicts.append(verdict)
  } else {
    var byModule = YosysByModule(cache: yosysCache)
    verdicts.append(try byModule.run(files))
  }
  for verdict in verdicts {
    XCTAssertTrue(verdict.isClean, "\(design.top): \(verdict)", file: file, line: line)
  }
  return cells
}

/// Where `strata lint` keeps clean modules: $STRATA_CACHE/yosys, else the package's
/// .build/strata-cache/yosys.
private var yosysCache: URL {
  if let path = ProcessInfo.processInfo.environment["STRATA_CACHE"], !path.isEmpty {
    return URL(fileURLWithPath: path).appendingPathComponent("yosys")
  }
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  return root.appendingPathComponent(".build/strata-cache/yosys")
}
