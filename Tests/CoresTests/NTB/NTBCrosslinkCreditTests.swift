import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Credit-based flow control on the crosslink (issue #6; `NTBCrosslinkCredits`): posted
/// writes must be able to pass a non-posted request that the far side cannot take (PCIe Base
/// Specification 6.3, Table 2-42 A3/A4: a posted request may pass a non-posted one, and must be
/// able to, or a credit pattern deadlocks). Node B's local side withholds non-posted credits;
/// A sends reads, then writes, through window 0; the writes must reach B's local side.
final class NTBCrosslinkCreditTests: SimulationTestCase {
  typealias Reference = NTBFunctionTests
  let reference = NTBReferenceModel(layout: NTBFunctionTests.layout)

  static let reads: [TLP] = (0..<12).map { (r: Int) -> TLP in
    let address: UInt64 = 0x9000_0000 + UInt64(r) * 0x40
    return TLP.memoryRead(address: address, byteCount: 64, requester: PCIeID(rawValue: 0x0100), tag: UInt16(r))
  }
  /// 64-byte writes: 4 data credits each, 32 in all, more than the 16 B advertises, so they
  /// pass only as B's receive buffer returns credits.
  static let writes: [TLP] = (0..<8).map { (w: Int) -> TLP in
    let data: [UInt8] = (0..<64).map { (b: Int) -> UInt8 in UInt8(truncatingIfNeeded: b * 3 + w) }
    let address: UInt64 = 0x9000_8000 + UInt64(w) * 0x40
    return TLP.memoryWrite(address: address, data: data, requester: PCIeID(rawValue: 0x0100), tag: UInt16(0x20 + w))
  }

  private func configured(_ h: NTBPairHarness) throws -> NTBPairHarness {
    try h.configure(.a, Reference.a)
    try h.configure(.b, Reference.b)
    try h.run(20)
    XCTAssertEqual(try h.read(.a, NTBLayout.linkStatus) & 1, 1, "link up after both sides enable it")
    return h
  }

  private func expected(_ tlps: [TLP]) -> [NTBReferenceModel.Outcome] {
    tlps.map { reference.outbound($0, sender: Reference.a, receiver: Reference.b, up: true) }
  }

  func testWritesPassReadsTheFarLocalSideCannotTake() throws {
    let latency = 5
    let model = try self.model(try Design(top: ntbPair(layout: Reference.layout, dataWidth: 64, linkLatency: latency,
                                                       crosslinkCredits: NTBCrosslinkCredits())))
    watch("a local in", "a_local_in")
    watch("b local out", "b_local_out")
    let h = try NTBPairHarness(model, layout: Reference.layout)
    let any = EgressRoom.anyTLP
    try h.setLocalRoom(.a, posted: any, nonPosted: any, completion: any)
    try h.setLocalRoom(.b, posted: any, nonPosted: 0, completion: any)
    h.refusesReads = [.b]
    _ = try configured(h)

    for tlp in Self.reads + Self.writes { h.send(tlp, on: .a) }
    try h.drain(200)
    XCTAssertEqual(h.received[1].map { NTBReferenceModel.Outcome.delivered($0) }, expected(Self.writes),
                   "every write crosses, in order, and no read reaches B's local side while it has no NP room")
    XCTAssertEqual(h.dropped(.b).peer, 0)

    // B's local side takes reads again: they follow in the order A sent them.
    try h.setLocalRoom(.b, posted: any, nonPosted: any, completion: any)
    h.refusesReads = []
    try h.run(200)
    XCTAssertEqual(h.received[1].map { NTBReferenceModel.Outcome.delivered($0) }, expected(Self.writes + Self.reads))
  }

  /// The same traffic on the plain ready/valid crosslink (the pair `NTBFunctionTests` builds):
  /// the first read held at B's local side holds every write behind it. This is what the test
  /// above guards against; it documents the old behaviour and shows that test can fail.
  func testWithoutCreditsAStalledReadHoldsTheWritesBehindIt() throws {
    let model = try self.model(try Design(top: ntbPair(layout: Reference.layout, dataWidth: 64)))
    let h = try configured(try NTBPairHarness(model, layout: Reference.layout))
    h.refusesReads = [.b]
    for tlp in Self.reads + Self.writes { h.send(tlp, on: .a) }
    for _ in 0..<400 { try h.step() }
    XCTAssertEqual(h.received[1], [], "nothing passes the first read")
    h.refusesReads = []
    try h.drain(100)
    XCTAssertEqual(h.received[1].map { NTBReferenceModel.Outcome.delivered($0) }, expected(Self.reads + Self.writes))
  }
}
