import ArgumentParser
import Board
import Foundation

struct BoardsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "boards",
    abstract: "Validate board files and summarise them.",
    discussion: """
      Without arguments, checks every boards/*.yaml of the project. Each error names
      file:line:column and what is expected.

      Examples:
        strata boards
        strata boards boards/cluster4.yaml my-board.yaml
      """)

  @Argument(help: ArgumentHelp("Board files (default: all of boards/).", valueName: "file"))
  var files: [String] = []

  func run() throws {
    let paths = files.isEmpty ? projectBoards() : files
    var failed = false
    for path in paths {
      do {
        let b = try Board.load(path: path)
        print("\(path): \(b.name) (id 0x\(String(b.id, radix: 16))), \(b.nodeCount) node\(b.nodeCount == 1 ? "" : "s"), "
              + "\(b.ntb.links.count) NTB link\(b.ntb.links.count == 1 ? "" : "s"), "
              + (b.ntb.cables.isEmpty ? "" : "\(b.ntb.cables.count) NTB cable\(b.ntb.cables.count == 1 ? "" : "s") off the board, ")
              + "\(b.datapathBits)-bit datapath at \(b.clockMHz) MHz")
      } catch {
        print(error.description)
        failed = true
      }
    }
    if failed { throw ExitCode.failure }
  }

  private func projectBoards() -> [String] {
    let folder = URL(fileURLWithPath: Board.defaultBoardPath).deletingLastPathComponent()
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder.appendingPathComponent($0).path }
  }
}
