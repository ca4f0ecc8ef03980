import XCTest

import Board

/// The small queries other targets make of a board.
final class BoardModelTests: XCTestCase {
  let layout = FlashLayout(
    part: nil, jedecID: nil, size: 1 << 20,
    regions: [
      FlashRegion(name: "a", offset: 0, size: 0x1000, role: .slotA),
      FlashRegion(name: "extra", offset: 0x1000, size: 0x1000, role: .data),
      FlashRegion(name: "more", offset: 0x2000, size: 0x1000, role: .data),
    ])

  func testRegionsAreFoundByNameOrByRole() {
    XCTAssertEqual(layout.region(named: "more")?.offset, 0x2000)
    XCTAssertEqual(layout.region(role: .slotA)?.name, "a")
    XCTAssertEqual(layout.region(role: .data)?.name, "extra", "the first data region")
    XCTAssertNil(layout.region(named: "missing"))
    XCTAssertNil(layout.region(role: .boot))
  }

  func testANodesNTBPortsAreTheLinksThatEndAtItInFileOrder() {
    let ntb = NTBConfig(
      links: [NTBLink(a: 0, b: 1), NTBLink(a: 1, b: 2), NTBLink(a: 2, b: 0)], memoryWindows: 1, windowSize: 4096,
      lutEntries: 0, scratchpads: 16, doorbells: 1, linkLatencyCycles: 1)
    XCTAssertEqual(ntb.ntbPorts(ofNode: 2), [NTBLink(a: 1, b: 2), NTBLink(a: 2, b: 0)])
    XCTAssertEqual(ntb.ntbPorts(ofNode: 3), [])
  }

  func testALinkKnowsThePeerOfEitherEnd() {
    let link = NTBLink(a: 3, b: 5)
    XCTAssertEqual(link.peer(of: 3), 5)
    XCTAssertEqual(link.peer(of: 5), 3)
    XCTAssertNil(link.peer(of: 4))
  }
}
