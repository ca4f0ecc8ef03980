import PCIe
import Simulation
import SimulationTesting
import SystemCExport
import XCTest

/// TLPs cross the TLM sockets as whole TLPs, their bytes in transmission order: what goes into
/// `rx` as a generic payload comes out of `tx` byte for byte, as the PCIe encoder
/// (Sources/PCIe/TLPEncoding.swift) writes it, after travelling as beats through the RTL.
final class TLPSocketTests: SimulationTestCase {
  func testTLPsSentIntoTheBoardLeaveItAsTheSameBytes() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try TLPRelay.sampleOutput.get()
    let received = lines.filter { $0.hasPrefix("tx tlp ") }
    XCTAssertEqual(received, TLPRelay.tlps.map { BringUpLog.tlp(port: "tx", bytes: $0.bytes) })
    XCTAssertEqual(lines.filter { $0.hasPrefix("rx send") && $0.contains("-> TLM_OK_RESPONSE  # TLP ") }.count, 3, "\(lines)")
    XCTAssert(lines.contains("mgmt0 read 0x00000000 -> TLM_OK_RESPONSE data=0x00000003 cycles=1  # TLPs relayed"), "\(lines)")
  }

  func testTheVerilatorModelSeesTheSameTLPSequence() throws {
    try BoardExport.skipUnlessSystemC()
    let export = try TLPRelay.export.get()
    let model = try self.model(try TLPRelay.design.get())
    let verilator = try ModelBringUp(model: model, plan: export.plan).run(TLPRelay.script)
    let systemC = try TLPRelay.sampleOutput.get()
    let tlpLines = { (lines: [String]) in lines.filter { ($0.contains(" tlp ") || $0.contains(" send ")) && !$0.hasSuffix("# 13 bytes") } }
    XCTAssertEqual(tlpLines(verilator).count, 6)
    XCTAssertEqual(tlpLines(systemC), tlpLines(verilator))
    XCTAssertEqual(systemC.filter { $0.hasPrefix("mgmt0") }, verilator.filter { $0.hasPrefix("mgmt0") })
  }

  func testPayloadsThatAreNoTLPAreRefusedWithTheStandardsStatus() throws {
    try BoardExport.skipUnlessSystemC()
    let lines = try TLPRelay.sampleOutput.get()
    XCTAssert(lines.contains { $0.hasPrefix("rx send") && $0.hasSuffix("-> TLM_BURST_ERROR_RESPONSE  # 13 bytes") }, "\(lines)")
    XCTAssertEqual(lines.filter { $0.hasPrefix("tx tlp") }.count, 3, "the refused payload must not reach the RTL")
  }
}
