import XCTest
import Cores
import HDL
import Toolchain

/// The CSR RTL must satisfy the three tools the project promises (Verilator -Wall, Icarus, Yosys).
final class RegisterBlockLintTests: XCTestCase {
  func lint(_ map: RegisterMap) throws {
    let design = try Design(top: registerBlock(map))
    XCTAssertEqual(design.warnings.map(\.message), [], "elaboration warnings")
    let dir = VerilogFiles.temporaryDirectory("regs-lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try VerilogFiles(design, in: dir)
    for verdict in try Lint.all(files) {
      XCTAssertTrue(verdict.isClean, "\(map.name): \(verdict)")
    }
  }

  func testEveryAccessBlockIsLintClean() throws { try lint(try everyAccessMap()) }

  func testSystemControlBlockIsLintClean() throws { try lint(try systemControlRegisters(boardID: 7, nodeID: 2)) }

  func testReadOnlyOnlyBlockIsLintClean() throws {
    // No writable field at all: no flip-flops, no clock, and the write data entirely unused.
    try lint(try RegisterMap(name: "ids", baseAddress: 0, registers: [
      Register("ID", offset: 0, description: "Constant.", fields: [Field("VALUE", bits: 0...31, access: .readOnly, reset: 0x1234_5678, description: "Id.")]),
    ]))
  }

  func testVerilogNamesTheFieldsAsDeclared() throws {
    let map = try systemControlRegisters(boardID: 7, nodeID: 2)
    let design = try Design(top: registerBlock(map))
    XCTAssertEqual(design.top, "system_control_board7_node2")
    let ports = Set(design.topPorts.map(\.name))
    for expected in ["mmio_valid", "mmio_address", "mmio_rdata", "mmio_error", "interrupt_status_doorbell_set",
                     "interrupt_status_doorbell_out", "interrupt_enable_dma_done_out", "cycle_count_low_value_in",
                     "control_soft_reset_clear", "control_soft_reset_out", "clk", "rst"] {
      XCTAssertTrue(ports.contains(expected), "missing port \(expected) in \(ports.sorted())")
    }
    XCTAssertEqual(design.topPorts.first { $0.name == "mmio_address" }?.width, map.addressWidth)
    XCTAssertEqual(map.addressWidth, 6, "offsets 0x00...0x23 need 6 address bits")
  }
}
