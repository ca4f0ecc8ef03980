import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Two NTB functions joined by their crosslink (`ntbPair`) under Verilator, programmed through
/// their management ports as a driver would, checked against `NTBReferenceModel` and against
/// the register semantics of docs/switch.md.
final class NTBFunctionTests: SimulationTestCase {
  typealias L = NTBLayout
  /// The devkit board's `ntb:` section: 2 windows of 1 MiB, 32 LUT entries, 16 scratchpads, 64 doorbells.
  static let layout = try! NTBLayout(memoryWindows: 2, windowSize: 1 << 20, lutEntries: 32, scratchpads: 16, doorbells: 64)
  let reference = NTBReferenceModel(layout: NTBFunctionTests.layout)

  /// Node A: window 0 direct to B's 0x1_2345_6000 (64-bit), window 1 through the LUT.
  static let a = NTBSettings(
    localBus: 0x10, apertureBase: 0x9000_0000,
    windows: [.init(valid: true, lookup: false, sizeLog2: 16, translation: 0x1_2345_6000),
              .init(valid: true, lookup: true, sizeLog2: 20, translation: 0)],
    lut: (0..<32).map { e in .init(valid: e % 4 != 3, peer: e == 6 ? 1 : 0, translation: 0x4000_0000 + UInt64(e) * 0x1_0000 * 3) },
    requesters: [.init(valid: true, id: 0x0100), .init(valid: false, id: 0x0108), .init(valid: true, id: 0x0208)])
  /// Node B: window 0 direct to A's 0x8000_0000 (32-bit).
  static let b = NTBSettings(
    localBus: 0x20, apertureBase: 0x2_0000_0000,
    windows: [.init(valid: true, lookup: false, sizeLog2: 20, translation: 0x8000_0000),
              .init(valid: false, lookup: false, sizeLog2: 20, translation: 0)],
    lut: [], requesters: [.init(valid: true, id: 0x0300)])

  func pair() throws -> NTBPairHarness {
    let model = try self.model(try Design(top: ntbPair(layout: Self.layout, dataWidth: 64)))
    watch("a local in", "a_local_in")
    watch("a local out", "a_local_out")
    watch("b local in", "b_local_in")
    watch("b local out", "b_local_out")
    watch("a mmio", "a_mmio")
    watch("b mmio", "b_mmio")
    return try NTBPairHarness(model, layout: Self.layout)
  }

  func configuredPair() throws -> NTBPairHarness {
    let h = try pair()
    try h.configure(.a, Self.a)
    try h.configure(.b, Self.b)
    try h.run(20)
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 1, 1, "link up after both sides enable it")
    XCTAssertEqual(h.irq(.a), 1, "the link change, on vector 0 after reset")
    // Acknowledge the link change, as a driver's link event handler does.
    try h.write(.a, L.eventStatus, 1)
    try h.write(.b, L.eventStatus, 1)
    XCTAssertEqual(h.irq(.a) | h.irq(.b), 0)
    return h
  }

  func testWritesLandAtTheTranslatedAddressOnTheFarSide() throws {
    let h = try configuredPair()
    let writes = [
      TLP.memoryWrite(address: 0x9000_0124, data: Array(0..<16), requester: PCIeID(rawValue: 0x0100), tag: 1),  // window 0, 64-bit result
      TLP.memoryWrite(address: 0x9010_0000 + 5 * 0x8000 + 0x40, data: Array(100..<164), requester: PCIeID(rawValue: 0x0208), tag: 2),  // LUT entry 5
      TLP.memoryWrite(address: 0x9000_FFF0, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], requester: PCIeID(rawValue: 0x0100)),  // last 16 bytes of 64 KiB
    ]
    for w in writes { h.send(w, on: .a) }
    try h.drain()
    let expected = writes.map { reference.outbound($0, sender: Self.a, receiver: Self.b, up: true) }
    XCTAssertEqual(h.received[1].map { NTBReferenceModel.Outcome.delivered($0) }, expected)
    // Worked by hand: 0x1_2345_6000 + 0x124, proxy ID 20:00.0 (B's bus, entry 0).
    XCTAssertEqual(h.received[1].first?.address, 0x1_2345_6124)
    XCTAssertEqual(h.received[1].first?.requester.rawValue, 0x2000)
    XCTAssertEqual(h.received[1].dropFirst().first?.address, 0x4000_0000 + 5 * 0x3_0000 + 0x40)
    XCTAssertEqual(h.received[1].dropFirst().first?.requester.rawValue, 0x2002, "entry 2 of A's table")
    XCTAssertEqual(h.received[0], [])

    // And the other way: B's window 0 lands below 4 GiB in A, as a 3DW request.
    let back = TLP.memoryWrite(address: 0x2_0000_0010, data: [0xAA, 0xBB, 0xCC, 0xDD], requester: PCIeID(rawValue: 0x0300), tag: 9)
    h.send(back, on: .b)
    try h.drain()
    XCTAssertEqual(h.received[0].last?.address, 0x8000_0010)
    XCTAssertEqual(h.received[0].last?.headerDWs, 3)
    XCTAssertEqual(h.received[0].last?.requester.rawValue, 0x1000)
    XCTAssertEqual(h.received[0].last?.payload, [0xAA, 0xBB, 0xCC, 0xDD])
  }

  func testReadCompletionsReturnThroughTheRequesterIDTable() throws {
    let h = try configuredPair()
    let read = TLP.memoryRead(address: 0x9000_0400, byteCount: 32, requester: PCIeID(rawValue: 0x0208), tag: 0x2A)
    h.send(read, on: .a)
    try h.drain()
    guard case .delivered(let arriving) = reference.outbound(read, sender: Self.a, receiver: Self.b, up: true) else {
      return XCTFail("the model refuses the read")
    }
    XCTAssertEqual(h.received[1], [arriving])
    XCTAssertEqual(arriving.requester.rawValue, 0x2002)
    // B's memory answers the proxy requester; the completion finds its way home.
    let data = (0..<32).map { UInt8($0 * 3) }
    let completion = TLP.completionWithData(answering: arriving, completer: PCIeID(rawValue: 0x2100), data: data)
    h.send(completion, on: .b)
    try h.drain()
    let home = reference.completionBack(completion, completerSide: Self.b, requesterSide: Self.a, up: true)
    XCTAssertEqual(h.received[0], home.map { [$0] } ?? [])
    XCTAssertEqual(h.received[0].first?.requester.rawValue, 0x0208, "the original requester")
    XCTAssertEqual(h.received[0].first?.tag, 0x2A, "the tag is kept")
    XCTAssertEqual(h.received[0].first?.payload, data)

    // A completion for an entry that is not valid at A is dropped there.
    var stray = completion
    stray.requester = PCIeID(rawValue: 0x2001)
    h.send(stray, on: .b)
    try h.drain()
    XCTAssertEqual(h.received[0].count, 1)
    XCTAssertEqual(h.dropped(.a).peer, 1)
  }

  func testRefusedRequestsGetUnsupportedRequestOrAreDropped() throws {
    let h = try configuredPair()
    let requests = [
      TLP.memoryRead(address: 0x9000_0000, byteCount: 4, requester: PCIeID(rawValue: 0x0108), tag: 1),  // entry not valid
      TLP.memoryRead(address: 0x9001_0000, byteCount: 4, requester: PCIeID(rawValue: 0x0100), tag: 2),  // past SIZE_LOG2 16
      TLP.memoryRead(address: 0x9010_0000 + 3 * 0x8000, byteCount: 4, requester: PCIeID(rawValue: 0x0100), tag: 3),  // LUT entry 3 invalid
      TLP.memoryRead(address: 0x9010_0000 + 6 * 0x8000, byteCount: 4, requester: PCIeID(rawValue: 0x0100), tag: 4),  // LUT entry 6: peer 1
      TLP.memoryRead(address: 0x9010_0000 + 0x7FFC, byteCount: 8, requester: PCIeID(rawValue: 0x0100), tag: 5),  // crosses into entry 1
      TLP.memoryRead(address: 0x9020_0000, byteCount: 4, requester: PCIeID(rawValue: 0x0100), tag: 6),  // past the aperture
      TLP.memoryWrite(address: 0x8FFF_FFFC, data: [1, 2, 3, 4], requester: PCIeID(rawValue: 0x0100)),  // below the aperture
      TLP.memoryWrite(address: 0x9000_FFFC, data: [1, 2, 3, 4, 5, 6, 7, 8], requester: PCIeID(rawValue: 0x0100)),  // crosses SIZE_LOG2
    ]
    for r in requests { h.send(r, on: .a) }
    try h.drain()
    var unsupported: [TLP] = []
    var dropped = 0
    for r in requests {
      switch reference.outbound(r, sender: Self.a, receiver: Self.b, up: true) {
      case .delivered(let t): XCTFail("the model delivers \(t)")
      case .unsupported(let c): unsupported.append(c)
      case .dropped: dropped += 1
      }
    }
    XCTAssertEqual(unsupported.count, 6)
    XCTAssertEqual(h.received[0], unsupported)
    XCTAssertEqual(h.received[0].first?.status, .unsupportedRequest)
    XCTAssertEqual(h.received[0].first?.completer.rawValue, 0x1000, "completer: A's bus, device 0")
    XCTAssertEqual(h.received[1], [], "nothing crossed")
    XCTAssertEqual(h.dropped(.a).local, UInt64(dropped))
    XCTAssertEqual(try h.read(.a, L.eventStatus) & 4, 4, "REQUEST_REFUSED")
  }

  /// §7.5.1.1.3: a function whose Bus Master Enable is clear issues no memory requests. B's
  /// function issues on B's side what A's requesters send through A's windows, so B's bit
  /// decides: a read is answered across the link with UR from B's function (00:00.0 on B's bus,
  /// 0x20) and reaches its requester through A's requester-ID table; a write is dropped; both
  /// count at B and set REQUEST_REFUSED. An MSI waits for the bit. Set again, traffic flows as
  /// the reference model says.
  func testBusMasterEnableGovernsWhatTheFunctionIssuesOnItsLocalSide() throws {
    let h = try configuredPair()
    h.setBusMaster(.b, false)
    let read = TLP.memoryRead(address: 0x9000_0040, byteCount: 24, requester: PCIeID(rawValue: 0x0208), tag: 0x15)
    let write = TLP.memoryWrite(address: 0x9000_0080, data: Array(0..<12), requester: PCIeID(rawValue: 0x0100), tag: 3)
    h.send(write, on: .a)
    h.send(read, on: .a)
    // B's MSI for a doorbell, while B is not a bus master.
    try h.write(.b, L.msiAddressLow, 0xFEE0_1000)
    try h.write(.b, L.msiData, 0x4560)
    try h.write(.b, L.msiControl, 1)
    try h.write(.a, L.peerDoorbellSet(0), 1)  // doorbell 0: vector 0
    try h.drain()
    XCTAssertEqual(h.received[1], [], "B issues nothing on its local side: not the write, not the read, not the MSI")
    XCTAssertEqual(h.received[0], [.completion(answering: read, completer: PCIeID(rawValue: 0x2000), status: .unsupportedRequest)],
                   "the read's UR, home with the original requester 02:01.0 and tag")
    XCTAssertEqual(h.dropped(.b).peer, 2)
    XCTAssertEqual(try h.read(.b, L.eventStatus) & 4, 4, "REQUEST_REFUSED")
    XCTAssertEqual(h.dropped(.a).local, 0, "A forwarded both: the refusal is B's")

    h.setBusMaster(.b, true)
    try h.run(10)
    XCTAssertEqual(h.received[1].map(\.address), [0xFEE0_1000], "the waiting MSI goes once B is a bus master")
    h.send(write, on: .a)
    h.send(read, on: .a)
    try h.drain()
    let expected = [write, read].map { reference.outbound($0, sender: Self.a, receiver: Self.b, up: true) }
    XCTAssertEqual(h.received[1].dropFirst().map { NTBReferenceModel.Outcome.delivered($0) }, expected)
    XCTAssertEqual(h.dropped(.b).peer, 2, "nothing more refused")
  }

  func testDoorbellsSetMaskClearInterruptAndMSI() throws {
    let h = try configuredPair()
    // B: doorbell 1 → vector 1, doorbell 3 → vector 2, doorbell 40 → vector 3; doorbell 5 masked.
    try h.write(.b, L.doorbellVectors(0), 1 << 2 | 2 << 6)
    try h.write(.b, L.doorbellVectors(2), 3 << 16)  // doorbell 40 = register 2, k = 8
    try h.write(.b, L.doorbellMask(0), 1 << 5)
    try h.write(.a, L.peerDoorbellSet(0), 0b10_1010)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.doorbellStatus(0)), 0b10_1010, "doorbells 1, 3, 5 set")
    XCTAssertEqual(h.irq(.b), 0b0110, "vectors 1 and 2; doorbell 5 is masked")
    XCTAssertEqual(h.irq(.a), 0, "A's own doorbells are untouched")
    try h.write(.a, L.peerDoorbellSet(1), 1 << 8)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.doorbellStatus(1)), 1 << 8, "doorbell 40")
    XCTAssertEqual(h.irq(.b), 0b1110)
    try h.write(.b, L.doorbellStatus(0), 0b00_1010)  // ntb_db_clear of 1 and 3
    XCTAssertEqual(try h.read(.b, L.doorbellStatus(0)), 0b10_0000)
    XCTAssertEqual(h.irq(.b), 0b1000)
    try h.write(.b, L.doorbellMask(0), 0)  // unmask 5: vector 0
    XCTAssertEqual(h.irq(.b), 0b1001)

    // MSI: vector 2 rising sends one write of MSI_DATA with the vector in its low bits.
    try h.write(.b, L.msiAddressLow, 0xFEE0_1000)
    try h.write(.b, L.msiAddressHigh, 0)
    try h.write(.b, L.msiData, 0x4560)
    try h.write(.b, L.msiControl, 1)
    try h.write(.a, L.peerDoorbellSet(0), 1 << 3)
    try h.run(10)
    XCTAssertEqual(h.received[1].count, 1)
    let msi = h.received[1].first
    XCTAssertEqual(msi?.kind, .memoryWrite)
    XCTAssertEqual(msi?.address, 0xFEE0_1000)
    XCTAssertEqual(msi?.requester.rawValue, 0x2000)
    XCTAssertEqual(msi?.payload, [0x62, 0x45, 0, 0], "0x4560 with vector 2 in bits 1:0, little-endian")
    try h.write(.a, L.peerDoorbellSet(0), 1 << 3)
    try h.run(10)
    XCTAssertEqual(h.received[1].count, 1, "no MSI while the vector's line stays high")
  }

  func testScratchpadsAndMessagesBothWays() throws {
    let h = try configuredPair()
    try h.write(.a, L.peerScratchpad(3), 0xDEAD_BEEF)
    try h.write(.b, L.peerScratchpad(15), 0x0123_4567)
    try h.write(.a, L.scratchpad(0), 0x1111_2222)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.scratchpad(3)), 0xDEAD_BEEF)
    XCTAssertEqual(try h.read(.a, L.scratchpad(15)), 0x0123_4567)
    XCTAssertEqual(try h.read(.a, L.scratchpad(0)), 0x1111_2222, "a local write")
    XCTAssertEqual(try h.read(.b, L.scratchpad(0)), 0, "stays local")

    // B routes messages to vector 3.
    try h.write(.b, L.interruptRouting, 3 << 8 | 1 << 16 | 1 << 17)
    try h.write(.a, L.outboundMessage(1), 0xCAFE_0001)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.messageStatus) & 0xF, 0b0010, "IN1")
    XCTAssertEqual(try h.read(.b, L.inboundMessage(1)), 0xCAFE_0001)
    XCTAssertEqual(h.irq(.b) & 0b1000, 0b1000, "message vector 3")
    XCTAssertEqual(try h.read(.a, L.messageStatus) >> 8 & 0xF, 0b0010, "A sees OUT_FULL 1")
    // A second message in register 1 is refused until B releases the first.
    try h.write(.a, L.outboundMessage(1), 0xCAFE_0002)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.inboundMessage(1)), 0xCAFE_0001, "not overwritten")
    XCTAssertEqual(try h.read(.a, L.messageStatus) >> 16 & 0xF, 0b0010, "REFUSED1")
    try h.write(.b, L.messageStatus, 0b0010)
    try h.run(10)
    XCTAssertEqual(try h.read(.a, L.messageStatus) >> 8 & 0xF, 0, "released")
    XCTAssertEqual(h.irq(.b) & 0b1000, 0)
    try h.write(.a, L.outboundMessage(1), 0xCAFE_0002)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.inboundMessage(1)), 0xCAFE_0002)
    // And from B to A.
    try h.write(.b, L.outboundMessage(3), 0x0B0B_0B0B)
    try h.run(10)
    XCTAssertEqual(try h.read(.a, L.messageStatus) & 0xF, 0b1000)
    XCTAssertEqual(try h.read(.a, L.inboundMessage(3)), 0x0B0B_0B0B)
  }

  func testLinkDownUpAndTheDisableBarrier() throws {
    let h = try configuredPair()
    try h.write(.b, L.interruptRouting, 2 | 1 << 16)  // link changes on vector 2
    // A stream of writes; A disables its link while they flow.
    let writes = (0..<40).map { i in
      TLP.memoryWrite(address: 0x9000_0000 + UInt64(i) * 64, data: (0..<32).map { UInt8(truncatingIfNeeded: $0 + i) },
                      requester: PCIeID(rawValue: 0x0100), tag: UInt16(i))
    }
    for w in writes { h.send(w, on: .a) }
    h.recordStarts = true
    try h.run(37)
    let disabledAt = h.cycle
    try h.write(.a, L.linkControl, 0)
    try h.drain()
    let passed = h.starts[0].filter { $0 <= disabledAt }.count
    XCTAssertGreaterThan(passed, 0)
    XCTAssertLessThan(passed, writes.count)
    XCTAssertEqual(h.received[1].count, passed, "exactly the writes that started before the disable crossed")
    XCTAssertEqual(h.received[1].map(\.tag), writes.prefix(passed).map(\.tag))
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 3, 0b10, "A down; B still enabled")
    XCTAssertEqual(try h.read(.b, L.linkStatus) & 3, 0b00, "B down: A is not enabled")
    XCTAssertEqual(try h.read(.b, L.eventStatus) & 1, 1, "LINK_CHANGED at B")
    XCTAssertEqual(h.irq(.b), 0b0100, "on vector 2")
    // While down, peer operations are not sent.
    try h.write(.a, L.peerScratchpad(1), 7)
    try h.run(10)
    XCTAssertEqual(try h.read(.b, L.scratchpad(1)), 0)
    XCTAssertEqual(try h.read(.a, L.eventStatus) & 2, 2, "PEER_OP_DROPPED")
    // Up again: traffic passes.
    try h.write(.a, L.linkControl, 1)
    try h.run(10)
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 1, 1)
    let after = TLP.memoryWrite(address: 0x9000_0800, data: [9, 9, 9, 9], requester: PCIeID(rawValue: 0x0100), tag: 99)
    h.send(after, on: .a)
    try h.drain()
    XCTAssertEqual(h.received[1].last?.tag, 99)
    // The physical link going away takes the link down on both sides; it comes back by itself.
    h.setPhysicalLink(up: false)
    try h.run(5)
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 3, 0)
    h.setPhysicalLink(up: true)
    try h.run(10)
    XCTAssertEqual(try h.read(.a, L.linkStatus) & 3, 3)
    XCTAssertEqual(try h.read(.b, L.linkStatus) & 3, 3)
  }

  /// ntb_pingpong over a crosslink of 5 cycles each way: A and B ring each other's doorbells in
  /// turn, one bit further each round through all 64, the ringer writing its spad 0 to the peer;
  /// each ring arrives 2 + 5 cycles after the write (two cycles of NTB logic, worked out in
  /// docs/switch.md, plus the link). Latency 5, as the firmware's NTB tests: one model for both.
  func testDoorbellPingPongAcrossALinkWithLatency() throws {
    let latency = 5
    let model = try self.model(try Design(top: ntbPair(layout: Self.layout, dataWidth: 64, linkLatency: latency)))
    let h = try NTBPairHarness(model, layout: Self.layout)
    for side in [NTBPairHarness.Side.a, .b] {
      try h.write(side, L.interruptRouting, 0)  // doorbells only
      try h.write(side, L.linkControl, 1)
    }
    try h.run(4 * latency)
    XCTAssertEqual(try h.read(.b, L.linkStatus) & 1, 1)
    var ringer = NTBPairHarness.Side.a
    for round in 0..<64 {
      let peer: NTBPairHarness.Side = ringer == .a ? .b : .a
      try h.write(ringer, L.peerScratchpad(0), UInt32(round))
      let bit = UInt64(1) << UInt64(round)
      try h.write(ringer, L.peerDoorbellSet(0), UInt32(truncatingIfNeeded: bit))
      let lowWritten = h.cycle - 1
      try h.write(ringer, L.peerDoorbellSet(1), UInt32(truncatingIfNeeded: bit >> 32))
      let rang = round < 32 ? lowWritten : h.cycle - 1  // the cycle of the write that carries the bit
      while h.irq(peer) == 0 && h.cycle < rang + 100 { try h.step() }
      XCTAssertEqual(h.cycle - rang, 2 + latency, "round \(round): cycles from the ring to the peer's interrupt")
      let status = UInt64(try h.read(peer, L.doorbellStatus(1))) << 32 | UInt64(try h.read(peer, L.doorbellStatus(0)))
      XCTAssertEqual(status, bit, "round \(round)")
      XCTAssertEqual(try h.read(peer, L.scratchpad(0)), UInt32(round), "the scratchpad write arrived before the doorbell")
      try h.write(peer, L.doorbellStatus(0), UInt32(truncatingIfNeeded: bit))
      try h.write(peer, L.doorbellStatus(1), UInt32(truncatingIfNeeded: bit >> 32))
      XCTAssertEqual(h.irq(peer), 0)
      ringer = peer
    }
  }

  /// When the crosslink is held up (B's local side stalls with a write from A half-way through
  /// it), peer operations queue (4) and the next write to a peer register waits on the
  /// management port instead of being lost; everything arrives in order once B's side moves.
  func testPeerOperationsWaitWhileTheCrosslinkIsHeldUp() throws {
    let h = try configuredPair()
    var stalled = true
    h.localReady = { side in !(side == .b && stalled) }
    for i in 0..<3 {
      h.send(TLP.memoryWrite(address: 0x9000_0000 + UInt64(i) * 256, data: [UInt8](repeating: UInt8(i), count: 256),
                             requester: PCIeID(rawValue: 0x0100), tag: UInt16(i)), on: .a)
    }
    try h.run(60)
    XCTAssertEqual(h.received[1].count, 0, "B's local side is stalled")
    for n in 0..<4 {
      XCTAssertTrue(try h.tryWrite(.a, L.peerScratchpad(n), 0x100 + UInt32(n), cycles: 1), "operation \(n) fits in the queue")
    }
    XCTAssertFalse(try h.tryWrite(.a, L.peerScratchpad(4), 0x104, cycles: 30), "the fifth waits: the queue is full")
    XCTAssertEqual(try h.read(.b, L.scratchpad(0)), 0, "nothing passed the stalled write")
    stalled = false
    XCTAssertTrue(try h.tryWrite(.a, L.peerScratchpad(4), 0x104, cycles: 200), "taken once the link moves")
    try h.drain()
    XCTAssertEqual(h.received[1].map(\.tag), [0, 1, 2])
    for n in 0..<5 { XCTAssertEqual(try h.read(.b, L.scratchpad(n)), 0x100 + UInt32(n), "scratchpad \(n)") }
  }
}
