import Foundation
import XCTest

/// The firmware shares the PCIe module: it must compile under Embedded Swift (no existential
/// errors, no Foundation) for the management cores' targets.
final class EmbeddedSwiftTests: XCTestCase {
  func testThePCIeModuleCompilesUnderEmbeddedSwift() throws {
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Sources/PCIe").standardized
    let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
      .sorted().map { sources.appendingPathComponent($0).path }
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("pcie-embedded-\(UUID().uuidString).o")
    defer { try? FileManager.default.removeItem(at: out) }
    for target in ["riscv32-none-none-eabi", "aarch64-none-none-elf"] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["swiftc", "-enable-experimental-feature", "Embedded", "-target", target, "-wmo", "-parse-as-library",
                           "-module-name", "PCIe", "-c", "-o", out.path] + files
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
