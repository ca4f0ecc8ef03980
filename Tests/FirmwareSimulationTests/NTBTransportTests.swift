import Cores
import Firmware
import FirmwareSimulation
import Simulation
import SimulationTesting
import XCTest

/// Messaging in the manner of ntb_transport (Sources/Firmware/NTB/NTBTransport.swift) between
/// two nodes' firmware on a Verilated `ntbPair`. The memory behind each window is the far
/// node's `PCIeLocalSide`, a Swift memory answering the MWr/MRd that leave its local port.
/// The reference is the list of messages each application offered: every message arrives
/// once, in order, with its sequence number equal to its index.
final class NTBTransportTests: SimulationTestCase {
  static let buffer = NTBPairNodes.ramBase + 0x1_0000

  /// One node's application: offers `messages[nextSequence]` while fewer than `window` are
  /// unacknowledged, polls, and logs what is delivered. The log outlives a firmware restart.
  final class Application {
    let messages: [[UInt8]]
    var transport: NTBTransport<SimulatedHAL>
    var log: [NTBTransportMessage] = []
    var expectedFromPeer: Int
    var window = 8
    var error: NTBTransportError?

    init(transport: NTBTransport<SimulatedHAL>, messages: [[UInt8]], expectedFromPeer: Int) {
      self.transport = transport
      self.messages = messages
      self.expectedFromPeer = expectedFromPeer
    }

    var finished: Bool { log.count >= expectedFromPeer && Int(transport.nextSequence) >= messages.count && transport.unacknowledged == 0 }

    func step() -> Bool {
      transport.poll()
      log += transport.takeDelivered()
      while transport.isReady, Int(transport.nextSequence) < messages.count, transport.unacknowledged < window {
        do { try transport.send(messages[Int(transport.nextSequence)]) } catch { self.error = error; return true }
      }
      return finished
    }
  }

  func messages(_ count: Int, _ random: inout SimulationRandom) -> [[UInt8]] {
    (0..<count).map { _ in (0..<Int.random(in: 0...56, using: &random)).map { _ in UInt8(Int.random(in: 0...255, using: &random)) } }
  }

  func transport(_ nodes: NTBPairNodes, _ node: Int) throws -> NTBTransport<SimulatedHAL> {
    let driver = try nodes.driver(node)
    try driver.configure(localBus: NTBPairNodes.localBus[node], apertureBase: NTBPairNodes.apertureBase,
                         requesters: [NTBPairNodes.coreID.rawValue])
    return try NTBTransport(driver: driver, settings: NTBTransportSettings(buffer: Self.buffer))
  }

  func check(_ log: [NTBTransportMessage], against sent: [[UInt8]], _ what: String) {
    XCTAssertEqual(log.map(\.sequence), (0..<UInt32(sent.count)).map { $0 }, "\(what): sequence numbers, each once, in order")
    XCTAssertEqual(log.map(\.payload), sent, "\(what): payloads")
  }

  func testMessagesBothWaysUnderARandomLinkLatency() throws {
    var random = self.random("transport")
    let latency = [0, 5][Int.random(in: 0...1, using: &random)]  // the latencies the other NTB tests build models for
    let nodes = try ntbNodes(linkLatency: latency)
    let toB = messages(60, &random), toA = messages(45, &random)
    let a = Application(transport: try transport(nodes, 0), messages: toB, expectedFromPeer: toA.count)
    let b = Application(transport: try transport(nodes, 1), messages: toA, expectedFromPeer: toB.count)
    let rounds = interleave(maxRounds: 20_000, [a.step, b.step])
    XCTAssertNotNil(rounds, "latency \(latency): A logged \(a.log.count)/\(toA.count), B \(b.log.count)/\(toB.count)")
    XCTAssertNil(a.error ?? b.error)
    check(b.log, against: toB, "A to B, latency \(latency)")
    check(a.log, against: toA, "B to A, latency \(latency)")
    XCTAssertEqual(a.transport.handshakes, 1)
    XCTAssertEqual(nodes.hals[0].faults + nodes.hals[1].faults, [])
  }

  func testAPeerThatResetsRecoversWithNothingLostOrDeliveredTwice() throws {
    var random = self.random("reset")
    let nodes = try ntbNodes(linkLatency: 5)
    let toB = messages(90, &random), toA = messages(70, &random)
    let a = Application(transport: try transport(nodes, 0), messages: toB, expectedFromPeer: toA.count)
    let b = Application(transport: try transport(nodes, 1), messages: toA, expectedFromPeer: toB.count)
    let resetAt = 30 + Int.random(in: 0...20, using: &random)
    var resets = 0
    let bStep: () -> Bool = { [self] in
      if resets == 0 && b.log.count >= resetAt {
        // B's firmware restarts: its RAM and transport state are gone; the log is B's output so far.
        resets += 1
        nodes.sides[1].clearMemory()
        do { b.transport = try transport(nodes, 1) } catch { XCTFail("restart: \(error)") }
      }
      return b.step()
    }
    let rounds = interleave(maxRounds: 40_000, [a.step, bStep])
    XCTAssertNotNil(rounds, "A logged \(a.log.count)/\(toA.count), B \(b.log.count)/\(toB.count)")
    XCTAssertEqual(resets, 1)
    XCTAssertNil(a.error ?? b.error)
    check(b.log, against: toB, "A to B across B's reset at \(resetAt)")
    check(a.log, against: toA, "B to A across B's reset")
    XCTAssertEqual(a.transport.handshakes, 2, "the survivor hand-shook again")
    XCTAssertEqual(b.transport.handshakes, 1, "the restarted side's first handshake")
  }

  func testAMismatchedPeerIsNamed() throws {
    let nodes = try ntbNodes()
    let a = try transport(nodes, 0)
    let driver = try nodes.driver(1)
    try driver.configure(localBus: NTBPairNodes.localBus[1], apertureBase: NTBPairNodes.apertureBase, requesters: [NTBPairNodes.coreID.rawValue])
    var b = try NTBTransport(driver: driver, settings: NTBTransportSettings(buffer: Self.buffer, ringBytes: 8192))
    var aa = a
    _ = interleave(maxRounds: 200, [{ aa.poll(); return false }, { b.poll(); return false }])
    XCTAssertEqual(aa.state, .incompatible(.ringMismatch(ours: 4096, theirs: 8192)))
    XCTAssertEqual(b.state, .incompatible(.ringMismatch(ours: 8192, theirs: 4096)))
  }
}
