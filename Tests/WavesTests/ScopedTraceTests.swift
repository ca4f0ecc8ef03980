import Foundation
import HDL
import Simulation
import Waves
import XCTest

/// A trace limited to scopes holds the named scopes' signals (and the top-level ports) and none
/// of the others', in both formats; names that are not instances are refused.
final class ScopedTraceTests: XCTestCase {
  private func scopedHeader(_ scopes: [TraceScope], format: TraceFormat) throws -> (WaveFile, TracedPair.Run) {
    let model = try Model(try TracedPair.design(), traceFormat: format)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-scoped-\(UUID().uuidString).\(format.fileExtension)").path
    addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    try model.startTrace(to: path, scopes: scopes)
    XCTAssertEqual(model.traceScopes, scopes)
    let run = try TracedPair.drive(model, cycles: 10, seed: 5)
    model.stopTrace()
    return (try WaveFile(path: path), run)
  }

  private func variablePaths(_ file: WaveFile) -> Set<String> { Set(file.header.variables.map(\.path)) }

  func testAScopedTraceHoldsThatInstanceAndThePortsOnly() throws {
    for format in TraceFormat.allCases {
      let (file, run) = try scopedHeader(["left_lane"], format: format)
      let paths = variablePaths(file)
      XCTAssertTrue(paths.isSuperset(of: ["TOP.traced_pair.left_lane.count", "TOP.traced_pair.left_lane.step"]), "\(format): \(paths)")
      XCTAssertTrue(paths.isSuperset(of: ["TOP.clk", "TOP.a", "TOP.wide"]), "\(format): the ports are always there: \(paths)")
      XCTAssertFalse(paths.contains { $0.hasPrefix("TOP.traced_pair.right_lane.") }, "\(format): the other lane is left out: \(paths)")
      XCTAssertFalse(paths.contains("TOP.traced_pair.held"), "\(format): the top module's own registers are left out: \(paths)")
      // The signals that are there still carry the right values.
      let last = run.first + run.a.count - 1
      let count = try file.window([try file.header.variable(named: "TOP.traced_pair.left_lane.count")], from: 0, to: try file.lastTime())
      XCTAssertEqual(count.traces[0].value(at: UInt64(2 * last + 1))?.unsignedValue, run.leftCount(afterEdgeOf: last), "\(format)")
    }
  }

  func testAFullPathAndADepthLimitTheTraceLikeDumpvars() throws {
    // Depth 1 of the top module: its own signals, not its children's ($dumpvars levels, IEEE 1364-2005 §18.1.2).
    let (file, _) = try scopedHeader([TraceScope("TOP.traced_pair", depth: 1)], format: .vcd)
    let paths = variablePaths(file)
    XCTAssertTrue(paths.contains("TOP.traced_pair.held"), "\(paths)")
    XCTAssertFalse(paths.contains { $0.hasPrefix("TOP.traced_pair.left_lane.") || $0.hasPrefix("TOP.traced_pair.right_lane.") },
                   "depth 1 stops above the lanes: \(paths)")
    let (everything, _) = try scopedHeader([TraceScope("TOP.traced_pair.right_lane")], format: .vcd)
    XCTAssertTrue(variablePaths(everything).contains("TOP.traced_pair.right_lane.count"))
    XCTAssertFalse(variablePaths(everything).contains("TOP.traced_pair.left_lane.count"))
  }

  func testAScopeThatIsNotAnInstanceIsRefusedWithTheNearestNames() throws {
    let model = try Model(try TracedPair.design(), traceFormat: .vcd)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("strata-never-\(UUID().uuidString).vcd").path
    XCTAssertThrowsError(try model.startTrace(to: path, scopes: ["left_lan"])) { error in
      XCTAssertEqual(error as? SimulationError,
                     .unknownTraceScope(scope: "left_lan", top: "traced_pair", nearest: ["left_lane"]))
    }
    XCTAssertNil(model.tracePath)
    XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing is written for a refused request")
  }

  func testAFileNamedForTheOtherFormatIsRefused() throws {
    let model = try Model(try TracedPair.design(), traceFormat: .vcd)
    XCTAssertThrowsError(try model.startTrace(to: "/tmp/strata-wrong-format.fst")) { error in
      XCTAssertEqual(error as? SimulationError, .traceFormatMismatch(path: "/tmp/strata-wrong-format.fst", format: .vcd))
      XCTAssertTrue("\(error)".contains("trace: .fst"), "the message says how to get an FST: \(error)")
    }
  }
}
