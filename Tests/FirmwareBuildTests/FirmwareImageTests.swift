import Board
import Flash
import Foundation
import XCTest

@testable import FirmwareBuild

/// The test suite builds the bare-metal image, so the firmware cannot drift out of Embedded
/// Swift, and checks what came out: an ELF for the board's core, entry at the start-up code,
/// every section inside the board's RAM, the symbols the start-up code relies on, and a flash
/// image `strata flash` accepts.
final class FirmwareImageTests: XCTestCase {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

  func build(_ boardFile: String, triple: String? = nil) throws -> (FirmwareLayout, FirmwareArtifacts) {
    let board = try Board.load(path: root.appendingPathComponent("boards/\(boardFile)").path)
    let layout = try FirmwareLayout(board: board, triple: triple)
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("strata-firmware-\(UUID().uuidString)")
    addTeardownBlock { try? FileManager.default.removeItem(at: out) }
    return (layout, try FirmwareBuilder(layout: layout, root: root, output: out).build())
  }

  func testTheDevkitImageIsAnAArch64ELFInsideRAMWithAFlashableImage() throws {
    let (layout, artifacts) = try build("devkit.yaml")
    let elf = artifacts.elfFile
    XCTAssertTrue(elf.is64Bit)
    XCTAssertEqual(elf.machine, 183, "EM_AARCH64")
    // devkit.yaml: ram_base 0x40000000, ram_size 1MiB.
    let ram = 0x4000_0000..<UInt64(0x4010_0000)
    XCTAssertEqual(elf.entry, ram.lowerBound, "the start-up code is linked first")
    XCTAssertEqual(elf.symbols["_start"], elf.entry)
    // No .init_array or other section the start-up code would not know to run or copy.
    XCTAssertEqual(Set(elf.sections.filter { $0.isAllocated && $0.size > 0 }.map(\.name)), [".text", ".rodata", ".data", ".bss"])
    for s in elf.sections where s.isAllocated && s.size > 0 {
      XCTAssertTrue(ram.contains(s.address) && s.address + s.size <= ram.upperBound, "\(s.name) at \(s.address) outside RAM")
    }
    for name in ["strata_main", "__bss_start", "__bss_end", "__data_start", "__data_end", "__data_load", "__stack_top",
                 "posix_memalign", "free"] {
      XCTAssertNotNil(elf.symbols[name], "symbol \(name)")
    }
    XCTAssertEqual(elf.symbols["__stack_top"], ram.upperBound)
    XCTAssertEqual(elf.symbols["__heap_end"], ram.upperBound - layout.stackSize)
    XCTAssertTrue(elf.symbols.keys.contains { $0.hasPrefix("$e8Firmware9enumerate") }, "the enumeration is linked in")

    // What `strata flash --image` reads: header and body checked whole (magic, version, CRCs, length).
    let file = Array(try Data(contentsOf: artifacts.image))
    let image = try FirmwareImage(fileBytes: file, name: "firmware.img")
    XCTAssertEqual(image.header.boardID, 0x0001, "devkit.yaml id")
    XCTAssertEqual(image.header.loadAddress, 0x4000_0000)
    XCTAssertEqual(image.header.entryPoint, elf.entry)
    XCTAssertEqual(image.body, Array(try Data(contentsOf: artifacts.raw)))
    let loaded = elf.sections.filter { $0.isAllocated && !$0.hasNoBits && $0.size > 0 }
    XCTAssertEqual(UInt64(image.body.count), loaded.map { $0.address + $0.size }.max()! - ram.lowerBound,
                   "the raw image runs from the load address to the end of .data; .bss is not in it")
    let sizes = elf.sizes
    XCTAssertLessThan(sizes.text + sizes.data + sizes.bss, layout.ramSize - layout.stackSize)
  }

  func testThirtyTwoBitCoresLinkToo() throws {
    for (triple, machine, entryThumb) in [("riscv32-none-none-eabi", UInt16(243), false), ("armv7em-none-none-eabi", UInt16(40), true)] {
      let (_, artifacts) = try build("devkit.yaml", triple: triple)
      let elf = artifacts.elfFile
      XCTAssertFalse(elf.is64Bit, triple)
      XCTAssertEqual(elf.machine, machine, triple)
      XCTAssertEqual(elf.entry & ~1, elf.symbols["_start"].map { $0 & ~1 }, triple)
      XCTAssertEqual(elf.entry & 1 == 1, entryThumb, "\(triple): Thumb entry points have bit 0 set")
      XCTAssertNoThrow(try FirmwareImage(fileBytes: Array(try Data(contentsOf: artifacts.image))), triple)
    }
  }

  func testTheLinkerScriptFollowsTheBoardsMemoryMap() throws {
    let board = try Board.load(path: root.appendingPathComponent("boards/cluster4.yaml").path)
    let layout = try FirmwareLayout(board: board)
    let script = linkerScript(for: layout)
    // cluster4.yaml: ram_base 0x40000000, ram_size 4MiB.
    XCTAssertTrue(script.contains("RAM (rwx) : ORIGIN = 0x40000000, LENGTH = 0x400000"), script)
    XCTAssertTrue(boardLayoutSource(for: layout).contains("static let ecamBase: UInt64 = 0x20000000"))
  }

  func testABoardWhoseECAMWindowWouldOverlapRAMIsRefused() throws {
    var board = try Board.load(path: root.appendingPathComponent("boards/devkit.yaml").path)
    board.management.mmioBase = 0x3000_0000  // ECAM at 0x40000000, on top of RAM
    XCTAssertThrowsError(try FirmwareLayout(board: board)) { error in
      XCTAssertTrue("\(error)".contains("overlaps RAM"), "\(error)")
    }
    XCTAssertThrowsError(try FirmwareLayout(board: board, triple: "mips-none-none-elf")) { error in
      XCTAssertTrue("\(error)".contains("mips-none-none-elf has no start-up code"), "\(error)")
    }
  }
}
