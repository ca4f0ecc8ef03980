import ArgumentParser
import Foundation
import SystemCExport

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export the board for other simulators.",
    subcommands: [ExportSystemCCommand.self])
}

struct ExportSystemCCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "systemc",
    abstract: "Write the board as a SystemC/TLM-2.0 module: Verilog, wrapper, sample sc_main, Makefile.",
    discussion: """
      The folder builds with `make` against verilator and Debian's libsystemc-dev: the RTL is
      verilated with --sc and wrapped in the SC_MODULE `board_<name>_tlm`, with a TLM-2.0 target
      socket per management port (`mgmt<i>.socket`), a socket per TLP stream, and the other
      ports (irq<i>, cores_reset<i>) as sc_out. `make run` runs the sample bring-up. See
      docs/systemc.md.

      Examples:
        strata export systemc --out build/systemc
        strata export systemc --board boards/cluster4.yaml --out build/cluster4-systemc
      """)

  @OptionGroup var options: BoardOptions

  @Option(help: ArgumentHelp("The folder to write (created if needed).", valueName: "dir"))
  var out: String

  func run() throws {
    let board = try options.load()
    let design = try elaborateBoard(board)
    let export: SystemCExport
    do {
      export = try SystemCExport(design, script: try BoardBringUp.script(for: board),
                                 clockPeriodPicoseconds: BoardBringUp.clockPeriodPicoseconds(board))
    } catch {
      throw CommandFailure("the SystemC export of board `\(board.name)` failed: \(error)")
    }
    let folder = URL(fileURLWithPath: out)
    try export.write(to: folder)
    print("wrote \(export.files.count) files to \(folder.path) (SC_MODULE \(export.top)_tlm); build with `make -C \(out)`")
  }
}
