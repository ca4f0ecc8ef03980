import Board
import Flash
import Foundation
import XCTest

@testable import FirmwareBuild

/// The test suite builds the bare-metal image, so the firmware cannot drift out of Embedded
/// Swift, and checks what came out: an ELF for the board's core, entry at the start-up code,
/// every section inside the board's RAM, the symbols the start-up code relies on, the cluster
/// boot linked in with its RAM region kept out of the image, and a flash image `strata flash`
/// accepts.
final class FirmwareImageTests: XCTestCase {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
  static let output = FileManager.default.temporaryDirectory.appendingPathComponent("strata-firmware-\(UUID().uuidString)")

  /// The images the tests look at (board file, triple; nil is the board's default), built once
  /// per run and side by side: each build is one single-threaded `swiftc -wmo`, so on a 2-core
  /// machine two take the time of one.
  static let images: [Result<(FirmwareLayout, FirmwareArtifacts), Error>] = {
    let wanted: [(String, String?)] = [("devkit.yaml", nil), ("cluster4.yaml", "riscv32-none-none-eabi"), ("devkit.yaml", "armv7em-none-none-eabi")]
    let lock = NSLock()
    var results = [Result<(FirmwareLayout, FirmwareArtifacts), Error>](repeating: .failure(CocoaError(.featureUnsupported)), count: wanted.count)
    DispatchQueue.concurrentPerform(iterations: wanted.count) { i in
      let result = Result { try build(wanted[i].0, triple: wanted[i].1, into: output.appendingPathComponent("\(i)")) }
      lock.lock()
      results[i] = result
      lock.unlock()
    }
    return results
  }()

  override class func tearDown() {
    try? FileManager.default.removeItem(at: output)
    super.tearDown()
  }

  static func build(_ boardFile: String, triple: String?, into out: URL) throws -> (FirmwareLayout, FirmwareArtifacts) {
    let board = try Board.load(path: root.appendingPathComponent("boards/\(boardFile)").path)
    let layout = try FirmwareLayout(board: board, triple: triple)
    let artifacts = try FirmwareBuilder(layout: layout, root: root, output: out).build()
    print("\(boardFile) \(layout.triple): \(artifacts.sizeReport(ramSize: layout.ramSize, stackSize: layout.stackSize))")
    return (layout, artifacts)
  }

  /// The region the cluster boot writes (its rings, then its shared buffer) as the linked ELF
  /// has it: inside RAM, 4 KiB aligned, big enough for what Main.swift places there, where the
  /// generated BoardLayout says, and disjoint from every other section and from the stack.
  func assertClusterRegion(_ elf: ELFFile, _ layout: FirmwareLayout, file: StaticString = #filePath, line: UInt = #line) {
    let context = "\(layout.boardName) \(layout.triple)"
    guard let start = elf.symbols["__cluster_start"], let end = elf.symbols["__cluster_end"],
          let section = elf.sections.first(where: { $0.name == ".cluster" })
    else { return XCTFail("\(context): no .cluster section or __cluster_start/__cluster_end", file: file, line: line) }
    XCTAssertTrue(section.isAllocated && section.hasNoBits, "\(context): NOLOAD, not in the flash image", file: file, line: line)
    XCTAssertEqual(section.address, start, context, file: file, line: line)
    XCTAssertEqual(section.address + section.size, end, context, file: file, line: line)
    XCTAssertEqual(start % 4096, 0, "\(context): 4 KiB aligned", file: file, line: line)
    XCTAssertEqual(start - layout.ramBase, layout.clusterRegionOffset, "\(context): where BoardLayout tells Main", file: file, line: line)
    // ClusterSettings: ringBytes per NTB port (4096), then sharedBufferBytes (4096).
    XCTAssertGreaterThanOrEqual(end - start, 4096 * UInt64(layout.ntbPorts) + 4096, context, file: file, line: line)
    let stack = layout.ramBase + layout.ramSize - layout.stackSize
    XCTAssertTrue(start >= layout.ramBase && end <= stack, "\(context): inside RAM, below the stack at \(stack)", file: file, line: line)
    for other in elf.sections where other.isAllocated && other.size > 0 && other.name != ".cluster" {
      XCTAssertTrue(other.address + other.size <= start || other.address >= end,
                    "\(context): \(other.name) overlaps the cluster region", file: file, line: line)
    }
    XCTAssertEqual(elf.symbols["__heap_end"], start, "\(context): the heap stops below the region", file: file, line: line)
    XCTAssertTrue(elf.symbols.keys.contains { $0.contains("11ClusterNode") }, "\(context): the cluster boot is linked in", file: file, line: line)
  }

  func testTheDevkitImageIsAnAArch64ELFInsideRAMWithAFlashableImage() throws {
    let (layout, artifacts) = try Self.images[0].get()
    let elf = artifacts.elfFile
    XCTAssertTrue(elf.is64Bit)
    XCTAssertEqual(elf.machine, 183, "EM_AARCH64")
    // devkit.yaml: ram_base 0x40000000, ram_size 1MiB.
    let ram = 0x4000_0000..<UInt64(0x4010_0000)
    XCTAssertEqual(elf.entry, ram.lowerBound, "the start-up code is linked first")
    XCTAssertEqual(elf.symbols["_start"], elf.entry)
    // No .init_array or other section the start-up code would not know to run or copy.
    XCTAssertEqual(Set(elf.sections.filter { $0.isAllocated && $0.size > 0 }.map(\.name)), [".text", ".rodata", ".data", ".bss", ".cluster"])
    for s in elf.sections where s.isAllocated && s.size > 0 {
      XCTAssertTrue(ram.contains(s.address) && s.address + s.size <= ram.upperBound, "\(s.name) at \(s.address) outside RAM")
    }
    for name in ["strata_main", "__bss_start", "__bss_end", "__data_start", "__data_end", "__data_load", "__stack_top",
                 "posix_memalign", "free"] {
      XCTAssertNotNil(elf.symbols[name], "symbol \(name)")
    }
    XCTAssertEqual(elf.symbols["__stack_top"], ram.upperBound)
    // devkit.yaml has no crosslinks: the region holds the 4 KiB shared buffer, just below the 16 KiB stack.
    XCTAssertEqual(layout.ntbPorts, 0)
    XCTAssertEqual(elf.symbols["__cluster_start"], ram.upperBound - 0x4000 - 0x1000)
    assertClusterRegion(elf, layout)
    XCTAssertTrue(elf.symbols.keys.contains { $0.hasPrefix("$e8Firmware9enumerate") }, "the enumeration is linked in")
    XCTAssertFalse(elf.symbols.keys.contains { $0.contains("ECAM") }, "configuration requests go through the switch, not an ECAM window")

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

  /// riscv32 on cluster4.yaml (two NTB ports a node: two rings and the buffer), armv7em on devkit.yaml.
  func testThirtyTwoBitCoresLinkToo() throws {
    for (image, triple, machine, entryThumb) in [(1, "riscv32-none-none-eabi", UInt16(243), false),
                                                 (2, "armv7em-none-none-eabi", UInt16(40), true)] {
      let (layout, artifacts) = try Self.images[image].get()
      XCTAssertEqual(layout.triple, triple)
      let elf = artifacts.elfFile
      XCTAssertFalse(elf.is64Bit, triple)
      XCTAssertEqual(elf.machine, machine, triple)
      XCTAssertEqual(elf.entry & ~1, elf.symbols["_start"].map { $0 & ~1 }, triple)
      XCTAssertEqual(elf.entry & 1 == 1, entryThumb, "\(triple): Thumb entry points have bit 0 set")
      XCTAssertNoThrow(try FirmwareImage(fileBytes: Array(try Data(contentsOf: artifacts.image))), triple)
      assertClusterRegion(elf, layout)
    }
  }

  func testTheLinkerScriptFollowsTheBoardsMemoryMap() throws {
    let board = try Board.load(path: Self.root.appendingPathComponent("boards/cluster4.yaml").path)
    let layout = try FirmwareLayout(board: board)
    let script = linkerScript(for: layout)
    // cluster4.yaml: ram_base 0x40000000, ram_size 4MiB; a ring of four nodes, two crosslinks
    // each: two 4 KiB rings and a 4 KiB buffer, 12 KiB below the 16 KiB stack at 0x3FC000.
    XCTAssertTrue(script.contains("RAM (rwx) : ORIGIN = 0x40000000, LENGTH = 0x400000"), script)
    XCTAssertEqual(layout.ntbPorts, 2)
    XCTAssertEqual(layout.clusterRegionSize, 0x3000)
    XCTAssertEqual(layout.clusterRegionOffset, 0x3F9000)
    XCTAssertTrue(script.contains("CLUSTER_REGION = ORIGIN(RAM) + 0x3F9000;"), script)
    XCTAssertTrue(script.contains("(NOLOAD)"), script)
    let constants = boardLayoutSource(for: layout)
    XCTAssertTrue(constants.contains("static let clusterRegionOffset: UInt64 = 0x3F9000"), constants)
    XCTAssertTrue(constants.contains("static let ntbPorts = 2"), constants)
    XCTAssertFalse(constants.contains("ecam"), constants)
  }

  func testARAMTooSmallForTheStackAndTheClusterRegionIsRefused() throws {
    var board = try Board.load(path: Self.root.appendingPathComponent("boards/cluster4.yaml").path)
    board.management.ramSize = 48 * 1024  // 16 KiB stack + 12 KiB region: more than half
    XCTAssertThrowsError(try FirmwareLayout(board: board)) { error in
      XCTAssertTrue("\(error)".contains("12288-byte cluster region (2 NTB ring(s) of 4096 bytes and a 4096-byte shared buffer)"), "\(error)")
      XCTAssertTrue("\(error)".contains("management.ram_size must be more than 57344 bytes"), "\(error)")
    }
    board.management.ramSize = 60 * 1024
    XCTAssertNoThrow(try FirmwareLayout(board: board))
    XCTAssertThrowsError(try FirmwareLayout(board: board, triple: "mips-none-none-elf")) { error in
      XCTAssertTrue("\(error)".contains("mips-none-none-elf has no start-up code"), "\(error)")
    }
  }
}
