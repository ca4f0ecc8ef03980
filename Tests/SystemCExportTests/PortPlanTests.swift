import HDL
import SystemCExport
import XCTest

/// How the top's ports are grouped into sockets and pins.
final class PortPlanTests: XCTestCase {
  func testManagementPortsBecomeSocketsAndTheRestPins() throws {
    let top = Module("plan_top") { m in
      let mgmt = m.port("mgmt0", MMIO(addressWidth: 12).flipped)
      let scratch = m.register("scratch", width: 32)
      mgmt.ready <== mgmt.valid
      mgmt.readData <== scratch
      mgmt.error <== false
      when(mgmt.writes) { scratch <== mgmt.writeData }
      m.output("irq0") <== scratch[0]
      m.output("link_in_ready") <== true
    }
    let plan = try SystemCPortPlan(ports: try Design(top: top).topPorts)
    XCTAssertEqual(plan.mmio, [.init(prefix: "mgmt0", addressWidth: 12, dataWidth: 32)])
    XCTAssertEqual(plan.tlp, [])
    // A lone `_ready` is no TLP stream: it stays a pin.
    XCTAssertEqual(plan.pins.map(\.name), ["irq0", "link_in_ready"])
    XCTAssertEqual(plan.reset, "rst")
  }

  func testADesignWithoutAClockIsRefusedNamingItsPorts() throws {
    let top = Module("no_clock") { m in m.output("y") <== m.input("a") }
    XCTAssertThrowsError(try SystemCPortPlan(ports: try Design(top: top).topPorts)) { error in
      XCTAssertEqual(error as? SystemCExportError, .noClock(name: "clk", ports: ["y", "a"]))
      XCTAssert("\(error)".contains("name the clock with `clock:`"), "\(error)")
    }
  }

  func testAScriptStepOnAPortTheDesignLacksIsRefused() throws {
    let script = BringUpScript(steps: [.read(port: "mgmt1", address: 0, label: "ID")])
    XCTAssertThrowsError(try SystemCExport(try TLPRelay.design.get(), script: script, clockPeriodPicoseconds: 4000)) { error in
      XCTAssertEqual(error as? SystemCExportError, .unknownScriptPort(step: 0, port: "mgmt1", known: ["mgmt0", "rx"]))
    }
  }

  func testTLPStreamsAreSocketsAndInOutPairsAreLinks() throws {
    let plan = try XCTUnwrap(try LinkEndpoint.export.get().plan)
    XCTAssertEqual(plan.tlp, [.init(prefix: "ntb_out", dataWidth: 64, direction: .outOfDesign),
                              .init(prefix: "ntb_in", dataWidth: 64, direction: .intoDesign)])
    XCTAssertEqual(plan.links, ["ntb"])
    XCTAssertEqual(try TLPRelay.export.get().plan.links, [], "rx and tx are no pair")
  }
}
