import PCIe
import XCTest

/// Table 2-42 of PCIe Base Specification 6.3, cell by cell (row: the later TLP, column: the earlier).
final class OrderingTests: XCTestCase {
  let a = PCIeID(bus: 1, device: 0, function: 0), b = PCIeID(bus: 2, device: 0, function: 0)
  var write: TLP { .memoryWrite(address: 0x1000, data: [1, 2, 3, 4], requester: a) }
  var read: TLP { .memoryRead(address: 0x2000, byteCount: 4, requester: a, tag: 1) }
  var configWrite: TLP { .configWrite(target: b, offset: 0x10, value: 0, requester: a, tag: 2) }
  var completion: TLP { .completionWithData(answering: .memoryRead(address: 0, byteCount: 4, requester: b, tag: 9), completer: a, data: [0, 0, 0, 0]) }

  func with(_ tlp: TLP, _ attributes: TLPAttributes, requester: PCIeID? = nil) -> TLP {
    var t = tlp
    t.attributes = attributes
    if let requester { t.requester = requester }
    return t
  }

  func testRowA_PostedRequests() {
    XCTAssertEqual(write.passingRule(over: write), .mustNotPass, "A2a")
    XCTAssertEqual(with(write, .relaxedOrdering).passingRule(over: write), .mayPass, "A2b, RO")
    XCTAssertEqual(with(write, .idBasedOrdering, requester: b).passingRule(over: write), .mayPass, "A2b, IDO, other requester")
    XCTAssertEqual(with(write, .idBasedOrdering).passingRule(over: write), .mustNotPass, "A2b, IDO, same requester")
    XCTAssertEqual(write.passingRule(over: read), .mustBeAbleToPass, "A3")
    XCTAssertEqual(write.passingRule(over: configWrite), .mustBeAbleToPass, "A4")
    XCTAssertEqual(write.passingRule(over: completion), .mayPass, "A5a")
  }

  func testRowsB_and_C_NonPostedRequests() {
    XCTAssertEqual(read.passingRule(over: write), .mustNotPass, "B2a")
    XCTAssertEqual(with(read, .relaxedOrdering).passingRule(over: write), .mustNotPass, "B2b: RO does not free a read")
    XCTAssertEqual(with(read, .idBasedOrdering, requester: b).passingRule(over: write), .mayPass, "B2b, IDO")
    XCTAssertEqual(configWrite.passingRule(over: write), .mustNotPass, "C2a")
    XCTAssertEqual(with(configWrite, .relaxedOrdering).passingRule(over: write), .mayPass, "C2b, RO")
    for earlier in [read, configWrite, completion] {
      XCTAssertEqual(read.passingRule(over: earlier), .mayPass, "B3-B5")
      XCTAssertEqual(configWrite.passingRule(over: earlier), .mayPass, "C3-C5")
    }
  }

  func testRowD_Completions() {
    XCTAssertEqual(completion.passingRule(over: write), .mustNotPass, "D2a")
    XCTAssertEqual(with(completion, .relaxedOrdering).passingRule(over: write), .mayPass, "D2b, RO")
    var other = write
    other.requester = b
    XCTAssertEqual(with(completion, .idBasedOrdering).passingRule(over: other), .mayPass, "D2b, IDO: completer a ≠ requester b")
    XCTAssertEqual(with(completion, .idBasedOrdering).passingRule(over: write), .mustNotPass, "D2b, IDO: completer a = requester a")
    XCTAssertEqual(completion.passingRule(over: read), .mustBeAbleToPass, "D3")
    XCTAssertEqual(completion.passingRule(over: configWrite), .mustBeAbleToPass, "D4")
    XCTAssertEqual(completion.passingRule(over: completion), .mustNotPass, "D5b: same transaction")
    var another = completion
    another.tag = 10
    XCTAssertEqual(another.passingRule(over: completion), .mayPass, "D5a: different transactions")
  }

  func testDifferentTrafficClassesAreUnordered() {
    var late = read
    late.trafficClass = 3
    XCTAssertEqual(late.passingRule(over: write), .mayPass)
  }
}
