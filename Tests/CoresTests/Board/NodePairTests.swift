import Board
import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Two nodes of a board joined by their NTB crosslink (`PairBoard`), driven the way firmware
/// and the PCIe world drive them: enumeration and NTB set-up through each node's management
/// port, memory writes from a node's root complex, doorbells and scratchpads between the
/// management processors. What crosses is checked against `NTBReferenceModel` (translation,
/// proxy Requester IDs) and §2.2 (switches forward TLPs unchanged); register offsets come from
/// `NodeAddressMap`, docs/switch.md and `NTBLayout`.
final class NodePairTests: SimulationTestCase {
  typealias L = NTBLayout
  typealias Bench = NodePairBench

  /// The Verilated pair board, enumerated on both nodes.
  func enumeratedBench() throws -> NodePairBench {
    let board = try PairBoard.load()
    let model = try self.model(try Design(top: boardTop(board)))
    watch("mgmt0", "mgmt0")
    watch("mgmt1", "mgmt1")
    let bench = try NodePairBench(model, board: board, random: { self.random($0) })
    for node in 0..<2 { try bench.enumerate(node) }
    return bench
  }

  /// Node 0's window 0 translates to node 1's spare endpoint's window; requests from node 0's
  /// root complex (0:0.0) go out with proxy entry 5. Node 1 only takes what arrives.
  static func settings(layout: NTBLayout) -> (NTBSettings, NTBSettings) {
    let windows = (0..<layout.memoryWindows).map { w in
      NTBSettings.Window(valid: w == 0, lookup: false, sizeLog2: layout.windowSizeLog2, translation: w == 0 ? Bench.spareWindow : 0)
    }
    let requesters = (0..<8).map { NTBSettings.Requester(valid: $0 == 5, id: 0x0000) }
    let sender = NTBSettings(localBus: 3, apertureBase: 0, windows: windows, lut: [], requesters: requesters)
    let receiver = NTBSettings(localBus: 3, apertureBase: 0, windows: windows.map { var w = $0; w.valid = false; return w },
                               lut: [], requesters: [])
    return (sender, receiver)
  }

  func testTheSwitchManagementPortReachesTheNTBEndpointsType0Header() throws {
    let bench = try enumeratedBench()
    for node in 0..<2 {
      // Vendor ID : Device ID, then Class Code 0x068000 ("other bridge", Switchtec's NTB class) with revision 0.
      XCTAssertEqual(try bench.config(node, Bench.ntbEndpoint, offset: 0x00).data,
                     UInt32(nodeNTBDeviceID) << 16 | UInt32(nodeNTBVendorID), "node \(node)")
      XCTAssertEqual(try bench.config(node, Bench.ntbEndpoint, offset: 0x08).data >> 8, 0x06_8000, "node \(node)")
      // Header Type 0 (byte 2 of the dword at 0x0C) and BAR0 as enumeration wrote it.
      XCTAssertEqual(try bench.config(node, Bench.ntbEndpoint, offset: 0x0C).data >> 16 & 0x7F, 0, "node \(node)")
      XCTAssertEqual(try bench.config(node, Bench.ntbEndpoint, offset: 0x10).data & ~0xF, UInt32(Bench.ntbBAR), "node \(node)")
    }
  }

  func testAWriteIntoNode0sWindowArrivesAtNode1sEndpointTranslated() throws {
    let bench = try enumeratedBench()
    let layout = try NTBLayout(bench.board.ntb)
    let (sender, receiver) = Self.settings(layout: layout)
    try bench.configureNTB(0, sender)
    try bench.configureNTB(1, receiver)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    XCTAssertEqual(try bench.ntbRead(0, L.linkStatus) & 1, 1, "LINK_STATUS.UP once both sides are enabled")

    var payloads = random("payload")
    let offsets: [UInt64] = [0x0, 0x40, 0xFFC0]
    var expected: [TLP] = []
    for (i, offset) in offsets.enumerated() {
      let data = (0..<16).map { _ in UInt8.random(in: 0...255, using: &payloads) }
      let request = TLP.memoryWrite(address: Bench.ntbBAR + offset, data: data, requester: Bench.upstreamBridge, tag: UInt16(i))
      bench.hosts[0].send(request)
      // The NTB function sees the offset in BAR0 (APERTURE_BASE 0).
      var asSeen = request
      asSeen.address = offset
      guard case .delivered(let crossing) = NTBReferenceModel(layout: layout).outbound(asSeen, sender: sender, receiver: receiver, up: true) else {
        return XCTFail("the reference model refuses \(asSeen)")
      }
      expected.append(crossing)
    }
    try bench.run(200)
    XCTAssertEqual(bench.atSpare[1], expected, "node 1's switch forwards each translated write to its spare endpoint unchanged")
    XCTAssertEqual(expected.map(\.address), offsets.map { Bench.spareWindow + $0 }, "the reference: window 0's translation + offset")
    XCTAssertEqual(expected.first?.requester, PCIeID(bus: 3, device: 0, function: 5), "node 1's bus : proxy entry 5")
    XCTAssertEqual(bench.atSpare[0], [], "nothing reaches node 0's own spare endpoint")
    XCTAssertEqual(bench.atHost[1], [], "nor node 1's root complex")
    // A write beyond window 0 (window 1 is not valid) is refused and counted, not sent.
    bench.hosts[0].send(.memoryWrite(address: Bench.ntbBAR + 0x1_0000, data: [1, 2, 3, 4], requester: Bench.upstreamBridge))
    try bench.run(100)
    XCTAssertEqual(bench.atSpare[1].count, offsets.count)
    XCTAssertEqual(try bench.ntbRead(0, L.eventStatus) >> 2 & 1, 1, "EVENT_STATUS.REQUEST_REFUSED")
  }

  /// Line rate is one data beat per cycle, so writes of Max_Payload_Size queued back to back
  /// leave node 1's switch back to back: each 256-byte write (32 beats at 64 bits) ends 32 cycles
  /// after the one before. Every port on the way, the NTB endpoints' included, must advertise
  /// credits for more than one such write, or the switch waits out each UpdateFC between them.
  func testBackToBackWindowWritesReachNode1AtLineRate() throws {
    let bench = try enumeratedBench()
    let (sender, receiver) = Self.settings(layout: try NTBLayout(bench.board.ntb))
    try bench.configureNTB(0, sender)
    try bench.configureNTB(1, receiver)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    try bench.spareReceivers[1].advertise([0, 0, 0, 0, 0, 0])  // node 1's endpoint takes everything at once
    try bench.run(2)
    let writes = 24, bytes = 256
    let beatsPerWrite = bytes * 8 / bench.board.datapathBits
    for w in 0..<writes {
      bench.hosts[0].send(.memoryWrite(address: Bench.ntbBAR + UInt64(w * bytes), data: [UInt8](repeating: UInt8(w), count: bytes),
                                       requester: Bench.upstreamBridge))
    }
    var lastBeatCycles: [Int] = []
    for cycle in 0..<(writes * beatsPerWrite * 2 + 400) where bench.atSpare[1].count < writes {
      let before = bench.atSpare[1].count
      try bench.step()
      if bench.atSpare[1].count > before { lastBeatCycles.append(cycle) }
    }
    XCTAssertEqual(bench.atSpare[1].map(\.address), (0..<writes).map { Bench.spareWindow + UInt64($0 * bytes) }, "every write arrives, in order")
    let spacing = zip(lastBeatCycles.dropFirst(), lastBeatCycles).map { $0 - $1 }
    // The first few may meet a pipeline still filling; from the fourth on the stream is steady.
    XCTAssertEqual(Array(spacing.dropFirst(3)), [Int](repeating: beatsPerWrite, count: max(spacing.count - 3, 0)),
                   "cycles between the last beats of consecutive writes at node 1's endpoint")
  }

  /// The board's crosslink goes down in the middle of a stream of window writes and comes back
  /// (issue #6; PCIe Base Specification 6.3, §2.6.1: flow control initialises when the link comes
  /// up; §2.9.1: what is queued for a link that is down is discarded). Both NTB functions restart
  /// their crosslink flow control; nothing hangs; every write that reaches node 1 is one node 0
  /// sent, whole, translated as `NTBReferenceModel` says and in order; and every write sent once
  /// the link is up again arrives.
  func testTheCrosslinkGoesDownMidStreamAndCarriesWritesAgainWhenItComesBack() throws {
    let bench = try enumeratedBench()
    let layout = try NTBLayout(bench.board.ntb)
    let (sender, receiver) = Self.settings(layout: layout)
    try bench.configureNTB(0, sender)
    try bench.configureNTB(1, receiver)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    let reference = NTBReferenceModel(layout: layout)
    func write(_ n: Int) -> (sent: TLP, crossing: NTBReferenceModel.Outcome) {
      let request = TLP.memoryWrite(address: Bench.ntbBAR + UInt64(n * 256), data: [UInt8](repeating: UInt8(n), count: 256),
                                    requester: Bench.upstreamBridge, tag: UInt16(n))
      var asSeen = request  // the NTB function sees the offset in BAR0
      asSeen.address = UInt64(n * 256)
      return (request, reference.outbound(asSeen, sender: sender, receiver: receiver, up: true))
    }
    let first = (0..<16).map(write), second = (16..<24).map(write)
    for w in first { bench.hosts[0].send(w.sent) }
    var cycles = 0
    while bench.atSpare[1].count < 3 && cycles < 2000 {
      try bench.step()
      cycles += 1
    }
    XCTAssertEqual(bench.atSpare[1].count, 3, "writes cross before the link drops")
    try bench.model.set("crosslink0_up", BitVector(false))
    try bench.run(40)
    try bench.model.set("crosslink0_up", BitVector(true))
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 600)
    XCTAssertEqual(try bench.ntbRead(0, L.linkStatus) & 1, 1, "LINK_STATUS.UP again once both ends have announced themselves")
    for w in second { bench.hosts[0].send(w.sent) }
    try bench.run(second.count * 32 * 2 + 400)

    let arrived = bench.atSpare[1].map { NTBReferenceModel.Outcome.delivered($0) }
    let sent = (first + second).map(\.crossing)
    var next = sent.startIndex
    for outcome in arrived {
      guard let found = sent[next...].firstIndex(of: outcome) else {
        return XCTFail("\(outcome) reached node 1 out of order, altered, or twice")
      }
      next = found + 1
    }
    XCTAssertEqual(Array(arrived.suffix(second.count)), second.map(\.crossing), "every write sent after the link came back arrives, in order")
    XCTAssertLessThan(arrived.count, sent.count, "writes queued when the link dropped are discarded")
  }

  func testAReadThroughNode0sWindowIsAnsweredByNode1sEndpointAndTheCompletionComesHome() throws {
    let bench = try enumeratedBench()
    let layout = try NTBLayout(bench.board.ntb)
    let (sender, receiver) = Self.settings(layout: layout)
    try bench.configureNTB(0, sender)
    try bench.configureNTB(1, receiver)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    let read = TLP.memoryRead(address: Bench.ntbBAR + 0x80, byteCount: 8, requester: Bench.upstreamBridge, tag: 7)
    var asSeen = read
    asSeen.address = 0x80
    guard case .delivered(let crossing) = NTBReferenceModel(layout: layout).outbound(asSeen, sender: sender, receiver: receiver, up: true) else {
      return XCTFail("the reference model refuses \(asSeen)")
    }
    bench.hosts[0].send(read)
    try bench.run(200)
    XCTAssertEqual(bench.atSpare[1], [crossing], "the read arrives translated, from node 1's bus : proxy entry 5")
    guard let arrived = bench.atSpare[1].first else { return }
    // The spare endpoint (2:0.0, below node 1's port 2) answers; the completion is routed by ID to
    // bus 3 (the NTB port's secondary bus), crosses back and reaches node 0's root complex.
    let completion = TLP.completionWithData(answering: arrived, completer: PCIeID(bus: 2, device: 0, function: 0),
                                            data: [1, 2, 3, 4, 5, 6, 7, 8])
    let home = NTBReferenceModel(layout: layout).completionBack(completion, completerSide: receiver, requesterSide: sender, up: true)
    XCTAssertEqual(home?.requester, Bench.upstreamBridge, "the reference gives the completion its requester back")
    bench.spares[1].send(completion)
    try bench.run(200)
    XCTAssertEqual(bench.atHost[0], home.map { [$0] } ?? [], "node 0's root complex receives its completion, tag 7 kept")
  }

  func testADoorbellFromNode0RaisesNode1sInterruptUntilBothStatusesAreCleared() throws {
    let bench = try enumeratedBench()
    let (sender, receiver) = Self.settings(layout: try NTBLayout(bench.board.ntb))
    try bench.configureNTB(0, sender)
    try bench.configureNTB(1, receiver)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    let irq1 = try bench.model.output("irq1"), irq0 = try bench.model.output("irq0")
    // The system controller: INTERRUPT_STATUS at 0x10 (write 1 to clear), INTERRUPT_ENABLE at 0x14, DOORBELL = bit 0.
    // Link-up is an NTB event on vector 0 (INTERRUPT_ROUTING's reset): it set DOORBELL on both nodes.
    for node in 0..<2 {
      try bench.write(node, 0x14, 0b1)
      XCTAssertEqual(try bench.read(node, 0x10) & 1, 1, "node \(node): the link-up event is pending")
      try bench.ntbWrite(node, L.eventStatus, 0b111)
      try bench.write(node, 0x10, 0xF)
    }
    try bench.run(5)
    XCTAssertFalse(irq1.bool, "nothing pending on node 1")
    XCTAssertFalse(irq0.bool, "nothing pending on node 0")

    try bench.ntbWrite(0, L.peerDoorbellSet(0), 1 << 3)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    XCTAssertTrue(irq1.bool, "doorbell 3 (vector 0, unmasked) raises node 1's interrupt line")
    XCTAssertEqual(try bench.read(1, 0x10) & 1, 1, "INTERRUPT_STATUS.DOORBELL")
    XCTAssertEqual(try bench.ntbRead(1, L.doorbellStatus(0)), 1 << 3, "which doorbell: DOORBELL_STATUS")
    XCTAssertFalse(irq0.bool, "the ringing node's line stays low")
    // Acknowledging the system controller first does not lose the doorbell: the NTB still holds it.
    try bench.write(1, 0x10, 0b1)
    XCTAssertTrue(irq1.bool, "the NTB's level sets DOORBELL again while DOORBELL_STATUS holds bit 3")
    try bench.ntbWrite(1, L.doorbellStatus(0), 1 << 3)
    try bench.write(1, 0x10, 0b1)
    try bench.run(2)
    XCTAssertFalse(irq1.bool, "cleared at the NTB, then at the system controller")
  }

  func testScratchpadsBothWays() throws {
    let bench = try enumeratedBench()
    let (sender, receiver) = Self.settings(layout: try NTBLayout(bench.board.ntb))
    try bench.configureNTB(0, sender)
    try bench.configureNTB(1, receiver)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    try bench.ntbWrite(0, L.peerScratchpad(2), 0xC0FF_EE00)
    try bench.ntbWrite(1, L.peerScratchpad(15), 0x0BAD_F00D)
    try bench.run(2 * bench.board.ntb.linkLatencyCycles + 20)
    XCTAssertEqual(try bench.ntbRead(1, L.scratchpad(2)), 0xC0FF_EE00, "node 0 → node 1")
    XCTAssertEqual(try bench.ntbRead(0, L.scratchpad(15)), 0x0BAD_F00D, "node 1 → node 0")
    XCTAssertEqual(try bench.ntbRead(0, L.scratchpad(2)), 0, "a peer write does not touch the writer's own scratchpad")
  }
}
