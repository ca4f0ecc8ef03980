import XCTest
import Cores
import HDL
import Toolchain

/// The system controller around its register block: cycle counter, interrupt line, soft reset.
final class SystemControllerTests: XCTestCase {
  func simulate(_ cycles: [[String: UInt64]]) throws -> [[String: UInt64]] {
    let design = try Design(top: try systemController(boardID: 9, nodeID: 4))
    let inputs = design.topPorts.filter { $0.direction == .input && $0.name != "clk" }
    let rows = cycles.map { row in
      Dictionary(uniqueKeysWithValues: inputs.map { ($0.name, BitVector(width: $0.width, unsigned: row[$0.name] ?? 0)) })
    }
    return try IcarusSimulation(design).run(rows).map { $0.mapValues { $0.uint64! } }
  }

  func testLintClean() throws {
    let design = try Design(top: try systemController(boardID: 9, nodeID: 4))
    XCTAssertEqual(design.moduleNames, ["system_control_board9_node4", "system_controller_board9_node4"])
    let dir = VerilogFiles.temporaryDirectory("controller")
    defer { try? FileManager.default.removeItem(at: dir) }
    for verdict in try Lint.all(try VerilogFiles(design, in: dir)) { XCTAssertTrue(verdict.isClean, "\(verdict)") }
  }

  func testCycleCounterInterruptAndSoftReset() throws {
    let out = try simulate([
      resetCycle,                                              // 0
      access(write: false, 0x18),                              // 1: CYCLE_COUNT_LOW
      ["doorbell": 1],                                         // 2: pending but not enabled
      access(write: false, 0x10),                              // 3
      access(write: true, 0x14, data: 0b0001),                 // 4: enable DOORBELL
      [:],                                                     // 5: interrupt raised
      access(write: true, 0x10, data: 0b0001),                 // 6: acknowledge
      [:],                                                     // 7: interrupt lowered
      access(write: true, 0x20, data: 1),                      // 8: request soft reset
      [:],                                                     // 9
      ["soft_reset_done": 1],                                  // 10
      access(write: false, 0x18),                              // 11
      access(write: false, 0x1C),                              // 12
      access(write: false, 0x0C),                              // 13
    ])
    XCTAssertEqual(out[1]["mmio_rdata"], 0, "the counter is 0 in the first cycle after reset")
    XCTAssertEqual(out[11]["mmio_rdata"], 10, "and counts one per cycle")
    XCTAssertEqual(out[12]["mmio_rdata"], 0)
    XCTAssertEqual(out[3]["mmio_rdata"], 1, "DOORBELL pending")
    XCTAssertEqual(out[3]["irq"], 0, "not enabled")
    XCTAssertEqual(out[5]["irq"], 1)
    XCTAssertEqual(out[7]["irq"], 0)
    XCTAssertEqual(out[8]["soft_reset"], 0)
    XCTAssertEqual(out[9]["soft_reset"], 1)
    XCTAssertEqual(out[10]["soft_reset"], 1)
    XCTAssertEqual(out[11]["soft_reset"], 0, "cleared by soft_reset_done")
    XCTAssertEqual(out[13]["mmio_rdata"], 4, "NODE.INDEX")
  }
}
