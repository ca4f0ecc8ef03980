import XCTest
@testable import Firmware
import PCIModel

/// Configuration Request Retry Status (PCIe Base 4.0 §2.3.1 and §2.3.2): a function still
/// initialising completes configuration requests with CRS; with CRS Software Visibility a
/// read of the Vendor ID returns 0001h instead. Enumeration retries with a doubling back-off
/// within a budget, and gives a function that never becomes ready up as absent (as Linux
/// pci_bus_wait_crs does), listing it in `notReady`.
final class EnumerationRetryTests: XCTestCase {
  var options: EnumerationOptions {
    var o = EnumerationOptions()
    o.retryInitialDelayCycles = 100
    o.retryTimeoutCycles = 10_000
    return o
  }

  func testASlowFunctionIsWaitedForWithADoublingBackOff() throws {
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, endpoint("slow", readyAt: 1_000)), (3, 0, endpoint("prompt")),
    ]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    // 100 + 200 + 400 = 700 cycles: not yet; after 800 more (1 500) it answers.
    XCTAssertEqual(model.waits, [100, 200, 400, 800])
    XCTAssertEqual(tree.notReady, [])
    XCTAssertEqual(tree.functions.map(\.bdf.text), ["00:01.0", "00:03.0"])
  }

  func testAFunctionThatNeverBecomesReadyIsGivenUpWithinTheBudget() throws {
    let model = ConfigurationSpaceModel(root: rootBus([
      (2, 0, endpoint("stuck", readyAt: .max)), (3, 0, endpoint("after")),
    ]))
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    // 100 + ... + 3 200 = 6 300 cycles; the next wait (6 400) would pass the 10 000 budget.
    XCTAssertEqual(model.waits, [100, 200, 400, 800, 1_600, 3_200])
    XCTAssertEqual(tree.notReady.map(\.text), ["00:02.0"])
    XCTAssertEqual(tree.functions.map(\.bdf.text), ["00:03.0"], "given up as absent; the scan goes on")
  }

  func testCRSSoftwareVisibilityBehindASwitchIsRetriedToo() throws {
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp", .rootPort, [(0, 0, pcieSwitch("sw", [endpoint("late", readyAt: 250), endpoint("ok")]))])),
    ]))
    model.crsSoftwareVisibility = true
    let tree = try enumerate(model, options: options)
    assertLinuxRules(tree, model, options: options)
    XCTAssertEqual(model.waits, [100, 200])
    XCTAssertEqual(tree.function(at: BDF(bus: 3, device: 0, function: 0))?.vendorID, 0x1D1D,
                   "the synthesised Vendor ID 0001h is never taken for a device")
  }
}
