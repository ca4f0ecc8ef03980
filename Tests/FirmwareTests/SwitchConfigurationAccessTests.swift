import XCTest
@testable import Firmware
import PCIModel

/// Enumeration through the switch's configuration-request registers (the HAL path the node
/// uses), against a model of that register block in front of the configuration-space model.
final class SwitchConfigurationAccessTests: XCTestCase {
  func testEnumerationThroughTheRegisterBlockFollowsTheLinuxRules() throws {
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp", .rootPort, [(0, 0, pcieSwitch("sw", [endpoint("a", [0: .memory64(size: 2 * MiB, prefetchable: true)]), nil,
                                                                endpoint("c", readyAt: 3_000)]))])),
    ]))
    let hal = SwitchManagementBlockModel(model: model)
    let access = SwitchConfigurationAccess(hal: hal, base: 0)
    let tree = try enumerate(access)
    assertLinuxRules(tree, model, options: EnumerationOptions())
    XCTAssertEqual(busNumbers(model), ["rp": [0, 1, 5], "sw.up": [1, 2, 5], "sw.down0": [2, 3, 3], "sw.down1": [2, 4, 4], "sw.down2": [2, 5, 5]])
    XCTAssertEqual(tree.notReady, [], "c answered CRS through the block and was waited for")
    XCTAssertFalse(model.waits.isEmpty)
  }

  func testARequestTheSwitchTimesOutReadsAsUnsupported() {
    let model = ConfigurationSpaceModel(root: rootBus([(3, 0, endpoint("ep"))]))
    let hal = SwitchManagementBlockModel(model: model)
    let ep = BDF(bus: 0, device: 3, function: 0)
    hal.silent = [ep]
    let access = SwitchConfigurationAccess(hal: hal, base: 0)
    XCTAssertEqual(access.read32(ep, offset: 0).status, .unsupportedRequest)
    hal.silent = []
    XCTAssertEqual(access.read32(ep, offset: 0), ConfigurationRead(status: .successful, value: 0x0001_1D1D))
    XCTAssertEqual(access.read32(BDF(bus: 0, device: 4, function: 0), offset: 0).status, .unsupportedRequest, "nothing there")
  }

  func testAnEngineThatNeverFinishesIsGivenUpAfterThePollLimit() {
    final class Stuck: HAL {
      var cycles: UInt64 = 0
      func read32(_ address: UInt64) -> UInt32 { cycles += 1; return 1 }  // BUSY, never DONE
      func write32(_ address: UInt64, _ value: UInt32) { cycles += 1 }
      func wait(cycles n: UInt64) { cycles += n }
      func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 { 0 }
    }
    let hal = Stuck()
    let access = SwitchConfigurationAccess(hal: hal, base: 0x1000, pollLimitCycles: 500)
    XCTAssertEqual(access.read32(BDF(bus: 0, device: 0, function: 0), offset: 0).status, .unsupportedRequest)
    XCTAssertLessThan(hal.cycles, 520)
  }
}

extension SwitchConfigurationAccessTests {
  /// On the link to the switch's upstream port only device 0 exists (PCIe Base 4.0 §7.3.1):
  /// with `linkBus` the access answers UR for the others itself and issues nothing.
  func testOnTheUpstreamLinkOnlyDeviceZeroIsAsked() {
    let model = ConfigurationSpaceModel(root: rootBus([(0, 0, endpoint("up")), (3, 0, endpoint("alias"))]))
    let hal = SwitchManagementBlockModel(model: model)
    let access = SwitchConfigurationAccess(hal: hal, base: 0, linkBus: 0)
    XCTAssertEqual(access.read32(BDF(bus: 0, device: 0, function: 0), offset: 0).status, .successful)
    let accessesBefore = hal.cycles
    XCTAssertEqual(access.read32(BDF(bus: 0, device: 3, function: 0), offset: 0).status, .unsupportedRequest,
                   "device 3 answers on the model, but a link has only device 0")
    XCTAssertEqual(hal.cycles, accessesBefore, "no register access for it")
  }
}
