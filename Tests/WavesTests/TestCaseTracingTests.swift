import Foundation
import Simulation
import SimulationTesting
import Waves
import XCTest

/// What `SimulationTestCase` does with `trace:`: the format and scopes asked for reach the
/// waveform it names after the test.
final class TestCaseTracingTests: SimulationTestCase {
  func testAskingForVCDWritesAVCDNamedAfterTheTest() throws {
    let model = try self.model(try TracedPair.design(), trace: .vcd)
    XCTAssertEqual(model.traceFormat, .vcd)
    let path = try XCTUnwrap(model.tracePath)
    XCTAssertTrue(path.hasSuffix(".vcd"), path)
    XCTAssertTrue(path.contains("artifacts/waves/"), path)
    defer { try? FileManager.default.removeItem(atPath: path) }  // stopped here, so the test case leaves it
    _ = try TracedPair.drive(model, cycles: 4, seed: 1)
    model.stopTrace()
    XCTAssertEqual(try WaveFile(path: path).header.scopePaths().first, "TOP", "a VCD the reader opens")
  }

  func testAskingForScopesLimitsTheTestsWaveform() throws {
    let model = try self.model(try TracedPair.design(), trace: Tracing(keep: false, format: .vcd, scopes: ["right_lane"]))
    XCTAssertEqual(model.traceScopes, ["right_lane"])
    let path = try XCTUnwrap(model.tracePath)
    defer { try? FileManager.default.removeItem(atPath: path) }
    _ = try TracedPair.drive(model, cycles: 4, seed: 1)
    model.stopTrace()
    let paths = try WaveFile(path: path).header.variables.map(\.path)
    XCTAssertTrue(paths.contains("TOP.traced_pair.right_lane.count"), "\(paths)")
    XCTAssertFalse(paths.contains("TOP.traced_pair.left_lane.count"), "\(paths)")
  }
}
