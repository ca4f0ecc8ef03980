import HDL
import XCTest

/// BitVector's integer conversions: literal widths, two's complement, refusing values that do not fit.
final class BitVectorIntegerTests: XCTestCase {
  func testALiteralTakesTheFewestBitsThatHoldIt() {
    let nine: BitVector = 0x1ff, zero: BitVector = 0, top: BitVector = 0x8000_0000_0000_0000
    XCTAssertEqual(nine.width, 9)
    XCTAssertEqual(nine.uint64, 0x1ff)
    XCTAssertEqual(zero.width, 1)
    XCTAssertEqual(top.width, 64)
  }

  func testExactConversionRefusesValuesThatDoNotFit() {
    XCTAssertEqual(BitVector(exactly: 255, width: 8)?.uint64, 255)
    XCTAssertNil(BitVector(exactly: 256, width: 8))
    // Two's complement: -128 fits 8 bits, -129 needs 9.
    XCTAssertEqual(BitVector(exactly: -128, width: 8)?.uint64, 0x80)
    XCTAssertNil(BitVector(exactly: -129, width: 8))
    XCTAssertEqual(BitVector(exactly: -1, width: 100)?.words, [.max, (1 << 36) - 1], "sign extends across words")
  }

  func testIntegersFromVectors() {
    let wide = BitVector(width: 100, words: [0x1234, 1])
    XCTAssertNil(UInt64(exactly: wide), "bit 64 is set")
    XCTAssertEqual(UInt64(truncatingIfNeeded: wide), 0x1234)
    XCTAssertEqual(UInt8(exactly: BitVector(width: 32, value: 200)), 200)
    XCTAssertNil(Int8(exactly: BitVector(width: 32, value: 200)), "200 needs 8 bits unsigned, more than Int8 holds")
    XCTAssertEqual(Int(exactly: BitVector(width: 3, value: 5)), 5)
  }
}
