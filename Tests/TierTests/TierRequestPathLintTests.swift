import Cores
import HDL
import XCTest

final class TierRequestPathLintTests: XCTestCase {
  func testVerilatorIcarusAndYosysAcceptIt() throws {
    let design = try Design(top: tierRequestPath(pageCount: 64))
    XCTAssertEqual(design.warnings.map(\.message), [])
    let cells = try assertAcceptedByTools(design)
    print("tier_request_path (64 pages): \(cells ?? 0) Yosys cells")
  }

  func testBadParametersNameTheFix() {
    XCTAssertThrowsError(try Design(top: tierRequestPath(pageShift: 11, pageCount: 1))) { error in
      let messages = (error as? ElaborationError)?.diagnostics.map(\.message) ?? []
      XCTAssertTrue(messages.contains("tierRequestPath: pageCount 1 is outside 2...16777216 (entries hold 24-bit frames)"), "\(messages)")
      XCTAssertTrue(messages.contains("tierRequestPath: pageShift 11 is outside 12...31 (pages of 4 KiB to 2 GiB)"), "\(messages)")
    }
  }
}
