import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import XCTest

/// The NTB driver (Sources/Firmware/NTB) on both sides of a Verilated `ntbPair`, every call a
/// cycle-accurate register transaction through `SimulatedHAL`. Expected values come from
/// docs/switch.md ("The NTB function") and the devkit board's shape, not from the driver.
final class NTBDriverTests: SimulationTestCase {
  func testTheDriverReadsTheShapeOfTheBoardsNTBFunction() throws {
    let nodes = try ntbNodes()
    let d = try nodes.driver(0)
    XCTAssertEqual(d.memoryWindowCount, 2)
    XCTAssertEqual(d.scratchpadCount, 16)
    XCTAssertEqual(d.doorbellCount, 64)
    XCTAssertEqual(d.doorbellValidMask, .max)
    XCTAssertEqual(d.vectorCount, 4)
    XCTAssertEqual(d.messageCount, 4)
    XCTAssertEqual(nodes.hals[0].faults, [])
  }

  func testNothingAtTheBaseIsRefusedByName() throws {
    let nodes = try ntbNodes()
    // 0x1000_0000 is neither the register block nor the RAM; the root port's read gets UR.
    XCTAssertThrowsError(try NTBDriver(hal: nodes.hals[0], base: 0x1000_0000)) { error in
      XCTAssertEqual(error as? NTBError, .noFunction(info: 0xFFFF_FFFF))
    }
    XCTAssertEqual(nodes.hals[0].faults.count, 1, "the all-ones read is recorded as a fault")
  }

  func testLinkComesUpWithSpeedAndWidthGoesDownAndComesBack() throws {
    let nodes = try ntbNodes()
    let (a, b) = (try nodes.driver(0), try nodes.driver(1))
    try nodes.boot(a, node: 0)
    nodes.system.step(20)
    XCTAssertFalse(a.isLinkUp, "one side enabled is not a link")
    try nodes.boot(b, node: 1)
    nodes.system.step(20)
    // The fixture drives link_speed 3 (8 GT/s) and link_width 8.
    XCTAssertEqual(a.linkState(), NTBLinkState(isUp: true, peerEnabled: true, speed: 3, width: 8))
    XCTAssertEqual(b.linkState(), NTBLinkState(isUp: true, peerEnabled: true, speed: 3, width: 8))
    XCTAssertEqual(nodes.hals[0].waitForInterrupt(lines: 1, timeoutCycles: 0), 1, "link change raises vector 0")
    XCTAssertTrue(a.clearLinkEvent())
    XCTAssertEqual(nodes.hals[0].waitForInterrupt(lines: 0xF, timeoutCycles: 0), 0)

    b.linkDisable()
    nodes.system.step(20)
    XCTAssertFalse(a.isLinkUp)
    XCTAssertFalse(a.linkState().peerEnabled)
    XCTAssertEqual(nodes.hals[0].waitForInterrupt(lines: 1, timeoutCycles: 100), 1, "the peer going away is a link change too")
    XCTAssertThrowsError(try a.ringPeer(1)) { XCTAssertEqual($0 as? NTBError, .linkDown) }
    XCTAssertThrowsError(try a.writePeerScratchpad(0, 1)) { XCTAssertEqual($0 as? NTBError, .linkDown) }
    XCTAssertThrowsError(try a.windowAlignment(0)) { XCTAssertEqual($0 as? NTBError, .linkDown) }

    b.linkEnable()
    nodes.system.step(20)
    XCTAssertTrue(a.isLinkUp)
    nodes.setPhysicalLink(up: false)
    nodes.system.step(5)
    XCTAssertFalse(a.isLinkUp || b.isLinkUp, "losing the physical link takes both sides down")
    nodes.setPhysicalLink(up: true)
    nodes.system.step(20)
    XCTAssertTrue(a.isLinkUp && b.isLinkUp, "both still enabled: the link returns when the crosslink does")
    XCTAssertEqual(nodes.hals[0].faults + nodes.hals[1].faults, [])
  }

  func testAWindowWriteLandsAtTheTranslatedAddressOnThePeer() throws {
    let nodes = try ntbNodes(linkLatency: 5)
    let drivers = try nodes.bootBoth()
    let (a, b) = (drivers[0], drivers[1])
    XCTAssertEqual(try a.windowAlignment(1), NTBWindowAlignment(addressAlignment: 4096, sizeAlignment: 4096, maximumSize: 1 << 20))
    let window = try a.windowAddress(1)
    XCTAssertEqual(window.base, NTBPairNodes.apertureBase + (1 << 20), "window 1 follows window 0 in the aperture")
    XCTAssertEqual(window.size, 1 << 20)

    // B's buffer at RAM + 0x4000; A points window 1 at it, 8 KiB.
    let buffer = NTBPairNodes.ramBase + 0x4000
    try a.setTranslation(window: 1, peerAddress: buffer, size: 8192)
    let values: [UInt32] = [0xDEAD_BEEF, 0x0123_4567, 0x89AB_CDEF, 0x5555_AAAA]
    for (i, v) in values.enumerated() { nodes.hals[0].write32(window.base + 0x1000 + UInt64(4 * i), v) }
    nodes.system.step(20)
    for (i, v) in values.enumerated() {
      XCTAssertEqual(nodes.hals[1].read32(buffer + 0x1000 + UInt64(4 * i)), v, "B's firmware reads its own RAM")
    }
    XCTAssertEqual(nodes.hals[0].read32(window.base + 0x1004), values[1], "and A reads it back through the window")
    XCTAssertEqual(nodes.sides[1].served.first?.requester.rawValue, 0x2000, "inbound with B's bus and A's proxy entry 0")

    // Past the 8 KiB translated: refused, nothing arrives, the read gets all ones.
    let servedBefore = nodes.sides[1].served.count
    XCTAssertEqual(nodes.hals[0].read32(window.base + 8192), 0xFFFF_FFFF)
    XCTAssertEqual(nodes.hals[0].faults.count, 1)
    XCTAssertTrue(a.takeEvents().requestRefused)
    XCTAssertEqual(nodes.sides[1].served.count, servedBefore)

    XCTAssertThrowsError(try a.setTranslation(window: 0, peerAddress: buffer + 0x800, size: 4096)) {
      XCTAssertEqual($0 as? NTBError, .addressMisaligned(address: buffer + 0x800, alignment: 4096))
    }
    XCTAssertThrowsError(try a.setTranslation(window: 0, peerAddress: buffer, size: 12288)) {
      XCTAssertEqual($0 as? NTBError, .sizeNotAllowed(size: 12288, alignment: 4096, maximum: 1 << 20))
    }
    XCTAssertThrowsError(try a.setTranslation(window: 2, peerAddress: buffer, size: 4096)) {
      XCTAssertEqual($0 as? NTBError, .windowOutOfRange(window: 2, count: 2))
    }
    try a.clearTranslation(window: 1)
    XCTAssertEqual(nodes.hals[0].read32(window.base), 0xFFFF_FFFF, "a cleared window translates nothing")
    _ = b
  }

  func testDoorbellsMasksAndVectors() throws {
    let nodes = try ntbNodes()
    let drivers = try nodes.bootBoth()
    let (a, b) = (drivers[0], drivers[1])
    XCTAssertEqual(try b.vectorMask(0), .max, "every doorbell starts on vector 0")
    try b.routeDoorbells(0xF0 | 1 << 40, to: 2)
    XCTAssertEqual(try b.vectorMask(2), 0xF0 | 1 << 40)
    XCTAssertEqual(try b.vectorMask(0), ~(0xF0 | 1 << 40))
    try b.maskDoorbells(1 << 5)
    XCTAssertEqual(b.doorbellMask(), 1 << 5)

    try a.ringPeer(1 << 5 | 1 << 63)
    nodes.system.step(10)
    XCTAssertEqual(b.readDoorbells(), 1 << 5 | 1 << 63, "a masked doorbell still records its status")
    XCTAssertEqual(nodes.hals[1].waitForInterrupt(lines: 0xF, timeoutCycles: 0), 1, "bit 63 on vector 0; bit 5 masked")
    try b.clearDoorbells(1 << 63)
    XCTAssertEqual(nodes.hals[1].waitForInterrupt(lines: 0xF, timeoutCycles: 0), 0)
    try b.unmaskDoorbells(1 << 5)
    XCTAssertEqual(nodes.hals[1].waitForInterrupt(lines: 0xF, timeoutCycles: 0), 1 << 2, "bit 5 now raises its vector, 2")
    try b.clearDoorbells(1 << 5)
    try a.ringPeer(1 << 40)
    XCTAssertEqual(nodes.hals[1].waitForInterrupt(lines: 0xF, timeoutCycles: 50), 1 << 2)
    XCTAssertThrowsError(try b.vectorMask(4)) { XCTAssertEqual($0 as? NTBError, .vectorOutOfRange(vector: 4, count: 4)) }
  }

  func testScratchpadsBothWays() throws {
    let nodes = try ntbNodes(linkLatency: 5)
    let drivers = try nodes.bootBoth()
    let (a, b) = (drivers[0], drivers[1])
    for n in 0..<16 { try a.writePeerScratchpad(n, 0x1000 + UInt32(n)) }
    try b.writePeerScratchpad(15, 0xCAFE)
    nodes.system.step(20)
    XCTAssertEqual(try (0..<16).map { try b.readScratchpad($0) }, (0..<16).map { 0x1000 + UInt32($0) })
    XCTAssertEqual(try a.readScratchpad(15), 0xCAFE)
    XCTAssertEqual(try a.readPeerScratchpad(3), 0x1003, "B's scratchpad 3, which A wrote")
    try b.writeScratchpad(0, 7)
    XCTAssertEqual(try b.readScratchpad(0), 7)
    XCTAssertEqual(try a.readPeerScratchpad(0), 7, "ntb_peer_spad_read: what B wrote there itself")
    try b.writeScratchpad(3, 0x3003)
    XCTAssertEqual(try a.readPeerScratchpad(3), 0x3003, "B's own write replaced A's")
    XCTAssertEqual(try b.readPeerScratchpad(15), 0xCAFE)
    b.linkDisable()
    nodes.system.step(20)
    XCTAssertThrowsError(try a.readPeerScratchpad(0)) { XCTAssertEqual($0 as? NTBError, .linkDown) }
    XCTAssertThrowsError(try a.readScratchpad(16)) { XCTAssertEqual($0 as? NTBError, .scratchpadOutOfRange(index: 16, count: 16)) }
  }

  func testMessagesAreNeverOverwrittenAndRefusedWhileTheLinkIsDown() throws {
    let nodes = try ntbNodes(linkLatency: 5)
    let drivers = try nodes.bootBoth()
    let (a, b) = (drivers[0], drivers[1])
    try a.sendMessage(1, 0x1111)
    nodes.system.step(10)
    XCTAssertEqual(b.messageStatus().inbound, 0b10)
    XCTAssertEqual(try b.readMessage(1), 0x1111)
    XCTAssertEqual(try b.readMessage(0), nil)
    XCTAssertEqual(a.messageStatus().outboundFull, 0b10)
    XCTAssertThrowsError(try a.sendMessage(1, 0x2222)) { XCTAssertEqual($0 as? NTBError, .messageBusy(index: 1)) }
    try b.releaseMessage(1)
    nodes.system.step(10)
    XCTAssertEqual(a.messageStatus().outboundFull, 0)
    try a.sendMessage(1, 0x2222)
    nodes.system.step(10)
    XCTAssertEqual(try b.readMessage(1), 0x2222)

    b.linkDisable()
    nodes.system.step(10)
    XCTAssertThrowsError(try a.sendMessage(2, 0x3333)) { XCTAssertEqual($0 as? NTBError, .messageRefused(index: 2)) }
    XCTAssertEqual(a.messageStatus().refused, 0, "the driver clears the refusal it reported")
    XCTAssertThrowsError(try a.sendMessage(4, 0)) { XCTAssertEqual($0 as? NTBError, .messageOutOfRange(index: 4, count: 4)) }
  }
}
