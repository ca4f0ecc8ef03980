import FTDIEmulator
import Flash
import Foundation
import XCTest
import Board
@testable import strata

/// `strata flash` end to end, in process: board file -> FlashTarget -> libftdi1 -> emulator.
// Named so that `swift test --filter FlashTests` runs it too.
final class CLIFlashTests: XCTestCase {
  var dir: URL!

  override func setUp() {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("flash-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    var c = femu_config()
    femu_config_init(&c)
    XCTAssertEqual(femu_reset(&c), 0)  // W25Q128JV, as boards/devkit.yaml says
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: dir)
  }

  var board: String { Board.defaultBoardPath }

  func run(_ args: [String]) throws {
    let command = try FlashCommand.parseAsRoot(args) as! FlashCommand
    try command.run()
  }

  func imageFile(boardID: UInt16, size: Int) throws -> String {
    let body = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let image = FirmwareImage(header: ImageHeader(boardID: boardID, body: body, loadAddress: 0x4000_0000, entryPoint: 0x4000_0000), body: body)
    let url = dir.appendingPathComponent("fw-\(boardID)-\(size).img")
    try Data(image.fileBytes).write(to: url)
    return url.path
  }

  func testBoardFileMapsToTheFlashTarget() throws {
    let b = try Board.load(path: board)
    let t = FlashTarget(board: b)
    XCTAssertEqual(t.boardID, b.id)
    XCTAssertEqual(t.jedecID, b.flash.jedecID)
    XCTAssertEqual(t.cable.vendorID, b.cable.vendorID)
    XCTAssertEqual(t.cable.chipSelectPin, b.cable.chipSelect)
    XCTAssertEqual(t.cable.spiClockHz, b.cable.spiClockHz)
    XCTAssertEqual(t.regions.map(\.name), b.flash.regions.map(\.name))
    XCTAssertEqual(t.regions.first { $0.role == .slotA }?.offset, b.flash.region(role: .slotA)?.offset)
  }

  func testUpdateThenVerifyThenReadRegion() throws {
    let b = try Board.load(path: board)
    let fw = try imageFile(boardID: b.id, size: 10_000)
    try run(["--board", board, fw])
    try run(["--board", board, "--verify", fw])
    try run(["--board", board, "--info"])
    let out = dir.appendingPathComponent("slot.bin").path
    try run(["--board", board, "--read", out, "--region", b.flash.region(role: .slotA)!.name])
    let slot = [UInt8](FileManager.default.contents(atPath: out)!)
    XCTAssertEqual(slot.count, b.flash.region(role: .slotA)!.size)
    XCTAssertEqual(Array(slot[256..<(256 + 10_000)]), Array([UInt8](FileManager.default.contents(atPath: fw)!)[64...]))
  }

  func testRawWriteAtOffset() throws {
    let file = dir.appendingPathComponent("raw.bin")
    try Data([1, 2, 3, 4]).write(to: file)
    try run(["--board", board, "--raw", "--offset", "0x1000", file.path])
    let flash = UnsafeBufferPointer(start: femu_flash_data(), count: 0x1004)
    XCTAssertEqual(Array(flash[0x1000..<0x1004]), [1, 2, 3, 4])
    try run(["--board", board, "--raw", "--offset", "4KiB", "--verify", file.path])
  }

  func testImageIsRefusedBeforeTheCableIsOpened() throws {
    let fw = try imageFile(boardID: 0xBEEF, size: 100)
    femu_clear_counters()
    XCTAssertThrowsError(try run(["--board", board, fw])) { e in
      XCTAssertTrue("\(e)".contains("board id mismatch"), "\(e)")
    }
    XCTAssertEqual(femu_counters().control_transfers + femu_counters().bulk_out_transfers, 0)
  }

  func testArgumentValidation() {
    XCTAssertThrowsError(try FlashCommand.parseAsRoot(["--raw", "x"]))
    XCTAssertThrowsError(try FlashCommand.parseAsRoot(["--offset", "0", "x"]))
    XCTAssertEqual(FlashCommand.parseNumber("0x10000"), 65536)
    XCTAssertEqual(FlashCommand.parseNumber("64KiB"), 65536)
    XCTAssertEqual(FlashCommand.parseNumber("1MiB"), 1 << 20)
    XCTAssertNil(FlashCommand.parseNumber("lots"))
    XCTAssertTrue(FlashCommand.helpMessage().contains("53-strata-ftdi.rules"))
  }
}
