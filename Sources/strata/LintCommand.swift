import ArgumentParser
import Board
import Foundation
import Toolchain

struct LintCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Check the board's Verilog with Verilator -Wall, Icarus and Yosys.",
    discussion: """
      Generates the board's Verilog into a temporary folder and runs
        verilator --lint-only -Wall, iverilog -g2005 -Wall, yosys (read_verilog; synth -top)
      reporting each tool's verdict. The exit status is non-zero on any warning or error.

      Examples:
        strata lint
        strata lint --board boards/cluster4.yaml
      """)

  @OptionGroup var options: BoardOptions

  @Flag(help: "Print each tool's full output.")
  var verbose = false

  func run() throws {
    let board = try options.load()
    let design = try elaborateBoard(board)
    let dir = VerilogFiles.temporaryDirectory("lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try VerilogFiles(design, in: dir)
    print("linting \(files.files.count) modules of board `\(board.name)` (top \(design.top))")
    var clean = true
    do {
      for verdict in try Lint.all(files) {
        print(verdict)
        if verbose { print(verdict.output) }
        clean = clean && verdict.isClean
      }
    } catch let error as ToolchainError {
      throw CommandFailure(error.description)
    }
    if !clean { throw ExitCode.failure }
  }
}
