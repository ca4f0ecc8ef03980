import XCTest
@testable import Firmware
import PCIModel

/// Completions that go wrong after a function has answered: enumeration stops with an error
/// naming the function and the register, instead of carrying on with a half-programmed
/// hierarchy.
final class EnumerationFaultTests: XCTestCase {
  /// Passes requests to the model, except that the chosen ones complete with `status`.
  final class FaultyAccess: ConfigurationAccess {
    let model: ConfigurationSpaceModel
    let faulty: (BDF, UInt16, _ isWrite: Bool) -> CompletionStatus?

    init(_ model: ConfigurationSpaceModel, faulty: @escaping (BDF, UInt16, Bool) -> CompletionStatus?) {
      self.model = model
      self.faulty = faulty
    }

    func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
      if let s = faulty(bdf, offset, false) { return ConfigurationRead(status: s, value: 0) }
      return model.read32(bdf, offset: offset, byteEnables: byteEnables)
    }

    func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus {
      faulty(bdf, offset, true) ?? model.write32(bdf, offset: offset, value, byteEnables: byteEnables)
    }

    func wait(cycles: UInt64) { model.wait(cycles: cycles) }
  }

  func model() -> ConfigurationSpaceModel {
    ConfigurationSpaceModel(root: rootBus([(1, 0, bridge("rp", .rootPort, [(0, 0, endpoint("ep"))]))]))
  }

  func testAWriteThatCompletesWithUnsupportedRequestNamesTheFunctionAndRegister() {
    let bus1 = BDF(bus: 1, device: 0, function: 0)
    let access = FaultyAccess(model()) { bdf, offset, write in write && bdf == bus1 && offset == 0x10 ? .unsupportedRequest : nil }
    XCTAssertThrowsError(try enumerate(access)) { error in
      XCTAssertEqual(error as? EnumerationError, .configurationWriteFailed(bus1, offset: 0x10, status: .unsupportedRequest))
      XCTAssertTrue("\(error)".contains("configuration write of 01:00.0 at offset 16 completed with status 1"), "\(error)")
    }
  }

  func testAFunctionThatKeepsAnsweringCRSAfterItsVendorIDIsGivenUpWithAnError() {
    var options = EnumerationOptions()
    options.retryInitialDelayCycles = 10
    options.retryTimeoutCycles = 100
    let m = model()
    let access = FaultyAccess(m) { bdf, offset, write in
      !write && bdf == BDF(bus: 0, device: 1, function: 0) && offset == 0x08 ? .configurationRetry : nil
    }
    XCTAssertThrowsError(try enumerate(access, options: options)) { error in
      XCTAssertEqual(error as? EnumerationError, .retryBudgetExhausted(BDF(bus: 0, device: 1, function: 0), offset: 0x08))
    }
    XCTAssertEqual(m.waits, [10, 20, 40], "10 + 20 + 40 = 70; 80 more would pass the 100-cycle budget")
  }

  func testIDsThatLinuxTakesForAnEmptySlotAreAbsent() throws {
    for value: UInt32 in [0xFFFF_FFFF, 0x0000_0000, 0x0000_FFFF, 0xFFFF_0000] {
      final class Fixed: ConfigurationAccess {
        let value: UInt32
        init(_ value: UInt32) { self.value = value }
        func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
          ConfigurationRead(status: .successful, value: value)
        }
        func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus { .successful }
        func wait(cycles: UInt64) {}
      }
      let tree = try enumerate(Fixed(value))
      XCTAssertEqual(tree.functions.count, 0, "vendor/device dword \(String(value, radix: 16))")
    }
  }
}
