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

  /// A switch port's flow-control pins (`<p>_fc_*` in, `<p>_rx_fc_*` out, beside `<p>_in`/`_out`)
  /// are no pins of the module: `LinkCredits` inside it answers them.
  func testASwitchPortsFlowControlPinsAreAnsweredInsideTheModule() throws {
    let export = try BoardExport.export.get()
    XCTAssertEqual(export.plan.creditedLinks, ["host0", "cable0"], "the switch's upstream port and the NTB cable (issue #6)")
    XCTAssertFalse(export.plan.pins.contains { $0.name.hasPrefix("host0_fc_") || $0.name.hasPrefix("host0_rx_fc_") })
    XCTAssert(export.plan.pins.contains { $0.name == "host0_active" }, "the PHY's facts stay pins")
    XCTAssertFalse(export.plan.pins.contains { $0.name.hasPrefix("cable0_fc_") || $0.name.hasPrefix("cable0_rx_fc_") },
                   "the cable's credits are answered inside the module too")
    let wrapper = try XCTUnwrap(export.files.first { $0.path == "board_devkit_tlm.h" }?.contents)
    XCTAssert(wrapper.contains("rtl.host0_rx_fc_cpld_allocated(host0_fc.rx_allocated[5]);"))
    XCTAssert(wrapper.contains("host0_in.use_credits(&host0_fc);"))
    XCTAssertEqual(try LinkEndpoint.export.get().plan.creditedLinks, [], "ntb_in/ntb_out carry no credits")
  }

  func testAHostMemoryOnALinkTheSampleCannotServeIsRefused() throws {
    let design = try LinkEndpoint.design.get()
    for memory in [BringUpScript.HostMemory(board: 0, link: "pcie", completer: 0),   // no such link
                   BringUpScript.HostMemory(board: 1, link: "ntb", completer: 0)] {  // one board only
      XCTAssertThrowsError(try SystemCExport(design, script: BringUpScript(hostMemories: [memory], steps: []), clockPeriodPicoseconds: 4000)) { error in
        XCTAssertEqual(error as? SystemCExportError, .badHostMemory(link: memory.link, board: memory.board, links: ["ntb"], boards: 1))
      }
    }
    // The memory answers through the link's input: the script may not send into it too.
    let script = BringUpScript(hostMemories: [.init(board: 0, link: "ntb", completer: 0)],
                               steps: [.sendTLP(port: "ntb_in", bytes: [], label: "")])
    XCTAssertThrowsError(try SystemCExport(design, script: script, clockPeriodPicoseconds: 4000)) { error in
      XCTAssertEqual(error as? SystemCExportError, .unknownScriptPort(step: 0, port: "ntb_in", known: ["mgmt0"]))
    }
  }

  func testACompletionCheckOnAnOutputWithoutASinkIsRefused() throws {
    // A crossed link's output goes to the other board, not to a sink that keeps completions.
    let script = BringUpScript(crossedLinks: ["ntb"], steps: [.expectCompletion(port: "ntb_out", tag: 0, data: [], label: "")])
    XCTAssertThrowsError(try SystemCExport(try LinkEndpoint.design.get(), script: script, clockPeriodPicoseconds: 4000)) { error in
      XCTAssertEqual(error as? SystemCExportError, .unknownScriptPort(step: 0, port: "ntb_out", known: []))
    }
  }
}
