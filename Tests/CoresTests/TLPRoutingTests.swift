import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The switch's routing decision (`routeDecision`) against `SwitchRoutingModel`: random
/// bridge configurations (as enumeration leaves them, sometimes disabled or overlapping),
/// random TLPs aimed at the windows and bus ranges, and raw headers of every Fmt/Type.
final class TLPRoutingTests: XCTestCase {
  static func router(ports n: Int) -> Module {
    Module("tlp_route_probe", parameters: ["ports": n]) { m in
      let header = TLPHeaderFields(m.input("header", width: TLPStream.headerWidth))
      let ingress = m.input("ingress", width: bitsToIndex(n))
      let bridges = (0..<n).map { k in
        BridgeRouting(secondaryBus: m.input("p\(k)_secondary", width: 8), subordinateBus: m.input("p\(k)_subordinate", width: 8),
                      memoryBase: m.input("p\(k)_memory_base", width: 12), memoryLimit: m.input("p\(k)_memory_limit", width: 12),
                      prefetchableBase: m.input("p\(k)_prefetchable_base", width: 44),
                      prefetchableLimit: m.input("p\(k)_prefetchable_limit", width: 44),
                      memorySpaceEnable: m.input("p\(k)_memory_enable"), busMasterEnable: m.input("p\(k)_bus_master"),
                      linkUp: k == 0 ? .high : m.input("p\(k)_link_up"))
      }
      let decision = routeDecision(header, ingress: ingress, bridges: bridges, maxPayloadSize: m.input("max_payload_size", width: 3))
      let outputs: [(String, Signal)] = [
        ("egress", decision.egress), ("to_type0", decision.convertToType0), ("own", decision.toOwnBridge),
        ("own_port", decision.ownBridge), ("unsupported", decision.unsupported), ("drop", decision.drop),
        ("terminate", decision.terminate), ("malformed", decision.malformed), ("link_down", decision.linkDown),
      ]
      for (name, signal) in outputs {
        let port = m.output(name, width: signal.width)
        port <== signal
      }
      // Routing reads a few header fields; a switch forwards the rest, as this echo does.
      let echo = m.output("header_echo", width: TLPStream.headerWidth)
      echo <== header.raw
    }
  }

  func testTheRouterIsAcceptedByVerilatorIcarusAndYosys() throws {
    let cells = try assertAcceptedByTools(try Design(top: Self.router(ports: 5)))
    print("tlp_route_probe_ports5: \(cells ?? -1) Yosys cells")
  }

  func testRandomTrafficIsRoutedAsTheModelSays() throws {
    for ports in [2, 5] {
      var random = SeededRandom()
      let design = try Design(top: Self.router(ports: ports))
      var rows: [[String: BitVector]] = []
      var expected: [[String: BitVector]] = []
      var seen: [String: Int] = [:]
      var stories: [String] = []  // what each cycle routes, for the failure message
      for _ in 0..<300 {
        let model = SwitchRoutingModel(bridges: randomBridges(ports: ports, &random))
        let configRow = bridgeInputs(model.bridges)
        for _ in 0..<10 {
          let ingress = random.chance(0.5) ? 0 : Int.random(in: 0..<ports, using: &random)
          let (header, tlp) = randomHeader(aimedAt: model.bridges, &random)
          let route = model.route(tlp, ingress: ingress)
          seen[label(route), default: 0] += 1
          stories.append("\(tlp.map { "\($0.kind) address 0x\(String($0.address, radix: 16)) id \($0.target)/\($0.requester)" } ?? "raw") at port \(ingress) => \(route); bridges \(model.bridges)")
          rows.append(configRow.merging(["header": header, "ingress": BitVector(width: bitsToIndex(ports), value: ingress),
                                         "max_payload_size": maxPayloadSizeField(model.bridges[ingress].maxPayloadBytes)]) { $1 })
          expected.append(outputs(route, ports: ports))
        }
      }
      for outcome in ["forward", "type0", "own", "unsupported", "drop", "terminate", "malformed", "link down, non-posted", "link down, posted or completion"] {
        XCTAssertGreaterThan(seen[outcome] ?? 0, 8, "\(ports) ports: too few `\(outcome)` cases to judge: \(seen); \(random)")
      }
      let actual = try IcarusSimulation(design).run(rows)
      if !assertOutputsMatch(design.top, actual, expected, random),
         let cycle = expected.indices.first(where: { i in expected[i].contains { actual[i][$0.key] != $0.value } }) {
        XCTFail("cycle \(cycle): \(stories[cycle])")
      }
    }
  }

  /// Concrete cases from the specification, worked by hand on a 3-port switch.
  func testHandWorkedRoutes() throws {
    var up = SwitchRoutingModel.Bridge(secondary: 1, subordinate: 9, memoryBase: 0x800, memoryLimit: 0x8FF,
                                       memorySpaceEnable: true, busMasterEnable: true)
    up.prefetchableBase = 0x1000  // 0x1_0000_0000 >> 20
    up.prefetchableLimit = 0x10FF  // up to 0x1_0FFF_FFFF
    let a = SwitchRoutingModel.Bridge(secondary: 2, subordinate: 4, memoryBase: 0x800, memoryLimit: 0x80F,
                                      memorySpaceEnable: true, busMasterEnable: true)
    let b = SwitchRoutingModel.Bridge(secondary: 5, subordinate: 9, memoryBase: 0x810, memoryLimit: 0x81F,
                                      prefetchableBase: 0x1000, prefetchableLimit: 0x100F, memorySpaceEnable: true,
                                      busMasterEnable: true)
    let model = SwitchRoutingModel(bridges: [up, a, b])
    let rc = PCIeID(bus: 0, device: 0, function: 0)
    let cases: [(TLP, Int, SwitchRoutingModel.Route)] = [
      (.memoryWrite(address: 0x8000_1000, data: [1, 2, 3, 4], requester: rc), 0, .forward(ports: [1], toType0: false)),
      (.memoryRead(address: 0x1_0000_2000, byteCount: 64, requester: rc), 0, .forward(ports: [2], toType0: false)),
      (.memoryRead(address: 0x8200_0000, byteCount: 4, requester: rc), 0, .unsupported),  // in the upstream window only
      (.memoryWrite(address: 0x8200_0000, data: [0, 0, 0, 0], requester: rc), 0, .drop),
      (.memoryWrite(address: 0x8100_0000, data: [0, 0, 0, 0], requester: PCIeID(bus: 2, device: 0, function: 0)), 1,
       .forward(ports: [2], toType0: false)),  // peer to peer
      (.memoryRead(address: 0x4000_0000, byteCount: 4, requester: PCIeID(bus: 5, device: 0, function: 0)), 2,
       .forward(ports: [0], toType0: false)),  // up to the root complex
      (.configRead(type1: true, target: PCIeID(bus: 1, device: 1, function: 0), offset: 0, requester: rc), 0, .ownBridge(2)),
      (.configRead(type1: true, target: PCIeID(bus: 1, device: 2, function: 0), offset: 0, requester: rc), 0, .unsupported),
      (.configRead(type1: true, target: PCIeID(bus: 5, device: 0, function: 0), offset: 0, requester: rc), 0,
       .forward(ports: [2], toType0: true)),
      (.configRead(type1: true, target: PCIeID(bus: 5, device: 1, function: 0), offset: 0, requester: rc), 0, .unsupported),
      (.configRead(type1: true, target: PCIeID(bus: 7, device: 3, function: 0), offset: 0, requester: rc), 0,
       .forward(ports: [2], toType0: false)),
      (.configRead(target: rc, offset: 0, requester: rc), 0, .ownBridge(0)),
      (.configRead(type1: true, target: PCIeID(bus: 3, device: 0, function: 0), offset: 0, requester: rc), 1, .unsupported),
      (.message(code: 0x20, routing: .toRootComplex, requester: PCIeID(bus: 3, device: 0, function: 0)), 1,
       .forward(ports: [0], toType0: false)),
      (.message(code: 0x19, routing: .broadcastFromRootComplex, requester: rc), 0, .forward(ports: [1, 2], toType0: false)),
      (.message(code: 0x7F, routing: .local, requester: rc), 0, .terminate),
      // Max_Payload_Size is 128 bytes after reset (§7.5.3.4); more is malformed (§2.2.2).
      (.memoryWrite(address: 0x8000_1000, data: [UInt8](repeating: 7, count: 128), requester: rc), 0, .forward(ports: [1], toType0: false)),
      (.memoryWrite(address: 0x8000_1000, data: [UInt8](repeating: 7, count: 132), requester: rc), 0, .malformed),
    ]
    for (i, (tlp, ingress, route)) in cases.enumerated() {
      XCTAssertEqual(model.route(tlp, ingress: ingress), route, "case \(i): \(tlp.kind) at port \(ingress)")
    }
    let design = try Design(top: Self.router(ports: 3))
    let rows = cases.map { tlp, ingress, _ in
      bridgeInputs(model.bridges).merging(["header": headerBits(tlp), "ingress": BitVector(width: 2, value: ingress)]) { $1 }
    }
    let actual = try IcarusSimulation(design).run(rows)
    assertOutputsMatch(design.top, actual, cases.map { outputs($0.2, ports: 3) }, SeededRandom(seed: 0))
  }

  /// §2.9.1 worked by hand on the same 3-port switch with port 2's link down (an empty slot):
  /// what would go to port 2 is refused there, everything else routes as before.
  func testHandWorkedRoutesAroundAPortWhoseLinkIsDown() throws {
    let up = SwitchRoutingModel.Bridge(secondary: 1, subordinate: 9, memoryBase: 0x800, memoryLimit: 0x8FF,
                                       prefetchableBase: 0x1000, prefetchableLimit: 0x10FF, memorySpaceEnable: true, busMasterEnable: true)
    let a = SwitchRoutingModel.Bridge(secondary: 2, subordinate: 4, memoryBase: 0x800, memoryLimit: 0x80F,
                                      memorySpaceEnable: true, busMasterEnable: true)
    var b = SwitchRoutingModel.Bridge(secondary: 5, subordinate: 9, memoryBase: 0x810, memoryLimit: 0x81F,
                                      prefetchableBase: 0x1000, prefetchableLimit: 0x100F, memorySpaceEnable: true,
                                      busMasterEnable: true)
    b.linkUp = false
    var bothDown = a
    bothDown.linkUp = false
    let rc = PCIeID(bus: 0, device: 0, function: 0), below = PCIeID(bus: 2, device: 0, function: 0)
    let model = SwitchRoutingModel(bridges: [up, a, b]), dark = SwitchRoutingModel(bridges: [up, bothDown, b])
    let read = TLP.memoryRead(address: 0x1_0000_2000, byteCount: 64, requester: rc)
    let cases: [(SwitchRoutingModel, TLP, Int, SwitchRoutingModel.Route)] = [
      // Type 1 to the down port's secondary bus, and deeper below it: UR from port 2's bridge.
      (model, .configRead(type1: true, target: PCIeID(bus: 5, device: 0, function: 0), offset: 0, requester: rc), 0,
       .linkDown(port: 2, nonPosted: true)),
      (model, .configWrite(type1: true, target: PCIeID(bus: 7, device: 0, function: 0), offset: 4, value: 6, requester: rc), 0,
       .linkDown(port: 2, nonPosted: true)),
      (model, read, 0, .linkDown(port: 2, nonPosted: true)),
      (model, .memoryWrite(address: 0x8100_0000, data: [1, 2, 3, 4], requester: below), 1, .linkDown(port: 2, nonPosted: false)),
      (model, .completionWithData(answering: .memoryRead(address: 0x8000_0000, byteCount: 4, requester: PCIeID(bus: 6, device: 0, function: 0)),
                                  completer: rc, data: [1, 2, 3, 4]), 0, .linkDown(port: 2, nonPosted: false)),
      // Port 1 is unaffected; a broadcast skips port 2, and with no link up it ends at the switch.
      (model, .memoryWrite(address: 0x8000_1000, data: [1, 2, 3, 4], requester: rc), 0, .forward(ports: [1], toType0: false)),
      (model, .configRead(type1: true, target: PCIeID(bus: 1, device: 1, function: 0), offset: 0, requester: rc), 0, .ownBridge(2)),
      (model, .message(code: 0x19, routing: .broadcastFromRootComplex, requester: rc), 0, .forward(ports: [1], toType0: false)),
      (dark, .message(code: 0x19, routing: .broadcastFromRootComplex, requester: rc), 0, .terminate),
    ]
    for (i, (m, tlp, ingress, route)) in cases.enumerated() {
      XCTAssertEqual(m.route(tlp, ingress: ingress), route, "case \(i): \(tlp.kind) at port \(ingress)")
    }
    let design = try Design(top: Self.router(ports: 3))
    let rows = cases.map { m, tlp, ingress, _ in
      bridgeInputs(m.bridges).merging(["header": headerBits(tlp), "ingress": BitVector(width: 2, value: ingress)]) { $1 }
    }
    let actual = try IcarusSimulation(design).run(rows)
    assertOutputsMatch(design.top, actual, cases.map { outputs($0.3, ports: 3) }, SeededRandom(seed: 0))
  }

  // MARK: stimulus

  private func label(_ route: SwitchRoutingModel.Route) -> String {
    switch route {
    case .forward(_, let type0): return type0 ? "type0" : "forward"
    case .ownBridge: return "own"
    case .unsupported: return "unsupported"
    case .drop: return "drop"
    case .terminate: return "terminate"
    case .malformed: return "malformed"
    case .linkDown(_, let nonPosted): return nonPosted ? "link down, non-posted" : "link down, posted or completion"
    }
  }

  private func outputs(_ route: SwitchRoutingModel.Route, ports: Int) -> [String: BitVector] {
    var egress = 0, type0 = false, own = false, ownPort = 0, down = 0
    var unsupported = route == .unsupported, drop = route == .drop
    switch route {
    case .forward(let list, let t0): egress = list.reduce(0) { $0 | 1 << $1 }; type0 = t0
    case .ownBridge(let port): own = true; ownPort = port
    case .linkDown(let port, let nonPosted): down = 1 << port; unsupported = nonPosted; drop = !nonPosted
    default: break
    }
    var out: [String: BitVector] = [
      "egress": BitVector(width: ports, value: egress), "to_type0": BitVector(type0), "own": BitVector(own),
      "link_down": BitVector(width: ports, value: down),
      "unsupported": BitVector(unsupported), "drop": BitVector(drop),
      "terminate": BitVector(route == .terminate), "malformed": BitVector(route == .malformed),
    ]
    if own { out["own_port"] = BitVector(width: bitsToIndex(ports), value: ownPort) }
    return out
  }
}
