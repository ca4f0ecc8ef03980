import Board
import Cores

/// The bring-up across a board's cable 0 in the two-board sample: board 0's cable 0 joined to
/// board 1's. Both sides set up by register writes through the management port of the node the
/// cable leaves from (its NTB port's registers, `NodeAddressMap.ntb` and `NTBLayout`); board 0
/// sets up memory window 0 and rings a doorbell, and a scratchpad value crosses each way.
///
/// What crosses the cable are the NTB's peer operations (Vendor-Defined Messages, see
/// `NTBPeerOperation`): each side's link enable, board 0's scratchpad write and doorbell, board
/// 1's scratchpad write back. Board 1's node interrupt stays raised at the end (the doorbell is
/// left pending), board 0's stays low.
public enum CableBringUp {
  /// The local bus number written to each side's IDENTITY: the requester bus of its messages.
  public static let localBus = 3
  /// Where window 0 of board 0 translates to on board 1 (a host buffer behind its `host` port).
  public static let hostBuffer: UInt64 = 0x2_0000_0000
  /// The doorbell board 0 rings, the values written across (board 0 → 1 into scratchpad 0,
  /// board 1 → 0 into scratchpad 1).
  public static let doorbell = 5
  public static let outbound: UInt32 = 0x5354_0A0B
  public static let inbound: UInt32 = 0x0A0B_5354
  /// Cycles given to a message to cross the cable (`ntb.link_latency_cycles` in the channel) and land.
  public static func settleCycles(_ board: Board) -> Int { board.ntb.linkLatencyCycles + 24 }

  /// The steps, for a board with at least one cable; `sysctl` is the system controller's map.
  static func steps(for board: Board, sysctl: RegisterMap) throws -> [BringUpScript.Step] {
    typealias L = NTBLayout
    let layout = try NTBLayout(board.ntb)
    let node = board.ntb.cables[0]
    let port = "mgmt\(node)"
    let ntb = UInt64(NodeAddressMap.ntb(NodeCrosslinks.port(ofCable: 0, in: board)).lowerBound)
    let sysctlBase = UInt64(NodeAddressMap.systemControl.lowerBound)
    let interruptStatus = sysctlBase + sysctl.register(named: "INTERRUPT_STATUS")!.offset
    let interruptEnable = sysctlBase + sysctl.register(named: "INTERRUPT_ENABLE")!.offset
    let doorbellCause: UInt64 = 1  // INTERRUPT_STATUS/ENABLE.DOORBELL, bit 0
    func on(_ b: Int, _ step: BringUpScript.Step) -> BringUpScript.Step { b == 0 ? step : .onBoard(b, step) }
    func write(_ b: Int, _ offset: UInt64, _ value: UInt64, _ label: String) -> BringUpScript.Step {
      on(b, .write(port: port, address: ntb + offset, value: value, label: label))
    }
    func read(_ b: Int, _ offset: UInt64, _ label: String) -> BringUpScript.Step {
      on(b, .read(port: port, address: ntb + offset, label: label))
    }

    var steps: [BringUpScript.Step] = []
    for b in 0..<2 {
      steps += [
        on(b, .write(port: port, address: interruptEnable, value: doorbellCause, label: "INTERRUPT_ENABLE.DOORBELL")),
        write(b, L.identity, UInt64(localBus), "IDENTITY.LOCAL_BUS"),
        write(b, L.interruptRouting, 0, "INTERRUPT_ROUTING: only doorbells interrupt"),
      ]
    }
    steps += [
      write(0, L.windowTranslationLow(0), hostBuffer & 0xFFFF_FFFF, "WINDOW_TRANSLATION_LOW_0"),
      write(0, L.windowTranslationHigh(0), hostBuffer >> 32, "WINDOW_TRANSLATION_HIGH_0"),
      write(0, L.windowControl(0), 1 | UInt64(layout.windowSizeLog2) << 8, "WINDOW_CONTROL_0: valid, whole window"),
      write(0, L.requesterEntry(0), 1 << 31, "REQUESTER_ENTRY_0: the root complex 0:0.0"),
      read(0, L.windowControl(0), "WINDOW_CONTROL_0"),
      read(0, L.windowTranslationHigh(0), "WINDOW_TRANSLATION_HIGH_0"),
      write(0, L.linkControl, 1, "LINK_CONTROL.ENABLE"),
      write(1, L.linkControl, 1, "LINK_CONTROL.ENABLE"),
      // Board 0's enable is still in the cable (`ntb.link_latency_cycles`): board 1's link is not up yet.
      .idle(cycles: max(0, board.ntb.linkLatencyCycles - 3)),
      read(1, L.linkStatus, "LINK_STATUS while board 0's enable crosses"),
      .idle(cycles: settleCycles(board)),
      read(0, L.linkStatus, "LINK_STATUS"),
      read(1, L.linkStatus, "LINK_STATUS"),
      write(0, L.peerScratchpad(0), UInt64(outbound), "PEER_SCRATCHPAD_0: across the cable"),
      write(0, L.peerDoorbellSet(0), 1 << UInt64(doorbell), "PEER_DOORBELL_SET_0: ring doorbell \(doorbell)"),
      .idle(cycles: settleCycles(board)),
      read(1, L.scratchpad(0), "SCRATCHPAD_0 from board 0"),
      read(1, L.doorbellStatus(0), "DOORBELL_STATUS_0"),
      on(1, .read(port: port, address: interruptStatus, label: "INTERRUPT_STATUS")),
      write(1, L.peerScratchpad(1), UInt64(inbound), "PEER_SCRATCHPAD_1: back across the cable"),
      .idle(cycles: settleCycles(board)),
      read(0, L.scratchpad(1), "SCRATCHPAD_1 from board 1"),
      on(0, .read(port: port, address: interruptStatus, label: "INTERRUPT_STATUS")),
    ]
    return steps
  }
}
