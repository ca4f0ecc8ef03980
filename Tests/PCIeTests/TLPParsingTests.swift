import PCIe
import XCTest

/// Parsing: every kind survives encode → parse unchanged (field by field, for random
/// field values), and byte strings that cannot be TLPs are refused with the field at fault.
final class TLPParsingTests: XCTestCase {
  func testRandomTLPsOfEveryKindRoundTrip() throws {
    var random = SystemRandomNumberGenerator()
    let seed = UInt64.random(in: 0...UInt64.max, using: &random)
    var rng = SplitMix64(seed: seed)
    for _ in 0..<2000 {
      let tlp = TLP.random(using: &rng)
      XCTAssertEqual(tlp.validationProblems(), [], "seed \(seed): generator made an invalid \(tlp.kind)")
      let parsed = try TLP(bytes: tlp.bytes)
      XCTAssertEqual(parsed, tlp, "seed \(seed): \(tlp.kind)")
      XCTAssertEqual(try TLP(dwordValues: tlp.dwordValues), tlp, "seed \(seed)")
    }
  }

  func testBytesThatAreNoTLPAreRefusedNamingTheField() {
    func refusal(_ bytes: [UInt8]) -> TLPError? {
      do { _ = try TLP(bytes: bytes); return nil } catch { return error }
    }
    XCTAssertEqual(refusal([0x40, 0, 0])?.field, "header")
    // Fmt 100b is a TLP prefix.
    XCTAssertEqual(refusal([0x80] + [UInt8](repeating: 0, count: 11))?.field, "Fmt")
    // Type 00011b is not defined; Fmt 001b Type 00100b (a 4DW configuration request) is reserved.
    XCTAssertEqual(refusal([0x03] + [UInt8](repeating: 0, count: 11))?.field, "Fmt/Type")
    XCTAssertEqual(refusal([0x24] + [UInt8](repeating: 0, count: 15))?.field, "Fmt/Type")
    XCTAssertTrue(refusal([0x24] + [UInt8](repeating: 0, count: 15))!.description.contains("Table 2-3"))
    // A 4DW header cut short.
    XCTAssertEqual(refusal([0x20, 0, 0, 1] + [UInt8](repeating: 0, count: 8))?.field, "Fmt")
    // MWr Length 2 with one DW of payload.
    let short = [0x40, 0, 0, 2] + [UInt8](repeating: 0, count: 12)
    XCTAssertEqual(refusal(short)?.field, "Length")
    XCTAssertTrue(refusal(short)!.description.contains("8 payload bytes but 4"))
    // Reserved completion status 011b.
    XCTAssertEqual(refusal([0x0A, 0, 0, 0, 0, 0, 0x60, 4, 0, 0, 0, 0])?.field, "Completion Status")
  }

  func testTheFlowControlClassOfEveryKind() {
    XCTAssertEqual(TLPKind.memoryWrite.flowControlClass, .posted)
    XCTAssertEqual(TLPKind.messageWithData(.byID).flowControlClass, .posted)
    XCTAssertEqual(TLPKind.memoryRead.flowControlClass, .nonPosted)
    XCTAssertEqual(TLPKind.configWrite1.flowControlClass, .nonPosted, "configuration writes are non-posted (§2.4.1)")
    XCTAssertEqual(TLPKind.ioWrite.flowControlClass, .nonPosted)
    XCTAssertEqual(TLPKind.completionWithData.flowControlClass, .completion)
  }
}
