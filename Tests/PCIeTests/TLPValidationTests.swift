import PCIe
import XCTest

/// Every rule `validationProblems()` enforces, each broken once on an otherwise valid TLP;
/// the message must name the field and the rule's section.
final class TLPValidationTests: XCTestCase {
  let me = PCIeID(bus: 1, device: 0, function: 0)

  func assertRefused(_ tlp: TLP, field: String, mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) {
    let problems = tlp.validationProblems()
    XCTAssertEqual(problems.count, 1, "\(problems)", file: file, line: line)
    guard let problem = problems.first else { return }
    XCTAssertEqual(problem.field, field, "\(problem)", file: file, line: line)
    for word in words { XCTAssertTrue(problem.description.contains(word), "'\(problem)' should mention '\(word)'", file: file, line: line) }
    XCTAssertThrowsError(try tlp.validate(), file: file, line: line)
  }

  func testAMemoryRequestMayNotCrossA4KiBBoundary() {
    assertRefused(TLP.memoryWrite(address: 0x1FFC, data: [UInt8](repeating: 0, count: 8), requester: me),
                  field: "Length", mentioning: ["4 KiB", "0x00002000"])
    assertRefused(TLP.memoryRead(address: 0xF00, byteCount: 512, requester: me), field: "Length", mentioning: ["4 KiB"])
    XCTAssertEqual(TLP.memoryRead(address: 0xF00, byteCount: 256, requester: me).validationProblems(), [], "ends exactly at 4 KiB")
  }

  func testConfigurationRequestsMoveOneDW() {
    var tlp = TLP.configRead(target: me, offset: 0, requester: me)
    tlp.length = 2
    tlp.lastByteEnables = 0
    // Length 2 with Last BE 0 also breaks the byte-enable rule; both are reported.
    XCTAssertEqual(tlp.validationProblems().map(\.field), ["Last DW BE", "Length"])
    var write = TLP.configWrite(target: me, offset: 0, value: 1, requester: me)
    write.lastByteEnables = 0xF
    assertRefused(write, field: "Last DW BE", mentioning: ["0000b", "Length is 1", "§2.2.5.1"])
  }

  func testThePayloadMustMatchLength() {
    var tlp = TLP.memoryWrite(address: 0x100, data: [1, 2, 3, 4, 5, 6, 7, 8], requester: me)
    tlp.payload.removeLast(4)
    assertRefused(tlp, field: "Length", mentioning: ["2 DWs", "4 bytes"])
    var read = TLP.memoryRead(address: 0x100, byteCount: 4, requester: me)
    read.payload = [0, 0, 0, 0]
    assertRefused(read, field: "Length", mentioning: ["no data"])
  }

  func testLengthIsReservedForCompletionsWithoutDataAndMessages() {
    var tlp = TLP.message(code: 0x20, routing: .local, requester: me)
    tlp.length = 1
    assertRefused(tlp, field: "Length", mentioning: ["reserved"])
  }

  func testByteEnablesFollowSection2_2_5() {
    var tlp = TLP.memoryWrite(address: 0x100, data: [UInt8](repeating: 0, count: 12), requester: me)
    tlp.firstByteEnables = 0b1011
    assertRefused(tlp, field: "First DW BE", mentioning: ["gap"])
    tlp.firstByteEnables = 0xF
    tlp.lastByteEnables = 0b0101
    assertRefused(tlp, field: "Last DW BE", mentioning: ["gap"])
    tlp.lastByteEnables = 0
    assertRefused(tlp, field: "Last DW BE", mentioning: ["must not be 0000b"])
    // A QW-aligned 2-DW request may leave gaps in both.
    var pair = TLP.memoryWrite(address: 0x108, data: [UInt8](repeating: 0, count: 8), requester: me)
    pair.firstByteEnables = 0b0101
    pair.lastByteEnables = 0b1010
    XCTAssertEqual(pair.validationProblems(), [])
  }

  func testAddressesBelow4GBUseThe32BitFormatAndAboveItThe64BitFormat() {
    var tlp = TLP.memoryRead(address: 0x1000, byteCount: 4, requester: me)
    tlp.uses64BitAddress = true
    assertRefused(tlp, field: "Fmt", mentioning: ["32-bit", "§2.2.4.1"])
    var high = TLP.memoryRead(address: 0x1_0000_1000, byteCount: 4, requester: me)
    high.uses64BitAddress = false
    assertRefused(high, field: "Fmt", mentioning: ["64-bit"])
  }

  func testCompletionRules() {
    let read = TLP.memoryRead(address: 0x100, byteCount: 8, requester: me)
    var cpl = TLP.completionWithData(answering: read, completer: me, data: [UInt8](repeating: 0, count: 8))
    XCTAssertEqual(cpl.validationProblems(), [])
    cpl.status = .completerAbort
    assertRefused(cpl, field: "Completion Status", mentioning: ["CA", "Cpl"])
    var long = TLP.completionWithData(answering: read, completer: me, data: [UInt8](repeating: 0, count: 16))
    long.byteCount = 8
    assertRefused(long, field: "Length", mentioning: ["exceed"])
    var modified = TLP.completion(answering: read, completer: me)
    modified.byteCountModified = true
    assertRefused(modified, field: "BCM", mentioning: ["never"])
  }

  func testFieldsThatDoNotFitTheirBits() {
    var tlp = TLP.memoryRead(address: 0x100, byteCount: 4, requester: me)
    tlp.trafficClass = 8
    assertRefused(tlp, field: "TC", mentioning: ["0...7"])
    tlp.trafficClass = 0
    tlp.tag = 1024
    assertRefused(tlp, field: "Tag", mentioning: ["10 bits"])
  }
}
