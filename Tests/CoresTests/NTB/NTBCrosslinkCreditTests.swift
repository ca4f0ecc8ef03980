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

  /// The pair with credits over a 5-cycle link, both local sides with room for anything.
  private func creditPair() throws -> NTBPairHarness {
    let model = try self.model(try Design(top: ntbPair(layout: Reference.layout, dataWidth: 64, linkLatency: 5,
                                                       crosslinkCredits: NTBCrosslinkCredits())))
    watch("a local in", "a_local_in")
    watch("a local out", "a_local_out")
    watch("b local in", "b_local_in")
    watch("b local out", "b_local_out")
    let h = try NTBPairHarness(model, layout: Reference.layout)
    for side in [NTBPairHarness.Side.a, .b] { try h.setLocalRoom(side, posted: any, nonPosted: any, completion: any) }
    return h
  }
  private let any = EgressRoom.anyTLP

  func testWritesPassReadsTheFarLocalSideCannotTake() throws {
    let h = try creditPair()
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

  /// Link down and up on the credit crosslink (PCIe Base Specification 6.3, §2.6.1: flow control
  /// initialises when the link comes up; §2.9.1: what is queued for a link that is down is
  /// discarded). A streams 64-byte writes to B, whose local side takes a beat every other cycle;
  /// the link drops while a write is half-way out of B's local side and stays down 30 cycles.
  /// Nothing hangs: that write is closed with a nullifying beat, the link comes back, and writes
  /// cross both ways again with fresh credits — 16 more from A (64 data credits, four times what
  /// B advertises, so UpdateFC works again) and 4 from B — each as `NTBReferenceModel` says, in order.
  /// Then the link drops for 2 cycles only while A streams (the rest of a write cut short on its
  /// way into A's egress is still coming when the link is back) and 8 more writes cross.
  func testLinkDownMidTrafficRestartsFlowControlAndTrafficFlowsAgain() throws {
    let h = try configured(try creditPair())
    h.localReady = { [unowned h] side in side == .a || h.cycle % 2 == 0 }
    let first = (0..<16).map(Self.write), second = (16..<32).map(Self.write)
    for w in first { h.send(w, on: .a) }
    var waited = 0
    while !(h.received[1].count >= 2 && h.receivingMidTLP(.b)) && waited < 2000 {
      try h.step()
      waited += 1
    }
    XCTAssertLessThan(waited, 2000, "B's local side never got half-way through a third write")
    h.setPhysicalLink(up: false)
    try h.run(30)
    XCTAssertEqual(h.nullified[1], 1, "the write cut short on B's local side is closed with a nullifying beat")
    XCTAssertFalse(h.receivingMidTLP(.b), "B's local side is not left waiting for the rest of a TLP")

    h.setPhysicalLink(up: true)
    try h.drain(60)
    XCTAssertEqual(try h.read(.a, NTBLayout.linkStatus) & 1, 1, "the link is up again after both ends announce themselves")
    let fromB = (0..<4).map { (w: Int) -> TLP in
      TLP.memoryWrite(address: 0x2_0000_0000 + UInt64(w) * 0x40, data: (0..<64).map { UInt8(truncatingIfNeeded: $0 + w) },
                      requester: PCIeID(rawValue: 0x0300), tag: UInt16(w))
    }
    for w in second { h.send(w, on: .a) }
    for w in fromB { h.send(w, on: .b) }
    try h.drain(300)
    XCTAssertEqual(Array(h.received[1].suffix(second.count).map { NTBReferenceModel.Outcome.delivered($0) }), expected(second),
                   "every write sent after the link came back crosses, in order")

    // A drop of 2 cycles while A streams: the write A's egress was taking when it restarted
    // must not leave in pieces once the link is back at once; then 8 more writes cross.
    let third = (32..<48).map(Self.write), fourth = (48..<56).map(Self.write)
    for w in third { h.send(w, on: .a) }
    let before = h.received[1].count
    waited = 0
    while h.received[1].count < before + 2 && waited < 2000 {
      try h.step()
      waited += 1
    }
    h.setPhysicalLink(up: false)
    try h.run(2)
    h.setPhysicalLink(up: true)
    try h.drain(60)
    for w in fourth { h.send(w, on: .a) }
    try h.drain(300)

    let arrived = h.received[1].map { NTBReferenceModel.Outcome.delivered($0) }
    let sent = expected(first + second + third + fourth)
    var next = sent.startIndex
    for outcome in arrived {
      guard let found = sent[next...].firstIndex(of: outcome) else {
        return XCTFail("\(outcome) reached B out of order, altered, or twice")
      }
      next = found + 1
    }
    XCTAssertEqual(Array(arrived.suffix(fourth.count)), expected(fourth), "every write sent after the short drop crosses, in order")
    XCTAssertLessThan(arrived.count, sent.count, "writes queued when the link dropped are discarded")
    XCTAssertEqual(h.received[0].map { NTBReferenceModel.Outcome.delivered($0) },
                   fromB.map { reference.outbound($0, sender: Reference.b, receiver: Reference.a, up: true) },
                   "B's writes cross to A after the link came back")
    XCTAssertEqual(h.nullified[0], 0)
  }

  /// A 64-byte write through A's window 0, the `n`-th of a stream.
  static func write(_ n: Int) -> TLP {
    let data: [UInt8] = (0..<64).map { (b: Int) -> UInt8 in UInt8(truncatingIfNeeded: b + n * 7) }
    return TLP.memoryWrite(address: 0x9000_8000 + UInt64(n) * 0x40, data: data, requester: PCIeID(rawValue: 0x0100), tag: UInt16(n))
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

  /// The receive buffer may offer another class's head in place of one that waits (a posted TLP
  /// arriving behind a completion held by a busy local side, when the turn favours posted): the
  /// function must decide on the head it is offered now, not keep the decision of the one before.
  /// A doorbell from B that replaces a waiting completion must ring, not leave on A's local side.
  func testAHeadReplacedWhileItWaitsIsDecidedAfresh() throws {
    let h = try configured(try creditPair())
    var reads: [TLP] = []
    for tag in 0..<2 {
      let read = TLP.memoryRead(address: 0x9000_0100, byteCount: 16, requester: PCIeID(rawValue: 0x0100), tag: UInt16(tag))
      h.send(read, on: .a)
      try h.drain(30)
      guard let arrived = h.received[1].last, arrived.kind == .memoryRead else { return XCTFail("read \(tag) did not reach B") }
      reads.append(arrived)
      // The second completion waits at A's local side, which takes nothing now.
      if tag == 1 { h.localReady = { $0 != .a } }
      h.send(TLP.completionWithData(answering: arrived, completer: PCIeID(rawValue: 0x2100), data: Array(repeating: UInt8(tag), count: 16)), on: .b)
      try h.drain(30)
    }
    XCTAssertEqual(h.received[0].count, 1, "the first completion came home, the second waits")
    try h.write(.b, NTBLayout.peerDoorbellSet(0), 1 << 5)
    try h.run(30)
    XCTAssertEqual(try h.read(.a, NTBLayout.doorbellStatus(0)), 1 << 5, "B's doorbell rang at A while the completion waited")
    h.localReady = { _ in true }
    try h.run(30)
    XCTAssertEqual(h.received[0].map(\.kind), [.completionWithData, .completionWithData], "only the two completions left A's local side")
  }

  /// `NTBRandomTrafficTests`' traffic on the pair with credits, and B's local side withholding
  /// non-posted room in random phases: every TLP is as `NTBReferenceModel` translates it; at B,
  /// writes arrive in the order sent, reads in the order sent, and no read passes a write sent
  /// before it (Table 2-42: a posted request may pass a non-posted one, A3; a read may not pass
  /// a posted request, B2a); B's writes reach A in order; every answer comes back. (This test does
  /// not single out the receive buffer's refusal — writes also pass at A's egress — the directed
  /// test above does.)
  func testRandomTrafficWithStalledReadsKeepsTheOrderingRules() throws {
    typealias Random = NTBRandomTrafficTests
    let h = try creditPair()
    var random = self.random("settings")
    var traffic = self.random("traffic")
    var backpressure = self.random("backpressure")
    let a = Random.randomSettings(bus: 0x10, aperture: 0x9000_0000, &random)
    let b = Random.randomSettings(bus: 0x20, aperture: 0x3_0000_0000, &random)
    try h.configure(.a, a)
    try h.configure(.b, b)
    try h.run(40)
    h.localReady = { _ in backpressure.chance(0.7) }

    var expectedAtB: [TLP] = [], expectedAtA: [TLP] = [], expectedAnswers: [TLP] = []
    var handledAtB = 0, stalledCycles = 0
    var bStalls = false, phases = true
    // B's memory answers each read that has arrived; B's NP room comes and goes in phases.
    func step() throws {
      if phases && backpressure.chance(0.02) {
        bStalls.toggle()
        try h.setLocalRoom(.b, posted: any, nonPosted: bStalls ? 0 : any, completion: any)
        h.refusesReads = bStalls ? [.b] : []
      }
      if bStalls { stalledCycles += 1 }
      try h.step()
      while handledAtB < h.received[1].count {
        let arrived = h.received[1][handledAtB]
        handledAtB += 1
        guard arrived.kind == .memoryRead else { continue }
        let data = (0..<(arrived.length * 4)).map { UInt8(truncatingIfNeeded: Int(arrived.address) + $0 * 7) }
        let completion = TLP.completionWithData(answering: arrived, completer: PCIeID(rawValue: 0x2100), data: data)
        h.send(completion, on: .b)
        if let back = reference.completionBack(completion, completerSide: b, requesterSide: a, up: true) { expectedAnswers.append(back) }
      }
    }
    let requests = 400
    for i in 0..<requests {
      let request = Random.randomRequest(a, tag: UInt16(i % 256), &traffic)
      h.send(request, on: .a)
      switch reference.outbound(request, sender: a, receiver: b, up: true) {
      case .delivered(let t): expectedAtB.append(t)
      case .unsupported(let c): expectedAnswers.append(c)
      case .dropped: break
      }
      if traffic.chance(0.3) {
        var write = Random.randomRequest(b, tag: UInt16(i % 256), &traffic)
        if write.kind == .memoryRead { write = TLP.memoryWrite(address: write.address, data: [1, 2, 3, 4], requester: write.requester, tag: write.tag) }
        h.send(write, on: .b)
        if case .delivered(let t) = reference.outbound(write, sender: b, receiver: a, up: true) { expectedAtA.append(t) }
      }
      for _ in 0..<Int.random(in: 0...12, using: &traffic) { try step() }
    }
    // Then B takes reads again, for good.
    try h.setLocalRoom(.b, posted: any, nonPosted: any, completion: any)
    h.refusesReads = []
    bStalls = false
    phases = false
    for _ in 0..<4000 { try step() }

    XCTAssertGreaterThan(expectedAtB.count, requests / 5, "enough traffic crosses to mean something")
    XCTAssertGreaterThan(stalledCycles, 100, "B withheld NP room for a while")
    let atB = h.received[1]
    XCTAssertEqual(atB.count, expectedAtB.count)
    let isWrite = { (t: TLP) in t.kind == .memoryWrite }
    XCTAssertEqual(atB.filter(isWrite), expectedAtB.filter(isWrite), "writes at B in the order sent")
    XCTAssertEqual(atB.filter { !isWrite($0) }, expectedAtB.filter { !isWrite($0) }, "reads at B in the order sent")
    // A read may not pass a write sent before it: count the writes ahead of each read.
    func writesAhead(_ tlps: [TLP]) -> [Int] {
      var writes = 0, ahead: [Int] = []
      for t in tlps { if isWrite(t) { writes += 1 } else { ahead.append(writes) } }
      return ahead
    }
    for (k, (got, sent)) in zip(writesAhead(atB), writesAhead(expectedAtB)).enumerated() where got < sent {
      XCTFail("read \(k) at B passed a write: \(got) writes before it, \(sent) were sent before it")
      break
    }
    XCTAssertGreaterThan(zip(writesAhead(atB), writesAhead(expectedAtB)).filter { $0 > $1 }.count, 0,
                         "some writes passed a stalled read (the point of the credits)")
    let atA = h.received[0]
    XCTAssertEqual(atA.filter(isWrite), expectedAtA, "B's writes reach A in order")
    var missing = expectedAnswers
    for t in atA where !isWrite(t) {
      if let i = missing.firstIndex(of: t) { missing.remove(at: i) } else { XCTFail("unexpected at A: \(t)") }
    }
    XCTAssertEqual(missing, [], "answers that never came back")
  }
}
