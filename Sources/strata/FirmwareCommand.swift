import ArgumentParser
import Board
import FirmwareBuild
import Foundation

struct FirmwareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "firmware",
    abstract: "Build the bare-metal firmware image for a board's management core.",
    discussion: """
      Compiles Sources/Firmware and firmware/Sources together with Embedded Swift, the
      start-up code and C run-time with clang, and links them with ld.lld using a linker
      script generated from the board's management: memory map. Writes firmware.elf,
      firmware.bin (raw, from the load address) and firmware.img (the raw image behind a
      STIM header) into firmware/.build/, where `strata flash` looks for its image, and
      prints the size report.

      Examples:
        strata firmware
        strata firmware --board boards/cluster4.yaml --output build/fw
        strata firmware --triple riscv32-none-none-eabi
      """)

  @OptionGroup var options: BoardOptions

  @Option(help: ArgumentHelp("LLVM target triple, instead of the board's management.triple.", valueName: "triple"))
  var triple: String?

  @Option(help: ArgumentHelp("Output folder (default firmware/.build, where strata flash looks).", valueName: "dir"))
  var output: String?

  func run() throws {
    let board = try options.load()
    do {
      let layout = try FirmwareLayout(board: board, triple: triple)
      let root = options.projectRoot
      let out = output.map { URL(fileURLWithPath: $0) }
        ?? root.appendingPathComponent("firmware/.build")
      let artifacts = try FirmwareBuilder(layout: layout, root: root, output: out).build { print("  \($0)") }
      print(artifacts.sizeReport(ramSize: layout.ramSize, stackSize: layout.stackSize))
      print("entry \(hexString(artifacts.elfFile.entry)), load \(hexString(artifacts.header.loadAddress)), \(layout.triple)")
      for url in [artifacts.elf, artifacts.raw, artifacts.image] { print(url.path) }
    } catch {
      throw CommandFailure(error.description)
    }
  }
}

private func hexString(_ v: UInt64) -> String { "0x" + String(v, radix: 16, uppercase: true) }
