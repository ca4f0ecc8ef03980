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
    XCTAssertEqual(lines.filter { $0.hasPrefix("board0_cable0_out tlp") }.prefix(4), [
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.link, index: 0, value: 0, bus: 0)),
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.link, index: 0, value: 1)),
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.scratchpad, index: 0, value: CableBringUp.outbound)),
      BringUpLog.tlp(port: "board0_cable0_out", bytes: Self.peerOperation(.doorbell, index: 0, value: 1 << UInt32(CableBringUp.doorbell))),
    ])
    XCTAssertEqual(lines.filter { $0.hasPrefix("board1_cable0_out tlp") }.prefix(3), [
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

  /// Board 0's host writes 64 bytes into its NTB window 0 and reads them back (`WindowTransfer`).
  /// What crosses is the request as the NTB translates it (docs/switch.md, "The NTB function"):
  /// window 0's translation + the offset into the window, the Requester ID replaced by the proxy
  /// ID (the receiving side's IDENTITY.LOCAL_BUS : requester entry 0), tag, byte enables and
  /// payload kept; switches forward TLPs unchanged (§2.2). Board 1's host memory answers the
  /// read with one successful CplD (§2.2.9: Byte Count 64, Lower Address = the address's low 7
  /// bits), which crosses back and reaches board 0's host with its own Requester ID again.
  func testBoard0sHostWritesThroughItsWindowIntoBoard1sHostMemoryAndReadsItBack() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try BoardExport.sampleOutput.get()
    let configStatus = lines.filter { $0.hasSuffix("# CFG_STATUS") }
    XCTAssertEqual(configStatus.count, 2 * 9, "nine configuration writes per board")
    for line in configStatus {
      XCTAssert(line.contains("data=0x00000002"), "CFG_STATUS: DONE, not BUSY, no TIMEOUT, Successful Completion: \(line)")
    }

    let proxy = PCIeID(bus: UInt8(CableBringUp.localBus), device: 0, function: 0)
    let target = CableBringUp.hostBuffer + WindowTransfer.offset
    let write = TLP.memoryWrite(address: target, data: WindowTransfer.buffer, requester: proxy, tag: WindowTransfer.writeTag)
    let read = TLP.memoryRead(address: target, byteCount: WindowTransfer.buffer.count, requester: proxy, tag: WindowTransfer.readTag)
    XCTAssertEqual(write.uses64BitAddress, true, "0x2_0000_0040 needs a 4DW header")
    var completion = TLP(kind: .completionWithData)
    completion.requester = proxy
    completion.completer = WindowTransfer.rootComplex
    completion.tag = WindowTransfer.readTag
    completion.byteCount = WindowTransfer.buffer.count
    completion.lowerAddress = UInt8(target & 0x7F)
    completion.length = WindowTransfer.buffer.count / 4
    completion.payload = WindowTransfer.buffer
    var home = completion
    home.requester = WindowTransfer.rootComplex

    XCTAssert(lines.contains(BringUpLog.send(port: "host0_in", bytes: WindowTransfer.write.bytes, status: "TLM_OK_RESPONSE",
                                             label: "MWr: 64 bytes into window 0 at 0x40")), "\(lines)")
    XCTAssertEqual(Array(lines.filter { $0.hasPrefix("board0_cable0_out tlp") }.dropFirst(4)),
                   [write, read].map { BringUpLog.tlp(port: "board0_cable0_out", bytes: $0.bytes) })
    XCTAssertEqual(lines.filter { $0.hasPrefix("board1_host0_out tlp") },
                   [write, read].map { BringUpLog.tlp(port: "board1_host0_out", bytes: $0.bytes) })
    XCTAssertEqual(Array(lines.filter { $0.hasPrefix("board1_cable0_out tlp") }.dropFirst(3)),
                   [BringUpLog.tlp(port: "board1_cable0_out", bytes: completion.bytes)])
    XCTAssertEqual(lines.filter { $0.hasPrefix("host0_out tlp") }, [BringUpLog.tlp(port: "host0_out", bytes: home.bytes)])
    XCTAssert(lines.contains(BringUpLog.completion(port: "host0_out", tag: WindowTransfer.readTag, received: WindowTransfer.buffer,
                                                   expected: WindowTransfer.buffer, label: "the read returns what was written")), "\(lines)")
    XCTAssertEqual(lines.filter { $0.hasPrefix("board1.host0 memory ") },
                   [BringUpLog.memory(owner: "board1.host0", address: target, bytes: WindowTransfer.buffer)])
  }

  /// The cable is a channel of devkit's `ntb.link_latency_cycles` (20): read on board 1 fewer
  /// cycles than that after board 0 enabled its side, LINK_STATUS shows neither UP nor
  /// PEER_ENABLED (bits 0 and 1); read after the settle time, both.
  func testTheCableDelaysWhatCrossesByTheBoardFilesLatency() throws {
    try BoardExport.skipUnlessSystemC()
    let board = try BoardExport.board()
    XCTAssertEqual(try BoardBringUp.script(for: board).linkLatencyCycles, 20)
    let lines = try BoardExport.sampleOutput.get()
    let early = lines.first { $0.hasPrefix("board1.mgmt0 read") && $0.hasSuffix("# LINK_STATUS while board 0's enable crosses") }
    let value = early?.split(separator: " ").first { $0.hasPrefix("data=0x") }.flatMap { UInt64($0.dropFirst(7), radix: 16) }
    XCTAssertEqual(value.map { $0 & 0b11 }, 0, "\(early ?? "no early LINK_STATUS read")")
  }
}
