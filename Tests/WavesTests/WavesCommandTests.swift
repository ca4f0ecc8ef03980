import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Simulation
import XCTest

/// `strata waves` as a user runs it, on the Icarus dump of `CounterBench`.
final class WavesCommandTests: XCTestCase {
  /// `strata`, built beside the test bundle by `swift test`.
  static var executable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("strata")
  }

  private func strata(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = Self.executable
    process.arguments = ["waves"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  override func setUpWithError() throws {
    try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                      "strata was not built beside the tests (run `swift build` first)")
  }

  func testListPrintsTheHierarchy() throws {
    let result = try strata([try CounterDumps.icarus(), "--list"])
    XCTAssertEqual(result.status, 0, result.output)
    let lines = result.output.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.first, "timescale 10ps")
    XCTAssertTrue(lines.contains("tb (module)"), result.output)
    XCTAssertTrue(lines.contains("  dut (module)"), result.output)
    XCTAssertTrue(lines.contains("  wide[255:0]  reg [256 bits]"), result.output)
  }

  func testSVGAndSaveFileAroundACycleWithStateNames() throws {
    let dump = try CounterDumps.icarus()
    let folder = URL(fileURLWithPath: dump).deletingLastPathComponent()
    let svg = folder.appendingPathComponent("cli.svg"), gtkw = folder.appendingPathComponent("cli.gtkw")
    let result = try strata([dump, "--signals", "tb.clk,dut.count,tb.state", "--around", "6c", "--before", "3", "--after", "2",
                             "--states", "tb.state=IDLE,RUN,DONE", "--svg", svg.path, "--gtkw", gtkw.path])
    XCTAssertEqual(result.status, 0, result.output)
    let root = try XCTUnwrap(try XMLDocument(contentsOf: svg, options: []).rootElement())
    // Edge 6 at 500 + 6 * 1000; 3 cycles before, 2 after.
    XCTAssertEqual(root["data-from"], "3500")
    XCTAssertEqual(root["data-to"], "8500")
    XCTAssertEqual(root.descendants(class: "marker").first?["data-time"], "6500")
    XCTAssertEqual(root.descendants(class: "signal").compactMap { $0["data-name"] }, ["tb.clk", "tb.dut.count", "tb.state"])
    let state = try XCTUnwrap(root.descendants(class: "signal").first { $0["data-name"] == "tb.state" })
    XCTAssertEqual(state.descendants(class: "value").compactMap { $0["data-label"] }, ["RUN", "DONE"], "2 from 52 ns")
    let save = try String(contentsOf: gtkw, encoding: .utf8)
    // In GTKWave's ps (10 per dump unit): the 50000 ps window at 200 * 2^-14 pixels a ps, marker at edge 6.
    XCTAssertTrue(save.contains("\n*-14.000000 65000 "), save)
    XCTAssertTrue(save.contains("\n[timestart] 35000\n"), save)
    XCTAssertTrue(save.contains("\ntb.dut.count[7:0]\n"), save)
  }

  /// A waveform of a Verilated model in each format, drawn by scope: the counts the lanes held.
  func testModelWaveformsOfEitherFormatAreDrawnByScope() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    for format in TraceFormat.allCases {
      let model = try Model(try TracedPair.design(), traceFormat: format)
      let wave = folder.appendingPathComponent("pair.\(format.fileExtension)").path
      try model.startTrace(to: wave)
      let run = try TracedPair.drive(model, cycles: 12, seed: 3)
      model.stopTrace()
      let svg = folder.appendingPathComponent("pair-\(format.rawValue).svg")
      let last = run.first + run.a.count - 1
      let result = try strata([wave, "--scope", "TOP.traced_pair.left_lane", "--around", "\(last)c", "--before", "4", "--after", "0",
                               "--svg", svg.path])
      XCTAssertEqual(result.status, 0, "\(format): \(result.output)")
      let root = try XCTUnwrap(try XMLDocument(contentsOf: svg, options: []).rootElement())
      let names = root.descendants(class: "signal").compactMap { $0["data-name"] }
      XCTAssertTrue(names.contains("TOP.traced_pair.left_lane.count"), "\(format): \(names)")
      XCTAssertFalse(names.contains { $0.contains("right_lane") }, "\(format): only the scope asked for: \(names)")
      let count = try XCTUnwrap(root.descendants(class: "signal").first { $0["data-name"] == "TOP.traced_pair.left_lane.count" })
      // Buses carry their value in hex: the window holds the counts after the last few edges.
      let shown = Set(count.descendants(class: "value").compactMap { $0["data-value"].flatMap { UInt64($0, radix: 16) } })
      for cycle in last - 2..<last {
        XCTAssertTrue(shown.contains(run.leftCount(afterEdgeOf: cycle)), "\(format): count after cycle \(cycle) among \(shown)")
      }
    }
  }

  func testMistakesAreNamedWithTheFix() throws {
    let dump = try CounterDumps.icarus()
    let unknown = try strata([dump, "--signals", "tb.cnt", "--svg", "/dev/null"])
    XCTAssertNotEqual(unknown.status, 0)
    XCTAssertTrue(unknown.output.contains("no signal named 'tb.cnt'"), unknown.output)
    let badTime = try strata([dump, "--from", "soon", "--svg", "/dev/null"])
    XCTAssertNotEqual(badTime.status, 0)
    XCTAssertTrue(badTime.output.contains("--from soon: expected a time in the file's units (1200), a cycle (300c)"), badTime.output)
    let missing = try strata(["/nonexistent/run.vcd", "--list"])
    XCTAssertNotEqual(missing.status, 0)
    XCTAssertTrue(missing.output.contains("/nonexistent/run.vcd: cannot open: no such file"), missing.output)
    let nothing = try strata([dump])
    XCTAssertNotEqual(nothing.status, 0)
    XCTAssertTrue(nothing.output.contains("give --list, --svg OUT or --gtkw OUT"), nothing.output)
    let help = try strata(["--help"])
    XCTAssertTrue(help.output.contains("Examples:") && help.output.contains("strata waves"), help.output)
  }
}
