import Cores
import PCIModel
import RTLTopology
import XCTest

/// What the RTL cannot build is refused whole, each problem naming its line (no Verilator here).
final class RTLTopologyRefusalTests: XCTestCase {
  private func problems(_ yaml: String) throws -> [String] {
    let topology = try Topology.parse(yaml: yaml, file: "t.yaml")
    do {
      _ = try RTLTopology(topology)
      return []
    } catch {
      return error.problems.map { "\($0.line): \($0.message)" }
    }
  }

  func testARootPortIsRefusedAtItsLine() throws {
    let found = try problems("""
      root:
        - { device: 0, name: rp, bridge: root_port }
      """)
    XCTAssertEqual(found.count, 1)
    XCTAssertTrue(found[0].hasPrefix("2: rp: "), found[0])
    XCTAssertTrue(found[0].contains("root port"), found[0])
  }

  func testIOBARsBARGapsAndDevicesTheRTLCannotSplitAreRefusedEachAtItsLine() throws {
    let found = try problems("""
      root:
        - device: 0
          name: up
          bridge: upstream
          below:
            - device: 0
              name: down0
              bridge: downstream
              below:
                - { device: 0, name: a, bars: [ { slot: 0, type: io, size: 256 } ] }
                - { device: 0, function: 1, name: b, ready_after_cycles: 5, bars: [ { slot: 0, type: mem32, size: 4KiB } ] }
            - device: 1
              name: down1
              bridge: downstream
              below:
                - { device: 0, name: c, bars: [ { slot: 1, type: mem32, size: 4KiB } ] }
      """)
    XCTAssertEqual(found.map { $0.prefix(while: { $0 != ":" }) }, ["10", "11", "16"], found.joined(separator: "\n"))
    XCTAssertTrue(found[0].contains("I/O BAR"), found[0])
    XCTAssertTrue(found[1].contains("ready_after_cycles 5 differs from function 0's 0"), found[1])
    XCTAssertTrue(found[2].contains("leaves slot 0 unused"), found[2])
  }

  func testAMultiFunctionDeviceWithoutFunction0OrWithABridgeFunctionIsRefused() throws {
    let found = try problems("""
      root:
        - device: 0
          name: up
          bridge: upstream
          below:
            - device: 0
              name: down0
              bridge: downstream
              below:
                - { device: 0, function: 1, name: lonely, bars: [ { slot: 0, type: mem32, size: 4KiB } ] }
            - device: 1
              name: down1
              bridge: downstream
              below:
                - { device: 0, name: ep, bars: [ { slot: 0, type: mem32, size: 4KiB } ] }
                - { device: 0, function: 2, name: port, bridge: upstream }
      """)
    XCTAssertEqual(found.map { $0.prefix(while: { $0 != ":" }) }, ["10", "16"], found.joined(separator: "\n"))
    XCTAssertTrue(found[0].contains("no function 0"), found[0])
    XCTAssertTrue(found[1].contains("multi-function endpoints only"), found[1])
  }

  func testDownstreamPortsWithAGapAndASecondRootFunctionAreRefused() throws {
    let found = try problems("""
      root:
        - device: 0
          name: up
          bridge: upstream
          below:
            - { device: 1, name: down, bridge: downstream }
        - { device: 1, name: stray }
      """)
    XCTAssertEqual(found.count, 2, found.joined(separator: "\n"))
    XCTAssertTrue(found.contains { $0.hasPrefix("6: down: ") && $0.contains("without gaps") }, found.joined(separator: "\n"))
    XCTAssertTrue(found.contains { $0.hasPrefix("7: stray: ") && $0.contains("Device 0 only") }, found.joined(separator: "\n"))
  }

  func testTheSwiftModelExampleNamesWhatTheRTLLacks() throws {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("firmware/topologies/two-switches.yaml").path
    let topology = try Topology.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), file: "two-switches.yaml")
    XCTAssertThrowsError(try RTLTopology(topology)) { error in
      let text = (error as? TopologyError)?.description ?? ""
      XCTAssertTrue(text.contains("two-switches.yaml:7:"), text)  // rp0, a root port
      XCTAssertTrue(text.contains("root port"), text)
    }
  }

  func testEveryTestTopologyIsBuildable() throws {
    for name in TopologyBenchFixture.allNames {
      XCTAssertNoThrow(try RTLTopology(try TopologyBenchFixture.topology(name)), name)
    }
  }
}

/// How the planner maps what it accepts onto the RTL's parameters.
final class RTLTopologyPlanTests: XCTestCase {
  func testABridgeBARBecomesItsBAR0AndTheSwitchTakesItsPortsLargestPayload() throws {
    let topology = try Topology.parse(yaml: """
      root:
        - device: 0
          name: up
          bridge: upstream
          max_payload: 512
          bars: [ { slot: 0, type: mem32, size: 16KiB } ]
          below:
            - { device: 0, name: down0, bridge: downstream, max_payload: 128 }
            - { device: 1, name: down1, bridge: downstream, below: [ { device: 0, name: ep, ready_after_cycles: 7, bars: [ { slot: 0, type: mem64, size: 8KiB, prefetchable: true } ] } ] }
      """, file: "t.yaml")
    let plan = try RTLTopology(topology)
    XCTAssertEqual(plan.switches, 1)
    XCTAssertEqual(plan.endpoints, 1)
    XCTAssertEqual(plan.root.parameters.identities.map(\.bar0Bytes), [16 << 10, nil, nil])
    XCTAssertEqual(plan.root.parameters.identities.map(\.maxPayloadBytes), [512, 128, 256])
    XCTAssertEqual(plan.root.parameters.maxPayloadBytes, 512, "buffers for the largest")
    guard case .empty = plan.root.downstream[0], case .endpoint(let ep) = plan.root.downstream[1] else {
      return XCTFail("port 1 empty, port 2 the endpoint")
    }
    XCTAssertEqual(ep.identity.bars, [BARSpec(bytes: 8 << 10, is64Bit: true, prefetchable: true)])
    XCTAssertEqual(ep.readyAfterCycles, 7)
  }

  func testTheFunctionsOfADeviceBecomeOneMultiFunctionEndpointByFunctionNumber() throws {
    let topology = try Topology.parse(yaml: """
      root:
        - device: 0
          name: up
          bridge: upstream
          below:
            - device: 0
              name: down0
              bridge: downstream
              below:
                - { device: 0, function: 3, name: c, device_id: 3, ready_after_cycles: 9, bars: [ { slot: 0, type: mem32, size: 8KiB } ] }
                - { device: 0, name: a, device_id: 1, ready_after_cycles: 9, bars: [ { slot: 0, type: mem32, size: 4KiB } ] }
                - { device: 0, function: 1, name: b, device_id: 2, ready_after_cycles: 9, bars: [ { slot: 0, type: mem64, size: 4KiB } ] }
      """, file: "t.yaml")
    let plan = try RTLTopology(topology)
    XCTAssertEqual(plan.endpoints, 1, "one device")
    guard case .endpoint(let ep) = plan.root.downstream[0] else { return XCTFail("port 1: the device") }
    XCTAssertTrue(ep.isMultiFunction)
    XCTAssertEqual(ep.name, "a", "named by function 0, whatever the order written")
    XCTAssertEqual(ep.functions.keys.sorted(), [0, 1, 3])
    XCTAssertEqual(ep.functions.mapValues(\.deviceID), [0: 1, 1: 2, 3: 3])
    XCTAssertEqual(ep.readyAfterCycles, 9)
  }
}
