import PCIe
import XCTest

/// Byte counts and lower addresses of read completions against the rows of PCIe Base
/// Specification 6.3, Table 2-40 ("Calculating Byte Count from Length and Byte Enables") and
/// Table 2-41 ("Calculating Lower Address from First DW BE"), entered here row by row.
final class TLPByteCountTests: XCTestCase {
  func read(length: Int, first: UInt8, last: UInt8, address: UInt64 = 0x1000) -> TLP {
    var tlp = TLP(kind: .memoryRead)
    tlp.length = length
    tlp.firstByteEnables = first
    tlp.lastByteEnables = last
    tlp.address = address
    return tlp
  }

  func testSingleDWRowsOfTable2_40() {
    let rows: [(first: UInt8, count: Int)] = [
      (0b1001, 4), (0b1111, 4), (0b1011, 4), (0b1101, 4), (0b0101, 3), (0b0111, 3), (0b1010, 3), (0b1110, 3),
      (0b0011, 2), (0b0110, 2), (0b1100, 2), (0b0001, 1), (0b0010, 1), (0b0100, 1), (0b1000, 1), (0b0000, 1),
    ]
    for row in rows {
      XCTAssertEqual(read(length: 1, first: row.first, last: 0).enabledByteCount, row.count, "First DW BE \(row.first)")
    }
  }

  func testMultiDWRowsOfTable2_40() {
    let length = 5
    // (First DW BE, Last DW BE, bytes less than Length * 4), one row per table line.
    let rows: [(UInt8, UInt8, Int)] = [
      (0b0001, 0b1000, 0), (0b1111, 0b0100, 1), (0b0101, 0b0010, 2), (0b0011, 0b0001, 3),
      (0b0010, 0b1000, 1), (0b1110, 0b0111, 2), (0b0110, 0b0011, 3), (0b1010, 0b0001, 4),
      (0b0100, 0b1111, 2), (0b1100, 0b0100, 3), (0b0100, 0b0010, 4), (0b1100, 0b0001, 5),
      (0b1000, 0b1000, 3), (0b1000, 0b0110, 4), (0b1000, 0b0011, 5), (0b1000, 0b0001, 6),
    ]
    for (first, last, less) in rows {
      XCTAssertEqual(read(length: length, first: first, last: last).enabledByteCount, length * 4 - less,
                     "First DW BE \(first), Last DW BE \(last)")
    }
  }

  func testRowsOfTable2_41() {
    let rows: [(first: UInt8, low: UInt8)] = [(0b0000, 0), (0b0001, 0), (0b1111, 0), (0b0010, 1), (0b1110, 1), (0b0100, 2),
                                               (0b1100, 2), (0b1000, 3)]
    for row in rows {
      // Lower Address[6:2] are address bits 6:2 of the request (0x1F4 => 0x74).
      XCTAssertEqual(read(length: 1, first: row.first, last: 0, address: 0x1F4).firstEnabledByteAddress, 0x74 | row.low)
    }
  }

  /// Figure 2-92 of the specification: Length 4, First DW BE 1000b, Last DW BE 0001b => Byte Count 10.
  func testTheExampleOfFigure2_92() {
    XCTAssertEqual(read(length: 4, first: 0b1000, last: 0b0001).enabledByteCount, 10)
  }

  func testTheBuildersEnableExactlyTheBytesAskedFor() {
    for start in 0..<8 {
      for count in 0..<20 {
        let tlp = TLP.memoryRead(address: 0x4000 + UInt64(start), byteCount: count, requester: PCIeID(rawValue: 1))
        XCTAssertEqual(tlp.enabledByteCount, max(count, 1), "\(count) bytes from offset \(start)")
        XCTAssertEqual(Int(tlp.firstEnabledByteAddress), count == 0 ? start & ~3 : start, "\(count) bytes from offset \(start)")
        XCTAssertEqual(tlp.validationProblems(), [], "\(count) bytes from offset \(start)")
      }
    }
  }
}
