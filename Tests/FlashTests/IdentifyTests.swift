import FTDIEmulator
import XCTest
@testable import Flash

final class IdentifyTests: XCTestCase {
  func testEveryTablePartIsIdentified() throws {
    for part in FlashParts.all {
      Emulator(jedecID: part.jedecID, size: part.size).reset()
      let s = try openSession()
      XCTAssertEqual(s.part.name, part.name)
      XCTAssertEqual(s.part.size, part.size)
      XCTAssertEqual(s.part.source, .table)
      // Reads work in the part's addressing mode, including above 16 MiB.
      Emulator.load([0xA5, 0x5A], at: part.size - 2)
      XCTAssertEqual(try s.flash.read(address: part.size - 2, count: 2), [0xA5, 0x5A], part.name)
      s.close()
    }
  }

  func testPartKnownOnlyThroughSFDP() throws {
    // GigaDevice GD25Q256-like id, not in the table: geometry from the emulator's SFDP.
    Emulator(jedecID: 0xC84019, size: 32 << 20).reset()
    let s = try openSession()
    XCTAssertEqual(s.part.source, .sfdp)
    XCTAssertEqual(s.part.size, 32 << 20)
    XCTAssertEqual(s.part.addressBytes, 4)
    XCTAssertEqual(s.part.eraseTypes.first?.size, 4096)
    XCTAssertEqual(s.part.eraseTypes.first?.opcode, 0x20)
    try s.programmer.write([1, 2, 3], at: (32 << 20) - 3)
    XCTAssertEqual(Emulator.bytes(((32 << 20) - 3)..<(32 << 20)), [1, 2, 3])
    s.close()
  }

  func testUnknownPartWithoutSFDP() {
    Emulator(jedecID: 0xC84018, sfdp: false).reset()
    XCTAssertThrowsError(try openSession()) { e in
      XCTAssertEqual(e as? FlashError, .unknownChip(jedecID: 0xC84018))
      XCTAssertTrue("\(e)".contains("0xC84018"), "\(e)")
    }
  }

  func testWrongJEDECIDForTheBoard() {
    Emulator(jedecID: 0xEF4018).reset()
    XCTAssertThrowsError(try openSession(FlashTarget(jedecID: 0xC22018))) { e in
      let m = "\(e)"
      XCTAssertEqual(e as? FlashError, .wrongChip(expected: 0xC22018, found: 0xEF4018, foundPart: "Winbond W25Q128JV"))
      XCTAssertTrue(m.contains("expects JEDEC id 0xC22018 but the chip reports 0xEF4018 (Winbond W25Q128JV)"), m)
    }
  }
}

final class FourByteOnlyTests: XCTestCase {
  func testSFDPPartThatOnlyTakesFourByteAddresses() throws {
    Emulator(jedecID: 0xC8401A, size: 64 << 20, addressMode: FEMU_ADDRESS_4_ONLY).reset()
    let s = try openSession()
    defer { s.close() }
    XCTAssertEqual(s.part.addressing, .fourByteOnly)
    XCTAssertEqual(s.part.size, 64 << 20)
    try s.programmer.write([9, 8, 7], at: (48 << 20) + 5)
    XCTAssertEqual(Emulator.bytes(((48 << 20) + 5)..<((48 << 20) + 8)), [9, 8, 7])
    XCTAssertEqual(Emulator.bytes(((16 << 20) + 5)..<((16 << 20) + 8)), [0xFF, 0xFF, 0xFF])
  }
}
