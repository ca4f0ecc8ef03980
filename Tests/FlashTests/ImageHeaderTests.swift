import XCTest
@testable import Flash

final class ImageHeaderTests: XCTestCase {
  func testCRC32CheckValue() {
    XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
  }

  func testHeaderByteLayoutIsLittleEndian() {
    let h = ImageHeader(boardID: 0x1234, bodyLength: 0x0102_0304, bodyCRC: 0xA1B2_C3D4,
                        loadAddress: 0x1122_3344_5566_7788, entryPoint: 0x0000_0000_8000_0100, sequence: 7)
    let b = h.encoded
    XCTAssertEqual(b.count, 64)
    XCTAssertEqual(Array(b[0..<4]), [0x53, 0x54, 0x49, 0x4D])  // "STIM"
    XCTAssertEqual(Array(b[4..<6]), [0x01, 0x00])
    XCTAssertEqual(Array(b[6..<8]), [0x34, 0x12])
    XCTAssertEqual(Array(b[8..<12]), [0x04, 0x03, 0x02, 0x01])
    XCTAssertEqual(Array(b[12..<16]), [0xD4, 0xC3, 0xB2, 0xA1])
    XCTAssertEqual(Array(b[16..<24]), [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
    XCTAssertEqual(Array(b[24..<32]), [0x00, 0x01, 0x00, 0x80, 0, 0, 0, 0])
    XCTAssertEqual(Array(b[32..<40]), [7, 0, 0, 0, 0, 0, 0, 0])
    XCTAssertEqual(Array(b[40..<60]), [UInt8](repeating: 0, count: 20))
    let crc = CRC32.checksum(b[0..<60])
    XCTAssertEqual(Array(b[60..<64]), [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 24)])
    XCTAssertEqual(try ImageHeader.decode(b), h)
  }

  func testDecodeRejectsDamage() {
    var b = ImageHeader(boardID: 1, body: [1, 2, 3], loadAddress: 0, entryPoint: 0).encoded
    b[20] ^= 1
    XCTAssertThrowsError(try ImageHeader.decode(b)) { e in
      guard case ImageHeader.DecodeError.badHeaderCRC = e else { return XCTFail("\(e)") }
    }
    XCTAssertThrowsError(try ImageHeader.decode([UInt8](repeating: 0xFF, count: 64)))
  }

  func testImageFileValidation() throws {
    let body: [UInt8] = (0..<1000).map { UInt8($0 & 0xFF) }
    let file = FirmwareImage(header: ImageHeader(boardID: 3, body: body, loadAddress: 0x8000_0000, entryPoint: 0x8000_0000), body: body).fileBytes
    XCTAssertEqual(try FirmwareImage(fileBytes: file).body, body)
    var corrupt = file
    corrupt[100] ^= 0x40
    XCTAssertThrowsError(try FirmwareImage(fileBytes: corrupt, name: "fw.img")) { e in
      XCTAssertTrue("\(e)".contains("body CRC-32"), "\(e)")
      XCTAssertTrue("\(e)".contains("fw.img"), "\(e)")
    }
    XCTAssertThrowsError(try FirmwareImage(fileBytes: Array(file.dropLast()), name: "fw.img")) { e in
      XCTAssertTrue("\(e)".contains("999 after the header"), "\(e)")
    }
  }
}
