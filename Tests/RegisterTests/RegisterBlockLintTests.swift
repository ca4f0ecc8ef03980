import XCTest
import Cores
import HDL
import Toolchain

/// The CSR RTL must satisfy the three tools the project promises (Verilator -Wall, Icarus, Yosys).
final class RegisterBlockLintTests: XCTestCase {
  func lint(_ map: RegisterMap) throws {
    let design = try Design(top: registerBlock(map))
    // Write-data bits that no field stores are gathered, on purpose, in a wire Verilator's
    // `*unused*` convention exempts; an HDL check of never-read wires may mention it, nothing else.
    let unexpected = design.warnings.map(\.message).filter { !$0.contains("`unused_bus_bits`") }
    XCTAssertEqual(unexpected, [], "elaboration warnings")
    let dir = VerilogFiles.temporaryDirectory("regs-lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try VerilogFiles(design, in: dir)
    for verdict in try Lint.all(files) {
      XCTAssertTrue(verdict.isClean, "\(map.name): \(verdict)")
    }
  }

  func testEveryAccessBlockIsLintClean() throws { try lint(try everyAccessMap()) }

  func testSystemControlBlockIsLintClean() throws { try lint(try systemControlRegisters(boardID: 7)) }

  func testReadOnlyOnlyBlockIsLintClean() throws {
    // No writable field at all: no flip-flops, no clock, and the write data entirely unused.
    try lint(try RegisterMap(name: "ids", baseAddress: 0, registers: [
      Register("ID", offset: 0, description: "Constant.", fields: [Field("VALUE", bits: 0...31, access: .readOnly, reset: 0x1234_5678, description: "Id.")]),
    ]))
  }

  func testVerilogNamesTheFieldsAsDeclared() throws {
    let map = try systemControlRegisters(boardID: 7)
    let design = try Design(top: registerBlock(map))
    XCTAssertEqual(design.top, "system_control_board7")
    let ports = Set(design.topPorts.map(\.name))
    for expected in ["mmio_valid", "mmio_address", "mmio_rdata", "mmio_error", "interrupt_status_doorbell_set",
                     "interrupt_status_doorbell_out", "interrupt_enable_dma_done_out", "cycle_count_low_value_in",
                     "control_soft_reset_clear", "control_soft_reset_out", "node_index_in", "clk", "rst"] {
      XCTAssertTrue(ports.contains(expected), "missing port \(expected) in \(ports.sorted())")
    }
    XCTAssertEqual(design.topPorts.first { $0.name == "mmio_address" }?.width, map.addressWidth)
    XCTAssertEqual(map.addressWidth, 6, "offsets 0x00...0x23 need 6 address bits")
  }
}

/// Variants of one map (different baked-in constants) are different Verilog modules, and the
/// same map used twice is one module.
final class RegisterBlockVariantTests: XCTestCase {
  func testTwoBoardsGetTwoModulesAndTwoNodesShareOne() throws {
    let boardA = try systemControlRegisters(boardID: 1)
    let boardB = try systemControlRegisters(boardID: 2)
    let board = Module("three_controllers") { m in
      for (i, map) in [boardA, boardA, boardB].enumerated() {
        let block = m.instance(registerBlock(map), name: "controller\(i)")
        let bus = m.port("mmio\(i)", MMIO(addressWidth: map.addressWidth).flipped)
        connect(bus, to: block.interface("mmio", as: MMIO.self))
        for port in ["interrupt_status_doorbell_set", "interrupt_status_link_change_set", "interrupt_status_dma_done_set",
                     "interrupt_status_tier_error_set", "cycle_count_low_value_in", "cycle_count_high_value_in",
                     "control_soft_reset_clear", "node_index_in"] {
          block[port] <== 0
        }
      }
    }
    let design = try Design(top: board)
    XCTAssertEqual(design.moduleNames, ["system_control_board1", "system_control_board2", "three_controllers"])
  }

  func testFilesForOneMap() throws {
    let files = try registerMapFiles(try systemControlRegisters(boardID: 1))
    XCTAssertEqual(files.map(\.name), ["system_control_board1.v", "SystemControl.swift", "system_control.md", "system_control.rdl"])
  }
}
