import Board
import Cores
import Firmware
import FirmwareSimulation
import HDL
import PCIe
import Simulation

/// The two-node board top on one Verilated model, as the nodes' processors and root complexes
/// see it: each node's management port behind a `SimulatedHAL` (the board's `management`
/// map: registers from `mmio_base`, `NodeAddressMap` inside), its interrupt line `irq<i>`, and
/// a `RootComplexPort` with the node's memory on `host<i>`. The crosslink's cable is plugged in.
///
/// Both nodes get the same PCI addresses, as two boards would: `enumerate(_:)` writes them.
final class BoardPair {
  let board: Board
  let system: SimulatedSystem
  let hals: [SimulatedHAL]
  let hosts: [RootComplexPort]

  /// The root complex's Requester and Completer ID on each node (0:0.0, above the switch).
  static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)
  /// Bus numbers and windows (NodePairBench's plan): the upstream bridge 0:0.0 over buses 1...3,
  /// the spare downstream port's bridge 1:0.0 (bus 2), the NTB port's bridge 1:1.0 (bus 3) with
  /// the NTB endpoint 3:0.0 whose BAR0 is the window aperture.
  static let upstreamBridge = BDF(bus: 0, device: 0, function: 0)
  static let spareBridge = BDF(bus: 1, device: 0, function: 0)
  static let ntbBridge = BDF(bus: 1, device: 1, function: 0)
  static let ntbEndpoint = BDF(bus: 3, device: 0, function: 0)
  static let ntbBus: UInt8 = 3
  /// BAR0 of the NTB endpoint on both nodes: memory window w at ntbBAR + w × window size.
  static let ntbBAR: UInt64 = 0x8100_0000

  /// `trace`: an FST file for the whole board's waveform (to see where the cycles go).
  init(board: Board, trace: String? = nil) throws {
    self.board = board
    let model = try Model(try CompiledModel.load(try Design(top: boardTop(board))))
    let system = SimulatedSystem(model: model)
    self.system = system
    let registers = board.management.mmioBase..<(board.management.mmioBase + (1 << UInt64(NodeAddressMap.addressWidth)))
    hals = try (0..<2).map { try SimulatedHAL(system: system, mmio: "mgmt\($0)", registers: registers, irq: "irq\($0)") }
    hosts = try (0..<2).map { try RootComplexPort(system: system, prefix: "host\($0)", completer: Self.rootComplex) }
    for host in hosts {
      try host.linkUp(speed: SwitchParameters.linkSpeedEncoding(board), width: board.switchConfig.linkWidth)
    }
    try model.input("crosslink0_up").set(1)
    if let trace { try model.startTrace(to: trace) }
    model.reset()
    for host in hosts { host.initializeFlowControl() }
    system.step()
  }

  func address(_ block: ClosedRange<Int>, _ offset: UInt64 = 0) -> UInt64 {
    board.management.mmioBase + UInt64(block.lowerBound) + offset
  }

  /// Node `node`'s switch configured as enumeration leaves it, through the firmware's
  /// `SwitchConfigurationAccess` on the management port: bus numbers, memory windows, Memory
  /// Space and Bus Master Enable, Max_Payload_Size 256 bytes on every bridge (Device Control at
  /// 0x48, bits 7:5 = 001), then the NTB endpoint's 64-bit BAR0 and its Command register.
  func enumerate(_ node: Int) throws {
    let access = SwitchConfigurationAccess(hal: hals[node], base: address(NodeAddressMap.pcieSwitch))
    let writes: [(BDF, UInt16, UInt32, UInt8)] = [
      (Self.upstreamBridge, 0x18, 0x0003_0100, 0xF), (Self.upstreamBridge, 0x20, 0x81F0_8000, 0xF),
      (Self.upstreamBridge, 0x24, 0x0000_FFF0, 0xF), (Self.upstreamBridge, 0x04, 0x6, 0xF), (Self.upstreamBridge, 0x48, 0x30, 0x1),
      (Self.spareBridge, 0x18, 0x0002_0201, 0xF), (Self.spareBridge, 0x20, 0x0000_FFF0, 0xF),
      (Self.spareBridge, 0x24, 0x0000_FFF0, 0xF), (Self.spareBridge, 0x04, 0x6, 0xF), (Self.spareBridge, 0x48, 0x30, 0x1),
      (Self.ntbBridge, 0x18, 0x0003_0301, 0xF), (Self.ntbBridge, 0x20, 0x81F0_8100, 0xF),
      (Self.ntbBridge, 0x24, 0x0000_FFF0, 0xF), (Self.ntbBridge, 0x04, 0x6, 0xF), (Self.ntbBridge, 0x48, 0x30, 0x1),
      (Self.ntbEndpoint, 0x10, UInt32(truncatingIfNeeded: Self.ntbBAR) | 0xC, 0xF), (Self.ntbEndpoint, 0x14, 0, 0xF),
      (Self.ntbEndpoint, 0x04, 0x6, 0xF),
    ]
    for (target, offset, value, enables) in writes {
      let status = access.write32(target, offset: offset, value, byteEnables: enables)
      guard status == .successful else { throw BenchFailure("node \(node): configuration write to \(target) at 0x\(String(offset, radix: 16)) completed \(status)") }
    }
  }

  /// Node `node`'s NTB driver on NTB port 0.
  func driver(_ node: Int) throws -> NTBDriver<SimulatedHAL> {
    try NTBDriver(hal: hals[node], base: address(NodeAddressMap.ntb(0)))
  }

  /// What each node's firmware does at boot: the NTB function's bus (enumeration gave it 3),
  /// its aperture (0: the endpoint hands it BAR0 offsets), the root complex as the one local
  /// requester allowed through its windows, then its side of the link enabled.
  func bootNTB(_ node: Int) throws -> NTBDriver<SimulatedHAL> {
    let d = try driver(node)
    try d.configure(localBus: Self.ntbBus, apertureBase: 0, requesters: [Self.rootComplex.rawValue])
    d.linkEnable()
    return d
  }

  /// Both nodes enumerated and booted, the link up and its events acknowledged.
  func bootBoth() throws -> [NTBDriver<SimulatedHAL>] {
    for node in 0..<2 { try enumerate(node) }
    let drivers = try (0..<2).map { try bootNTB($0) }
    for _ in 0..<(4 * board.ntb.linkLatencyCycles + 100) where !drivers[0].isLinkUp || !drivers[1].isLinkUp { system.step() }
    guard drivers.allSatisfy(\.isLinkUp) else { throw BenchFailure("the crosslink did not come up") }
    for d in drivers { _ = d.clearLinkEvent() }
    for (node, hal) in hals.enumerated() where !hal.faults.isEmpty {
      throw BenchFailure("node \(node)'s management accesses failed: \(hal.faults.joined(separator: "; "))")
    }
    return drivers
  }

  /// Closes the waveform, if one is being written.
  func finish() { _ = system.model.stopTrace() }

  /// What each host link saw and counted, for a failure message.
  func linkReport() -> String {
    let model = system.model
    finish()
    func counter(_ name: String) -> String { (try? model.output(name).uint64).map(String.init) ?? "?" }
    return (0..<2).map { n in
      let host = hosts[n]
      return "host\(n): \(host.requestStarts.count) TLPs in, out: \(host.arrivals.map { "\($0.tlp)@\($0.cycle)" }), "
        + "dropped \(counter("host\(n)_dropped")), malformed \(counter("host\(n)_malformed")), unsupported \(counter("host\(n)_unsupported"))"
    }.joined(separator: "; ")
  }

  func run(until done: () -> Bool, limit: Int) throws {
    for _ in 0..<limit where !done() { system.step() }
    guard done() else { throw BenchFailure("nothing happened in \(limit) cycles") }
  }
}

struct BenchFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
