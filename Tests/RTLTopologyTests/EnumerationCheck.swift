import Firmware
import FirmwareSimulation
import PCIModel
import RTLTopology
import Simulation
import SimulationTesting
import XCTest

/// What enumerating each test topology must leave: every bridge's (primary, secondary,
/// subordinate) bus numbers and the endpoints found, worked out by hand from depth-first
/// numbering (PCI-to-PCI Bridge 1.2 §3.2.5.3 and Linux's pci_scan_bridge_extend: a bridge's
/// secondary bus is the next free one, its subordinate the last bus found below it).
enum ExpectedHierarchy {
  struct Hierarchy {
    var buses: [String: [UInt8]]
    var endpoints: [String]
  }

  /// One switch of two downstream ports: 1:0.0 and 1:1.0 lead to buses 2 and 3.
  private static let oneSwitch = Hierarchy(buses: ["0:0.0": [0, 1, 3], "1:0.0": [1, 2, 2], "1:1.0": [1, 3, 3]], endpoints: ["2:0.0", "3:0.0"])

  static let byName: [String: Hierarchy] = [
    "one-switch": oneSwitch,
    "empty-slots": Hierarchy(buses: oneSwitch.buses, endpoints: ["3:0.0"]),
    "slow-device": oneSwitch,
    "payload-and-bars": oneSwitch,
    "nested-switches": Hierarchy(buses: ["0:0.0": [0, 1, 6], "1:0.0": [1, 2, 5], "2:0.0": [2, 3, 5], "3:0.0": [3, 4, 4],
                                         "3:1.0": [3, 5, 5], "1:1.0": [1, 6, 6]],
                                 endpoints: ["4:0.0", "5:0.0", "6:0.0"]),
    "chain": Hierarchy(buses: ["0:0.0": [0, 1, 9], "1:0.0": [1, 2, 8], "2:0.0": [2, 3, 8], "3:0.0": [3, 4, 7],
                               "4:0.0": [4, 5, 7], "5:0.0": [5, 6, 6], "5:1.0": [5, 7, 7], "3:1.0": [3, 8, 8], "1:1.0": [1, 9, 9]],
                       endpoints: ["6:0.0"]),
    // sw0.up 0:0.0 → bus 1 (sw0's ports); sw0.down0 → bus 2 (sw1.up) → bus 3 (sw1's ports);
    // sw1.down0 → bus 4 (sw2.up) → bus 5 (sw2's ports) → buses 6 (nvme) and 7 (dev, functions
    // 0, 1 and 3); then the empty sw1.down1 takes bus 8 and sw0.down1 bus 9 (wide).
    "combined": Hierarchy(buses: ["0:0.0": [0, 1, 9], "1:0.0": [1, 2, 8], "2:0.0": [2, 3, 8], "3:0.0": [3, 4, 7],
                                  "4:0.0": [4, 5, 7], "5:0.0": [5, 6, 6], "5:1.0": [5, 7, 7], "3:1.0": [3, 8, 8], "1:1.0": [1, 9, 9]],
                          endpoints: ["6:0.0", "7:0.0", "7:0.1", "7:0.3", "9:0.0"]),
    // Functions 0, 1 and 3 of the sparse device on bus 2, 0 and 1 of the other on bus 3.
    "multi-function": Hierarchy(buses: oneSwitch.buses, endpoints: ["2:0.0", "2:0.1", "2:0.3", "3:0.0", "3:0.1"]),
  ]
}

/// One enumeration and what the hardware (or the Swift model) holds afterwards.
struct EnumerationRun {
  var tree: DeviceTree
  /// Configuration requests that completed with CRS (0 on the Swift model, which counts none).
  var retryCompletions: Int
  var readBack: [String: ReadBack]
  /// Endpoints found, as bus:device.function.
  var endpoints: [String]

  init(tree: DeviceTree, access: any ConfigurationAccess, retryCompletions: Int) {
    self.tree = tree
    self.retryCompletions = retryCompletions
    readBack = Dictionary(uniqueKeysWithValues: tree.functions.map { (label($0.bdf), ReadBack($0, access: access)) })
    endpoints = tree.functions.filter { !$0.isBridge }.map { label($0.bdf) }
  }
}

func label(_ bdf: BDF) -> String { "\(bdf.bus):\(String(bdf.device, radix: 16)).\(bdf.function)" }

/// The Linux rules on the registers read back (`assertLinuxRules`) with the hand-worked
/// hierarchy of `name`, and the endpoints found.
func assertExpectedHierarchy(_ name: String, _ tree: DeviceTree, access: any ConfigurationAccess, options: EnumerationOptions,
                             file: StaticString = #filePath, line: UInt = #line) -> EnumerationRun {
  let run = EnumerationRun(tree: tree, access: access, retryCompletions: 0)
  guard let expected = ExpectedHierarchy.byName[name] else {
    XCTFail("\(name): no hand-worked hierarchy in ExpectedHierarchy.byName; add one", file: file, line: line)
    return run
  }
  var byBDF: [BDF: ReadBack] = [:]
  for f in tree.functions { byBDF[f.bdf] = run.readBack[label(f.bdf)] }
  assertLinuxRules(tree, readBack: byBDF, options: options, expectedBuses: expected.buses, file: file, line: line)
  XCTAssertEqual(run.endpoints, expected.endpoints, "\(name): endpoints found", file: file, line: line)
  return run
}

/// `checkOnRTL`'s runs by topology name (XCTest runs the tests of a process one at a time).
private var enumerationRuns: [String: Result<EnumerationRun, Error>] = [:]

extension SimulationTestCase {
  /// Enumerates topology `name` on the RTL bench (`TopologyBenchFixture`) and checks it: the
  /// Linux rules with the hand-worked hierarchy, and the device tree against the one the same
  /// enumeration finds on the Swift configuration-space model of the file (PCIModel), two
  /// independent implementations of the topology.
  /// A topology is enumerated and checked once per test process (the first test to ask reports
  /// any failure); the tests after it look at aspects of the same run.
  func checkOnRTL(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> EnumerationRun {
    if let earlier = enumerationRuns[name] { return try earlier.get() }
    let run = Result { try enumerateAndCheckOnRTL(name, file: file, line: line) }
    enumerationRuns[name] = run
    return try run.get()
  }

  private func enumerateAndCheckOnRTL(_ name: String, file: StaticString, line: UInt) throws -> EnumerationRun {
    let topology = try TopologyBenchFixture.topology(name)
    let system = SimulatedSystem(model: try model(try TopologyBenchFixture.compiled.get(), trace: try TopologyBenchFixture.tracing(name)))
    watch(name, "\(TopologyBenchFixture.prefix(name))_mgmt")
    let rtl = try enumerateOnRTL(system, prefix: TopologyBenchFixture.prefix(name), options: topology.options)
    var run = assertExpectedHierarchy(name, rtl.tree, access: rtl.access, options: topology.options, file: file, line: line)
    run.retryCompletions = rtl.retryCompletions

    let swift = try enumerate(topology.model, options: topology.options)
    XCTAssertEqual(rtl.tree.functions.map(Summary.init), swift.functions.map(Summary.init),
                   "the RTL's device tree and the Swift model's", file: file, line: line)
    XCTAssertEqual(rtl.tree.lastBus, swift.lastBus, file: file, line: line)
    return run
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
