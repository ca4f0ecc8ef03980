import ArgumentParser
import Board
import Cores

struct RegsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regs",
    abstract: "Print a node's register maps as documentation, firmware accessors or SystemRDL.",
    discussion: """
      The same Swift description drives the register RTL, these three outputs and the tests,
      so none of them is written by hand. Maps differ between nodes only in constants such as
      NODE.INDEX; --node picks one.

      Examples:
        strata regs --format md
        strata regs --board boards/cluster4.yaml --node 2 --format swift > SystemControl.swift
        strata regs --format systemrdl > system_control.rdl
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case md, swift, systemrdl
  }

  @OptionGroup var options: BoardOptions

  @Option(help: "Output format: md, swift or systemrdl.")
  var format: Format = .md

  @Option(help: "The node whose maps to print (0 is the first).")
  var node: Int = 0

  func run() throws {
    let board = try options.load()
    guard (0..<board.nodeCount).contains(node) else {
      throw CommandFailure("board `\(board.name)` has nodes 0...\(board.nodeCount - 1); --node \(node) is not one of them")
    }
    let maps = [try systemControlRegisters(boardID: Int(board.id), nodeID: node, baseAddress: board.management.mmioBase)]
    for map in maps {
      switch format {
      case .md: print(registerDocumentation(for: map))
      case .swift: print(swiftAccessors(for: map))
      case .systemrdl: print(systemRDL(for: map))
      }
    }
  }
}
