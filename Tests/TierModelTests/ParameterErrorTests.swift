import XCTest
import TierModel

final class ParameterErrorTests: XCTestCase {
  /// By default the space has a page for every frame. (The devkit's tiers hold 17,891,328
  /// frames, more than 24-bit page numbers reach, so there the space is capped at 2^24 pages.)
  func testTheDefaultSpaceHasAPageForEveryFrame() throws {
    XCTAssertEqual(try TierController(timing: .defaults(dramPages: 4, flashPages: 8, diskPages: 16)).pageCount, 28)
  }

  func testEveryProblemIsListedWithItsFix() {
    var timing = TierTiming.defaults(pageSize: 4096, dramPages: 4, flashPages: 8, diskPages: 1 << 25)
    timing.flash.size += 100
    timing.beatBytes = 4
    XCTAssertThrowsError(try TierController(timing: timing, pageCount: 0, maxInFlight: 16)) { error in
      let text = String(describing: error)
      for expected in [
        "the tier controller model cannot be built:",
        "beatBytes 4 must be 8: the ports carry 64-bit beats",
        "flash: size 32868 is not a whole number of 4096-byte pages",
        "disk: 33554432 frames exceed 16777216 (FRAME is 24 bits); use larger pages or a smaller tier",
        "pageCount 0 is outside 1...16777216 (page numbers are 24 bits in map entries and MAP_INDEX); use fewer pages or larger ones",
        "maxInFlight 16 is outside 1...15 (CAPABILITY.DMA_IN_FLIGHT is 4 bits)",
      ] {
        XCTAssertTrue(text.contains(expected), "missing: \(expected)\nin: \(text)")
      }
    }
  }
}
