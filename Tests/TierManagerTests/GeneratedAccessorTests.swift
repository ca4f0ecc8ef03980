import Cores
import Foundation
import TierModel
import XCTest

/// The firmware reaches the tier controller through accessors generated from its register map
/// (`tierControllerRegisters`), so offsets and fields cannot drift from the RTL and the model.
final class GeneratedAccessorTests: XCTestCase {
  /// The shape the committed file was generated for. Only the reset values of read-only
  /// registers (CAPABILITY, PAGE_COUNT, RING_SIZES) depend on it; firmware reads those.
  static let shape = TierShape(pageShift: 12, pageCount: 65_536, counterWidth: 16, maxInFlight: 1,
                               hotListSize: 64, descriptorRingSize: 16, completionRingSize: 16)

  func testTheCommittedAccessorsAreWhatTheRegisterMapGenerates() throws {
    let generated = swiftAccessors(for: try tierControllerRegisters(shape: Self.shape), busProtocol: "HAL")
    let path = packageRoot() + "/Sources/Firmware/Tier/TierControl.swift"
    if ProcessInfo.processInfo.environment["STRATA_REGENERATE"] == "1" {
      try Data(generated.utf8).write(to: URL(fileURLWithPath: path))
    }
    let committed = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(missing)"
    XCTAssertTrue(committed == generated, """
      \(path) is not what the tier register map generates; after changing the map run
      STRATA_REGENERATE=1 swift test --filter GeneratedAccessorTests
      """)
  }

  func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }
}
