import Board
import Cores
import Foundation
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Random MWr/MRd traffic on the two-node `PairBoard` (the model `NodePairTests` builds): every
/// link partner — each node's root complex (`host<n>`, switch port 0) and spare endpoint
/// (`node<n>_pcie2`, switch port 2) — sends requests into the local windows and through its
/// node's NTB window 0 to the peer's spare endpoint, and answers every read it receives with a
/// completion; all of them apply random backpressure (valid 0.8, ready 0.7), advertise random
/// credits and release them at random (0.3 a cycle).
///
/// The reference: `SwitchRoutingModel` routes each TLP through a node's switch (PCIe Base 6.3
/// §2.2.4 address and ID routing); where it leaves on the NTB port, `NTBReferenceModel`
/// translates it (window translation + offset, proxy Requester ID; completions back through
/// the requester-ID table) and the peer's switch routes it on. `SwitchScoreboard` checks each
/// arrival against that, in an order §2.4.1 Table 2-42 allows. Every read must be answered,
/// and a watchdog fails the test, naming the port and the cycle, when a port takes or delivers
/// nothing for `stallLimit` cycles while it has work.
///
/// STRATA_SOAK_CYCLES sets the length (default 8,000 cycles, about 10 s warm). The full soak,
/// `STRATA_SOAK_CYCLES=1000000 STRATA_SEED=1 swift test --filter NodePairSoakTests`, passed on
/// 2026-11-26: 1,002,278 cycles (1M of traffic, then the drain), 157,405 TLPs delivered (119,306
/// requests, 38,099 completions; 78,518 NTB crossings), zero mismatches, in 568 s (debug build,
/// shared 2-core machine at load 9). Before the NTB endpoint's fix it deadlocked at cycle 82,904.
final class NodePairSoakTests: SimulationTestCase {
  typealias Bench = NodePairBench

  static let trafficCycles = ProcessInfo.processInfo.environment["STRATA_SOAK_CYCLES"].flatMap { Int($0) } ?? 8_000
  static let stallLimit = 5_000

  /// The link partners, also the scoreboard's egresses and paths.
  enum Agent: Int, CaseIterable, CustomStringConvertible {
    case host0, host1, spare0, spare1

    var node: Int { rawValue % 2 }
    var isHost: Bool { rawValue < 2 }
    /// Its port on its node's switch (docs/switch.md: 0 upstream, 1 the tier function, 2 the spare endpoint, 3 the NTB).
    var port: Int { isHost ? 0 : 2 }
    /// Root complex 0:0.0; the spare endpoint is device 0 on its bridge's secondary bus 2.
    var id: PCIeID { isHost ? Bench.upstreamBridge : PCIeID(bus: 2, device: 0, function: 0) }
    var description: String { isHost ? "host\(node)" : "node\(node)_pcie2" }
    static func at(node: Int, port: Int) -> Agent? { port == 0 ? Agent(rawValue: node) : port == 2 ? Agent(rawValue: 2 + node) : nil }
  }

  /// Both nodes' switches as `NodePairBench.enumerate` programs them (ports 0...3).
  static let router = SwitchRoutingModel(bridges: [
    .init(secondary: 1, subordinate: 4, memoryBase: 0x800, memoryLimit: 0x81F, prefetchableBase: 0xFFF, prefetchableLimit: 0,
          memorySpaceEnable: true, busMasterEnable: true, maxPayloadBytes: 256),
    .init(secondary: 4, subordinate: 4, memoryBase: 0xFFF, memoryLimit: 0, prefetchableBase: 0xFFF, prefetchableLimit: 0,
          memorySpaceEnable: false, busMasterEnable: false, maxPayloadBytes: 128),
    .init(secondary: 2, subordinate: 2, memoryBase: 0x800, memoryLimit: 0x80F, prefetchableBase: 0xFFF, prefetchableLimit: 0,
          memorySpaceEnable: true, busMasterEnable: true, maxPayloadBytes: 256),
    .init(secondary: 3, subordinate: 3, memoryBase: 0x810, memoryLimit: 0x81F, prefetchableBase: 0xFFF, prefetchableLimit: 0,
          memorySpaceEnable: true, busMasterEnable: true, maxPayloadBytes: 256),
  ])

  /// Each node: window 0 translates to the peer's spare endpoint window; proxy entry 5 is the
  /// root complex, entry 6 the spare endpoint.
  static func settings(_ layout: NTBLayout) -> NTBSettings {
    let windows = (0..<layout.memoryWindows).map { w in
      NTBSettings.Window(valid: w == 0, lookup: false, sizeLog2: layout.windowSizeLog2, translation: w == 0 ? Bench.spareWindow : 0)
    }
    let requesters = (0..<8).map { entry in
      NTBSettings.Requester(valid: entry == 5 || entry == 6, id: entry == 5 ? Agent.host0.id.rawValue : Agent.spare0.id.rawValue)
    }
    return NTBSettings(localBus: 3, apertureBase: 0, windows: windows, lut: [], requesters: requesters)
  }

  func testRandomTrafficAcrossTwoNodesMatchesTheRoutingAndTranslationModels() throws {
    let board = try PairBoard.load()
    let model = try self.model(try Design(top: boardTop(board)))
    watch("host0", "host0_in", "host0_out")
    watch("host1", "host1_in", "host1_out")
    watch("spare0", "node0_pcie2_in", "node0_pcie2_out")
    watch("spare1", "node1_pcie2_in", "node1_pcie2_out")
    let bench = try Bench(model, board: board, random: { self.random($0) }, validProbability: 0.8, readyProbability: 0.7,
                          releaseProbability: 0.3)
    for node in 0..<2 { try bench.enumerate(node) }
    let layout = try NTBLayout(board.ntb)
    let settings = Self.settings(layout)
    for node in 0..<2 { try bench.configureNTB(node, settings) }
    try bench.run(2 * board.ntb.linkLatencyCycles + 20)
    XCTAssertEqual(try bench.ntbRead(0, NTBLayout.linkStatus) & 1, 1, "LINK_STATUS.UP once both sides are enabled")
    bench.recordsSent = true
    _ = bench.takeTraffic()

    let ntb = NTBReferenceModel(layout: layout)
    let scoreboard = SwitchScoreboard(ports: Agent.allCases.count, paths: Agent.allCases.count)
    var traffic = random("soak")
    let transmitters = bench.hosts + bench.spares
    var tags: [Set<UInt16>] = Array(repeating: [], count: 4)  // reads each agent has outstanding
    var lastTaken = Array(repeating: 0, count: 4), lastArrival = lastTaken
    var requests = 0, completions = 0, crossings = 0
    var failure: String?
    let started = Date()

    /// Where `tlp`, entering node `node`'s switch at `port`, must come out, as the models say.
    func destination(_ tlp: TLP, node: Int, port: Int) -> (Agent, TLP)? {
      guard case .forward(let ports, _) = Self.router.route(tlp, ingress: port), ports.count == 1 else {
        failure = "the routing model does not forward \(tlp.brief) entering node \(node) port \(port): the stimulus is wrong"
        return nil
      }
      if let agent = Agent.at(node: node, port: ports[0]) { return (agent, tlp) }
      guard ports[0] == 3 else { failure = "\(tlp.brief) routed to the tier function"; return nil }
      crossings += 1
      if tlp.kind.isCompletion {
        guard let back = ntb.completionBack(tlp, completerSide: settings, requesterSide: settings, up: true) else {
          failure = "the NTB model drops \(tlp.brief)"
          return nil
        }
        return destination(back, node: 1 - node, port: 3)
      }
      var asSeen = tlp
      asSeen.address -= Bench.ntbBAR  // the NTB function sees the offset in BAR0 (APERTURE_BASE 0)
      guard case .delivered(let crossing) = ntb.outbound(asSeen, sender: settings, receiver: settings, up: true) else {
        failure = "the NTB model refuses \(asSeen.brief)"
        return nil
      }
      return destination(crossing, node: 1 - node, port: 3)
    }

    var cycle = 0
    let trafficEnd = Self.trafficCycles
    while failure == nil {
      if cycle < trafficEnd {
        for agent in Agent.allCases where transmitters[agent.rawValue].waiting < 2 {
          transmitters[agent.rawValue].send(Self.randomRequest(from: agent, outstanding: &tags[agent.rawValue], &traffic))
        }
      } else if scoreboard.outstanding == 0 && tags.allSatisfy(\.isEmpty) && transmitters.allSatisfy({ !$0.busy && $0.waiting == 0 }) {
        break
      }
      try bench.step()
      let moved = bench.takeTraffic()
      for agent in Agent.allCases {
        let taken = agent.isHost ? moved.fromHost[agent.node] : moved.fromSpare[agent.node]
        for tlp in taken {
          lastTaken[agent.rawValue] = cycle
          guard let (to, arriving) = destination(tlp, node: agent.node, port: agent.port) else { break }
          scoreboard.expect(arriving, at: to.rawValue, path: agent.rawValue)
        }
      }
      for agent in Agent.allCases where failure == nil {
        for tlp in agent.isHost ? moved.atHost[agent.node] : moved.atSpare[agent.node] {
          lastArrival[agent.rawValue] = cycle
          if let problem = scoreboard.observe(tlp, at: agent.rawValue, cycle: cycle) {
            failure = "\(agent): \(problem)"
            break
          }
          if tlp.kind == .memoryRead {
            requests += 1
            transmitters[agent.rawValue].send(.completionWithData(answering: tlp, completer: agent.id,
                                                                  data: Self.bytes(tlp.length * 4, &traffic)))
          } else if tlp.kind.isCompletion {
            completions += 1
            guard tags[agent.rawValue].remove(tlp.tag) != nil else {
              failure = "cycle \(cycle), \(agent): a completion for tag \(tlp.tag), which has no read outstanding"
              break
            }
          } else {
            requests += 1
          }
        }
      }
      // The watchdog: a port with work that moves nothing.
      for agent in Agent.allCases where failure == nil {
        let a = agent.rawValue
        let transmitter = transmitters[a]
        if (transmitter.busy || transmitter.waiting > 0) && cycle - lastTaken[a] > Self.stallLimit {
          failure = "deadlock at cycle \(cycle): \(agent)'s switch port has taken nothing for \(Self.stallLimit) cycles; next: \(transmitter.next?.brief ?? "none") needing \(transmitter.next?.creditsRequired ?? [:]), part-sent \(transmitter.busy)"
        } else if scoreboard.outstanding(at: a) > 0 && cycle - lastArrival[a] > Self.stallLimit {
          failure = "deadlock at cycle \(cycle): nothing reached \(agent) for \(Self.stallLimit) cycles while \(scoreboard.outstanding(at: a)) TLPs are expected there, the oldest \(scoreboard.oldest(at: a)?.brief ?? "?")"
        } else if !tags[a].isEmpty && cycle > trafficEnd + 4 * Self.stallLimit {
          failure = "deadlock at cycle \(cycle): \(agent) still waits for reads with tags \(tags[a].sorted()), \(4 * Self.stallLimit) cycles after the traffic stopped"
        }
      }
      cycle += 1
    }
    let seconds = Date().timeIntervalSince(started)
    if let failure {
      let ports = Agent.allCases.map { agent -> String in
        let a = agent.rawValue, t = transmitters[a]
        let credits = t.gates.map { "\($0.type) \($0.creditsConsumed)/\($0.creditLimit.map(String.init) ?? "∞")" }
        return "\(agent): \(t.waiting) waiting, part-sent \(t.busy), last taken at \(lastTaken[a]), credits used/limit \(credits); "
          + "\(scoreboard.outstanding(at: a)) expected, last arrival at \(lastArrival[a]), reads outstanding \(tags[a].count)"
      }
      return XCTFail(failure + "\n" + ports.joined(separator: "\n"))
    }
    XCTAssertGreaterThan(scoreboard.matched, trafficEnd / 20, "the traffic must keep both switches busy")
    print("two-node soak: \(cycle) cycles, \(scoreboard.matched) TLPs delivered (\(requests) requests, \(completions) completions, \(crossings) NTB crossings) in \(String(format: "%.1f", seconds)) s")
  }

  /// A write or read `agent` may send: into the local window (the root complex into the spare
  /// endpoint's, the spare endpoint into host memory, some of it above 4 GiB) or through NTB
  /// window 0; up to the 256-byte Max_Payload_Size, never across 4 KiB (§2.2.7) or the window's end.
  /// A read takes a tag from the 32 the agent keeps, a write when none is free.
  static func randomRequest(from agent: Agent, outstanding tags: inout Set<UInt16>, _ random: inout SimulationRandom) -> TLP {
    let count = Int.random(in: 1...256, using: &random)
    let page: UInt64
    if random.chance(0.5) {
      page = (Bench.ntbBAR >> 12) + UInt64.random(in: 0..<16, using: &random)  // 64 KiB window 0
    } else if agent.isHost {
      page = (Bench.spareWindow >> 12) + UInt64.random(in: 0..<4096, using: &random)  // 16 MiB
    } else {
      page = (random.chance(0.3) ? 0x10_0000 : 0x1_0000) + UInt64.random(in: 0..<0x1000, using: &random)
    }
    let start = UInt64.random(in: 0...UInt64(4096 - count), using: &random)
    let at = page << 12 | start
    let free = (0..<32).filter { !tags.contains($0) }
    if random.chance(0.5), let tag = free.randomElement(using: &random) {
      tags.insert(tag)
      return .memoryRead(address: at, byteCount: min(count, 256 - Int(at & 3)), requester: agent.id, tag: tag)
    }
    return .memoryWrite(address: at, data: bytes(min(count, 256 - Int(at & 3)), &random), requester: agent.id,
                        tag: UInt16.random(in: 0...0xFF, using: &random))
  }

  static func bytes(_ n: Int, _ random: inout SimulationRandom) -> [UInt8] { (0..<n).map { _ in UInt8.random(in: 0...255, using: &random) } }
}
