import Board
import Cores
import HDL

/// The bring-up a board's exported sample runs on every node's management port: identify the
/// system controller (ID, VERSION, NODE.INDEX, the cycle counter), check that writes arrive
/// (SCRATCH, whole and with byte enables), and an address no block decodes. With
/// `protocolChecks`, payloads the TLM socket itself must refuse follow on `mgmt0`. A board with
/// a cable (`ntb.cables`) gets a two-board sample, cable 0 crossed between the boards through a
/// channel of `ntb.link_latency_cycles`, the steps of `CableBringUp` after the rest and then those
/// of `WindowTransfer` (board 1's host a memory). Every node's host link is up.
public enum BoardBringUp {
  public static func script(for board: Board, protocolChecks: Bool = true) throws -> BringUpScript {
    let map = try systemControlRegisters(boardID: Int(board.id), baseAddress: board.management.mmioBase)
    let base = UInt64(NodeAddressMap.systemControl.lowerBound)
    func offset(_ name: String) -> UInt64 { base + map.register(named: name)!.offset }
    var steps: [BringUpScript.Step] = []
    for node in 0..<board.nodeCount {
      let port = "mgmt\(node)"
      for register in ["ID", "VERSION", "NODE", "CYCLE_COUNT_HIGH", "CYCLE_COUNT_LOW"] {
        steps.append(.read(port: port, address: offset(register), label: register))
      }
      steps += [
        .write(port: port, address: offset("SCRATCH"), value: 0x1234_5678, label: "SCRATCH"),
        .read(port: port, address: offset("SCRATCH"), label: "SCRATCH"),
        .write(port: port, address: offset("SCRATCH"), value: 0xAABB_CCDD, byteEnables: [true, false, false, true], label: "SCRATCH bytes 0 and 3"),
        .read(port: port, address: offset("SCRATCH"), label: "SCRATCH"),
        .read(port: port, address: UInt64(NodeAddressMap.systemControl.upperBound + 1), label: "no block decodes it"),
      ]
    }
    if protocolChecks {
      let window = UInt64(1) << UInt64(NodeAddressMap.addressWidth)
      steps += [
        .payload(port: "mgmt0", isWrite: false, address: window, length: 4, byteEnables: nil, label: "beyond the port's window"),
        .payload(port: "mgmt0", isWrite: false, address: offset("ID"), length: 8, byteEnables: nil, label: "8 bytes from a 32-bit port"),
        .payload(port: "mgmt0", isWrite: false, address: offset("ID") + 2, length: 4, byteEnables: nil, label: "unaligned"),
        .payload(port: "mgmt0", isWrite: true, address: offset("SCRATCH"), length: 4, byteEnables: [0x0F, 0xFF, 0xFF, 0xFF], label: "half a byte enabled"),
      ]
    }
    let pins = WindowTransfer.hostPins(board)
    guard !board.ntb.cables.isEmpty else { return BringUpScript(resetCycles: 4, pins: pins, steps: steps) }
    let memory = BringUpScript.HostMemory(board: 1, link: "host\(board.ntb.cables[0])", completer: WindowTransfer.rootComplex.rawValue)
    return BringUpScript(resetCycles: 4, crossedLinks: ["cable0"], linkLatencyCycles: board.ntb.linkLatencyCycles, pins: pins,
                         hostMemories: [memory],
                         steps: steps + (try CableBringUp.steps(for: board, sysctl: map)) + (try WindowTransfer.steps(for: board)))
  }

  /// The clock period of `board` in picoseconds (its `clock_mhz`).
  public static func clockPeriodPicoseconds(_ board: Board) -> Int { 1_000_000 / board.clockMHz }
}
