import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Scratchpads across the crosslink (docs/switch.md, "Scratchpads"), on the same Verilated
/// `ntbPair`s `NTBFunctionTests` builds: a read of PEER_SCRATCHPAD_n is the peer's SCRATCHPAD_n
/// as it is now (ntb_peer_spad_read, as Intel's ntb_hw_gen1 reads it through the peer's
/// registers), checked against `NTBReferenceModel.Scratchpads`.
final class NTBScratchpadTests: SimulationTestCase {
  typealias L = NTBLayout
  typealias Side = NTBPairHarness.Side
  static let layout = NTBFunctionTests.layout

  /// Both sides programmed as in `NTBFunctionTests`, over a crosslink of `linkLatency` cycles.
  func configuredPair(linkLatency: Int = 0) throws -> NTBPairHarness {
    let model = try self.model(try Design(top: ntbPair(layout: Self.layout, dataWidth: 64, linkLatency: linkLatency)))
    watch("a mmio", "a_mmio")
    watch("b mmio", "b_mmio")
    let h = try NTBPairHarness(model, layout: Self.layout)
    try h.configure(.a, NTBFunctionTests.a)
    try h.configure(.b, NTBFunctionTests.b)
    try h.run(20 + 4 * linkLatency)
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 1, 1, "link up")
    return h
  }

  /// A read of PEER_SCRATCHPAD_n and the cycles it waited.
  func timedPeerRead(_ h: NTBPairHarness, _ side: Side, _ n: Int) throws -> (value: UInt32, cycles: Int) {
    let start = h.cycle
    let value = try h.read(side, L.peerScratchpad(n))
    return (value, h.cycle - start)
  }

  func testThePeersOwnWritesAndOurStrobedWritesAreSeenThroughPeerScratchpad() throws {
    let h = try configuredPair()
    try h.write(.b, L.scratchpad(5), 0x0B0B_0005)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(5)), 0x0B0B_0005, "B's own write, read by A")
    try h.write(.a, L.scratchpad(9), 0x0A0A_0009)
    XCTAssertEqual(try h.read(.b, L.peerScratchpad(9)), 0x0A0A_0009, "A's own write, read by B")
    // A writes B's scratchpad 2 and reads it at once: the read follows the posted write.
    try h.write(.a, L.peerScratchpad(2), 0x1234_5678)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(2)), 0x1234_5678, "our own write, read back across the link")
    // B overwrites it: A now reads B's value, not the one A wrote.
    try h.write(.b, L.scratchpad(2), 0x8765_4321)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(2)), 0x8765_4321)
    XCTAssertEqual(try h.read(.a, L.scratchpad(2)), 0, "A's own scratchpad 2 untouched")
    XCTAssertEqual(try h.read(.a, L.eventStatus) & 2, 0, "nothing dropped")
    // A write's byte strobes reach the peer: bytes 1 and 2 from A, 0 and 3 kept.
    try h.write(.b, L.scratchpad(7), 0x1122_3344)
    try h.access(.a, write: true, L.peerScratchpad(7), 0xAABB_CCDD, strobe: 0b0110)
    try h.run(8)
    XCTAssertEqual(try h.read(.b, L.scratchpad(7)), 0x11BB_CC44)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(7)), 0x11BB_CC44)
    // The read waits a round trip: A's request enters the operation queue at the edge that ends
    // the first cycle, crosses and is answered into B's reply register at the second, the value
    // crosses back into PEER_SCRATCHPAD at the third, and the register block answers in the
    // fourth. Over a link of L cycles each way, 4 + 2L (the next test).
    try h.write(.b, L.scratchpad(1), 77)
    let read = try timedPeerRead(h, .a, 1)
    XCTAssertEqual(read.value, 77)
    XCTAssertEqual(read.cycles, 4, "cycles of a peer scratchpad read over a direct crosslink")
  }

  /// Over a crosslink of 5 cycles each way. Both sides write B's scratchpad 4 before either
  /// write has crossed: B's own write takes effect at once, A's lands after it, so A's wins — and
  /// both sides read the same value. Then B writes its scratchpad 0 and rings A: A, reading B's
  /// scratchpad when the doorbell arrives, sees the new value (the read starts after the doorbell
  /// and reads B as it is then). A read waits 4 + 2 × 5 cycles.
  func testConcurrentWritesADoorbellAfterAWriteAndTheRoundTripOverALinkWithLatency() throws {
    let h = try configuredPair(linkLatency: 5)
    try h.write(.b, L.scratchpad(1), 78)
    let read = try timedPeerRead(h, .a, 1)
    XCTAssertEqual(read.value, 78)
    XCTAssertEqual(read.cycles, 4 + 2 * 5, "the link's latency counts twice, once each way")
    print("peer scratchpad read over 5 cycles each way: \(read.cycles) cycles")
    try h.write(.a, L.peerScratchpad(4), 0xAAAA_0004)
    try h.write(.b, L.scratchpad(4), 0xBBBB_0004)
    try h.run(12)
    XCTAssertEqual(try h.read(.b, L.scratchpad(4)), 0xAAAA_0004, "the write that reached the owner last")
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(4)), 0xAAAA_0004, "A reads what B holds")
    // The other way round: A's write has landed when B writes, so B's wins.
    try h.write(.b, L.scratchpad(4), 0xBBBB_0005)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(4)), 0xBBBB_0005)
    XCTAssertEqual(try h.read(.b, L.scratchpad(4)), 0xBBBB_0005)
    // B writes its scratchpad 0 and rings A, eight times.
    try h.write(.a, L.interruptRouting, 0)  // doorbells only
    for round in 1...8 {
      try h.write(.b, L.scratchpad(0), UInt32(round) * 0x0101)
      try h.write(.b, L.peerDoorbellSet(0), 1 << UInt32(round))
      while h.irq(.a) == 0 && h.cycle < 100_000 { try h.step() }
      XCTAssertEqual(try h.read(.a, L.peerScratchpad(0)), UInt32(round) * 0x0101, "round \(round)")
      try h.write(.a, L.doorbellStatus(0), 1 << UInt32(round))
    }
  }

  /// With the link down a peer read answers all ones and sets PEER_OP_DROPPED at once; a link
  /// that goes down while the read waits ends it the same way; once up, reads see the peer again.
  func testAPeerReadWithTheLinkDownAnswersAllOnes() throws {
    let h = try configuredPair()
    try h.write(.b, L.scratchpad(3), 0x3333)
    try h.write(.a, L.linkControl, 0)
    try h.run(4)
    let down = try timedPeerRead(h, .a, 3)
    XCTAssertEqual(down.value, 0xFFFF_FFFF)
    XCTAssertEqual(down.cycles, 2, "answered without crossing: all ones loaded in the first cycle, read in the second")
    XCTAssertEqual(try h.read(.a, L.eventStatus) & 2, 2, "PEER_OP_DROPPED")
    try h.write(.a, L.eventStatus, 2)
    XCTAssertEqual(try h.read(.b, L.peerScratchpad(3)), 0xFFFF_FFFF, "B is down too: A is not enabled")
    try h.write(.a, L.linkControl, 1)
    try h.run(10)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(3)), 0x3333)

    // Hold the crosslink from B to A (A's local side stalls with B's write to A half-way
    // through), so B's answer cannot come back; take the physical link down while A waits.
    var stalled = true
    h.localReady = { side in !(side == .a && stalled) }
    h.send(TLP.memoryWrite(address: 0x2_0000_0000, data: [UInt8](repeating: 0x5A, count: 256),
                           requester: PCIeID(rawValue: 0x0300), tag: 1), on: .b)
    try h.run(30)
    var waited = 0
    let (value, _) = try h.access(.a, write: false, L.peerScratchpad(3)) { cycles in
      waited = cycles
      if cycles == 20 { h.setPhysicalLink(up: false) }
    }
    XCTAssertEqual(value, 0xFFFF_FFFF, "the link went down under the read")
    XCTAssertEqual(waited, 20, "it waited until then")
    XCTAssertEqual(try h.read(.a, L.eventStatus) & 2, 2, "PEER_OP_DROPPED")
    stalled = false
    h.setPhysicalLink(up: true)
    try h.drain(20)
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 1, 1, "up again")
    try h.write(.b, L.scratchpad(3), 0x4444)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(3)), 0x4444, "a fresh answer")
  }

  /// Random scratchpad traffic from both sides — own and peer writes with random byte strobes,
  /// own and peer reads, the link taken down and up — every read against the model.
  func testRandomScratchpadTrafficMatchesTheModel() throws {
    let h = try configuredPair()
    var random = self.random("scratchpads")
    var model = NTBReferenceModel.Scratchpads(count: Self.layout.scratchpads)
    model.up = true
    var reads = 0, peerReads = 0, dropped = 0
    for step in 0..<300 {
      let side = Int.random(in: 0...1, using: &random)
      let s: Side = side == 0 ? .a : .b
      let n = Int.random(in: 0..<Self.layout.scratchpads, using: &random)
      let value = UInt32.random(in: 0...UInt32.max, using: &random)
      let strobe = UInt8.random(in: 0...15, using: &random)
      // The link goes down (or comes back) every 40 steps; otherwise a random operation.
      let kind = step % 40 == 39 ? 19 : Int.random(in: 0..<19, using: &random)
      switch kind {
      case 0..<5:
        try h.access(s, write: true, L.scratchpad(n), value, strobe: UInt64(strobe))
        model.write(side, n, value, strobe: strobe)
      case 5..<10:
        try h.access(s, write: true, L.peerScratchpad(n), value, strobe: UInt64(strobe))
        model.writePeer(side, n, value, strobe: strobe)
        try h.run(4)  // let it land before the owner acts
      case 10..<14:
        XCTAssertEqual(try h.read(s, L.scratchpad(n)), model.read(side, n), "step \(step): \(s) SCRATCHPAD_\(n)")
        reads += 1
      case 14..<19:
        XCTAssertEqual(try h.read(s, L.peerScratchpad(n)), model.readPeer(side, n), "step \(step): \(s) PEER_SCRATCHPAD_\(n)")
        peerReads += 1
      default:
        model.up.toggle()
        try h.write(s, L.linkControl, model.up ? 1 : 0)
        if model.up { try h.write(s == .a ? .b : .a, L.linkControl, 1) }
        try h.run(10)
        XCTAssertEqual(try h.read(.a, L.linkStatus) & 1, model.up ? 1 : 0, "step \(step): link")
        dropped += model.up ? 0 : 1
      }
      for (k, side) in [Side.a, .b].enumerated() {
        let flagged = try h.read(side, L.eventStatus) & 2 == 2
        XCTAssertEqual(flagged, model.dropped[k], "step \(step): \(side) PEER_OP_DROPPED")
        if flagged { try h.write(side, L.eventStatus, 2); model.clearDropped(k) }
      }
    }
    for n in 0..<Self.layout.scratchpads {
      XCTAssertEqual(try h.read(.a, L.scratchpad(n)), model.read(0, n))
      XCTAssertEqual(try h.read(.b, L.scratchpad(n)), model.read(1, n))
    }
    XCTAssertGreaterThan(peerReads, 30)
    XCTAssertGreaterThan(reads, 20)
    XCTAssertEqual(dropped, 4, "the link went down at steps 39, 119, 199, 279")
  }
}
