import Cores
import Foundation
import HDL
import PCIe
import Simulation
import SimulationTesting
import Toolchain
import XCTest

/// The switch (two ports, and four around the crossbar) under Verilator with random traffic from every link partner, cycle by
/// cycle: every TLP that leaves must be one the routing reference model (`SwitchRoutingModel`,
/// written from the specification) sends there, in an order Table 2-42 allows; every unclaimed
/// request is answered with UR and every unclaimed posted TLP or completion counted; both link
/// partners apply random backpressure and random credit advertisements; nothing may stay stuck.
/// The last port's link is down for the first quarter (§2.9.1: what is routed there is refused
/// by that port), then comes up; later it drops again under traffic, with its partner part-way
/// through a TLP, and comes up once more. Flow control starts again with each link-up (§2.6.1,
/// §3.4.2): the port's partners send InitFC then. What the drop loses by design is exactly the
/// TLP cut short (closed by the receive buffer, counted malformed at its port, passed on
/// nullified where its head went, as a TLP cut short by a `start`); the test waits for a moment
/// when nothing is on its way to that port, so that nothing else may be lost.
///
/// Among the traffic, one TLP in 25 is sent malformed (`MalformedTLP`: short, long, payload
/// where Fmt says none, none where Length says some, reserved Fmt/Type, crossing 4 KiB, cut short
/// by the next TLP's start) or
/// nullified by its sender: each malformed one must be counted at its port and arrive nowhere as
/// good; one whose head the switch passed on before the framing broke must arrive nullified
/// at every port its header routes to, and nowhere else; the port takes the next TLP as usual.
final class SwitchTrafficTests: SimulationTestCase {
  /// Cycles of random traffic on the two-port switch (the four-port one runs a quarter), then
  /// the switch drains; STRATA_TRAFFIC_CYCLES sets another
  /// number for a longer soak.
  static let trafficCycles = ProcessInfo.processInfo.environment["STRATA_TRAFFIC_CYCLES"].flatMap { Int($0) } ?? 100_000
  /// The share of the random traffic sent malformed (or nullified by the sender).
  static let malformedShare: Probability = 0.04

  static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)
  static let fourPorts = [BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A00, role: .upstream, portNumber: 0, maxPayloadBytes: 256,
                                        maxLinkSpeed: 3, maxLinkWidth: 8)]
    + (1..<4).map { BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, role: .downstream, portNumber: $0, maxPayloadBytes: 256,
                                   maxLinkSpeed: 3, maxLinkWidth: 4) }

  /// Bus ranges and windows for `ports` ports: downstream port k (device k − 1 on internal bus
  /// 1) gets buses 4k − 2 ... 4k + 1 and the 16 MiB window at 0x800 + 16(k − 1) MiB; the
  /// upstream bridge gets bus 1 to the last subordinate and 0x800 ... 0x8FF MiB.
  static func bridges(ports: Int) -> [SwitchRoutingModel.Bridge] {
    [SwitchRoutingModel.Bridge(secondary: 1, subordinate: 4 * (ports - 1) + 1, memoryBase: 0x800, memoryLimit: 0x8FF,
                               prefetchableBase: 0xFFF, prefetchableLimit: 0, memorySpaceEnable: true, busMasterEnable: true,
                               maxPayloadBytes: 256)]
      + (1..<ports).map { k in
        SwitchRoutingModel.Bridge(secondary: 4 * k - 2, subordinate: 4 * k + 1, memoryBase: 0x800 + 16 * (k - 1),
                                  memoryLimit: 0x80F + 16 * (k - 1), prefetchableBase: 0xFFF, prefetchableLimit: 0,
                                  memorySpaceEnable: true, busMasterEnable: true, maxPayloadBytes: 256)
      }
  }

  /// The configuration writes that set `bridges` up, encoded from the register layouts of
  /// §7.5.1.3 (Bus Numbers: primary, secondary, subordinate from bit 0; Memory Base/Limit:
  /// address bits 31:20 in bits 15:4 and 31:20; Prefetchable closed by base above limit;
  /// Command 0x6 = Memory Space and Bus Master Enable; Device Control byte 0 = 0x30: Max_Payload_Size
  /// 001b = 256 bytes in bits 7:5, Relaxed Ordering kept at its reset 1, §7.5.3.4).
  static func configuration(_ bridges: [SwitchRoutingModel.Bridge]) -> [TLP] {
    var tag: UInt16 = 0
    return bridges.enumerated().flatMap { k, b -> [TLP] in
      let target = k == 0 ? rootComplex : PCIeID(bus: 1, device: UInt8(k - 1), function: 0)
      let primary = k == 0 ? 0 : 1
      let writes: [(Int, UInt32)] = [(0x18, UInt32(primary | b.secondary << 8 | b.subordinate << 16)),
                                     (0x20, UInt32(b.memoryLimit << 20 | b.memoryBase << 4)), (0x24, 0x0000_FFF0), (0x04, 0x6),
                                     (0x48, 0x30)]
      return writes.map { offset, value in
        tag += 1
        return .configWrite(type1: k != 0, target: target, offset: offset, value: value, byteEnables: offset == 0x48 ? 0x1 : 0xF,
                            requester: rootComplex, tag: tag)
      }
    }
  }

  func testRandomTrafficFromBothLinksMatchesTheRoutingModel() throws {
    let design = try Design(top: try twoPortSwitch(identities: TwoPortSwitchTests.identities, dataWidth: 64, queueDepth: 8))
    try runRandomTraffic(design, ports: 2, cycles: Self.trafficCycles)
  }

  /// Verilator's lint only: Yosys takes most of a minute on the whole switch (594,375 cells);
  /// the parts each pass all three tools in their own tests.
  func testTheFourPortSwitchIsLintCleanUnderVerilator() throws {
    let design = try Design(top: try pcieSwitch(identities: Self.fourPorts, dataWidth: 64, queueDepth: 8, crossbarDepth: 16))
    let dir = VerilogFiles.temporaryDirectory("switch-lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let verdict = try Lint.verilator(try VerilogFiles(design, in: dir))
    XCTAssertTrue(verdict.isClean, "\(design.top): \(verdict)")
  }

  func testRandomTrafficThroughAFourPortSwitchMatchesTheRoutingModel() throws {
    let design = try Design(top: try pcieSwitch(identities: Self.fourPorts, dataWidth: 64, queueDepth: 8, crossbarDepth: 16))
    try runRandomTraffic(design, ports: 4, cycles: Self.trafficCycles / 4)
  }

  /// Random traffic from every link of a switch of `ports` ports (see the class comment).
  func runRandomTraffic(_ design: Design, ports n: Int, cycles: Int) throws {
    let model = try self.model(design)
    let transmitters = try (0..<n).map {
      try TLPTransmitter(model, prefix: "link\($0)", validProbability: 0.8, random: random("tx\($0)"))
    }
    let receivers = try (0..<n).map {
      try TLPReceiver(model, prefix: "link\($0)", readyProbability: 0.7, releaseProbability: 0.3, random: random("rx\($0)"))
    }
    for port in 0..<n {
      for input in ["speed", "width"] { try model.set("link\(port)_\(input)", BitVector(width: input == "speed" ? 4 : 6)) }
    }
    // The last port's link is down for the first quarter of the traffic (an empty slot, §2.9.1):
    // what is routed to it is refused there. Then the traffic drains, the link comes up and
    // the other three quarters flow through it as well.
    let downPort = n - 1
    for port in 0..<n { try model.set("link\(port)_active", BitVector(port != downPort)) }
    var linkPhase = LinkPhase.down
    // The second time down: once quiet (nothing routed to the port still on its way), with the
    // partner part-way through a good TLP; down for a sixteenth of the traffic, then up after draining.
    var dropsLeft = 1, downUntil = Int.max, upAt = 0, quietSince = 0, cutByLink = 0
    let counters = try (0..<n).map { port in try ["dropped", "unsupported", "malformed"].map { try model.output("link\(port)_\($0)") } }
    let allocated = try (0..<n).map { port in
      try ["ph", "pd", "nph", "npd", "cplh", "cpld"].map { try model.output("link\(port)_rx_fc_\($0)_allocated") }
    }
    var traffic = random("traffic")
    // Scoreboard paths at each egress: forwarded from each ingress, the UR completions the
    // egress's own ingress answers with, the configuration completer's completions.
    let urPath = n, configurationPath = n + 1
    let scoreboard = SwitchScoreboard(ports: n, paths: n + 2)
    let bridges = Self.bridges(ports: n)
    var router = SwitchRoutingModel(bridges: bridges)
    router.bridges[downPort].linkUp = false
    let urCompleter = [PCIeID(rawValue: 0)] + (1..<n).map { PCIeID(bus: 1, device: UInt8($0 - 1), function: 0) }
    var dropped = Array(repeating: 0, count: n), unsupported = dropped, sent = dropped, refused = 0
    var malformed = dropped, nullified = dropped
    var flawsSent: [MalformedTLP.Kind: Int] = [:]
    var flaws = random("malformed")
    var spent = [[Int]](repeating: [Int](repeating: 0, count: 6), count: n)

    model.reset()
    for receiver in receivers { try receiver.chooseCredits() }
    for tlp in Self.configuration(bridges) {
      transmitters[0].send(tlp)
      scoreboard.expect(.completion(answering: tlp, completer: tlp.target), at: 0, path: configurationPath)
    }
    // Every credit the switch's receive buffers advertised is back: nothing is left in them.
    func creditsBack() -> Bool {
      (0..<n).allSatisfy { port in
        CreditType.allCases.allSatisfy { allocated[port][$0.rawValue].uint64 == Self.returned(spent[port][$0.rawValue], $0) }
      }
    }
    var configured = false
    var cycle = 0, trafficEnd = Int.max
    let drainLimit = 20_000
    while true {
      // InitFC where the link is up; port n − 1's partners initialise when its link comes up (§2.6.1).
      if cycle == 1 { for port in 0..<n where port != downPort { transmitters[port].initialize() } }
      if !configured && cycle > 1 && scoreboard.outstanding == 0 {
        configured = true
        trafficEnd = cycle + cycles
        downUntil = cycle + cycles / 4
      }
      if configured && cycle < trafficEnd {
        if linkPhase == .down && cycle >= downUntil { linkPhase = .draining }
        if linkPhase == .up && dropsLeft > 0 && cycle >= upAt + cycles / 4 {
          linkPhase = .quieting
          quietSince = cycle
        }
        if linkPhase == .quieting {
          // Nothing expected at the port, nothing on its way there, nothing queued to go there.
          let quiet = scoreboard.outstanding(at: downPort) == 0 && receivers[downPort].nullified == nullified[downPort]
            && (0..<n).allSatisfy { p in transmitters[p].pending.allSatisfy { !router.reaches(downPort, $0.tlp, from: p) } }
          let partway = transmitters[downPort].partway
          if quiet && (partway.map { $0.flaw == nil } ?? false || partway == nil && cycle >= quietSince + 2_000) {
            try model.set("link\(downPort)_active", BitVector(false))
            router.bridges[downPort].linkUp = false
            receivers[downPort].linkDown()
            if let (cut, taken) = transmitters[downPort].linkDown(), taken > 0, let tlp = cut.tlp {
              // Undo what its start expected: it leaves nowhere whole; it is malformed at its port
              // and leaves nullified wherever its head went.
              cutByLink += 1
              malformed[downPort] += 1
              switch router.route(tlp, ingress: downPort) {
              case .forward(let ports, _):
                for egress in ports {
                  XCTAssertTrue(scoreboard.withdraw(tlp, at: egress, path: downPort), "the cut TLP was expected at \(egress)")
                  nullified[egress] += 1
                }
              case .drop: dropped[downPort] -= 1
              default: break
              }
            }
            // The receive buffer's CREDITS_ALLOCATED restarts from its advertisement.
            spent[downPort] = Array(repeating: 0, count: 6)
            linkPhase = .down
            downUntil = cycle + cycles / 16
            dropsLeft -= 1
          }
        }
        // Drained: everything sent has arrived, or was dropped, refused or found malformed by its
        // ingress (the counters agree), and every receive buffer has returned its credits (a TLP
        // the model terminates, counted nowhere, has then been routed too: seed
        // 1982180949855290464 had a broadcast message still in one when the link came up), so
        // no TLP still in a receive buffer is routed after the link changes.
        // (What the last port's partner queued before its link dropped waits for the link.)
        let drained = scoreboard.outstanding == 0 && (0..<n).allSatisfy { $0 == downPort || !transmitters[$0].busy && transmitters[$0].waiting == 0 }
          && creditsBack()
          && (0..<n).allSatisfy { counters[$0][0].uint64 == Self.counted(dropped[$0]) && counters[$0][1].uint64 == Self.counted(unsupported[$0])
                                  && counters[$0][2].uint64 == Self.counted(malformed[$0]) }
        if linkPhase == .draining && drained {
          try model.set("link\(downPort)_active", BitVector(true))
          transmitters[downPort].initialize()
          try receivers[downPort].linkUp()
          router.bridges[downPort].linkUp = true
          linkPhase = .up
          upAt = cycle
          trafficEnd = dropsLeft > 0 ? cycle + cycles * 3 / 4 : max(trafficEnd, cycle + cycles / 8)
        }
        // Nothing arrives on a link that is down; nothing is offered while the first quarter drains.
        // While quieting, nothing is sent that would reach the last port.
        for port in 0..<n where transmitters[port].waiting < 2 && linkPhase != .draining
          && (port != downPort || linkPhase == .up || linkPhase == .quieting) {
          if flaws.chance(Self.malformedShare) {
            let broken = MalformedTLP.random(from: port, ports: n, &flaws)
            if linkPhase == .quieting && router.reaches(downPort, broken.tlp, from: port) { continue }
            transmitters[port].send(beats: broken.beats, credits: broken.credits, flaw: broken.kind.rawValue, tlp: broken.tlp)
            if broken.kind == .cutShort { transmitters[port].send(MalformedTLP.follower(from: port)) }
          } else {
            let tlp = Self.randomTLP(from: port, ports: n, &traffic)
            if linkPhase == .quieting && router.reaches(downPort, tlp, from: port) { continue }
            transmitters[port].send(tlp)
          }
        }
      }
      if cycle >= trafficEnd {
        for receiver in receivers { receiver.releaseProbabilityOverride = 1.0 }
        // Idle: nothing expected, nothing to send, every credit back on both sides (a dropped
        // TLP's credits return when its last beat has been consumed), and every nullified TLP
        // arrived: the scoreboard does not wait for those, and one may still be in the crossbar
        // when its receive buffer has returned its credits.
        let idle = scoreboard.outstanding == 0 && transmitters.allSatisfy { !$0.busy && $0.waiting == 0 }
          && receivers.allSatisfy { !$0.holding } && creditsBack() && (0..<n).allSatisfy { receivers[$0].nullified == nullified[$0] }
        if idle { break }
        guard cycle < trafficEnd + drainLimit else {
          let links = (0..<n).map { port in
            "link\(port): \(transmitters[port].waiting) TLPs not started, next \(transmitters[port].nextOutgoing.map { "\($0.tlp.map { "\($0.kind)" } ?? "raw header") needing \($0.credits)" } ?? "none"), one part-sent: \(transmitters[port].busy), credits allocated \(allocated[port].map(\.uint64)) against \(CreditType.allCases.map { Self.returned(spent[port][$0.rawValue], $0) }), dropped/unsupported/malformed counted \(counters[port].map(\.uint64)) against \([dropped[port], unsupported[port], malformed[port]])"
          }
          XCTFail("deadlock: \(drainLimit) cycles after the traffic stopped at cycle \(trafficEnd), \(scoreboard.outstanding) TLPs are still expected (\(scoreboard.matched) arrived); port \(downPort)'s link \(linkPhase) (up last at cycle \(upAt), \(dropsLeft) drops left); \(links.joined(separator: "; "))")
          return
        }
      }
      if cycle >= 1 { for transmitter in transmitters { try transmitter.drive() } }
      for receiver in receivers { try receiver.drive() }
      model.settle()
      for port in 0..<n {
        guard cycle >= 1, let started = transmitters[port].observeStart() else { continue }
        sent[port] += 1
        for (type, units) in started.credits { spent[port][type.rawValue] += units }
        guard configured else { continue }
        if let flaw = started.flaw {
          let broken = MalformedTLP(kind: MalformedTLP.Kind(rawValue: flaw)!, tlp: started.tlp, beats: started.beats, credits: started.credits)
          flawsSent[broken.kind, default: 0] += 1
          if broken.countsAsMalformed { malformed[port] += 1 }
          if broken.leavesNullified, let tlp = broken.tlp, case .forward(let ports, _) = router.route(tlp, ingress: port) {
            for egress in ports { nullified[egress] += 1 }
          }
          continue
        }
        guard let tlp = started.tlp else { continue }
        switch router.route(tlp, ingress: port) {
        case .forward(let ports, _):
          for egress in ports { scoreboard.expect(tlp, at: egress, path: port) }
        case .unsupported:
          unsupported[port] += 1
          scoreboard.expect(.completion(answering: tlp, completer: urCompleter[port], status: .unsupportedRequest), at: port,
                            path: urPath)
        case .drop:
          dropped[port] += 1
        case .linkDown(let down, let nonPosted):
          // Refused at the down port: its bridge answers a non-posted request, the rest is dropped.
          refused += 1
          if nonPosted {
            unsupported[port] += 1
            scoreboard.expect(.completion(answering: tlp, completer: urCompleter[down], status: .unsupportedRequest), at: port,
                              path: urPath)
          } else {
            dropped[port] += 1
          }
        case .terminate:
          break
        case .ownBridge, .malformed:
          XCTFail("the random traffic holds no configuration requests, and its malformed TLPs are sent as such: \(tlp)")
          return
        }
      }
      for (egress, receiver) in receivers.enumerated() {
        do {
          guard let tlp = try receiver.observe() else { continue }
          if let problem = scoreboard.observe(tlp, at: egress, cycle: cycle) {
            XCTFail(problem)
            return
          }
        } catch {
          XCTFail("cycle \(cycle), egress \(egress): \(error)")
          return
        }
      }
      model.step()
      cycle += 1
    }

    for port in 0..<n {
      XCTAssertEqual(counters[port][0].uint64, Self.counted(dropped[port]), "port \(port): dropped posted TLPs and completions")
      XCTAssertEqual(counters[port][1].uint64, Self.counted(unsupported[port]), "port \(port): Unsupported Requests")
      XCTAssertEqual(counters[port][2].uint64, Self.counted(malformed[port]), "port \(port): malformed TLPs")
      XCTAssertEqual(receivers[port].nullified, nullified[port], "port \(port): TLPs that left nullified")
      // Every credit the switch's receive buffer advertised is back once it is empty.
      for type in CreditType.allCases {
        XCTAssertEqual(allocated[port][type.rawValue].uint64, Self.returned(spent[port][type.rawValue], type), "port \(port): \(type) credits returned")
      }
    }
    XCTAssertGreaterThan(scoreboard.matched, cycles / 20, "the traffic must keep the switch busy")
    XCTAssertEqual(linkPhase, .up, "port \(downPort)'s link came up")
    XCTAssertEqual(dropsLeft, 0, "port \(downPort)'s link dropped under traffic and came up again")
    XCTAssertEqual(cutByLink, 1, "its partner was part-way through a TLP when it dropped")
    XCTAssertGreaterThan(refused, 0, "TLPs were routed to port \(downPort) while its link was down")
    XCTAssertEqual(Set(flawsSent.keys), Set(MalformedTLP.Kind.allCases), "every kind of malformed TLP must be sent: \(flawsSent)")
    print("\(n)-port switch: \(cycle) cycles, TLPs sent \(sent), delivered \(scoreboard.matched), UR \(unsupported), dropped \(dropped), refused at port \(downPort) while its link was down \(refused), cut by the link \(cutByLink), malformed \(malformed), left nullified \(nullified), kinds \(flawsSent.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key): \($0.value)" })")
  }

  /// Port `n − 1`'s link during `runRandomTraffic`: down, waiting for the switch to go idle, up;
  /// then waiting for nothing to be on its way to the port before it drops under traffic.
  enum LinkPhase { case down, draining, up, quieting }

  /// What a port's 16-bit error counter reads after `events`: it saturates at 0xFFFF rather than
  /// wrap (a 4M-cycle two-port soak drops more than 65,535 TLPs at port 0: seed 2112011493547108045).
  static func counted(_ events: Int) -> UInt64 { UInt64(min(events, 0xFFFF)) }

  /// CREDITS_ALLOCATED once all `spent` credits are back: the switch's initial advertisement
  /// (8 header, 16 data credits per class) plus what was spent, modulo the field size (§2.6.1.2).
  static func returned(_ spent: Int, _ type: CreditType) -> UInt64 {
    UInt64(((type.isHeader ? 8 : 16) + spent) % (1 << type.fieldSize))
  }

  /// A TLP a link partner on `port` may send: memory requests in and around the windows,
  /// completions and ID-routed messages for buses in and around the ranges, messages of every
  /// routing; payloads up to the 256-byte Max_Payload_Size, now and then poisoned.
  static func randomTLP(from port: Int, ports: Int, _ random: inout SimulationRandom) -> TLP {
    let requester = port == 0 ? rootComplex : PCIeID(bus: UInt8(4 * port - 2 + Int.random(in: 0...3, using: &random)), device: 0, function: 0)
    let tag = UInt16.random(in: 0...0x3FF, using: &random)
    func bytes(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &random) } }
    func address(fitting count: Int) -> UInt64 {
      let mib: UInt64
      switch Int.random(in: 0..<5, using: &random) {
      case 0, 4: mib = UInt64.random(in: 0x800...UInt64(0x7FF + 16 * (ports - 1)), using: &random)  // the downstream windows
      case 1: mib = UInt64.random(in: 0x7FF...0x900, using: &random)         // the upstream window and its edges
      case 2: mib = UInt64.random(in: 0...0xFFF, using: &random)             // anywhere below 4 GiB
      default: mib = UInt64.random(in: 0x1000...0xFFFF_FFFF, using: &random)  // above 4 GiB
      }
      return mib << 20 | UInt64.random(in: 0...0xFF, using: &random) << 12 | UInt64.random(in: 0...UInt64(4096 - count), using: &random)
    }
    // Max_Payload_Size 256 bytes is 64 DWs (§2.2.2): an unaligned start leaves fewer bytes.
    func request(upTo bytes: Int) -> (UInt64, Int) {
      let count = Int.random(in: 1...bytes, using: &random)
      let at = address(fitting: count)
      return (at, min(count, bytes - Int(at & 3)))
    }
    func id() -> PCIeID { PCIeID(bus: UInt8.random(in: 0...UInt8(4 * ports), using: &random), device: UInt8.random(in: 0...1, using: &random), function: 0) }
    var tlp: TLP
    switch Int.random(in: 0..<10, using: &random) {
    case 0...3:
      let (at, count) = request(upTo: 256)
      tlp = .memoryWrite(address: at, data: bytes(count), requester: requester, tag: tag)
    case 4, 5:
      let count = Int.random(in: 1...512, using: &random)
      tlp = .memoryRead(address: address(fitting: count), byteCount: count, requester: requester, tag: tag)
    case 6, 7:
      let (at, count) = request(upTo: 256)
      let read = TLP.memoryRead(address: at, byteCount: count, requester: id(), tag: tag)
      tlp = random.chance(0.7) ? .completionWithData(answering: read, completer: requester, data: bytes(read.length * 4))
        : .completion(answering: read, completer: requester, status: random.chance(0.5) ? .successful : .completerAbort)
    default:
      let routing = MessageRouting.allCases.randomElement(using: &random)!
      tlp = .message(code: UInt8.random(in: 0...255, using: &random), routing: routing, requester: requester, target: id(),
                     address: address(fitting: 4) & ~3, fields: UInt64.random(in: 0...UInt64.max, using: &random),
                     data: bytes(4 * Int.random(in: 0...4, using: &random)), tag: tag)
    }
    tlp.trafficClass = UInt8.random(in: 0...7, using: &random)
    tlp.attributes = TLPAttributes(rawValue: UInt8.random(in: 0...7, using: &random))
    tlp.poisoned = random.chance(0.05)
    return tlp
  }
}
