import Board
import Cores
import SystemCExport
import XCTest

/// The exported sample for boards/devkit.yaml builds with make, runs, and each node's system
/// controller answers over its TLM socket as the register map says (Sources/Cores/Registers/
/// SystemControlRegisters.swift); payloads the socket cannot carry get the response status of
/// IEEE 1666-2011 §14.17.
final class SampleBringUpTests: XCTestCase {
  func testEveryNodeIdentifiesItselfOverItsManagementSocket() throws {
    try BoardExport.skipUnlessSystemC()
    let board = try BoardExport.board()
    let lines = try BoardExport.sampleOutput.get()
    let id = String(format: "%04x", board.id)
    for node in 0..<board.nodeCount {
      let port = "mgmt\(node)"
      XCTAssert(lines.contains("\(port) read 0x00000000 -> TLM_OK_RESPONSE data=0x5354\(id) cycles=1  # ID"), "\(port) ID: \(lines)")
      XCTAssert(lines.contains("\(port) read 0x00000004 -> TLM_OK_RESPONSE data=0x00010000 cycles=1  # VERSION"))
      XCTAssert(lines.contains("\(port) read 0x0000000c -> TLM_OK_RESPONSE data=0x0000000\(node) cycles=1  # NODE"))
      XCTAssert(lines.contains("\(port) read 0x0000001c -> TLM_OK_RESPONSE data=0x00000000 cycles=1  # CYCLE_COUNT_HIGH"))
      XCTAssert(lines.contains("\(port) read 0x00000008 -> TLM_OK_RESPONSE data=0x12345678 cycles=1  # SCRATCH"))
      // Bytes 0 and 3 of 0xaabbccdd over 0x12345678.
      XCTAssert(lines.contains("\(port) read 0x00000008 -> TLM_OK_RESPONSE data=0xaa3456dd cycles=1  # SCRATCH"))
      XCTAssert(lines.contains("\(port) read 0x00000100 -> TLM_ADDRESS_ERROR_RESPONSE cycles=1  # no block decodes it"))
    }
    XCTAssertEqual(lines.filter { $0.hasPrefix("irq") }, (0..<board.nodeCount).map { "irq\($0) = 0" })
  }

  func testTheCycleCounterAdvancesOneCountPerClockBetweenReads() throws {
    try BoardExport.skipUnlessSystemC()
    let lows = try BoardExport.sampleOutput.get().filter { $0.hasSuffix("# CYCLE_COUNT_LOW") }.compactMap { line in
      line.split(separator: " ").first { $0.hasPrefix("data=0x") }.flatMap { UInt64($0.dropFirst("data=0x".count), radix: 16) }
    }
    let nodes = try BoardExport.board().nodeCount
    // The counter starts at 0 when reset ends; each node's script is 10 one-cycle accesses and
    // its CYCLE_COUNT_LOW read is the fifth, and all nodes share the clock and reset.
    XCTAssertEqual(lows, (0..<nodes).map { UInt64(4 + 10 * $0) })
  }

  func testPayloadsTheSocketCannotCarryGetTheStandardsResponseStatus() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try BoardExport.sampleOutput.get()
    // The first address past the node's management window (NodeAddressMap.addressWidth bits).
    let hex = String(1 << NodeAddressMap.addressWidth, radix: 16)
    let beyond = "0x" + String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    XCTAssert(lines.contains("mgmt0 read \(beyond) -> TLM_ADDRESS_ERROR_RESPONSE cycles=0  # beyond the port's window"), "\(beyond): \(lines)")
    XCTAssert(lines.contains("mgmt0 read 0x00000000 -> TLM_BURST_ERROR_RESPONSE cycles=0  # 8 bytes from a 32-bit port"))
    XCTAssert(lines.contains("mgmt0 read 0x00000002 -> TLM_ADDRESS_ERROR_RESPONSE cycles=0  # unaligned"))
    XCTAssert(lines.contains("mgmt0 write 0x00000008 0x00000000 be=0fffffff -> TLM_BYTE_ENABLE_ERROR_RESPONSE cycles=0  # half a byte enabled"))
  }
}
