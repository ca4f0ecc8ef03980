import Foundation
import XCTest

/// The image's C run-time (firmware/runtime.c: memory functions and the heap) and the 64-bit
/// helpers of 32-bit cores (firmware/builtins32.c) run on no simulator here, so
/// firmware/check/runtime_check.c exercises them on the host under renamed symbols: the
/// helpers against the host's own 64-bit arithmetic on 200 000 random operands, the heap under
/// 20 000 random allocations and releases.
final class FirmwareRuntimeTests: XCTestCase {
  func testTheRunTimeAndTheSixtyFourBitHelpersAgreeWithTheHost() throws {
    let firmware = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../firmware").standardized
    let renamed = ["posix_memalign", "free", "memset", "memcpy", "memmove", "memcmp", "strlen", "__udivdi3", "__umoddi3",
                   "__divdi3", "__moddi3", "__muldi3", "__ashldi3", "__lshrdi3", "__ashrdi3"]
      .map { "-D\($0)=fw_\($0.hasPrefix("__") ? String($0.dropFirst(2)) : $0)" }
    let exe = FileManager.default.temporaryDirectory.appendingPathComponent("runtime-check-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: exe) }
    let compile = try run("clang", ["-O1", "-fno-builtin", "-Wall", "-Werror", "-o", exe.path] + renamed
                          + ["check/runtime_check.c", "runtime.c", "builtins32.c"].map { firmware.appendingPathComponent($0).path })
    XCTAssertEqual(compile.status, 0, compile.output)
    let check = try run(exe.path, [])
    XCTAssertEqual(check.status, 0, check.output)
    XCTAssertEqual(check.output, "ok\n")
  }

  private func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
    process.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
  }
}
