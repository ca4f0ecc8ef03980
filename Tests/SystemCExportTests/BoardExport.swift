import Board
import Cores
import Foundation
import HDL
import SystemCExport
import XCTest

/// boards/devkit.yaml exported once per test process; its build is cached by content hash.
/// (cluster4 works the same, node for node, but with four switches it takes minutes to build.)
enum BoardExport {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func board() throws -> Board { try Board.load(path: packageRoot.appendingPathComponent("boards/devkit.yaml").path) }

  static let design = Result { try Design(top: boardTop(try board())) }

  static let export = Result {
    let devkit = try board()
    return try SystemCExport(try design.get(), script: try BoardBringUp.script(for: devkit),
                             clockPeriodPicoseconds: BoardBringUp.clockPeriodPicoseconds(devkit))
  }

  /// The sample's output, run once per process.
  static let sampleOutput = Result { try export.get().runSample(makeVariables: SystemCTestBuild.makeVariables) }

  static func skipUnlessSystemC() throws {
    try XCTSkipUnless(SystemCToolchain.isInstalled,
                      "libsystemc-dev is not installed (\(SystemCToolchain.header) is missing); scripts/setup installs it")
  }
}
