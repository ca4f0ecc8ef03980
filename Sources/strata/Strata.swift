import ArgumentParser

// Minimal root command of the flash branch; the full `strata` (generate, lint, regs,
// boards, ...) lives on main, where FlashCommand is added to its subcommands.
@main
struct Strata: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "strata",
    abstract: "Describe, simulate and program a board of SoC nodes clustered over PCIe.",
    subcommands: [FlashCommand.self])
}
