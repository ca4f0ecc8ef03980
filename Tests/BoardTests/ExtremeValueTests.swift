import XCTest

import Board

/// Values at the edges of 64-bit arithmetic are refused with a message, never trapped on.
final class ExtremeValueTests: XCTestCase {
  func assertRefusedWithoutTrapping(_ original: String, _ replacement: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let yaml = try devkitText(replacing: original, with: replacement, file: file, line: line)
    XCTAssertFalse(errorMessages(parsing: yaml, file: file, line: line).isEmpty, file: file, line: line)
  }

  func testAMisalignedAddressAtTheTopOfTheAddressSpaceNamesOnlyTheMultipleBelow() throws {
    let yaml = try devkitText(replacing: "ram_base: 0x40000000", with: "ram_base: 0xFFFF_FFFF_FFFF_FFFF")
    XCTAssertEqual(
      errorMessages(parsing: yaml),
      ["management.ram_base: expected a multiple of 4KiB (0x1000), found 0xFFFF_FFFF_FFFF_FFFF; the nearest is 0xFFFFFFFFFFFFF000"])
  }

  func testASizeOneBelowTheLargestInteger() throws {
    try assertRefusedWithoutTrapping("ram_size: 1MiB", "ram_size: 0x7FFF_FFFF_FFFF_FFFF")
    try assertRefusedWithoutTrapping("window_size: 1MiB", "window_size: 0x7FFF_FFFF_FFFF_FFFF")
  }

  func testATierSizeThatIsNotWholePagesNearTheLargestInteger() throws {
    try assertRefusedWithoutTrapping("size: 256MiB,", "size: 0x7FFF_FFFF_FFFF_F001,")
  }

  func testAFlashRegionFarBeyondAnyFlash() throws {
    try assertRefusedWithoutTrapping("offset: 0xFF0000, size: 64KiB", "offset: 0x7FFF_FFFF_FFFF_F000, size: 0x7FFF_FFFF_FFFF_F000")
  }

  func testAFlashLargerThanSPINORCanAddressIsRefused() throws {
    let yaml = try devkitText(replacing: "  size: 16MiB ", with: "  size: 8GiB ")
    XCTAssertEqual(errorMessages(parsing: yaml), ["flash.size: expected a power of two from 4KiB to 4GiB, found 8GiB"])
  }
}
