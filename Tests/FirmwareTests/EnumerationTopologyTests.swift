import XCTest
@testable import Firmware
import PCIModel

/// Enumeration on model topologies, checked against the rules Linux leaves a hierarchy in
/// (see `assertLinuxRules`) and against bus numbers and payload sizes worked out by hand from
/// the depth-first rule: a bridge's secondary bus is the highest bus numbered so far + 1, and
/// its subordinate is the highest bus found below it.
final class EnumerationTopologyTests: XCTestCase {
  let options = EnumerationOptions()

  /// Topology 1: one bus, no bridges. Device 0 is scanned too; a multi-function device with a
  /// gap (functions 0 and 3); an I/O BAR is sized but not assigned.
  func testFlatRootBusWithAMultiFunctionDeviceWithAGap() throws {
    let io = endpoint("io", [0: .io(size: 256), 1: .memory32(size: 4 * KiB)])
    let model = ConfigurationSpaceModel(root: rootBus([
      (0, 0, endpoint("host")),
      (2, 0, endpoint("mf.0", [0: .memory32(size: 64 * KiB), 2: .memory64(size: 1 * MiB)])),
      (2, 3, endpoint("mf.3", [5: .memory32(size: 8 * KiB)])),
      (5, 0, io),
      (31, 0, endpoint("last", [4: .memory32(size: 2 * MiB, prefetchable: true)])),
    ]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    XCTAssertEqual(tree.functions.map(\.bdf.text), ["00:00.0", "00:02.0", "00:02.3", "00:05.0", "00:1f.0"])
    XCTAssertEqual(tree.functions.map(\.isMultiFunction), [false, true, true, false, false])
    let ioBar = tree.function(at: BDF(bus: 0, device: 5, function: 0))!.bars
    XCTAssertEqual(ioBar.map(\.kind), [.io, .memory32])
    XCTAssertEqual(ioBar[0].size, 256)
    XCTAssertNil(ioBar[0].address, "I/O BARs are not assigned")
    XCTAssertEqual(io.space[0x04] & 0x1, 0, "I/O decode stays off")
    XCTAssertEqual(tree.lastBus, 0)
  }

  /// Topology 2: a root port to a three-port switch; the middle downstream port's link is
  /// empty but still gets a bus (Linux numbers every bridge), with both windows closed.
  func testRootPortToASwitchWithAnEmptyDownstreamPort() throws {
    let empty = pcieSwitch("sw", [endpoint("a", [0: .memory32(size: 1 * MiB), 2: .memory64(size: 16 * KiB)]), nil,
                                  endpoint("c", [0: .memory64(size: 32 * MiB, prefetchable: true), 2: .memory32(size: 4 * KiB)])])
    let model = ConfigurationSpaceModel(root: rootBus([(1, 0, bridge("rp", .rootPort, [(0, 0, empty)]))]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    XCTAssertEqual(busNumbers(model), [
      "rp": [0, 1, 5], "sw.up": [1, 2, 5],
      "sw.down0": [2, 3, 3], "sw.down1": [2, 4, 4], "sw.down2": [2, 5, 5],
    ])
    let down1 = model.reachable().first { $0.function.name == "sw.down1" }!.function
    XCTAssertNil(down1.memoryWindow)
    XCTAssertNil(down1.prefetchableWindow)
    XCTAssertEqual(down1.load32(0x20), 0x0000_FFF0, "closed memory window: base 0xFFF00000 above limit 0x000FFFFF")
    XCTAssertEqual(tree.lastBus, 5)
    // While the switch was scanned the root port's subordinate was open to the end of the
    // range (0xFF); the resource writes after the scan went through it closed at 5.
    XCTAssertEqual(model.forwardedWithSubordinate["rp"], [0xFF, 5])
  }

  /// Topology 3: two root ports, nested switches three levels deep, a device on the root bus
  /// after the bridges. Depth first: the first root port's whole subtree is numbered before
  /// the second root port gets its bus.
  func testNestedSwitchesAreNumberedDepthFirst() throws {
    let inner = pcieSwitch("inner", [endpoint("deep", [0: .memory32(size: 16 * MiB), 1: .memory32(size: 1 * MiB)])])
    let outer = bridge("outer.up", .upstreamPort, [
      (0, 0, bridge("outer.down0", .downstreamPort, [(0, 0, inner)])),
      (1, 0, bridge("outer.down1", .downstreamPort, [(0, 0, endpoint("side", [0: .memory64(size: 4 * MiB, prefetchable: true)]))])),
    ])
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp1", .rootPort, [(0, 0, outer)])),
      (2, 0, bridge("rp2", .rootPort, [(0, 0, endpoint("second", [0: .memory32(size: 256 * KiB)]))])),
      (3, 0, endpoint("onroot", [0: .memory32(size: 8 * MiB)])),
    ]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    XCTAssertEqual(busNumbers(model), [
      "rp1": [0, 1, 6], "outer.up": [1, 2, 6], "outer.down0": [2, 3, 5], "inner.up": [3, 4, 5],
      "inner.down0": [4, 5, 5], "outer.down1": [2, 6, 6], "rp2": [0, 7, 7],
    ])
    // The window holding a 16 MiB BAR is aligned to 16 MiB so the BAR inside can be.
    let innerDown = model.reachable().first { $0.function.name == "inner.down0" }!.function
    XCTAssertEqual(innerDown.memoryWindow!.base % (16 * MiB), 0)
    XCTAssertEqual(innerDown.memoryWindow!.size, 17 * MiB)
  }

  /// Enumerating a hierarchy an earlier run (or another firmware) numbered differently gives
  /// the same result as a fresh one: stale bus numbers must not claim requests while the
  /// buses are numbered again.
  func testEnumeratingAgainOverStaleBusNumbersGivesTheSameTree() throws {
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp1", .rootPort, [(0, 0, pcieSwitch("sw", [endpoint("a"), endpoint("b")]))])),
      (2, 0, bridge("rp2", .rootPort, [(0, 0, endpoint("c"))])),
    ]))
    let first = try enumerate(model, options: options)
    // As if another firmware had numbered rp2 first: rp2 owns buses 1-1, rp1 owns 2-5.
    let rp1 = BDF(bus: 0, device: 1, function: 0), rp2 = BDF(bus: 0, device: 2, function: 0)
    _ = model.write32(rp1, offset: 0x18, 0x0005_0200, byteEnables: 0x7)
    _ = model.write32(rp2, offset: 0x18, 0x0001_0100, byteEnables: 0x7)
    XCTAssertEqual(model.conflicts, [])
    let again = try enumerate(model, options: options)
    assertLinuxRules(again, model, options: options)
    XCTAssertEqual(again, first)
  }

  /// Topology 4: a PCIe-to-PCI bridge whose conventional bus carries several devices (all 32
  /// device numbers are scanned there), beside a downstream port link, where only device 0
  /// is probed (PCIe Base 4.0 §7.3.1; Linux only_one_child).
  func testOnlyDeviceZeroIsProbedBelowAPortButAConventionalBusIsScannedWhole() throws {
    let legacy = bridge("pci-bridge", .pcieToPCIBridge, prefetchable: .none, [
      (0, 0, endpoint("conv0", maxPayload: nil)), (4, 0, endpoint("conv4", maxPayload: nil)),
      (9, 0, endpoint("conv9", [0: .memory64(size: 64 * KiB, prefetchable: true)], maxPayload: nil)),
    ])
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp", .rootPort, [(0, 0, pcieSwitch("sw", [endpoint("x"), nil]))])),
      (2, 0, legacy),
    ]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    XCTAssertEqual(busNumbers(model), [
      "rp": [0, 1, 4], "sw.up": [1, 2, 4], "sw.down0": [2, 3, 3], "sw.down1": [2, 4, 4], "pci-bridge": [0, 5, 5],
    ])
    let probedBelowPorts = Set(model.requests.filter { [3, 4].contains($0.bus) }.map(\.device))
    XCTAssertEqual(probedBelowPorts, [0])
    let probedConventional = Set(model.requests.filter { $0.bus == 5 }.map(\.device))
    XCTAssertEqual(probedConventional, Set(0..<32))
    // The bridge has no prefetchable window, so the 64-bit prefetchable BAR behind it is
    // placed in the memory window below 4 GiB.
    let conv9 = tree.function(at: BDF(bus: 5, device: 9, function: 0))!
    XCTAssertLessThan(conv9.bars[0].address!, 1 << 32)
    XCTAssertNil(conv9.maxPayload)
  }

  /// Topology 5: 64-bit prefetchable BARs above 4 GiB through 64-bit prefetchable windows;
  /// 32-bit prefetchable and 64-bit non-prefetchable BARs in the memory window; a root port
  /// with only a 32-bit prefetchable window sends 64-bit prefetchable BARs to the memory window.
  func testSixtyFourBitPrefetchableBARsUseThePrefetchableWindows() throws {
    let big = endpoint("gpu", [0: .memory64(size: 8 * GiB, prefetchable: true), 2: .memory32(size: 1 * MiB, prefetchable: true),
                              3: .memory64(size: 16 * KiB)])
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp1", .rootPort, [(0, 0, pcieSwitch("sw", [big, endpoint("nic", [0: .memory64(size: 2 * MiB, prefetchable: true)])]))])),
      (2, 0, bridge("rp2", .rootPort, prefetchable: .bits32, [(0, 0, endpoint("old", [0: .memory64(size: 1 * MiB, prefetchable: true)]))])),
    ]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    let gpu = tree.function(at: BDF(bus: 3, device: 0, function: 0))!
    XCTAssertGreaterThanOrEqual(gpu.bars[0].address!, 1 << 32, "in the 64-bit prefetchable aperture")
    XCTAssertLessThan(gpu.bars[1].address!, 1 << 32, "32-bit prefetchable: memory window")
    XCTAssertLessThan(gpu.bars[2].address!, 1 << 32, "64-bit non-prefetchable: memory window")
    let rp1 = tree.function(at: BDF(bus: 0, device: 1, function: 0))!.bridge!
    XCTAssertEqual(rp1.prefetchableWindow?.size, 8 * GiB + 2 * MiB)
    XCTAssertTrue(rp1.hasPrefetchable64)
    let rp2 = tree.function(at: BDF(bus: 0, device: 2, function: 0))!.bridge!
    XCTAssertFalse(rp2.hasPrefetchable64)
    XCTAssertNil(rp2.prefetchableWindow)
    XCTAssertEqual(rp2.memoryWindow?.size, 1 * MiB)
  }

  /// Topology 6: payload sizes. Path minimum (Linux pcie_bus_perf): each function gets the
  /// smallest Max_Payload_Size Supported on the way from the root to it, capped by the root.
  /// Fabric minimum (pcie_bus_safe): the smallest anywhere.
  func testMaxPayloadIsTheMinimumAlongEachPath() throws {
    func build() -> ConfigurationSpaceModel {
      ConfigurationSpaceModel(root: rootBus([
        (1, 0, bridge("rp", .rootPort, maxPayload: 1024, [(0, 0, bridge("up", .upstreamPort, maxPayload: 512, [
          (0, 0, bridge("downA", .downstreamPort, maxPayload: 512, [(0, 0, endpoint("epA", maxPayload: 256))])),
          (1, 0, bridge("downB", .downstreamPort, maxPayload: 512, [(0, 0, endpoint("epB", maxPayload: 4096))])),
          (2, 0, bridge("downC", .downstreamPort, maxPayload: 128, [(0, 0, endpoint("epC", maxPayload: 512))])),
        ]))])),
        (2, 0, endpoint("rcie", maxPayload: 2048)),
        (3, 0, endpoint("conventional", maxPayload: nil)),
      ]))
    }
    var opts = options
    opts.rootMaxPayload = 1024
    let model = build()
    let tree = try enumerate(model, options: opts)
    assertLinuxRules(tree, model, options: opts)
    let expected: [String: Int] = ["rp": 1024, "up": 512, "downA": 512, "epA": 256, "downB": 512, "epB": 512,
                                   "downC": 128, "epC": 128, "rcie": 1024]
    var got: [String: Int] = [:]
    for (_, f, _) in model.reachable() where f.portType != nil { got[f.name] = f.maxPayload }
    XCTAssertEqual(got, expected)
    XCTAssertNil(tree.function(at: BDF(bus: 0, device: 3, function: 0))!.maxPayload)

    opts.payloadPolicy = .fabricMinimum
    let safe = build()
    _ = try enumerate(safe, options: opts)
    XCTAssertEqual(Set(safe.reachable().filter { $0.function.portType != nil }.map(\.function.maxPayload)), [128])
  }
}
