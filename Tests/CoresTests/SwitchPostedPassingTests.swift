import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Posted writes must be able to pass non-posted requests through the switch (PCIe 6.3
/// §2.4.1, Table 2-42 A3, A5), because a completer may drain posted writes before it returns
/// non-posted credits; a switch that holds the writes behind the requests then deadlocks.
/// Completions may pass them too (D3).
final class SwitchPostedPassingTests: SimulationTestCase {
  static let writes = 8

  /// A three-port switch (crossbar, 4-beat egress queues). Port 1's link partner advertises one
  /// NP header credit and returns no credit until every posted write from the root complex has
  /// arrived. The root complex sends 10 MRd, then 8 MWr, all to port 1's window: one MRd leaves,
  /// four fill the egress NP queue, the rest wait in the switch — and the writes must pass them.
  /// On main before per-class crossbar queues (861c377) this test failed: no MWr reached port 1
  /// (the merge in front of its egress held the fifth MRd, and the writes waited behind it in
  /// the path's single crossbar queue).
  func testPostedWritesPassRequestsWaitingForNonPostedCredits() throws {
    let (model, transmitters, receivers) = try threePortSwitch()
    try assertTLPsPassRequestsWaitingForNonPostedCredits(model, transmitters, receivers, ports: 3, requests: 10,
                                                         passing: Self.postedWrites())
  }

  /// As above with 24 MRd: one leaves, four fill the egress NP queue, 16 fill the crossbar's NP
  /// queue from port 0 to port 1, and three wait in port 0's receive buffer, whose head the
  /// ingress cannot start for want of room in that queue. The writes behind them in the receive
  /// buffer must pass. Before the receiver offered another class's head when its NP head was
  /// refused for room, this failed with 1 of 8 writes at port 1 (the ingress held the MRd).
  func testPostedWritesPassRequestsWaitingForAFullCrossbarQueue() throws {
    let (model, transmitters, receivers) = try threePortSwitch()
    try assertTLPsPassRequestsWaitingForNonPostedCredits(model, transmitters, receivers, ports: 3, requests: 24,
                                                         passing: Self.postedWrites())
  }

  /// The two-port switch (no crossbar: each ingress feeds the other port's egress, 8-beat
  /// queues) with the same credit pattern: of 12 MRd one leaves, eight fill port 1's egress NP
  /// queue, and the tenth is refused at port 0's ingress for want of room. The 8 MWr and then
  /// two CplD (for a requester below port 1) behind it in the receive buffer must pass it
  /// (A3, D3), each class in order and no CplD before an older MWr (D2a). Before the receiver
  /// offered another class's head when its NP head was refused, this failed with 1 of the 10
  /// at port 1 (the documented limit of the two-port switch).
  func testWritesAndCompletionsPassARequestRefusedAtTheTwoPortIngress() throws {
    let model = try self.model(try Design(top: try twoPortSwitch(identities: TwoPortSwitchTests.identities, dataWidth: 64, queueDepth: 8)))
    let (transmitters, receivers) = try linkPartners(model, ports: 2)
    let requester = PCIeID(bus: 2, device: 0, function: 0)  // port 1's secondary bus
    let completions = [16, 64].enumerated().map { tag, bytes in
      TLP.completionWithData(answering: TLP.memoryRead(address: 0x1_0000, byteCount: bytes, requester: requester, tag: UInt16(tag)),
                             completer: SwitchTrafficTests.rootComplex, data: (0..<bytes).map { UInt8(truncatingIfNeeded: $0 * 3) })
    }
    try assertTLPsPassRequestsWaitingForNonPostedCredits(model, transmitters, receivers, ports: 2, requests: 12,
                                                         passing: Self.postedWrites() + completions)
  }

  /// Posted writes must pass a request the switch itself answers (A3): the root complex's link
  /// partner advertises one completion header credit beyond the configuration's and returns
  /// none until every write has arrived at port 1. The root complex sends 38 MRd no port
  /// claims (each answered with an Unsupported Request completion, §2.3.1), then 8 MWr to port 1's
  /// window. One UR completion leaves, 32 fill port 0's egress Cpl queue (one 256-byte
  /// completion's beats), one waits in the ingress, and the 35th MRd cannot be taken; the last
  /// four wait behind it in the receive buffer (8 NP credits, so the root complex's link sends
  /// them all, and the writes after them). The receive buffer must offer the writes. Before the
  /// ingress refused such a request, 4 of 8 writes arrived (those the receive buffer's turn
  /// let through between requests) and then nothing: the switch was deadlocked.
  func testPostedWritesPassARequestWaitingForItsUnsupportedRequestCompletion() throws {
    let (model, transmitters, receivers) = try threePortSwitch()
    let configuration = SwitchTrafficTests.configuration(SwitchTrafficTests.bridges(ports: 3))
    let scoreboard = SwitchScoreboard(ports: 3, paths: 1)
    let requests = 38
    try receivers[0].advertise([0, 0, 0, 0, configuration.count + 1, 0])  // CplH: the configuration's and one
    receivers[0].releaseProbabilityOverride = 0.0
    try receivers[1].advertise([0, 0, 0, 0, 0, 0])
    try receivers[2].advertise([0, 0, 0, 0, 0, 0])
    let rootComplex = SwitchTrafficTests.rootComplex
    var writesArrived = 0, unsupported = 0
    var creditsReturned = false
    try run(model, transmitters, receivers, configuration: configuration, cycles: 6_000, sendTraffic: {
      for k in 0..<requests {  // 0x400 MiB: inside no bridge's window
        transmitters[0].send(TLP.memoryRead(address: 0x4000_0000 + UInt64(64 * k), byteCount: 4, requester: rootComplex, tag: UInt16(k)))
      }
      for write in Self.postedWrites() {
        transmitters[0].send(write)
        scoreboard.expect(write, at: 1, path: 0)
      }
    }, observe: { cycle, completion in
      if let completion {
        XCTAssertEqual(completion.status, .unsupportedRequest, "cycle \(cycle): what comes back for an unclaimed MRd")
        XCTAssertEqual(completion.tag, UInt16(unsupported), "cycle \(cycle): UR completions in request order")
        unsupported += 1
        if !creditsReturned && unsupported > 1 { XCTFail("cycle \(cycle): a second completion left port 0 with one CplH credit"); return true }
      }
      XCTAssertNil(try receivers[2].observe(), "nothing is sent to port 2")
      if let tlp = try receivers[1].observe() {
        if let problem = scoreboard.observe(tlp, at: 1, cycle: cycle) { XCTFail(problem); return true }
        writesArrived += 1
      }
      // The root complex returns completion credits only once the writes have landed.
      if writesArrived == Self.writes && !creditsReturned {
        creditsReturned = true
        receivers[0].releaseProbabilityOverride = 1.0
      }
      return unsupported == requests
    })
    XCTAssertEqual(writesArrived, Self.writes,
                   "posted writes held behind an MRd waiting for its UR completion: \(writesArrived) of \(Self.writes) MWr reached port 1")
    XCTAssertEqual(unsupported, requests, "every unclaimed MRd is answered once the completion credits return")
  }

  /// The management processor's configuration requests join the root complex's TLPs in front
  /// of port 0's ingress, and a refused one must not hold that merge (A3). Port 1's partner gives
  /// one NP credit and returns none until 8 MWr have arrived. 24 MRd fill the way to port 1 (as
  /// above); then the management processor reads a register of the device below port 1 (a
  /// CfgRd, refused for room like the MRd), and only then does the root complex send the writes.
  /// Before a refused management request stepped back, 1 of 8 writes arrived: after it, the
  /// merge granted the request and held the grant while the request waited for room.
  func testPostedWritesPassAManagementConfigurationRequestWaitingForRoom() throws {
    let (model, transmitters, receivers) = try threePortSwitch()
    let mgmt = try MMIOMaster(model, prefix: "mgmt", random: random("mgmt"))
    let configuration = SwitchTrafficTests.configuration(SwitchTrafficTests.bridges(ports: 3))
    let scoreboard = SwitchScoreboard(ports: 3, paths: 1)
    let requests = 24
    try receivers[0].advertise([0, 0, 0, 0, 0, 0])
    try receivers[2].advertise([0, 0, 0, 0, 0, 0])
    try receivers[1].advertise([0, 0, 1, 0, 0, 0])  // NPH 1; every other type infinite
    receivers[1].releaseProbabilityOverride = 0.0

    let rootComplex = SwitchTrafficTests.rootComplex
    let device = PCIeID(bus: 2, device: 0, function: 0)  // port 1's secondary bus
    var trafficAt: Int?, requestIssued = false, writesSent = false, creditsReturned = false
    var writes = 0, reads = 0, configurationReads = 0
    try run(model, transmitters, receivers, configuration: configuration, cycles: 6_000, sendTraffic: {
      for k in 0..<requests {
        let read = TLP.memoryRead(address: 0x8000_0000 + UInt64(64 * k), byteCount: 4, requester: rootComplex, tag: UInt16(k))
        transmitters[0].send(read)
        scoreboard.expect(read, at: 1, path: 0)
      }
    }, observe: { cycle, atRoot in
      XCTAssertNil(atRoot, "nothing comes back to the root complex")
      XCTAssertNil(try receivers[2].observe(), "nothing is sent to port 2")
      if let tlp = try receivers[1].observe() {
        if tlp.kind == .configRead0 {
          XCTAssertEqual(tlp.requester, PCIeID(bus: 0, device: 31, function: 7), "the management processor's request")
          configurationReads += 1
        } else {
          if let problem = scoreboard.observe(tlp, at: 1, cycle: cycle) { XCTFail(problem); return true }
          if tlp.kind.flowControlClass == .nonPosted { reads += 1 } else { writes += 1 }
        }
      }
      let start = trafficAt ?? cycle
      trafficAt = start
      if !requestIssued && cycle == start + 200 {
        // The MRd have filled the way to port 1, and the links are quiet while the
        // management port's register writes take their cycles.
        XCTAssertEqual(transmitters[0].waiting, 0, "every MRd entered the switch")
        requestIssued = true
        _ = try mgmt.write(SwitchManagementTests.cfgTarget, UInt64(device.rawValue) | UInt64(0x00 / 4) << 16)
        _ = try mgmt.write(SwitchManagementTests.cfgControl, SwitchManagementTests.go | 0xF)
      } else if requestIssued && !writesSent {
        writesSent = true
        for write in Self.postedWrites() {
          transmitters[0].send(write)
          scoreboard.expect(write, at: 1, path: 0)
        }
      }
      // The completer returns NP credits only once the writes have landed.
      if writes == Self.writes && !creditsReturned {
        creditsReturned = true
        receivers[1].releaseProbabilityOverride = 1.0
      }
      return reads == requests && configurationReads == 1
    })
    XCTAssertEqual(writes, Self.writes, "posted writes held behind a management CfgRd waiting for room: \(writes) of \(Self.writes) MWr reached port 1")
    XCTAssertEqual(reads, requests, "every MRd follows once the NP credits return")
    XCTAssertEqual(configurationReads, 1, "and so does the management processor's CfgRd (as Type 0)")
  }

  /// Configures the switch, then sends `requests` MRd and after them `passing` from the root
  /// complex to port 1, whose link partner advertises one NP header credit (every other type
  /// infinite) and returns none until every TLP of `passing` has arrived. Every TLP must arrive
  /// in an order Table 2-42 allows, `passing` before a second MRd, the MRd once credits return.
  private func assertTLPsPassRequestsWaitingForNonPostedCredits(_ model: Model, _ transmitters: [TLPTransmitter],
                                                                _ receivers: [TLPReceiver], ports n: Int, requests: Int,
                                                                passing: [TLP]) throws {
    let configuration = SwitchTrafficTests.configuration(SwitchTrafficTests.bridges(ports: n))
    let scoreboard = SwitchScoreboard(ports: n, paths: 1)
    for port in 0..<n where port != 1 { try receivers[port].chooseCredits() }
    // NPH 1; every other type infinite (0).
    try receivers[1].advertise([0, 0, 1, 0, 0, 0])
    receivers[1].releaseProbabilityOverride = 0.0
    let rootComplex = SwitchTrafficTests.rootComplex
    var passed = 0, requestsArrived = 0
    var creditsReturnedAt: Int?
    try run(model, transmitters, receivers, configuration: configuration, cycles: 4_000, sendTraffic: {
      for k in 0..<requests {
        let read = TLP.memoryRead(address: 0x8000_0000 + UInt64(64 * k), byteCount: 4, requester: rootComplex, tag: UInt16(k))
        transmitters[0].send(read)
        scoreboard.expect(read, at: 1, path: 0)
      }
      for tlp in passing {
        transmitters[0].send(tlp)
        scoreboard.expect(tlp, at: 1, path: 0)
      }
    }, observe: { cycle, atRoot in
      XCTAssertNil(atRoot, "nothing comes back to the root complex")
      for port in 2..<n { XCTAssertNil(try receivers[port].observe(), "nothing is sent to port \(port)") }
      if let tlp = try receivers[1].observe() {
        if let problem = scoreboard.observe(tlp, at: 1, cycle: cycle) { XCTFail(problem); return true }
        if tlp.kind.flowControlClass == .nonPosted { requestsArrived += 1 } else { passed += 1 }
        if creditsReturnedAt == nil && requestsArrived > 1 { XCTFail("cycle \(cycle): a second MRd left port 1 with one NP credit"); return true }
      }
      // The completer returns NP credits only once the others have landed.
      if passed == passing.count && creditsReturnedAt == nil {
        creditsReturnedAt = cycle
        receivers[1].releaseProbabilityOverride = 1.0
      }
      return requestsArrived == requests
    })
    XCTAssertEqual(passed, passing.count,
                   "held behind MRd waiting for NP credits: \(passed) of \(passing.count) posted and Cpl TLPs reached port 1, \(requestsArrived) MRd")
    XCTAssertEqual(requestsArrived, requests, "every MRd follows once the NP credits return")
  }

  /// Drives the link partners around `model` cycle by cycle: the root complex first sends
  /// `configuration`, and once all its completions are back, `sendTraffic` queues the traffic.
  /// Each cycle after that, `observe` gets what reached the root complex (if anything) and reads
  /// the other ports itself; it returns true when the test is done (or has failed).
  private func run(_ model: Model, _ transmitters: [TLPTransmitter], _ receivers: [TLPReceiver], configuration: [TLP],
                   cycles: Int, sendTraffic: () -> Void, observe: (_ cycle: Int, _ atRoot: TLP?) throws -> Bool) throws {
    for tlp in configuration { transmitters[0].send(tlp) }
    var configured = 0, trafficSent = false
    for cycle in 0..<cycles {
      if cycle == 1 { for transmitter in transmitters { transmitter.initialize() } }
      if configured == configuration.count && !trafficSent {
        trafficSent = true
        sendTraffic()
      }
      if cycle >= 1 { for transmitter in transmitters { try transmitter.drive() } }
      for receiver in receivers { try receiver.drive() }
      model.settle()
      if cycle >= 1 { for transmitter in transmitters { _ = transmitter.observe() } }
      var atRoot = try receivers[0].observe()
      if atRoot != nil && configured < configuration.count {
        configured += 1
        atRoot = nil
      }
      if try observe(cycle, atRoot) { return }
      model.step()
    }
  }

  /// The root complex's `writes` 64-byte MWr for port 1's window.
  private static func postedWrites() -> [TLP] {
    (0..<writes).map { k in
      TLP.memoryWrite(address: 0x8010_0000 + UInt64(64 * k), data: (0..<64).map { UInt8(truncatingIfNeeded: k + $0) },
                      requester: SwitchTrafficTests.rootComplex, tag: UInt16(k))
    }
  }

  /// Link partners that offer every beat and take every beat, releasing credits half the time.
  private func linkPartners(_ model: Model, ports n: Int) throws -> ([TLPTransmitter], [TLPReceiver]) {
    let transmitters = try (0..<n).map { try TLPTransmitter(model, prefix: "link\($0)", validProbability: 1.0, random: random("tx\($0)")) }
    let receivers = try (0..<n).map {
      try TLPReceiver(model, prefix: "link\($0)", readyProbability: 1.0, releaseProbability: 0.5, random: random("rx\($0)"))
    }
    for port in 0..<n {
      for (input, width) in [("speed", 4), ("width", 6)] { try model.set("link\(port)_\(input)", BitVector(width: width)) }
      try model.set("link\(port)_active", BitVector(true))  // a link partner on every port: DL_Active (§2.9.1)
    }
    model.reset()
    return (transmitters, receivers)
  }

  /// The switch the three-port tests drive (one Verilator model): three ports, crossbar, 4-beat
  /// egress queues for posted and NP TLPs, 256-byte Max_Payload_Size Supported; out of reset,
  /// every link active.
  private func threePortSwitch() throws -> (Model, [TLPTransmitter], [TLPReceiver]) {
    let identities = Array(SwitchTrafficTests.fourPorts.prefix(3))
    let model = try self.model(try Design(top: try pcieSwitch(identities: identities, dataWidth: 64, queueDepth: 4, crossbarDepth: 16)))
    let (transmitters, receivers) = try linkPartners(model, ports: 3)
    return (model, transmitters, receivers)
  }


  /// Posted writes must pass a completion too (Table 2-42 A4). Port 1's link partner (say
  /// another switch: endpoints advertise infinite completion credits, §2.6.1.1) advertises 16
  /// CplD credits, one 256-byte completion, and returns none until every write has arrived. The
  /// root complex sends a 64-byte CplD (4 credits, it leaves), a 256-byte CplD (32 beats; 12
  /// credits are left, so it waits at port 1's egress), then 8 MWr to port 1. Before the egress
  /// Cpl queue held a maximum-size completion this failed with 0 of 8 writes: the CplD started
  /// into the empty 4-beat queue, stopped after 4 beats, and held the merges in front of port 1
  /// and the ingress stream behind it.
  func testPostedWritesPassACompletionWaitingForCompletionCredits() throws {
    let (model, transmitters, receivers) = try threePortSwitch()
    let configuration = SwitchTrafficTests.configuration(SwitchTrafficTests.bridges(ports: 3))
    let scoreboard = SwitchScoreboard(ports: 3, paths: 1)
    try receivers[0].chooseCredits()
    try receivers[2].chooseCredits()
    try receivers[1].advertise([0, 0, 0, 0, 0, 16])  // CplD 16 (256 bytes); every other type infinite
    receivers[1].releaseProbabilityOverride = 0.0
    // Completions for a requester below port 1 (its secondary bus is 2), routed by ID.
    let requester = PCIeID(bus: 2, device: 0, function: 0)
    let completions = [64, 256].enumerated().map { tag, bytes in
      TLP.completionWithData(answering: TLP.memoryRead(address: 0x1_0000, byteCount: bytes, requester: requester, tag: UInt16(tag)),
                             completer: SwitchTrafficTests.rootComplex, data: (0..<bytes).map { UInt8(truncatingIfNeeded: $0 * 7) })
    }
    var writesArrived = 0, completionsArrived = 0
    var creditsReturned = false
    try run(model, transmitters, receivers, configuration: configuration, cycles: 4_000, sendTraffic: {
      for completion in completions {
        transmitters[0].send(completion)
        scoreboard.expect(completion, at: 1, path: 0)
      }
      for write in Self.postedWrites() {
        transmitters[0].send(write)
        scoreboard.expect(write, at: 1, path: 0)
      }
    }, observe: { cycle, atRoot in
      XCTAssertNil(atRoot, "nothing comes back to the root complex")
      XCTAssertNil(try receivers[2].observe(), "nothing is sent to port 2")
      if let tlp = try receivers[1].observe() {
        if let problem = scoreboard.observe(tlp, at: 1, cycle: cycle) { XCTFail(problem); return true }
        if tlp.kind.flowControlClass == .posted { writesArrived += 1 } else { completionsArrived += 1 }
        if !creditsReturned && completionsArrived > 1 { XCTFail("cycle \(cycle): the 256-byte CplD left port 1 with 12 CplD credits"); return true }
      }
      // The link partner returns completion credits only once the writes have landed.
      if writesArrived == Self.writes && !creditsReturned {
        creditsReturned = true
        receivers[1].releaseProbabilityOverride = 1.0
      }
      return completionsArrived == completions.count
    })
    XCTAssertEqual(writesArrived, Self.writes,
                   "posted writes held behind a CplD waiting for Cpl credits: \(writesArrived) of \(Self.writes) MWr reached port 1, \(completionsArrived) CplD")
    XCTAssertEqual(completionsArrived, completions.count, "the 256-byte CplD follows once the credits return")
  }
}
