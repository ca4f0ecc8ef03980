import ArgumentParser
import Board
import Cores

struct RegsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regs",
    abstract: "Print a node's register maps as documentation, firmware accessors or SystemRDL.",
    discussion: """
      The same Swift description drives the register RTL, these three outputs and the tests,
      so none of them is written by hand. Every node of a board has the same maps: the
      system controller at management.mmio_base, the switch's management port at
      mmio_base + 0x2000, the memory-tier controller at mmio_base + 0x8000 (its page count from the
      board's tiers) and, on boards with crosslinks, NTB port j at mmio_base + 0x10000·(j + 1)
      (one map: every port's is the same).

      Examples:
        strata regs --format md
        strata regs --board boards/cluster4.yaml --format swift > SystemControl.swift
        strata regs --format systemrdl > system_control.rdl
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case md, swift, systemrdl
  }

  @OptionGroup var options: BoardOptions

  @Option(help: "Output format: md, swift or systemrdl.")
  var format: Format = .md

  func run() throws {
    let board = try options.load()
    let base = board.management.mmioBase
    let maps = [try systemControlRegisters(boardID: Int(board.id), baseAddress: base),
                try switchManagementRegisters(ports: SwitchParameters(board: board).identities.count,
                                              baseAddress: base + UInt64(NodeAddressMap.pcieSwitch.lowerBound)),
                try tierControllerRegisters(board: board)]
      // NTB port 0's map; port j's is the same map 0x10000·j further on (NodeAddressMap.ntb(j)).
      + (NodeCrosslinks.ntbPortsPerNode(board) > 0 ? [try ntbRegisters(board.ntb, baseAddress: base + UInt64(NodeAddressMap.ntb(0).lowerBound))] : [])
    for map in maps {
      switch format {
      case .md: print(registerDocumentation(for: map))
      case .swift: print(swiftAccessors(for: map))
      case .systemrdl: print(systemRDL(for: map))
      }
    }
  }
}
