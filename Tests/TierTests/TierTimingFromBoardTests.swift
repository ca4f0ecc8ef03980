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

  /// The issue's defaults: a board whose tiers give only sizes and the time scale gets 4 KiB
  /// pages and the public figures, the same timing as the devkit, which spells them out.
  func testLeftOutPageSizeLatenciesAndBandwidthsAreThePublicFigures() throws {
    let path = Board.boardPath(named: "devkit", from: packageRoot())
    let devkit = try String(contentsOfFile: path, encoding: .utf8)
    var lines = devkit.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.removeAll { $0.hasPrefix("  page_size:") }
    for (tier, size) in [("dram", "256MiB"), ("flash", "4GiB"), ("disk", "64GiB")] {
      let i = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("  \(tier):") }, "devkit has tiers.\(tier)")
      lines[i] = "  \(tier): { size: \(size) }"
    }
    let bare = lines.joined(separator: "\n")
    let settings = lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
    XCTAssertFalse(settings.contains { $0.contains("read_latency") || $0.contains("bandwidth_mbps") || $0.contains("page_size") })
    let board = try Board.parse(yaml: bare, file: "devkit-without-figures.yaml")
    XCTAssertEqual(board.tiers.pageSize, 4096)
    XCTAssertEqual(TierTiming(board: board), TierTiming(board: try Board.load(path: path)))
    XCTAssertEqual(TierTiming(board: board), TierTiming.defaults(timeScale: 1000, clockMHz: 250, dramPages: 65_536, flashPages: 1 << 20, diskPages: 1 << 24))
  }

  /// The time-scale knob divides every latency and leaves bandwidth alone.
  func testTheTimeScaleDividesLatenciesOnly() throws {
    let path = Board.boardPath(named: "devkit", from: packageRoot())
    let realTime = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "time_scale: 1000", with: "time_scale: 1")
    let timing = TierTiming(board: try Board.parse(yaml: realTime, file: "devkit-real-time.yaml"))
    XCTAssertEqual(timing.readLatency(.flash), 20_000, "80 µs at 4 ns a cycle")
    XCTAssertEqual(timing.readLatency(.disk), 3_000_000, "12 ms")
    XCTAssertEqual(timing.transferCycles(.disk, bytes: 4096), 5_120, "4 KiB at 200 MB/s = 20.48 µs, not scaled")
  }

  func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }
}
