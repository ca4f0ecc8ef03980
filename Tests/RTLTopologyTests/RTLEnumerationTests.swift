import Firmware
import FirmwareSimulation
import PCIModel
import RTLTopology
import Simulation
import SimulationTesting
import XCTest

/// The firmware's enumeration on topologies built from the RTL switch and endpoint models
/// (firmware/topologies/rtl), through the root switch's management port as on the node:
/// - the hierarchy the hardware holds afterwards follows the Linux rules (`assertLinuxRules`,
///   bus numbers worked out by hand from depth-first numbering);
/// - the device tree equals the one the same enumeration finds on the Swift configuration-space
///   model of the same file (PCIModel): two independent implementations of the topology;
/// - empty slots are absent; an endpoint that answers CRS after reset is waited for and found.
/// All six topologies are one Verilator model (`TopologyBenchFixture`).
final class RTLEnumerationTests: SimulationTestCase {
  func testTwoEndpointsBehindOneSwitch() throws {
    let run = try check("one-switch", buses: ["0:0.0": [0, 1, 3], "1:0.0": [1, 2, 2], "1:1.0": [1, 3, 3]])
    XCTAssertEqual(run.endpoints, ["2:0.0", "3:0.0"])
  }

  func testAnEmptySlotIsAbsentWithItsBusAndClosedWindows() throws {
    let run = try check("empty-slots", buses: ["0:0.0": [0, 1, 3], "1:0.0": [1, 2, 2], "1:1.0": [1, 3, 3]])
    XCTAssertEqual(run.endpoints, ["3:0.0"], "bus 2 (the empty slot) holds nothing")
    XCTAssertNil(run.readBack["1:0.0"]?.memoryWindow, "the empty slot's memory window is closed")
    XCTAssertNil(run.readBack["1:0.0"]?.prefetchableWindow, "the empty slot's prefetchable window is closed")
    XCTAssertNotNil(run.readBack["1:1.0"]?.prefetchableWindow, "the GPU's 64-bit prefetchable BAR opens its port's window")
  }

  func testASwitchBehindASwitchIsNumberedDepthFirst() throws {
    let run = try check("nested-switches", buses: ["0:0.0": [0, 1, 6], "1:0.0": [1, 2, 5], "2:0.0": [2, 3, 5], "3:0.0": [3, 4, 4],
                                                   "3:1.0": [3, 5, 5], "1:1.0": [1, 6, 6]])
    XCTAssertEqual(run.endpoints, ["4:0.0", "5:0.0", "6:0.0"])
  }

  func testAnEndpointAnsweringCRSAfterResetIsWaitedForAndFound() throws {
    let run = try check("slow-device", buses: ["0:0.0": [0, 1, 3], "1:0.0": [1, 2, 2], "1:1.0": [1, 3, 3]])
    XCTAssertEqual(run.endpoints, ["2:0.0", "3:0.0"])
    XCTAssertGreaterThan(run.result.retryCompletions, 0, "the NVMe drive answered CRS first (ready_after_cycles: 3000)")
    XCTAssertEqual(run.result.tree.notReady, [])
    XCTAssertEqual(run.result.tree.function(at: BDF(bus: 2, device: 0, function: 0))?.classCode, 0x010802)
    XCTAssertEqual(run.readBack["2:0.0"]?.maxPayload, 128, "the drive supports 128-byte payloads only")
  }

  func testAChainOfThreeSwitchesClosesEachSubordinateToTheLastBusBelow() throws {
    let run = try check("chain", buses: ["0:0.0": [0, 1, 9], "1:0.0": [1, 2, 8], "2:0.0": [2, 3, 8], "3:0.0": [3, 4, 7],
                                         "4:0.0": [4, 5, 7], "5:0.0": [5, 6, 6], "5:1.0": [5, 7, 7], "3:1.0": [3, 8, 8],
                                         "1:1.0": [1, 9, 9]])
    XCTAssertEqual(run.endpoints, ["6:0.0"])
  }

  func testPayloadIsThePathMinimumAndEveryBARSlotIsPlaced() throws {
    let run = try check("payload-and-bars", buses: ["0:0.0": [0, 1, 3], "1:0.0": [1, 2, 2], "1:1.0": [1, 3, 3]])
    XCTAssertEqual(run.endpoints, ["2:0.0", "3:0.0"])
    XCTAssertEqual(run.readBack["2:0.0"]?.maxPayload, 256, "512 supported, 256 on the switch's ports")
    XCTAssertEqual(run.readBack["2:0.0"]?.bars.map(\.slot), [0, 2, 4, 5])
  }

  func testNoTopologyButTheSlowOneSeesCRS() throws {
    let system = SimulatedSystem(model: try model(try TopologyBenchFixture.compiled.get(), trace: try TopologyBenchFixture.tracing("one-switch")))
    let run = try enumerateOnRTL(system, prefix: TopologyBenchFixture.prefix("one-switch"))
    XCTAssertEqual(run.retryCompletions, 0)
  }

  // MARK: - The check every topology gets

  struct Run {
    var result: RTLEnumerationResult
    var readBack: [String: ReadBack]
    /// Endpoints found, as bus:device.function.
    var endpoints: [String]
  }

  private func check(_ name: String, buses: [String: [UInt8]], file: StaticString = #filePath, line: UInt = #line) throws -> Run {
    let topology = try TopologyBenchFixture.topology(name)
    let system = SimulatedSystem(model: try model(try TopologyBenchFixture.compiled.get(), trace: try TopologyBenchFixture.tracing(name)))
    watch(name, "\(TopologyBenchFixture.prefix(name))_mgmt")
    let rtl = try enumerateOnRTL(system, prefix: TopologyBenchFixture.prefix(name), options: topology.options)
    var readBack: [BDF: ReadBack] = [:]
    for f in rtl.tree.functions { readBack[f.bdf] = ReadBack(f, access: rtl.access) }
    assertLinuxRules(rtl.tree, readBack: readBack, options: topology.options, expectedBuses: buses, file: file, line: line)

    let swift = try enumerate(topology.model, options: topology.options)
    XCTAssertEqual(rtl.tree.functions.map(Summary.init), swift.functions.map(Summary.init),
                   "the RTL's device tree and the Swift model's", file: file, line: line)
    XCTAssertEqual(rtl.tree.lastBus, swift.lastBus, file: file, line: line)

    func label(_ bdf: BDF) -> String { "\(bdf.bus):\(String(bdf.device, radix: 16)).\(bdf.function)" }
    return Run(result: rtl, readBack: Dictionary(uniqueKeysWithValues: readBack.map { (label($0.key), $0.value) }),
               endpoints: rtl.tree.functions.filter { !$0.isBridge }.map { label($0.bdf) })
  }
}

/// What the two implementations must agree on: everything enumeration reports except where
/// each places its PCI Express Capability.
private struct Summary: Equatable, CustomStringConvertible {
  var text: String
  init(_ f: PCIFunction) {
    let bars = f.bars.map { "BAR\($0.index) \($0.kind) pf=\($0.isPrefetchable) \($0.size)@\($0.address.map { String($0, radix: 16) } ?? "-")" }
    let bridge = f.bridge.map { b in
      "buses \(b.primaryBus)/\(b.secondaryBus)/\(b.subordinateBus) mem \(b.memoryWindow.map { "\(String($0.base, radix: 16))-\(String($0.limit, radix: 16))" } ?? "closed") "
        + "pref \(b.prefetchableWindow.map { "\(String($0.base, radix: 16))-\(String($0.limit, radix: 16))" } ?? "closed") pf64=\(b.hasPrefetchable64)"
    } ?? ""
    text = "\(f.bdf.bus):\(f.bdf.device).\(f.bdf.function) \(String(f.vendorID, radix: 16)):\(String(f.deviceID, radix: 16)) class \(String(f.classCode, radix: 16)) "
      + "rev \(f.revision) layout \(f.headerLayout) mf=\(f.isMultiFunction) parent \(f.parent.map(String.init) ?? "-") port \(f.portType.map(String.init) ?? "-") "
      + "mps \(f.maxPayload.map(String.init) ?? "-")/\(f.maxPayloadSupported.map(String.init) ?? "-") \(bars) \(bridge)"
  }
  var description: String { text }
}
