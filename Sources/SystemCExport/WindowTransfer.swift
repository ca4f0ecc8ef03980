import Board
import Cores
import PCIe

/// The part of the two-board sample that moves data through board 0's NTB window: after
/// `CableBringUp` (window 0 translating to `CableBringUp.hostBuffer` on board 1), each board's
/// switch is enumerated through its management port, board 0's host writes `buffer` into its
/// window as one memory write, reads it back with one memory read and checks the completion's
/// data against `buffer`. Board 1's host side is a
/// memory (`BringUpScript.HostMemory`) that stores the write and answers the read; the
/// completion crosses back to board 0's host.
///
/// Enumeration is what `NodePairBench.enumerate` does, reduced to the path the data takes: the
/// upstream bridge, the cable's NTB bridge and the NTB endpoint below it, each configuration
/// write through CFG_TARGET, CFG_WRITE_DATA and CFG_CONTROL (docs/switch.md, "Management port")
/// with the encodings of PCIe Base 6.3 §7.5.1.3 (bridges) and §7.5.1.2 (Type 0 header).
public enum WindowTransfer {
  /// The root complex, requester of board 0's host requests and completer of board 1's memory.
  public static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)
  /// The switch's upstream bridge: device 0 on the root bus.
  public static let upstreamBridge = PCIeID(bus: 0, device: 0, function: 0)
  /// Where enumeration puts the NTB endpoint's BAR 0 on both boards, and the memory window
  /// (16 MiB) its bridges and the upstream bridge forward.
  public static let ntbBAR: UInt64 = 0x8000_0000
  static let bridgeWindow: UInt32 = 0x80F0_8000  // Memory Base 0x800 (bits 15:4), Limit 0x80F (bits 31:20)
  /// The offset into window 0 that is written and read back.
  public static let offset: UInt64 = 0x40
  /// The bytes written: 64, each a function of its index so a misplaced byte shows.
  public static let buffer: [UInt8] = (0..<64).map { UInt8(truncatingIfNeeded: 0xA0 &+ $0 &* 7) }
  /// Tags of the write and the read.
  public static let writeTag: UInt16 = 1, readTag: UInt16 = 2
  /// Cycles given to a configuration write to complete before CFG_STATUS is read.
  public static let configCycles = 32

  /// The memory write and the read board 0's host sends into its switch.
  public static var write: TLP { .memoryWrite(address: ntbBAR + offset, data: buffer, requester: rootComplex, tag: writeTag) }
  public static var read: TLP { .memoryRead(address: ntbBAR + offset, byteCount: buffer.count, requester: rootComplex, tag: readTag) }

  /// The bridge of the switch port cable 0 leaves from (device = port − 1 on the internal bus 1).
  public static func ntbBridge(_ board: Board) -> PCIeID {
    let port = 1 + board.switchConfig.downstreamPorts + NodeCrosslinks.port(ofCable: 0, in: board)
    return PCIeID(bus: 1, device: UInt8(port - 1), function: 0)
  }

  /// The NTB endpoint: alone on the bus its bridge leads to, the NTB's IDENTITY.LOCAL_BUS.
  public static let ntbEndpoint = PCIeID(bus: UInt8(CableBringUp.localBus), device: 0, function: 0)

  /// The configuration writes of one board: (target, byte offset, value, what it sets).
  static func configuration(_ board: Board) -> [(PCIeID, Int, UInt32, String)] {
    let bus = UInt32(CableBringUp.localBus), bridge = ntbBridge(board)
    return [
      (upstreamBridge, 0x18, bus << 16 | 1 << 8 | 0, "upstream bridge: buses 0, 1, subordinate \(bus)"),
      (upstreamBridge, 0x20, bridgeWindow, "upstream bridge: memory window 0x80000000-0x80ffffff"),
      (upstreamBridge, 0x04, 0x6, "upstream bridge: Memory Space, Bus Master"),
      (bridge, 0x18, bus << 16 | bus << 8 | 1, "NTB bridge: buses 1, \(bus), subordinate \(bus)"),
      (bridge, 0x20, bridgeWindow, "NTB bridge: memory window 0x80000000-0x80ffffff"),
      (bridge, 0x04, 0x6, "NTB bridge: Memory Space, Bus Master"),
      (ntbEndpoint, 0x10, UInt32(truncatingIfNeeded: ntbBAR) | 0xC, "NTB endpoint: BAR0 (64-bit, prefetchable)"),
      (ntbEndpoint, 0x14, UInt32(truncatingIfNeeded: ntbBAR >> 32), "NTB endpoint: BAR0 upper"),
      (ntbEndpoint, 0x04, 0x6, "NTB endpoint: Memory Space, Bus Master"),
    ]
  }

  /// The steps, for a board with at least one cable: enumeration on both boards (through the
  /// management port of the node the cable leaves from), then the write and the read.
  static func steps(for board: Board) throws -> [BringUpScript.Step] {
    let registers = try switchManagementRegisters(ports: SwitchParameters(board: board).identities.count)
    let base = UInt64(NodeAddressMap.pcieSwitch.lowerBound)
    func register(_ name: String) -> UInt64 { base + registers.register(named: name)!.offset }
    let port = "mgmt\(board.ntb.cables[0])", host = "host\(board.ntb.cables[0])_in"
    let crossing = crossingCycles(board)
    var steps: [BringUpScript.Step] = []
    for b in 0..<2 {
      func on(_ step: BringUpScript.Step) -> BringUpScript.Step { b == 0 ? step : .onBoard(b, step) }
      for (target, dword, value, label) in configuration(board) {
        let targetValue = UInt64(target.rawValue) | UInt64(dword / 4) << 16
        let control: UInt64 = 1 << 31 | 1 << 8 | 0xF  // GO, IS_WRITE, all byte enables
        steps += [
          on(.write(port: port, address: register("CFG_TARGET"), value: targetValue, label: "CFG_TARGET \(target) 0x\(String(dword, radix: 16))")),
          on(.write(port: port, address: register("CFG_WRITE_DATA"), value: UInt64(value), label: label)),
          on(.write(port: port, address: register("CFG_STATUS"), value: 0b10, label: "CFG_STATUS: clear DONE")),
          on(.write(port: port, address: register("CFG_CONTROL"), value: control, label: "CFG_CONTROL: GO, write")),
          .idle(cycles: configCycles),
          on(.read(port: port, address: register("CFG_STATUS"), label: "CFG_STATUS")),
        ]
      }
    }
    steps += [
      .sendTLP(port: host, bytes: write.bytes, label: "MWr: \(buffer.count) bytes into window 0 at 0x\(String(offset, radix: 16))"),
      .idle(cycles: crossing),
      .sendTLP(port: host, bytes: read.bytes, label: "MRd: the same \(buffer.count) bytes back"),
      .idle(cycles: crossing),
      .expectCompletion(port: "host\(board.ntb.cables[0])_out", tag: readTag, data: buffer, label: "the read returns what was written"),
    ]
    return steps
  }

  /// Cycles the script waits after each host request: the cable both ways and the switches' pipelines.
  public static func crossingCycles(_ board: Board) -> Int { 2 * board.ntb.linkLatencyCycles + 64 }

  /// Input pins for every node's host link: up, at the board's speed and width (as `World` sets them).
  static func hostPins(_ board: Board) -> [String: UInt64] {
    var pins: [String: UInt64] = [:]
    for node in 0..<board.nodeCount {
      pins["host\(node)_active"] = 1
      pins["host\(node)_speed"] = UInt64(SwitchParameters.linkSpeedEncoding(board))
      pins["host\(node)_width"] = UInt64(board.switchConfig.linkWidth)
    }
    return pins
  }
}
