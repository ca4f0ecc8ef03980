import Board
import Cores
import HDL
import PCIe
import Simulation
import XCTest

/// The two-node `PairBoard` on a Verilator model, as firmware and the PCIe world around it see
/// it: each node's management port driven by an `MMIOMaster`, and link partners on every
/// switch port the board brings out (`host<i>`, the root complex; `node<i>_pcie2`, the spare
/// endpoint). Addresses come from `NodeAddressMap`, `SwitchManagementMap`'s layout in
/// docs/switch.md and `NTBLayout`, not from the RTL.
final class NodePairBench {
  let board: Board
  let model: Model
  let mgmt: [MMIOMaster]
  let hosts: [TLPTransmitter]
  let hostReceivers: [TLPReceiver]
  let spareReceivers: [TLPReceiver]
  /// The spare endpoints' transmit side (completions they answer with).
  let spares: [TLPTransmitter]
  /// TLPs each node's spare endpoint received, in order.
  private(set) var atSpare: [[TLP]] = [[], []]
  /// TLPs each node's root complex received, in order.
  private(set) var atHost: [[TLP]] = [[], []]
  /// TLPs whose first beat each node's switch took from its root complex / spare endpoint, in
  /// order, when `recordsSent` is set.
  private(set) var fromHost: [[TLP]] = [[], []]
  private(set) var fromSpare: [[TLP]] = [[], []]
  var recordsSent = false

  // The switch's configuration request registers (docs/switch.md, "Management port").
  static let cfgTarget: UInt64 = 0x04, cfgControl: UInt64 = 0x08, cfgWriteData: UInt64 = 0x0C
  static let cfgReadData: UInt64 = 0x10, cfgStatus: UInt64 = 0x14

  /// The link partners offer a beat with `validProbability`, take one with `readyProbability`
  /// and return a received TLP's credits with `releaseProbability` per cycle.
  init(_ model: Model, board: Board, random: (String) -> SimulationRandom, validProbability: Probability = 1.0,
       readyProbability: Probability = 1.0, releaseProbability: Probability = 1.0) throws {
    self.board = board
    self.model = model
    mgmt = try (0..<2).map { try MMIOMaster(model, prefix: "mgmt\($0)", random: random("mgmt\($0)")) }
    hosts = try (0..<2).map {
      try TLPTransmitter(model, prefix: "host\($0)", validProbability: validProbability, random: random("host\($0)"))
    }
    hostReceivers = try (0..<2).map {
      try TLPReceiver(model, prefix: "host\($0)", readyProbability: readyProbability, releaseProbability: releaseProbability,
                      random: random("host_rx\($0)"))
    }
    spareReceivers = try (0..<2).map {
      try TLPReceiver(model, prefix: "node\($0)_pcie2", readyProbability: readyProbability, releaseProbability: releaseProbability,
                      random: random("spare\($0)"))
    }
    spares = try (0..<2).map {
      try TLPTransmitter(model, prefix: "node\($0)_pcie2", validProbability: validProbability, random: random("spare_tx\($0)"))
    }
    for prefix in ["host0", "host1", "node0_pcie2", "node1_pcie2"] {
      try model.set("\(prefix)_speed", BitVector(width: 4, value: 3))
      try model.set("\(prefix)_width", BitVector(width: 6, value: 4))
      try model.set("\(prefix)_active", BitVector(true))
    }
    try model.set("crosslink0_up", BitVector(true))
    model.reset()
    for receiver in hostReceivers + spareReceivers { try receiver.chooseCredits() }
    try step()
    for transmitter in hosts + spares { transmitter.initialize() }
    hostsInitialized = true
  }

  /// The link partners send only once they have read the switch's InitFC advertisement.
  private var hostsInitialized = false

  /// One cycle of every link partner.
  func step() throws {
    if hostsInitialized { for transmitter in hosts + spares { try transmitter.drive() } }
    for receiver in hostReceivers + spareReceivers { try receiver.drive() }
    model.settle()
    if hostsInitialized {
      for n in 0..<2 {
        if let tlp = hosts[n].observe(), recordsSent { fromHost[n].append(tlp) }
        if let tlp = spares[n].observe(), recordsSent { fromSpare[n].append(tlp) }
      }
    }
    for n in 0..<2 {
      if let tlp = try hostReceivers[n].observe() { atHost[n].append(tlp) }
      if let tlp = try spareReceivers[n].observe() { atSpare[n].append(tlp) }
    }
    model.step()
  }

  func run(_ cycles: Int) throws { for _ in 0..<cycles { try step() } }

  /// What moved since the last call (sent: taken by the switches; arrived: at the link partners), then forgets it.
  func takeTraffic() -> (fromHost: [[TLP]], fromSpare: [[TLP]], atHost: [[TLP]], atSpare: [[TLP]]) {
    defer { fromHost = [[], []]; fromSpare = [[], []]; atHost = [[], []]; atSpare = [[], []] }
    return (fromHost, fromSpare, atHost, atSpare)
  }

  // MARK: Management accesses (node-relative byte addresses)

  func write(_ node: Int, _ address: Int, _ value: UInt32) throws {
    let response = try mgmt[node].write(UInt64(address), UInt64(value))
    XCTAssertFalse(response.error, "node \(node): write of 0x\(String(address, radix: 16)) answered with error")
  }

  func read(_ node: Int, _ address: Int) throws -> UInt32 {
    let response = try mgmt[node].read(UInt64(address))
    XCTAssertFalse(response.error, "node \(node): read of 0x\(String(address, radix: 16)) answered with error")
    return UInt32(truncatingIfNeeded: response.data)
  }

  func ntbWrite(_ node: Int, _ offset: UInt64, _ value: UInt32) throws {
    try write(node, NodeAddressMap.ntb(0).lowerBound + Int(offset), value)
  }

  func ntbRead(_ node: Int, _ offset: UInt64) throws -> UInt32 {
    try read(node, NodeAddressMap.ntb(0).lowerBound + Int(offset))
  }

  /// A configuration request through node `node`'s switch management port; returns
  /// (completion status, read data) once CFG_STATUS.DONE is set.
  func config(_ node: Int, _ target: PCIeID, offset: Int, write value: UInt32? = nil, byteEnables: UInt32 = 0xF) throws -> (status: UInt32, data: UInt32) {
    let base = NodeAddressMap.pcieSwitch.lowerBound
    try write(node, base + Int(Self.cfgTarget), UInt32(target.rawValue) | UInt32(offset / 4) << 16)
    if let value { try write(node, base + Int(Self.cfgWriteData), value) }
    try write(node, base + Int(Self.cfgStatus), 0b10)
    try write(node, base + Int(Self.cfgControl), 1 << 31 | (value == nil ? 0 : 1 << 8) | byteEnables)
    for _ in 0..<400 {
      let status = try read(node, base + Int(Self.cfgStatus))
      if status & 0b10 != 0 {
        XCTAssertEqual(status & 0b100, 0, "node \(node): configuration request to \(target) offset 0x\(String(offset, radix: 16)) timed out")
        return (status >> 4 & 7, try read(node, base + Int(Self.cfgReadData)))
      }
    }
    XCTFail("node \(node): configuration request to \(target) never completed")
    return (7, 0)
  }

  // MARK: Enumeration, as firmware does it

  static let upstreamBridge = PCIeID(bus: 0, device: 0, function: 0)
  static let tierBridge = PCIeID(bus: 1, device: 0, function: 0)
  static let spareBridge = PCIeID(bus: 1, device: 1, function: 0)  // port 2: port 1 is the tier function's
  static let ntbBridge = PCIeID(bus: 1, device: 2, function: 0)
  /// The NTB endpoint, below the NTB port's bridge (switch port 3: device 2 on the internal bus).
  static let ntbEndpoint = PCIeID(bus: 3, device: 0, function: 0)
  /// Memory windows (MiB): the spare endpoint's 0x800...0x80F, the NTB endpoint's 0x810...0x81F.
  static let spareWindow: UInt64 = 0x8000_0000
  static let ntbBAR: UInt64 = 0x8100_0000

  /// Bus numbers, memory windows, Memory Space and Bus Master Enable and a 256-byte
  /// Max_Payload_Size on every bridge of node `node`'s switch, then the NTB endpoint's BAR0
  /// and Command, with the encodings of §7.5.1.3 (bridges) and §7.5.1.2 (Type 0 header).
  func enumerate(_ node: Int) throws {
    let writes: [(PCIeID, Int, UInt32, UInt32)] = [
      (Self.upstreamBridge, 0x18, 0x0004_0100, 0xF), (Self.upstreamBridge, 0x20, 0x81F0_8000, 0xF),
      // The tier function's bridge gets bus 4 and no window: a bridge left at secondary = subordinate
      // = 0 would claim ID-routed TLPs for bus 0 (the switch routes by the downstream bridges' ranges).
      (Self.tierBridge, 0x18, 0x0004_0401, 0xF), (Self.tierBridge, 0x20, 0x0000_FFF0, 0xF), (Self.tierBridge, 0x24, 0x0000_FFF0, 0xF),
      (Self.upstreamBridge, 0x24, 0x0000_FFF0, 0xF), (Self.upstreamBridge, 0x04, 0x6, 0xF), (Self.upstreamBridge, 0x48, 0x30, 0x1),
      (Self.spareBridge, 0x18, 0x0002_0201, 0xF), (Self.spareBridge, 0x20, 0x80F0_8000, 0xF),
      (Self.spareBridge, 0x24, 0x0000_FFF0, 0xF), (Self.spareBridge, 0x04, 0x6, 0xF), (Self.spareBridge, 0x48, 0x30, 0x1),
      (Self.ntbBridge, 0x18, 0x0003_0301, 0xF), (Self.ntbBridge, 0x20, 0x81F0_8100, 0xF),
      (Self.ntbBridge, 0x24, 0x0000_FFF0, 0xF), (Self.ntbBridge, 0x04, 0x6, 0xF), (Self.ntbBridge, 0x48, 0x30, 0x1),
      (Self.ntbEndpoint, 0x10, UInt32(truncatingIfNeeded: Self.ntbBAR) | 0xC, 0xF), (Self.ntbEndpoint, 0x14, 0, 0xF),
      (Self.ntbEndpoint, 0x04, 0x6, 0xF),
    ]
    for (target, offset, value, enables) in writes {
      let outcome = try config(node, target, offset: offset, write: value, byteEnables: enables)
      XCTAssertEqual(outcome.status, 0, "node \(node): configuration write to \(target) offset 0x\(String(offset, radix: 16))")
    }
  }

  /// Programs node `node`'s NTB function (the register writes of `NTBPairHarness.configure`)
  /// through the node's management window, then enables its side of the link.
  func configureNTB(_ node: Int, _ settings: NTBSettings) throws {
    typealias L = NTBLayout
    try ntbWrite(node, L.identity, UInt32(settings.localBus))
    try ntbWrite(node, L.apertureBaseLow, UInt32(truncatingIfNeeded: settings.apertureBase))
    try ntbWrite(node, L.apertureBaseHigh, UInt32(truncatingIfNeeded: settings.apertureBase >> 32))
    for (w, window) in settings.windows.enumerated() {
      try ntbWrite(node, L.windowTranslationLow(w), UInt32(truncatingIfNeeded: window.translation))
      try ntbWrite(node, L.windowTranslationHigh(w), UInt32(truncatingIfNeeded: window.translation >> 32))
      try ntbWrite(node, L.windowControl(w), (window.valid ? 1 : 0) | (window.lookup ? 2 : 0) | UInt32(window.sizeLog2) << 8)
    }
    for (n, requester) in settings.requesters.enumerated() {
      try ntbWrite(node, L.requesterEntry(n), UInt32(requester.id) | (requester.valid ? 1 << 31 : 0))
    }
    try ntbWrite(node, L.linkControl, 1)
  }
}
