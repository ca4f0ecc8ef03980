import Board
import Cores
import PCIe
import SystemCExport
import XCTest

/// devkit's sample: two boards joined by their cable 0 (`ntb.cables: [0]`). What crosses the
/// cable are the NTB peer operations as `NTBPeerOperation` specifies them (PCIe Base 6.3,
/// §2.2.8.6 Vendor_Defined Type 1, local routing), encoded here by the PCIe library's own
/// `TLP.message`; the registers read back are those of `NTBLayout` and the system controller.
final class CableBringUpTests: XCTestCase {
  /// A peer operation as an NTB function whose IDENTITY.LOCAL_BUS is `bus` sends it.
  static func peerOperation(_ operation: NTBPeerOperation, index: Int, value: UInt32, bus: Int = CableBringUp.localBus) -> [UInt8] {
    let fields = UInt64(NTBPeerOperation.vendorID) << 32 | UInt64(operation.rawValue) << 24 | UInt64(index) << 16
    return TLP.message(code: UInt8(NTBPeerOperation.messageCode), routing: .local,
                       requester: PCIeID(bus: UInt8(bus), device: 0, function: 0), fields: fields,
                       data: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }).bytes
  }

  func testOnlyABoardWithACableGetsTheTwoBoardSample() throws {
    XCTAssertEqual(try BoardBringUp.script(for: try BoardExport.board()).crossedLinks, ["cable0"])
    let cluster4 = try Board.load(path: BoardExport.packageRoot.appendingPathComponent("boards/cluster4.yaml").path)
    let script = try BoardBringUp.script(for: cluster4)
    XCTAssertEqual(script.crossedLinks, [])
    XCTAssertFalse(script.steps.contains { if case .onBoard = $0 { return true } else { return false } })
  }

  func testTheCableCarriesLinkEnablesAScratchpadAndADoorbellEachWayInOrder() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try BoardExport.sampleOutput.get()
    XCTAssert(try BoardExport.export.get().plan.links.contains("cable0"))
    // When the cable comes up (cable0_up high from the start), each side announces its link
    // enable, still 0 and from bus 0 (IDENTITY is written later); LINK_CONTROL.ENABLE announces 1.
    XCTAssertEqual(lines.filter { $0.hasPrefix("board0_cable0_out tlp") }, [
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.link, index: 0, value: 0, bus: 0)),
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.link, index: 0, value: 1)),
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.scratchpad, index: 0, value: CableBringUp.outbound)),
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.doorbell, index: 0, value: 1 << UInt32(CableBringUp.doorbell))),
    ])
    XCTAssertEqual(lines.filter { $0.hasPrefix("board1_cable0_out tlp") }, [
      BringUpLog.tlp(port: "board1_cable0_out", bytes: Self.peerOperation(.link, index: 0, value: 0, bus: 0)),
      BringUpLog.tlp(port: "board1_cable0_out", bytes: Self.peerOperation(.link, index: 0, value: 1)),
      BringUpLog.tlp(port: "board1_cable0_out", bytes: Self.peerOperation(.scratchpad, index: 1, value: CableBringUp.inbound)),
    ])
  }

  func testTheDoorbellBecomesBoard1sInterruptAndTheScratchpadsHoldWhatCrossed() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try BoardExport.sampleOutput.get()
    func value(_ prefix: String, _ label: String) -> UInt64? {
      let line = lines.first { $0.hasPrefix(prefix) && $0.hasSuffix("# \(label)") }
      return line?.split(separator: " ").first { $0.hasPrefix("data=0x") }.flatMap { UInt64($0.dropFirst(7), radix: 16) }
    }
    // LINK_STATUS: UP and PEER_ENABLED, SPEED 3 (devkit's 8 GT/s, Link Status encoding) and
    // WIDTH 4 (its x4 links).
    let linkStatus: UInt64 = 1 | 1 << 1 | 3 << 16 | 4 << 20
    XCTAssertEqual(value("mgmt0 read", "LINK_STATUS"), linkStatus, "\(lines)")
    XCTAssertEqual(value("board1.mgmt0 read", "LINK_STATUS"), linkStatus)
    // WINDOW_CONTROL_0: VALID (bit 0) and SIZE_LOG2 (bits 13:8) = log2 of devkit's 1 MiB window.
    XCTAssertEqual(value("mgmt0 read", "WINDOW_CONTROL_0"), 1 | 20 << 8)
    XCTAssertEqual(value("mgmt0 read", "WINDOW_TRANSLATION_HIGH_0"), CableBringUp.hostBuffer >> 32)
    XCTAssertEqual(value("board1.mgmt0 read", "SCRATCHPAD_0 from board 0"), UInt64(CableBringUp.outbound))
    XCTAssertEqual(value("board1.mgmt0 read", "DOORBELL_STATUS_0"), 1 << UInt64(CableBringUp.doorbell))
    XCTAssertEqual(value("board1.mgmt0 read", "INTERRUPT_STATUS"), 1, "DOORBELL pending on board 1")
    XCTAssertEqual(value("mgmt0 read", "SCRATCHPAD_1 from board 1"), UInt64(CableBringUp.inbound))
    XCTAssertEqual(value("mgmt0 read", "INTERRUPT_STATUS"), 0, "board 0 was rung by nobody")
    XCTAssert(lines.contains("irq0 = 0"))
    XCTAssert(lines.contains("board1.irq0 = 1"))
  }
}
