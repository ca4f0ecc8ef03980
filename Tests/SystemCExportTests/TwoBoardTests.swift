import Simulation
import SimulationTesting
import SystemCExport
import XCTest

/// A script that crosses links gets a two-board sample: each board's `<link>_out` crosses to the
/// other's `<link>_in` through a tap that prints the TLPs, and the script runs on either board.
final class TwoBoardTests: XCTestCase {
  func testADoorbellCrossesTheLinkAndLandsInThePeersMailbox() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try LinkEndpoint.sampleOutput.get()
    XCTAssertEqual(try LinkEndpoint.export.get().plan.links, ["ntb"])
    XCTAssertEqual(lines.filter { $0.contains(" tlp ") }, [
      BringUpLog.tlp(port: "board0_ntb_out", bytes: LinkEndpoint.doorbell(0xCAFE_F00D)),
      BringUpLog.tlp(port: "board1_ntb_out", bytes: LinkEndpoint.doorbell(0x1234_5678)),
    ])
    XCTAssert(lines.contains("board1.mgmt0 read 0x00000008 -> TLM_OK_RESPONSE data=0x00000001 cycles=1  # PENDING"), "\(lines)")
    XCTAssert(lines.contains("board1.mgmt0 read 0x00000004 -> TLM_OK_RESPONSE data=0xcafef00d cycles=1  # MAILBOX"), "\(lines)")
    XCTAssert(lines.contains("board1.mgmt0 read 0x00000008 -> TLM_OK_RESPONSE data=0x00000000 cycles=1  # PENDING after MAILBOX"))
    XCTAssert(lines.contains("mgmt0 read 0x00000008 -> TLM_OK_RESPONSE data=0x00000001 cycles=1  # PENDING"), "\(lines)")
    // Board 0 never read its MAILBOX: its interrupt is still raised; board 1's was cleared.
    XCTAssertEqual(lines.filter { $0.contains("irq0 = ") }, ["irq0 = 1", "board1.irq0 = 0"])
  }

  func testCrossingALinkTheDesignLacksIsRefused() throws {
    let script = BringUpScript(crossedLinks: ["link"], steps: [])
    XCTAssertThrowsError(try SystemCExport(try TLPRelay.design.get(), script: script, clockPeriodPicoseconds: 4000)) { error in
      XCTAssertEqual(error as? SystemCExportError, .unknownLink("link", links: []))
    }
  }

  func testAStepOnABoardTheSampleDoesNotHaveIsRefused() throws {
    let script = BringUpScript(steps: [.onBoard(1, .read(port: "mgmt0", address: 0, label: "ID"))])
    XCTAssertThrowsError(try SystemCExport(try TLPRelay.design.get(), script: script, clockPeriodPicoseconds: 4000)) { error in
      XCTAssertEqual(error as? SystemCExportError, .unknownScriptBoard(step: 0, board: 1, boards: 1))
    }
  }
}

/// The two-board sample against two Verilator C++ models in lockstep, the links crossed the
/// same way: the same TLPs on each link and the same register values on each board.
final class TwoBoardEquivalenceTests: SimulationTestCase {
  func testTheTwoBoardSampleAndTwoVerilatorModelsAgree() throws {
    try BoardExport.skipUnlessSystemC()
    let design = try LinkEndpoint.design.get()
    let models = [try self.model(design), try Model(try CompiledModel.load(design))]
    let verilator = try TwoModelBringUp(models, plan: try LinkEndpoint.export.get().plan, crossing: LinkEndpoint.script.crossedLinks).run(LinkEndpoint.script)
    let systemC = try LinkEndpoint.sampleOutput.get()
    let tlps = { (lines: [String]) in lines.filter { $0.contains(" tlp ") } }
    let registers = { (lines: [String]) in lines.filter { $0.contains("mgmt0 ") || $0.contains("irq0 = ") } }
    XCTAssertEqual(tlps(verilator).count, 2)
    XCTAssertEqual(tlps(systemC), tlps(verilator))
    XCTAssertEqual(registers(verilator).count, 8)
    XCTAssertEqual(registers(systemC), registers(verilator))
  }
}
