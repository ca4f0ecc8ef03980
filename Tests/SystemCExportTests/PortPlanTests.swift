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
}
