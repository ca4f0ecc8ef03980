import Board
import Cores
import TierModel
import XCTest

final class TierTimingFromBoardTests: XCTestCase {
  /// boards/devkit.yaml: 250 MHz, time scale 1000, DRAM 100 ns, flash 80 µs / 500 µs, disk 12 ms.
  func testTheDevkitBoardGivesTheModelItsCycles() throws {
    let board = try Board.load(path: Board.boardPath(named: "devkit", from: packageRoot()))
    let timing = TierTiming(board: board)
    XCTAssertEqual(timing, TierTiming.defaults(timeScale: 1000, clockMHz: 250, dramPages: 65_536, flashPages: 1 << 20, diskPages: 1 << 24),
                   "the devkit's tiers are the issue's defaults")
    XCTAssertEqual(timing.readLatency(.dram), 1, "100 ns / 1000 rounds up to a cycle")
    XCTAssertEqual(timing.readLatency(.flash), 20, "80 µs / 1000 = 80 ns = 20 cycles of 4 ns")
    XCTAssertEqual(timing.writeLatency(.flash), 125)
    XCTAssertEqual(timing.readLatency(.disk), 3_000)
    XCTAssertEqual(timing.frames(.dram), 65_536, "256 MiB of 4 KiB pages")
  }

  func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }
}
