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
                      memorySpaceEnable: m.input("p\(k)_memory_enable"), busMasterEnable: m.input("p\(k)_bus_master"))
      }
      let decision = routeDecision(header, ingress: ingress, bridges: bridges)
      let outputs: [(String, Signal)] = [
        ("egress", decision.egress), ("to_type0", decision.convertToType0), ("own", decision.toOwnBridge),
        ("own_port", decision.ownBridge), ("unsupported", decision.unsupported), ("drop", decision.drop),
        ("terminate", decision.terminate), ("malformed", decision.malformed),
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
          rows.append(configRow.merging(["header": header, "ingress": BitVector(width: bitsToIndex(ports), value: ingress)]) { $1 })
          expected.append(outputs(route, ports: ports))
        }
      }
      for outcome in ["forward", "type0", "own", "unsupported", "drop", "terminate", "malformed"] {
        XCTAssertGreaterThan(seen[outcome] ?? 0, 20, "\(ports) ports: too few `\(outcome)` cases to judge: \(seen); \(random)")
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

  // MARK: stimulus

  private func label(_ route: SwitchRoutingModel.Route) -> String {
    switch route {
    case .forward(_, let type0): return type0 ? "type0" : "forward"
    case .ownBridge: return "own"
    case .unsupported: return "unsupported"
    case .drop: return "drop"
    case .terminate: return "terminate"
    case .malformed: return "malformed"
    }
  }

  private func outputs(_ route: SwitchRoutingModel.Route, ports: Int) -> [String: BitVector] {
    var egress = 0, type0 = false, own = false, ownPort = 0
    switch route {
    case .forward(let list, let t0): egress = list.reduce(0) { $0 | 1 << $1 }; type0 = t0
    case .ownBridge(let port): own = true; ownPort = port
    default: break
    }
    var out: [String: BitVector] = [
      "egress": BitVector(width: ports, value: egress), "to_type0": BitVector(type0), "own": BitVector(own),
      "unsupported": BitVector(route == .unsupported), "drop": BitVector(route == .drop),
      "terminate": BitVector(route == .terminate), "malformed": BitVector(route == .malformed),
    ]
    if own { out["own_port"] = BitVector(width: bitsToIndex(ports), value: ownPort) }
    return out
  }

  private func bridgeInputs(_ bridges: [SwitchRoutingModel.Bridge]) -> [String: BitVector] {
    var row: [String: BitVector] = [:]
    for (k, b) in bridges.enumerated() {
      row["p\(k)_secondary"] = BitVector(width: 8, value: b.secondary)
      row["p\(k)_subordinate"] = BitVector(width: 8, value: b.subordinate)
      row["p\(k)_memory_base"] = BitVector(width: 12, value: b.memoryBase)
      row["p\(k)_memory_limit"] = BitVector(width: 12, value: b.memoryLimit)
      row["p\(k)_prefetchable_base"] = BitVector(width: 44, unsigned: b.prefetchableBase)
      row["p\(k)_prefetchable_limit"] = BitVector(width: 44, unsigned: b.prefetchableLimit)
      row["p\(k)_memory_enable"] = BitVector(b.memorySpaceEnable)
      row["p\(k)_bus_master"] = BitVector(b.busMasterEnable)
    }
    return row
  }

  /// Bridges as enumeration leaves them: consecutive bus ranges below the internal bus and
  /// consecutive windows inside the upstream's; now and then a disabled bridge, an empty or
  /// overlapping window.
  private func randomBridges(ports: Int, _ random: inout SeededRandom) -> [SwitchRoutingModel.Bridge] {
    let internalBus = Int.random(in: 1...8, using: &random)
    var bus = internalBus
    var memory = Int.random(in: 0x100...0x800, using: &random)
    var prefetchable = UInt64.random(in: 0x1000...0x10_0000, using: &random)
    let memoryStart = memory, prefetchableStart = prefetchable
    var downstream: [SwitchRoutingModel.Bridge] = []
    for _ in 1..<ports {
      var b = SwitchRoutingModel.Bridge()
      b.secondary = bus + 1
      bus += Int.random(in: 1...4, using: &random)
      b.subordinate = bus
      let size = Int.random(in: 1...16, using: &random)
      b.memoryBase = memory
      b.memoryLimit = random.chance(0.1) ? memory - 1 : memory + size - 1  // sometimes empty
      memory += size
      let prefetchSize = UInt64.random(in: 1...64, using: &random)
      b.prefetchableBase = prefetchable
      b.prefetchableLimit = prefetchable + prefetchSize - 1
      prefetchable += prefetchSize
      b.memorySpaceEnable = random.chance(0.85)
      b.busMasterEnable = random.chance(0.85)
      if random.chance(0.1) { b.secondary = max(internalBus + 1, b.secondary - 2) }  // overlapping bus range
      downstream.append(b)
    }
    var up = SwitchRoutingModel.Bridge(secondary: internalBus, subordinate: bus + (random.chance(0.5) ? 2 : 0),
                                       memoryBase: memoryStart, memoryLimit: memory - 1 + Int.random(in: 0...2, using: &random),
                                       prefetchableBase: prefetchableStart, prefetchableLimit: prefetchable + 1,
                                       memorySpaceEnable: random.chance(0.9), busMasterEnable: random.chance(0.9))
    if random.chance(0.1) { up.memoryLimit = up.memoryBase - 1 }
    return [up] + downstream
  }

  /// A header aimed at the configuration: addresses in and around the windows, IDs in and around
  /// the bus ranges; 10% raw headers of random Fmt/Type.
  private func randomHeader(aimedAt bridges: [SwitchRoutingModel.Bridge], _ random: inout SeededRandom) -> (BitVector, TLP?) {
    if random.chance(0.1) {
      let raw = random.bits(width: 128)
      return (raw, parseHeader(raw))
    }
    var tlp = TLP.random(using: &random)
    let b = bridges.randomElement(using: &random)!
    let mib: UInt64 = random.chance(0.5) ? UInt64(Int.random(in: b.memoryBase - 1...b.memoryLimit + 1, using: &random))
      : UInt64.random(in: b.prefetchableBase - 1...b.prefetchableLimit + 1, using: &random)
    let page = UInt64.random(in: 0...0xFF, using: &random) << 12
    let bus = UInt16(clamping: Int.random(in: max(0, b.secondary - 1)...b.subordinate + 1, using: &random))
    let id = PCIeID(rawValue: bus << 8 | UInt16.random(in: 0...0xFF, using: &random) & (random.chance(0.7) ? 0x07 : 0xFF))
    if tlp.kind.isMemoryRequest {
      let offset = tlp.address & 0xFFF
      tlp.address = mib << 20 | page | offset
      tlp.uses64BitAddress = tlp.address > UInt32.max
      if random.chance(0.1) { tlp.length = min(1024, Int((4096 - offset) / 4) + Int.random(in: 1...8, using: &random)) }
    }
    if tlp.kind.isCompletion { tlp.requester = id }
    tlp.target = id
    if case .message(.byAddress) = tlp.kind { tlp.address = mib << 20 | page }
    return (headerBits(tlp), tlp)
  }

  /// The TLP a raw header would be, or nil when its Fmt/Type is not one Strata implements.
  private func parseHeader(_ header: BitVector) -> TLP? {
    let dws = [header.words[1] >> 32, header.words[1] & 0xFFFF_FFFF, header.words[0] >> 32, header.words[0] & 0xFFFF_FFFF]
    let bytes = dws.flatMap { dw in (0..<4).map { UInt8(truncatingIfNeeded: dw >> (24 - 8 * UInt64($0))) } }
    let fourDW = bytes[0] & 0x20 != 0, hasData = bytes[0] & 0x40 != 0
    let length = Int(dws[0] & 0x3FF) == 0 ? 1024 : Int(dws[0] & 0x3FF)
    let trailer = [UInt8](repeating: 0, count: (hasData ? length * 4 : 0) + (dws[0] & 1 << 15 != 0 ? 4 : 0))  // payload, digest
    do {
      return try TLP(bytes: Array(bytes.prefix(fourDW ? 16 : 12)) + trailer)
    } catch {
      if error.field == "Fmt" || error.field == "Fmt/Type" { return nil }
      // A supported kind with another problem (a reserved completion status): route by its kind.
      var patched = bytes
      patched[6] &= 0x1F  // completion status 000b
      return try? TLP(bytes: Array(patched.prefix(fourDW ? 16 : 12)) + trailer)
    }
  }

  private func headerBits(_ tlp: TLP) -> BitVector {
    let dws = tlp.headerDWordValues + [0, 0, 0, 0]
    return BitVector(width: 128, words: [UInt64(dws[2]) << 32 | UInt64(dws[3]), UInt64(dws[0]) << 32 | UInt64(dws[1])])
  }
}
