import Foundation
import HDL
@testable import Simulation
import XCTest

/// Waveforms: the FST file the model writes covers exactly the simulated time.
final class TraceTests: XCTestCase {
  /// The FST header block (GTKWave's fstapi.c, `fstWriterEmitHdrBytes`): block type 0, a 64-bit
  /// section length, then the start and end times, all big-endian.
  private func headerTimes(_ data: Data) -> (type: UInt8, start: UInt64, end: UInt64) {
    func bigEndian(_ offset: Int) -> UInt64 { data[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) } }
    return (data[0], bigEndian(9), bigEndian(17))
  }

  /// The accumulator built for FST whatever STRATA_TRACE_FORMAT says.
  static let fstAdder = Result { try CompiledModel.load(try Design(top: accumulator), traceFormat: .fst) }

  func testAWaveformSpansEveryHalfCycleSimulated() throws {
    let model = try Model(try Self.fstAdder.get())
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-trace-\(UUID().uuidString).fst").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try model.startTrace(to: path)
    model.reset()
    try model.input("increment").set(1)
    model.step(40)
    XCTAssertEqual(model.stopTrace(), path)
    let header = headerTimes(try Data(contentsOf: URL(fileURLWithPath: path)))
    XCTAssertEqual(header.type, 0, "an FST file starts with its header block")
    XCTAssertEqual(header.start, 0)
    XCTAssertEqual(header.end, UInt64(2 * 42 - 1), "42 cycles: the last dump is the rising edge at 2*42-1")
  }

  func testTheTraceFormatComesFromTheEnvironmentAndABadOneIsNamed() throws {
    let saved = ProcessInfo.processInfo.environment[TraceFormat.environmentVariable]
    defer { if let saved { setenv(TraceFormat.environmentVariable, saved, 1) } else { unsetenv(TraceFormat.environmentVariable) } }
    unsetenv(TraceFormat.environmentVariable)
    XCTAssertEqual(try TraceFormat.fromEnvironment(), .fst, "FST unless asked")
    setenv(TraceFormat.environmentVariable, "VCD", 1)
    XCTAssertEqual(try TraceFormat.fromEnvironment(), .vcd)
    setenv(TraceFormat.environmentVariable, "lxt2", 1)
    XCTAssertThrowsError(try CompiledModel.load(try Design(top: accumulator))) { error in
      XCTAssertEqual(error as? SimulationError, .invalidSetting(name: "STRATA_TRACE_FORMAT", value: "lxt2", expected: "fst or vcd"))
    }
  }

  func testAnUnwritableWaveformIsAnError() throws {
    let model = try Model(try Self.fstAdder.get())
    XCTAssertThrowsError(try model.startTrace(to: "/proc/strata/cannot.fst")) { error in
      XCTAssertEqual(error as? SimulationError, .traceFailed(path: "/proc/strata/cannot.fst"))
    }
  }
}
