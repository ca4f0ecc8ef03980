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
        verilator --lint-only -Wall and iverilog -g2005 -Wall on the whole board,
        yosys (synth -top) on each module with its children as black boxes,
      reporting each tool's verdict and time. The exit status is non-zero on any warning or
      error. Yosys verdicts of clean modules are kept by content in $STRATA_CACHE/yosys (else
      .build/strata-cache/yosys), so only changed modules are synthesised again.

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
      var yosys = YosysByModule(cache: Self.yosysCache())
      let tools: [(String, () throws -> ToolVerdict)] = [("verilator", { try Lint.verilator(files) }), ("iverilog", { try Lint.icarus(files) }),
                                                         ("yosys", { try yosys.run(files) })]
      for (name, tool) in tools {
        let start = Date()
        let verdict = try tool()
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        print(verdict)
        print(name == "yosys" ? "  \(seconds) s, \(yosys.modules) modules, \(yosys.fromCache) of them clean before" : "  \(seconds) s")
        if verbose { print(verdict.output) }
        clean = clean && verdict.isClean
      }
    } catch let error as ToolchainError {
      throw CommandFailure(error.description)
    }
    if !clean { throw ExitCode.failure }
  }

  /// STRATA_CACHE/yosys when STRATA_CACHE is set, else .build/strata-cache/yosys here.
  static func yosysCache() -> URL {
    if let path = ProcessInfo.processInfo.environment["STRATA_CACHE"], !path.isEmpty {
      return URL(fileURLWithPath: path).appendingPathComponent("yosys")
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/strata-cache/yosys")
  }
}
