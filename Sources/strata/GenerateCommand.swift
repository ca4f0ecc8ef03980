import ArgumentParser
import Board
import Foundation
import Toolchain

struct GenerateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "generate",
    abstract: "Write the board's Verilog under rtl/<board>/.",
    discussion: """
      Elaborates the board's top module from the Swift sources and writes one Verilog file per
      module. The folder is replaced whole, so files of modules that no longer exist go away.
      With --check nothing is written: the command fails, naming each file, when the folder is
      not what the sources generate (CI runs this to prove rtl/ is current).

      Examples:
        strata generate
        strata generate --board boards/cluster4.yaml
        strata generate --check
      """)

  @OptionGroup var options: BoardOptions

  @Option(help: ArgumentHelp("Where the rtl/ folders go (default: rtl/ beside boards/).", valueName: "dir"))
  var out: String?

  @Flag(help: "Compare instead of writing; fail when rtl/<board>/ is stale.")
  var check = false

  func run() throws {
    let board = try options.load()
    let design = try elaborateBoard(board)
    let files = design.verilogFiles()
    let root = out.map { URL(fileURLWithPath: $0) } ?? options.projectRoot.appendingPathComponent("rtl")
    let folder = RTLFolder(root.appendingPathComponent(board.name))
    if check {
      let staleness = folder.staleness(against: files)
      guard staleness.isCurrent else {
        throw CommandFailure("\(folder.directory.path) is stale; run `strata generate\(options.board == Board.defaultBoardPath ? "" : " --board \(options.board)")`:\n\(staleness)")
      }
      print("\(folder.directory.path): \(files.count) files, current")
    } else {
      try folder.write(files)
      print("wrote \(files.count) files to \(folder.directory.path) (top module \(design.top))")
    }
  }
}
