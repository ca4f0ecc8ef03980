import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Posted writes must be able to pass non-posted requests through the switch (PCIe 6.3
/// §2.4.1, Table 2-42 A3, A5), because a completer may drain posted writes before it returns
/// non-posted credits; a switch that holds the writes behind the requests then deadlocks.
final class SwitchPostedPassingTests: SimulationTestCase {
  static let requests = 10, writes = 8

  /// A three-port switch (crossbar, 4-beat egress queues). Port 1's link partner advertises one
  /// NP header credit and returns no credit until every posted write from the root complex has
  /// arrived. The root complex sends 10 MRd, then 8 MWr, all to port 1's window: one MRd leaves,
  /// four fill the egress NP queue, the rest wait in the switch — and the writes must pass them.
  /// On main before per-class crossbar queues (861c377) this test failed: no MWr reached port 1
  /// (the merge in front of its egress held the fifth MRd, and the writes waited behind it in
  /// the path's single crossbar queue).
  func testPostedWritesPassRequestsWaitingForNonPostedCredits() throws {
    let identities = Array(SwitchTrafficTests.fourPorts.prefix(3))
    let model = try self.model(try Design(top: try pcieSwitch(identities: identities, dataWidth: 64, queueDepth: 4, crossbarDepth: 16)))
    let transmitters = try (0..<3).map { try TLPTransmitter(model, prefix: "link\($0)", validProbability: 1.0, random: random("tx\($0)")) }
    let receivers = try (0..<3).map {
      try TLPReceiver(model, prefix: "link\($0)", readyProbability: 1.0, releaseProbability: 0.5, random: random("rx\($0)"))
    }
    for port in 0..<3 {
      for (input, width) in [("speed", 4), ("width", 6)] { try model.set("link\(port)_\(input)", BitVector(width: width)) }
      try model.set("link\(port)_active", BitVector(true))  // a link partner on every port: DL_Active (§2.9.1)
    }
    let bridges = SwitchTrafficTests.bridges(ports: 3)
    let configuration = SwitchTrafficTests.configuration(bridges)
    let scoreboard = SwitchScoreboard(ports: 3, paths: 1)
    model.reset()
    try receivers[0].chooseCredits()
    try receivers[2].chooseCredits()
    // NPH 1; every other type infinite (0).
    try receivers[1].advertise([0, 0, 1, 0, 0, 0])
    receivers[1].releaseProbabilityOverride = 0.0
    for tlp in configuration { transmitters[0].send(tlp) }

    let rootComplex = SwitchTrafficTests.rootComplex
    var configured = 0, trafficSent = false, writesArrived = 0, requestsArrived = 0
    var creditsReturnedAt: Int?
    for cycle in 0..<4_000 {
      if cycle == 1 { for transmitter in transmitters { transmitter.initialize() } }
      if configured == configuration.count && !trafficSent {
        trafficSent = true
        for k in 0..<Self.requests {
          let read = TLP.memoryRead(address: 0x8000_0000 + UInt64(64 * k), byteCount: 4, requester: rootComplex, tag: UInt16(k))
          transmitters[0].send(read)
          scoreboard.expect(read, at: 1, path: 0)
        }
        for k in 0..<Self.writes {
          let write = TLP.memoryWrite(address: 0x8010_0000 + UInt64(64 * k), data: (0..<64).map { UInt8(truncatingIfNeeded: k + $0) },
                                      requester: rootComplex, tag: UInt16(k))
          transmitters[0].send(write)
          scoreboard.expect(write, at: 1, path: 0)
        }
      }
      if cycle >= 1 { for transmitter in transmitters { try transmitter.drive() } }
      for receiver in receivers { try receiver.drive() }
      model.settle()
      if cycle >= 1 { for transmitter in transmitters { _ = transmitter.observe() } }
      if try receivers[0].observe() != nil { configured += 1 }
      XCTAssertNil(try receivers[2].observe(), "nothing is sent to port 2")
      if let tlp = try receivers[1].observe() {
        if let problem = scoreboard.observe(tlp, at: 1, cycle: cycle) { return XCTFail(problem) }
        if tlp.kind.flowControlClass == .posted { writesArrived += 1 } else { requestsArrived += 1 }
        if creditsReturnedAt == nil && requestsArrived > 1 { return XCTFail("cycle \(cycle): a second MRd left port 1 with one NP credit") }
      }
      // The completer returns NP credits only once the writes have landed.
      if writesArrived == Self.writes && creditsReturnedAt == nil {
        creditsReturnedAt = cycle
        receivers[1].releaseProbabilityOverride = 1.0
      }
      if requestsArrived == Self.requests { break }
      model.step()
    }
    XCTAssertEqual(writesArrived, Self.writes,
                   "posted writes held behind MRd waiting for NP credits: \(writesArrived) of \(Self.writes) MWr reached port 1, \(requestsArrived) MRd")
    XCTAssertEqual(requestsArrived, Self.requests, "every MRd follows once the NP credits return")
  }
}
