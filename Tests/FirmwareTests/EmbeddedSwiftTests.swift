import Foundation
import XCTest

/// The Firmware sources must stay Embedded-Swift-clean (no Foundation, no existentials, typed
/// throws) for every management-core triple the board files may name. The aarch64 build with
/// optimisation is the firmware image test's; here the other triples, unoptimised (Embedded
/// Swift specialises everything even then, so what it rejects is still rejected).
final class EmbeddedSwiftTests: XCTestCase {
  func testTheFirmwareModuleCompilesUnderEmbeddedSwiftWithoutWarnings() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Sources/Firmware").standardized
    let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }
      .filter { $0.hasSuffix(".swift") }.sorted().map { sources.appendingPathComponent($0).path }
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("firmware-embedded-\(UUID().uuidString).o")
    defer { try? FileManager.default.removeItem(at: out) }
    for target in ["riscv32-none-none-eabi", "armv7em-none-none-eabi"] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["swiftc", "-enable-experimental-feature", "Embedded", "-target", target, "-wmo",
                           "-parse-as-library", "-module-name", "Firmware", "-Onone", "-c", "-o", out.path] + files
      let pipe = Pipe()
      process.standardOutput = pipe
      process.standardError = pipe
      try process.run()
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      XCTAssertEqual(process.terminationStatus, 0, "\(target):\n\(output)")
      XCTAssertFalse(output.contains("warning"), "\(target):\n\(output)")
    }
  }
}
