import Cores
import Foundation
import XCTest

/// The NTB driver reaches the NTB function through accessors generated from its register map
/// (`ntbRegisters`), so offsets and fields cannot drift from the RTL.
final class NTBAccessorFileTests: XCTestCase {
  /// The accessors' shape: the devkit board's (boards/devkit.yaml `ntb:`) without its lookup-table entries, which the driver does
  /// not program (ntb.h has no such concept; a window is one translation). Only reset values of
  /// read-only registers depend on the shape, and the driver reads counts at run time.
  static let accessorLayout = try! NTBLayout(memoryWindows: 2, windowSize: 1 << 20, lutEntries: 0, scratchpads: 16, doorbells: 64)

  func testTheCommittedAccessorsAreWhatTheRegisterMapGenerates() throws {
    let generated = swiftAccessors(for: try ntbRegisters(Self.accessorLayout), busProtocol: "HAL")
    let path = packageRoot() + "/Sources/Firmware/NTB/Ntb.swift"
    if ProcessInfo.processInfo.environment["STRATA_REGENERATE"] == "1" {
      try Data(generated.utf8).write(to: URL(fileURLWithPath: path))
    }
    let committed = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(missing)"
    XCTAssertTrue(committed == generated, """
      \(path) is not what the NTB register map generates; after changing the map run
      STRATA_REGENERATE=1 swift test --filter NTBAccessorFileTests
      """)
  }

  func packageRoot() -> String {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
  }
}
