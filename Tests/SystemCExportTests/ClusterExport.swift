import Board
import Cores
import Foundation
import HDL
import SystemCExport
import XCTest

/// boards/cluster4.yaml exported once per test process; its build is cached by content hash.
enum ClusterExport {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func board() throws -> Board { try Board.load(path: packageRoot.appendingPathComponent("boards/cluster4.yaml").path) }

  static let design = Result { try Design(top: boardTop(try board())) }

  static let export = Result {
    let cluster = try board()
    return try SystemCExport(try design.get(), script: try BoardBringUp.script(for: cluster),
                             clockPeriodPicoseconds: BoardBringUp.clockPeriodPicoseconds(cluster))
  }

  /// The sample's output, run once per process.
  static let sampleOutput = Result { try export.get().runSample() }

  static func skipUnlessSystemC() throws {
    try XCTSkipUnless(SystemCToolchain.isInstalled,
                      "libsystemc-dev is not installed (\(SystemCToolchain.header) is missing); scripts/setup installs it")
  }
}
