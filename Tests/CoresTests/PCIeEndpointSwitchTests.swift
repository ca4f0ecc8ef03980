import Cores
import HDL
import PCIe
import SimulationTesting
import XCTest

/// Two endpoints under a three-port `pcieSwitch` (ports 1 and 2, joined by `connectLink`), reached
/// from the root complex on port 0 the way enumeration and drivers reach them.
final class PCIeEndpointSwitchTests: SimulationTestCase {
  static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)
  static let ports = [BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A00, role: .upstream, portNumber: 0, maxPayloadBytes: 256,
                                     maxLinkSpeed: 3, maxLinkWidth: 8)]
    + (1...2).map { BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, role: .downstream, portNumber: $0, maxPayloadBytes: 256,
                                   maxLinkSpeed: 3, maxLinkWidth: 4) }
  /// Endpoint A (port 1): `PCIeEndpointTests.identity`; endpoint B (port 2): a 4 KiB 32-bit BAR
  /// and a 16 MiB 64-bit prefetchable one.
  static let endpoints = [
    PCIeEndpointTests.identity,
    EndpointIdentity(vendorID: 0x1AB4, deviceID: 0xE002, bars: [BARSpec(bytes: 0x1000), BARSpec(bytes: 0x100_0000, is64Bit: true, prefetchable: true)]),
  ]

  /// The switch with endpoint k + 1 on port k + 1; port 0's link and each endpoint's function
  /// side (`ep<k>_bar<i>`, `ep<k>_completion`, `ep<k>_id`) are the top's ports.
  static func bench() throws -> Module {
    let sw = try pcieSwitch(identities: ports, dataWidth: 64, queueDepth: 8, crossbarDepth: 16)
    let eps = try endpoints.map { try pcieEndpoint(identity: $0, dataWidth: 64) }
    return Module("endpoints_under_switch") { m in
      let s = m.instance(sw, name: "switch")
      connect(m.port("link0_in", TLPStream(dataWidth: 64).flipped), to: s.interface("link0_in", as: TLPStream.self))
      connect(s.interface("link0_out", as: TLPStream.self), to: m.port("link0_out", TLPStream(dataWidth: 64)))
      s["link0_fc_initialize"] <== m.input("link0_fc_initialize")
      s["link0_fc_update"] <== m.input("link0_fc_update")
      for (t, type) in CreditType.allCases.enumerated() {
        let name = ["ph", "pd", "nph", "npd", "cplh", "cpld"][t]
        s["link0_fc_\(name)_advertised"] <== m.input("link0_fc_\(name)_advertised", width: type.fieldSize)
        s["link0_fc_\(name)_limit"] <== m.input("link0_fc_\(name)_limit", width: type.fieldSize)
        m.output("link0_rx_fc_\(name)_advertised", width: type.fieldSize) <== s["link0_rx_fc_\(name)_advertised"]
        m.output("link0_rx_fc_\(name)_allocated", width: type.fieldSize) <== s["link0_rx_fc_\(name)_allocated"]
      }
      s["link0_speed"] <== Signal.constant(3, width: 4)
      s["link0_width"] <== Signal.constant(8, width: 6)
      s["link0_active"] <== true
      // The switch's management port is the top's; the test leaves it idle.
      connect(m.port("mgmt", MMIO(addressWidth: SwitchManagementMap.addressWidth).flipped), to: s.interface("mgmt", as: MMIO.self))
      for (k, (identity, ep)) in zip(endpoints, eps).enumerated() {
        let e = m.instance(ep, name: "endpoint\(k + 1)")
        connectLink(m, switch: s, port: k + 1, to: e)
        for i in identity.bars.indices {
          connect(e.interface("bar\(i)", as: TLPStream.self), to: m.port("ep\(k + 1)_bar\(i)", TLPStream(dataWidth: 64)))
          m.output("ep\(k + 1)_bar\(i)_offset", width: identity.bars[i].offsetBits) <== e["bar\(i)_offset"]
        }
        connect(m.port("ep\(k + 1)_completion", TLPStream(dataWidth: 64).flipped), to: e.interface("completion", as: TLPStream.self))
        m.output("ep\(k + 1)_id", width: 16) <== e["id"]
        e["signaled_completer_abort"] <== false
      }
    }
  }

  func testEndpointsUnderASwitchAreEnumeratedAndReachedByMemoryRequests() throws {
    let bench = try EndpointBench(try model(try Design(top: try Self.bench())), link: "link0",
                                  functions: [("ep1_", 2), ("ep2_", 2)], random: random)
    func expectCompletion(_ request: TLP, from completer: PCIeID, data: UInt32? = nil, status: CompletionStatus = .successful,
                          line: UInt = #line) throws {
      let expected = data.map { value in TLP.completionWithData(answering: request, completer: completer, data: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }) }
        ?? .completion(answering: request, completer: completer, status: status)
      XCTAssertEqual(try bench.exchange(request), expected, line: line)
    }
    // The switch: buses 1...9 below it, port 1 buses 2...5, port 2 buses 6...9; memory windows
    // 0x8000_0000 + 16 MiB per port and prefetchable windows 0x10_0000_0000 + 256 MiB per port
    // (§7.5.1.3: base/limit bits 31:20 in bits 15:4 and 31:20, upper halves at 0x28 and 0x2C).
    let bridges: [(PCIeID, Bool, UInt32, UInt32, UInt32, UInt32)] = [
      (Self.rootComplex, false, 0x0009_0100, 0x8FF0_8000, 0x3FF0_0000, 0x10),
      (PCIeID(bus: 1, device: 0, function: 0), true, 0x0005_0201, 0x80F0_8000, 0x0FF0_0000, 0x10),
      (PCIeID(bus: 1, device: 1, function: 0), true, 0x0009_0601, 0x81F0_8100, 0x1FF0_1000, 0x10),
    ]
    for (target, type1, buses, memory, prefetchable, upper) in bridges {
      for (offset, value) in [(0x18, buses), (0x20, memory), (0x24, prefetchable), (0x28, upper), (0x2C, upper), (0x04, 0x6)] {
        let write = TLP.configWrite(type1: type1, target: target, offset: offset, value: value, requester: Self.rootComplex, tag: bench.nextTag())
        try expectCompletion(write, from: target)
      }
    }
    // Enumeration: each endpoint answers as device 0 on its port's secondary bus (the switch
    // turns the Type 1 request into Type 0, §7.3.1) and nothing answers as device 1 (§7.3.1:
    // a downstream port passes device 0 only, so the switch itself answers UR).
    let ids = [PCIeID(bus: 2, device: 0, function: 0), PCIeID(bus: 6, device: 0, function: 0)]
    for (k, id) in ids.enumerated() {
      let identity = Self.endpoints[k]
      try expectCompletion(.configRead(type1: true, target: id, offset: 0, requester: Self.rootComplex, tag: bench.nextTag()), from: id,
                           data: UInt32(identity.vendorID) | UInt32(identity.deviceID) << 16)
      try expectCompletion(.configRead(type1: true, target: id, offset: 0x40, requester: Self.rootComplex, tag: bench.nextTag()), from: id,
                           data: 0x0002_0010)
    }
    // BARs: sized by all ones, then placed inside the port's windows; Memory Space Enable.
    let bases: [[UInt64]] = [[0x8001_0000, 0x10_0010_0000], [0x8101_0000, 0x10_1100_0000]]
    for (k, id) in ids.enumerated() {
      let identity = Self.endpoints[k]
      for (i, bar) in identity.bars.enumerated() {
        let offset = 0x10 + 4 * identity.barSlots[i]
        let size = bar.bytes
        try expectCompletion(.configWrite(type1: true, target: id, offset: offset, value: 0xFFFF_FFFF, requester: Self.rootComplex, tag: bench.nextTag()), from: id)
        try expectCompletion(.configRead(type1: true, target: id, offset: offset, requester: Self.rootComplex, tag: bench.nextTag()), from: id,
                             data: UInt32(truncatingIfNeeded: ~(size - 1)) & 0xFFFF_FFF0 | bar.typeBits)
        try expectCompletion(.configWrite(type1: true, target: id, offset: offset, value: UInt32(truncatingIfNeeded: bases[k][i]), requester: Self.rootComplex, tag: bench.nextTag()), from: id)
        if bar.is64Bit {
          try expectCompletion(.configWrite(type1: true, target: id, offset: offset + 4, value: UInt32(bases[k][i] >> 32), requester: Self.rootComplex, tag: bench.nextTag()), from: id)
        }
      }
      try expectCompletion(.configWrite(type1: true, target: id, offset: 0x04, value: 0x2, requester: Self.rootComplex, tag: bench.nextTag()), from: id)
    }
    for (k, id) in ids.enumerated() {
      try checkRandomMemoryRequests(bench, function: k, endpoint: id, bases: bases[k], sizes: Self.endpoints[k].bars.map(\.bytes),
                                           count: 150, far: false)
    }
  }
}
