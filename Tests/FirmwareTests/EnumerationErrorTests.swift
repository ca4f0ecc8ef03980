import XCTest
@testable import Firmware
import PCIModel

/// Exhaustion is an error that names what ran out and where, and nothing is assigned
/// (PCI-to-PCI Bridge 1.2 §3.2.5: windows that cannot hold their devices must not overlap
/// others; Linux logs "can't assign"; here enumeration refuses the whole plan).
final class EnumerationErrorTests: XCTestCase {
  func testRunningOutOfBusNumbersNamesTheBridge() {
    var options = EnumerationOptions()
    options.lastBus = 3
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, bridge("rp", .rootPort, [(0, 0, pcieSwitch("sw", [endpoint("a"), endpoint("b")]))])),
    ]))
    XCTAssertThrowsError(try enumerate(model, options: options)) { error in
      XCTAssertEqual(error as? EnumerationError, .busNumbersExhausted(bridge: BDF(bus: 2, device: 1, function: 0), lastBus: 3))
      XCTAssertTrue("\(error)".contains("bridge 02:01.0"), "\(error)")
    }
    // The range was respected while scanning: subordinates were opened to 3, not 0xFF.
    XCTAssertEqual(model.forwardedWithSubordinate["rp"], [3])
  }

  func testAMemoryApertureTooSmallIsRefusedWithNothingAssigned() {
    var options = EnumerationOptions()
    options.memoryAperture = AddressWindow(base: 0xC000_0000, limit: 0xC0FF_FFFF)
    let a = endpoint("a", [0: .memory32(size: 8 * MiB), 1: .memory32(size: 8 * MiB), 2: .memory32(size: 4 * KiB)])
    let model = ConfigurationSpaceModel(root: rootBus([(1, 0, bridge("rp", .rootPort, [(0, 0, a)]))]))
    XCTAssertThrowsError(try enumerate(model, options: options)) { error in
      // 16 MiB + 4 KiB of BARs make a 17 MiB window (1 MiB granularity) in a 16 MiB aperture.
      XCTAssertEqual(error as? EnumerationError, .addressSpaceExhausted(space: .memory, needed: 17 * MiB, available: 16 * MiB))
      XCTAssertTrue("\(error)".contains("17825792 bytes of non-prefetchable memory"), "\(error)")
    }
    XCTAssertEqual([0, 1, 2].map { a.load32(0x10 + 4 * $0) }, [0, 0, 0], "no BAR written")
    XCTAssertFalse(a.memoryDecodeOn)
  }

  func testAPrefetchableApertureTooSmallIsRefused() {
    var options = EnumerationOptions()
    options.prefetchableAperture = AddressWindow(base: 0x40_0000_0000, limit: 0x7F_FFFF_FFFF)
    let model = ConfigurationSpaceModel(root: rootBus([
      (1, 0, endpoint("huge", [0: .memory64(size: 512 * GiB, prefetchable: true)])),
    ]))
    XCTAssertThrowsError(try enumerate(model, options: options)) { error in
      XCTAssertEqual(error as? EnumerationError,
                     .addressSpaceExhausted(space: .prefetchableMemory, needed: 512 * GiB, available: 256 * GiB))
    }
  }

  func testAMemoryApertureAbove4GiBIsRefused() {
    var options = EnumerationOptions()
    options.memoryAperture = AddressWindow(base: 0x1_0000_0000, limit: 0x1_FFFF_FFFF)
    let model = ConfigurationSpaceModel(root: rootBus([]))
    XCTAssertThrowsError(try enumerate(model, options: options)) { error in
      XCTAssertTrue("\(error)".contains("below 4 GiB"), "\(error)")
    }
  }
}
