import XCTest
@testable import Flash

/// BFPT words encoded by hand from JESD216B section 6.4 and checked field by field.
final class SFDPTests: XCTestCase {
  static let dword1: UInt32 = 0xFFF9_20E5  // 4 KiB erase 0x20, bits 18:17 = 00 (3-byte)
  static let dword8: UInt32 = 0x520F_200C  // type 1: 2^12 op 0x20, type 2: 2^15 op 0x52
  static let dword9: UInt32 = 0x0000_D810  // type 3: 2^16 op 0xD8, type 4 unused
  // Max multiplier 3 -> x8; type 1: count 2 x 16 ms; type 2: count 0 x 128 ms; type 3: count 9 x 16 ms.
  static let dword10: UInt32 = 0x3 | (2 << 4) | (1 << 9) | (0 << 11) | (2 << 16) | (9 << 18) | (1 << 23)
  // Page 2^8; program typical count 5 x 64 us = 384 us; max multiplier 3 -> x8.
  static let dword11: UInt32 = 0x3 | (8 << 4) | (5 << 8) | (1 << 13)

  func table(density: UInt32, dword1: UInt32 = dword1) -> [UInt32] {
    [dword1, density, 0, 0, 0, 0, 0, Self.dword8, Self.dword9, Self.dword10, Self.dword11, 0, 0, 0, 0, 0]
  }

  func testBasicFlashParameterTable() throws {
    let p = try SFDP.part(jedecID: 0xC84018, basicTable: table(density: 0x07FF_FFFF))
    XCTAssertEqual(p.size, 16 << 20)
    XCTAssertEqual(p.pageSize, 256)
    XCTAssertEqual(p.addressing, .threeByte)
    XCTAssertEqual(p.eraseTypes.map(\.size), [4096, 32768, 65536])
    XCTAssertEqual(p.eraseTypes.map(\.opcode), [0x20, 0x52, 0xD8])
    XCTAssertEqual(p.eraseTypes.map(\.time.typicalNs), [48_000_000, 128_000_000, 160_000_000])
    XCTAssertEqual(p.eraseTypes.map(\.time.maxNs), [384_000_000, 1_024_000_000, 1_280_000_000])
    XCTAssertEqual(p.pageProgram, OperationTime(typicalNs: 384_000, maxNs: 3_072_000))
    XCTAssertEqual(p.source, .sfdp)
  }

  func testDensityAsPowerOfTwoAndFourByteAddressing() throws {
    let p = try SFDP.part(jedecID: 0x123456, basicTable: table(density: 0x8000_0000 | 28, dword1: Self.dword1 | (1 << 17)))
    XCTAssertEqual(p.size, 32 << 20)
    XCTAssertEqual(p.addressing, .enter4ByteMode(writeEnableFirst: false))
    let q = try SFDP.part(jedecID: 0x123456, basicTable: table(density: 0x8000_0000 | 28, dword1: Self.dword1 | (2 << 17)))
    XCTAssertEqual(q.addressing, .fourByteOnly)
    XCTAssertEqual(q.addressBytes, 4)
  }

  func testHeaderAndParameterHeaders() throws {
    // "SFDP", rev 1.6, NPH = 1 (two headers), then BFPT (FF00, 16 dwords at 0x80) and 4BAIT (FF84).
    let bytes: [UInt8] = [0x53, 0x46, 0x44, 0x50, 0x06, 0x01, 0x01, 0xFF,
                          0x00, 0x06, 0x01, 0x10, 0x80, 0x00, 0x00, 0xFF,
                          0x84, 0x00, 0x01, 0x02, 0xC0, 0x00, 0x00, 0xFF]
    let s = try SFDP.parseHeader(bytes)
    XCTAssertEqual(s.parameterHeaders.count, 2)
    XCTAssertEqual(s.basicTable?.pointer, 0x80)
    XCTAssertEqual(s.basicTable?.lengthDWords, 16)
    XCTAssertEqual(s.parameterHeaders[1].id, 0xFF84)
    XCTAssertThrowsError(try SFDP.parseHeader([UInt8](repeating: 0xFF, count: 16)))
  }
}
