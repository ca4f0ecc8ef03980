import Firmware
import PCIModel
import RTLTopology
import Simulation
import SimulationTesting
import XCTest

/// The firmware's enumeration on `combined.yaml` built from the RTL switch and endpoint models,
/// through the root switch's management port as on the node. Every test checks the whole
/// hierarchy (`checkOnRTL`: the Linux rules on the registers read back with bus numbers worked
/// out by hand, and the device tree against the Swift model's), then the aspect it is named for.
/// The seven per-case topologies run on the RTL with STRATA_RTL_TOPOLOGIES=all
/// (`RTLPerCaseEnumerationTests`) and on the Swift model always (`SwiftModelTopologyTests`).
final class RTLEnumerationTests: SimulationTestCase {
  private let topologyName = TopologyBenchFixture.combined

  func testAChainOfThreeSwitchesIsNumberedDepthFirst() throws {
    let run = try checkOnRTL(topologyName)
    // sw2's buses (4...7) come before sw1's second port (bus 8) and sw0's (bus 9).
    XCTAssertEqual(run.readBack["1:0.0"]?.busNumbers.map { [$0.secondary, $0.subordinate] }, [2, 8])
    XCTAssertEqual(run.readBack["1:1.0"]?.busNumbers.map { [$0.secondary, $0.subordinate] }, [9, 9])
    XCTAssertEqual(run.endpoints, ["6:0.0", "7:0.0", "7:0.1", "7:0.3", "9:0.0"], "both endpoints behind sw2 (dev with three functions) and the one behind sw0")
  }

  func testAnEmptySlotIsAbsentWithItsBusAndClosedWindows() throws {
    let run = try checkOnRTL(topologyName)
    XCTAssertFalse(run.tree.functions.contains { $0.bdf.bus == 8 }, "bus 8 (the empty slot) holds nothing")
    XCTAssertEqual(run.readBack["3:1.0"]?.busNumbers.map { [$0.secondary, $0.subordinate] }, [8, 8])
    XCTAssertNil(run.readBack["3:1.0"]?.memoryWindow, "the empty slot's memory window is closed")
    XCTAssertNil(run.readBack["3:1.0"]?.prefetchableWindow, "the empty slot's prefetchable window is closed")
  }

  func testAnEndpointAnsweringCRSAfterResetIsWaitedForAndFound() throws {
    let run = try checkOnRTL(topologyName)
    XCTAssertGreaterThan(run.retryCompletions, 0, "the NVMe drive answered CRS first (ready_after_cycles: 20000)")
    XCTAssertEqual(run.tree.notReady, [])
    XCTAssertEqual(run.tree.function(at: BDF(bus: 6, device: 0, function: 0))?.classCode, 0x010802)
    XCTAssertEqual(run.readBack["6:0.0"]?.maxPayload, 128, "the drive supports 128-byte payloads only")
    XCTAssertNotNil(run.tree.function(at: BDF(bus: 7, device: 0, function: 0)), "the endpoint beside it, found too")
  }

  func testPayloadIsThePathMinimumAndEveryBARSlotIsPlaced() throws {
    let run = try checkOnRTL(topologyName)
    XCTAssertEqual(run.readBack["9:0.0"]?.maxPayload, 256, "512 supported, 256 on the switch's ports")
    XCTAssertEqual(run.readBack["9:0.0"]?.bars.map(\.slot), [0, 2, 4, 5])
    XCTAssertNotNil(run.readBack["1:1.0"]?.prefetchableWindow, "the 64-bit prefetchable BARs open their port's prefetchable window")
    XCTAssertNotNil(run.readBack["1:1.0"]?.memoryWindow, "the 32-bit BARs open their port's memory window")
  }

  func testASparseMultiFunctionDeviceIsFoundPastItsGapWithEachFunctionsBARs() throws {
    let run = try checkOnRTL(topologyName)
    let dev = (0..<8).compactMap { run.tree.function(at: BDF(bus: 7, device: 0, function: UInt8($0))) }
    // probe.c pci_scan_slot: function 0's Header Type bit 7 sends the scan through 1...7; 2 is absent.
    XCTAssertEqual(dev.map(\.bdf.function), [0, 1, 3])
    XCTAssertEqual(dev.map(\.isMultiFunction), [true, true, true], "every function of the device has Header Type bit 7")
    XCTAssertEqual(dev.map(\.classCode), [0x058000, 0x058000, 0x020000])
    // Each function's own BARs and Memory Space Enable, read back from the hardware.
    XCTAssertEqual(["7:0.0", "7:0.1", "7:0.3"].map { run.readBack[$0]?.bars.map { $0.range.size } ?? [] }, [[1 << 20], [64 << 10], [8 << 10]])
    XCTAssertEqual(["7:0.0", "7:0.1", "7:0.3"].map { run.readBack[$0]?.memoryEnabled }, [true, true, true])
    XCTAssertEqual(run.readBack["7:0.1"]?.bars.first?.prefetchable, true, "function 1's BAR lies in sw2.down1's prefetchable window")
  }
}

/// The six per-case topologies on the RTL, each with its own root switch in the bench: only
/// with STRATA_RTL_TOPOLOGIES=all (their bench costs 2.5 times the default one's cold build CPU).
final class RTLPerCaseEnumerationTests: SimulationTestCase {
  override func setUpWithError() throws {
    try super.setUpWithError()
    try XCTSkipUnless(TopologyBenchFixture.perCaseOnRTL, "the six per-case topologies run on the RTL with STRATA_RTL_TOPOLOGIES=all")
  }

  func testTwoEndpointsBehindOneSwitch() throws {
    _ = try checkOnRTL("one-switch")
  }

  func testAnEmptySlotIsAbsentWithItsBusAndClosedWindows() throws {
    let run = try checkOnRTL("empty-slots")
    XCTAssertNil(run.readBack["1:0.0"]?.memoryWindow, "the empty slot's memory window is closed")
    XCTAssertNil(run.readBack["1:0.0"]?.prefetchableWindow, "the empty slot's prefetchable window is closed")
    XCTAssertNotNil(run.readBack["1:1.0"]?.prefetchableWindow, "the GPU's 64-bit prefetchable BAR opens its port's window")
  }

  func testASwitchBehindASwitchIsNumberedDepthFirst() throws {
    _ = try checkOnRTL("nested-switches")
  }

  func testAnEndpointAnsweringCRSAfterResetIsWaitedForAndFound() throws {
    let run = try checkOnRTL("slow-device")
    XCTAssertGreaterThan(run.retryCompletions, 0, "the NVMe drive answered CRS first (ready_after_cycles: 3000)")
    XCTAssertEqual(run.tree.notReady, [])
    XCTAssertEqual(run.tree.function(at: BDF(bus: 2, device: 0, function: 0))?.classCode, 0x010802)
    XCTAssertEqual(run.readBack["2:0.0"]?.maxPayload, 128, "the drive supports 128-byte payloads only")
  }

  func testAChainOfThreeSwitchesClosesEachSubordinateToTheLastBusBelow() throws {
    _ = try checkOnRTL("chain")
  }

  func testPayloadIsThePathMinimumAndEveryBARSlotIsPlaced() throws {
    let run = try checkOnRTL("payload-and-bars")
    XCTAssertEqual(run.readBack["2:0.0"]?.maxPayload, 256, "512 supported, 256 on the switch's ports")
    XCTAssertEqual(run.readBack["2:0.0"]?.bars.map(\.slot), [0, 2, 4, 5])
  }

  func testMultiFunctionDevicesSparseAndDenseAreFoundWithEveryFunctionsBARs() throws {
    let run = try checkOnRTL("multi-function")
    XCTAssertEqual(run.readBack["2:0.3"]?.bars.map(\.slot), [0, 2])
    XCTAssertEqual(run.readBack["3:0.1"]?.bars.map(\.prefetchable), [true])
  }

  func testNoTopologyButTheSlowOneSeesCRS() throws {
    let run = try checkOnRTL("one-switch")
    XCTAssertEqual(run.retryCompletions, 0)
  }
}

/// Every test topology enumerated on the Swift configuration-space model (PCIModel), checked
/// against the Linux rules and the hand-worked hierarchy as on the RTL: cheap, in every run.
final class SwiftModelTopologyTests: XCTestCase {
  func testEveryTopologyFollowsTheLinuxRulesOnTheSwiftModel() throws {
    for name in TopologyBenchFixture.allNames {
      let topology = try TopologyBenchFixture.topology(name)
      let tree = try enumerate(topology.model, options: topology.options)
      _ = assertExpectedHierarchy(name, tree, access: topology.model, options: topology.options)
    }
  }
}
