import Board
import Cores
import HDL
import SimulationTesting
import Toolchain
import VerilogTesting
import XCTest

/// The NTB register map: its shape from the board, refused shapes, and the semantics of its
/// fields as software sees them through the RTL's management port (values worked by hand from
/// the field descriptions).
final class NTBRegisterMapTests: SimulationTestCase {
  typealias L = NTBLayout

  func testTheBoardSectionGivesTheLayout() throws {
    let config = NTBConfig(links: [NTBLink(a: 0, b: 1)], memoryWindows: 3, windowSize: 1 << 21, lutEntries: 64,
                           scratchpads: 32, doorbells: 40, linkLatencyCycles: 20)
    let map = try ntbRegisters(config)
    XCTAssertNotNil(map.register(named: "MW2_TRANSLATION_HIGH"))
    XCTAssertNil(map.register(named: "MW3_CONTROL"))
    XCTAssertNotNil(map.register(named: "LUT63_CONTROL"))
    XCTAssertNotNil(map.register(named: "PEER_SCRATCHPAD_31"))
    XCTAssertEqual(map.register(named: "DOORBELL_STATUS_1")?.fields.count, 8, "doorbells 32...39")
    XCTAssertEqual(map.register(named: "DOORBELL_VECTORS_2")?.fields.first?.bits, 0...15, "doorbells 32...39, two bits each")
    XCTAssertEqual(map.register(named: "LUT_INFO")?.resetValue, 64 | 15 << 16 | 16 << 24, "64 entries of 32 KiB")
  }

  func testShapesTheHardwareCannotBuildAreRefusedWithTheKeyAndTheFix() {
    func problems(_ windows: Int, _ size: Int, _ lut: Int, _ spads: Int = 16, _ doorbells: Int = 64) -> String {
      do {
        _ = try NTBLayout(memoryWindows: windows, windowSize: size, lutEntries: lut, scratchpads: spads, doorbells: doorbells)
        return ""
      } catch { return "\(error)" }
    }
    XCTAssertEqual(problems(2, 1 << 20, 32), "")
    XCTAssertTrue(problems(2, 3000, 0).contains("ntb.window_size: 3000 bytes; use a power of two from 4KiB"))
    XCTAssertTrue(problems(2, 1 << 20, 512).contains("ntb.lut_entries: 512 entries of a 1048576-byte window are smaller than 4KiB; use at most 256 entries"))
    XCTAssertTrue(problems(2, 1 << 20, 48).contains("ntb.lut_entries: 48; use 0 or a power of two"))
    let several = problems(0, 1 << 20, 32, 8, 65)
    XCTAssertTrue(several.contains("ntb.memory_windows: 0") && several.contains("ntb.scratchpads: 8") && several.contains("ntb.doorbells: 65"),
                  "every problem at once: \(several)")
  }

  /// A small shape through all three tools (Yosys takes about 30 s on the devkit's), the
  /// devkit's through Verilator `-Wall`.
  func testTheFunctionIsAcceptedByVerilatorIcarusAndYosys() throws {
    let small = try NTBLayout(memoryWindows: 1, windowSize: 1 << 16, lutEntries: 0, scratchpads: 16, doorbells: 20)
    let cells = try assertAcceptedByTools(try Design(top: ntbFunction(layout: small, dataWidth: 128)))
    print("ntb_function (1 window, no LUT, 16 scratchpads, 20 doorbells, 128-bit): \(cells ?? 0) Yosys cells")
    let dir = VerilogFiles.temporaryDirectory("ntb-lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let verdict = try Lint.verilator(try VerilogFiles(try Design(top: ntbFunction(layout: NTBFunctionTests.layout, dataWidth: 64)), in: dir))
    XCTAssertTrue(verdict.isClean, "\(verdict)")
    try assertAcceptedByTools(try Design(top: tlpDelayLine(cycles: 3, dataWidth: 64)))
    let endpoint = try Lint.verilator(try VerilogFiles(try Design(top: ntbEndpoint(layout: NTBFunctionTests.layout, vendorID: 0x1AB4,
                                                                                      deviceID: 0x4E54, dataWidth: 64)), in: dir))
    XCTAssertTrue(endpoint.isClean, "\(endpoint)")
  }

  func testFieldSemanticsThroughTheManagementPort() throws {
    let model = try self.model(try Design(top: ntbPair(layout: NTBFunctionTests.layout, dataWidth: 64)))
    let h = try NTBPairHarness(model, layout: NTBFunctionTests.layout)
    // Read-only shape registers: 2 windows, 16 scratchpads, 64 doorbells, 4 vectors, 4 messages.
    XCTAssertEqual(try h.read(.a, L.info), 2 | 16 << 8 | 64 << 16 | 4 << 24 | 4 << 28)
    XCTAssertEqual(try h.read(.a, L.lutInfo), 32 | 15 << 16 | 16 << 24, "32 entries of 32 KiB, 16 requester entries")
    XCTAssertEqual(try h.read(.a, L.windowAlignment(1)), 12 | 12 << 8 | 20 << 16, "4 KiB alignment, 1 MiB maximum")
    try h.write(.a, L.info, 0xFFFF_FFFF)
    XCTAssertEqual(try h.read(.a, L.info), 2 | 16 << 8 | 64 << 16 | 4 << 24 | 4 << 28, "writes to RO are ignored")
    // Reset values.
    XCTAssertEqual(try h.read(.a, L.windowControl(0)), 20 << 8, "not valid, direct, the whole window")
    XCTAssertEqual(try h.read(.a, L.interruptRouting), 3 << 16, "link and message interrupts enabled on vector 0")
    XCTAssertEqual(try h.read(.a, L.linkStatus), 3 << 16 | 8 << 20, "down; speed and width from the PHY")
    // Stored bits only: translations are 4 KiB aligned, the LUT peer is 6 bits.
    try h.write(.a, L.windowTranslationLow(0), 0xFFFF_FFFF)
    XCTAssertEqual(try h.read(.a, L.windowTranslationLow(0)), 0xFFFF_F000)
    try h.write(.a, L.windowControl(1), 0xFFFF_FFFF)
    XCTAssertEqual(try h.read(.a, L.windowControl(1)), 0x3F03)
    try h.write(.a, L.lutControl(31), 0xFFFF_FFFF)
    XCTAssertEqual(try h.read(.a, L.lutControl(31)), 0x3F01)
    try h.write(.a, L.requesterEntry(15), 0xFFFF_FFFF)
    XCTAssertEqual(try h.read(.a, L.requesterEntry(15)), 0x8000_FFFF)
    try h.access(.a, write: true, L.scratchpad(2), 0xAABB_CCDD, strobe: 0b0101)
    XCTAssertEqual(try h.read(.a, L.scratchpad(2)), 0x00BB_00DD, "byte strobes")
    try h.write(.a, L.inboundMessage(0), 0x1234)
    XCTAssertEqual(try h.read(.a, L.inboundMessage(0)), 0, "only the peer loads it")
    try h.write(.a, L.messageStatus, 0xFFFF_FFFF)
    XCTAssertEqual(try h.read(.a, L.messageStatus), 0, "nothing to clear; OUT_FULL is read-only")
    // With the link down a write to a peer register is not sent, and a peer scratchpad read
    // answers all ones; the doorbell register keeps the value written.
    try h.write(.a, L.peerScratchpad(4), 0x5555_AAAA)
    XCTAssertEqual(try h.read(.a, L.eventStatus), 2, "PEER_OP_DROPPED: the link is down")
    try h.write(.a, L.eventStatus, 2)
    XCTAssertEqual(try h.read(.a, L.peerScratchpad(4)), 0xFFFF_FFFF, "no peer to read")
    XCTAssertEqual(try h.read(.a, L.eventStatus), 2, "PEER_OP_DROPPED again: the read was not sent")
    try h.write(.a, L.peerDoorbellSet(1), 0x8000_0001)
    XCTAssertEqual(try h.read(.a, L.peerDoorbellSet(1)), 0x8000_0001, "the last value written (no ntb_peer_db_read)")
    try h.write(.a, L.eventStatus, 2)
    XCTAssertEqual(try h.read(.a, L.eventStatus), 0, "write 1 to clear")
    // Unmapped and misaligned offsets answer with an error.
    XCTAssertTrue(try h.access(.a, write: false, 0x0F00).1)
    XCTAssertTrue(try h.access(.a, write: false, L.scratchpad(0) + 2).1)
    XCTAssertFalse(try h.access(.a, write: false, L.lutTranslationHigh(31)).1)
  }
}
