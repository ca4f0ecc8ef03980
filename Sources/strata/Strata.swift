import ArgumentParser

@main
struct Strata: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "strata",
    abstract: "Describe, simulate and program a board of SoC nodes clustered over PCIe.",
    discussion: """
      Typical session on the default board (boards/devkit.yaml):
        strata demo            boot a 4-node cluster of it on its RTL and report
        strata generate        write the board's Verilog into rtl/devkit/
        strata lint            check it with Verilator -Wall, Icarus and Yosys
        strata regs --format md   print the register documentation
        strata flash --info    identify the flash on the board's FTDI cable
        strata firmware        build the management core's image (firmware.stim for strata flash)
      """,
    subcommands: [DemoCommand.self, GenerateCommand.self, LintCommand.self, RegsCommand.self, FlashCommand.self, BoardsCommand.self, WavesCommand.self, FirmwareCommand.self, EnumerateCommand.self, ExportCommand.self])
}
