import XCTest

@testable import Board

/// How integers, sizes and durations are written in a board file.
final class QuantityParsingTests: XCTestCase {
  // MARK: Integers

  func testIntegersAreDecimalOrHexWithOptionalDigitGroups() {
    XCTAssertEqual(QuantityParsing.integer("250"), 250)
    XCTAssertEqual(QuantityParsing.integer("0x4000_0000"), 0x4000_0000)
    XCTAssertEqual(QuantityParsing.integer("0XEF4018"), 0xEF4018)
    XCTAssertEqual(QuantityParsing.integer("15_000_000"), 15_000_000)
    XCTAssertEqual(QuantityParsing.integer("-3"), -3)
  }

  func testMalformedIntegersAreRefused() {
    for text in ["", "0x", "1__0", "_1", "1_", "12a", "0x1G", "1.0", " 1", "--1", "9223372036854775808"] {
      XCTAssertNil(QuantityParsing.integer(text), text)
    }
  }

  func testAddressesMayUseAllSixtyFourBits() {
    XCTAssertEqual(QuantityParsing.unsigned("0xFFFF_FFFF_FFFF_FFFF"), UInt64.max)
    XCTAssertNil(QuantityParsing.unsigned("0x1_0000_0000_0000_0000"))
  }

  // MARK: Sizes

  func testSizesTakeBinaryUnitsWithOrWithoutASpace() {
    XCTAssertEqual(QuantityParsing.size("4KiB"), .success(4096))
    XCTAssertEqual(QuantityParsing.size("256 MiB"), .success(256 * 1_048_576))
    XCTAssertEqual(QuantityParsing.size("1GiB"), .success(1_073_741_824))
    XCTAssertEqual(QuantityParsing.size("2TiB"), .success(2 * 1_099_511_627_776))
    XCTAssertEqual(QuantityParsing.size("512B"), .success(512))
  }

  func testSizesMayBePlainOrHexBytes() {
    XCTAssertEqual(QuantityParsing.size("4096"), .success(4096))
    XCTAssertEqual(QuantityParsing.size("0x1000"), .success(4096))
  }

  func testSingleLetterUnitsAreBinaryAsInLinkerScripts() {
    XCTAssertEqual(QuantityParsing.size("4K"), .success(4096))
    XCTAssertEqual(QuantityParsing.size("16M"), .success(16 * 1_048_576))
    XCTAssertEqual(QuantityParsing.size("1G"), .success(1_073_741_824))
  }

  func testDecimalUnitsAreRefusedAsAmbiguous() {
    XCTAssertEqual(
      QuantityParsing.size("4KB"),
      .failure(.init(hint: "'KB' is ambiguous (1000 or 1024?); write KiB for the binary unit")))
    XCTAssertEqual(
      QuantityParsing.size("1 GB"),
      .failure(.init(hint: "'GB' is ambiguous (1000 or 1024?); write GiB for the binary unit")))
  }

  func testUnitsAreCaseSensitive() {
    XCTAssertEqual(QuantityParsing.size("4kib"), .failure(.init(hint: "units are case-sensitive: write KiB")))
  }

  func testAFractionalSizeSuggestsTheWholeNumberInASmallerUnit() {
    XCTAssertEqual(
      QuantityParsing.size("1.5MiB"), .failure(.init(hint: "sizes are whole numbers of a unit: write 1536KiB")))
  }

  func testUnknownUnitsAndWordsAreRefused() {
    XCTAssertEqual(
      QuantityParsing.size("4 pages"), .failure(.init(hint: "'pages' is not a size unit; use B, KiB, MiB, GiB or TiB")))
    XCTAssertEqual(QuantityParsing.size("big"), .failure(.init(hint: nil)))
  }

  func testASizeBeyondSixtyFourBitsIsRefused() {
    XCTAssertEqual(
      QuantityParsing.size("16777216TiB"), .failure(.init(hint: "that is more than the largest size, 2^63 - 1 bytes")))
  }

  // MARK: Durations

  func testDurationsAreNanosecondsFromAnyUnit() {
    XCTAssertEqual(QuantityParsing.duration("100ns"), .success(100))
    XCTAssertEqual(QuantityParsing.duration("80us"), .success(80_000))
    XCTAssertEqual(QuantityParsing.duration("80\u{00B5}s"), .success(80_000), "micro sign")
    XCTAssertEqual(QuantityParsing.duration("80\u{03BC}s"), .success(80_000), "Greek mu")
    XCTAssertEqual(QuantityParsing.duration("8ms"), .success(8_000_000))
    XCTAssertEqual(QuantityParsing.duration("4 ms"), .success(4_000_000))
    XCTAssertEqual(QuantityParsing.duration("2s"), .success(2_000_000_000))
  }

  func testFractionalDurationsAreExactWhenTheyAreWholeNanoseconds() {
    XCTAssertEqual(QuantityParsing.duration("2.5us"), .success(2500))
    XCTAssertEqual(QuantityParsing.duration("0.1us"), .success(100))
    XCTAssertEqual(
      QuantityParsing.duration("1.5ns"), .failure(.init(hint: "that is not a whole number of nanoseconds")))
  }

  func testADurationNeedsAKnownUnit() {
    XCTAssertEqual(QuantityParsing.duration("100"), .failure(.init(hint: "a duration needs a unit: ns, us, ms or s")))
    XCTAssertEqual(
      QuantityParsing.duration("3 min"), .failure(.init(hint: "'min' is not a duration unit; use ns, us, ms or s")))
    XCTAssertEqual(QuantityParsing.duration("soon"), .failure(.init(hint: nil)))
  }

  // MARK: Writing them back in messages

  func testMessagesWriteSizesInTheLargestWholeBinaryUnit() {
    XCTAssertEqual(SizeFormatting.size(4096), "4KiB")
    XCTAssertEqual(SizeFormatting.size(3 << 20), "3MiB")
    XCTAssertEqual(SizeFormatting.size(1536 << 10), "1536KiB")
    XCTAssertEqual(SizeFormatting.size(300), "300 bytes")
  }

  func testMessagesWriteRangesInHexPaddedToTheFlashSize() {
    XCTAssertEqual(SizeFormatting.range(0x10000, 0x410000, within: 16 << 20), "0x010000..<0x410000")
    XCTAssertEqual(SizeFormatting.range(0, 0x10000, within: 256 << 20), "0x0000000..<0x0010000")
  }
}
