import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Simulation
import Waves
import XCTest

/// Runs `DeliberatelyFailingSampleTests` in a child test process and checks the full artefact
/// set it leaves: the waveform (FST, or VCD with STRATA_TRACE_FORMAT=vcd), a GTKWave save file on
/// the watched interfaces with the marker at the failure, an SVG around the failure with the
/// state machine by name, and a log. The set is then moved to artifacts/waves-samples/ so it is
/// not mistaken for a real failure of the run.
final class FailureArtifactTests: XCTestCase {
  func testAFailingSimulationLeavesWaveformSaveFilePictureAndLog() throws {
    try checkArtifacts(format: .fst)
  }

  func testAFailingSimulationTracedAsVCDLeavesTheSameSet() throws {
    try checkArtifacts(format: .vcd)
  }

  private func checkArtifacts(format: TraceFormat) throws {
    let name = "DeliberatelyFailingSampleTests.testLossySlotDeliversEveryWord"
    let waves = ArtifactFolder.url.appendingPathComponent("waves")
    let files = [format.fileExtension, "gtkw", "svg", "log"].map { waves.appendingPathComponent("\(name).\($0)") }
    for file in files { try? FileManager.default.removeItem(at: file) }

    let child = Process()
    child.executableURL = URL(fileURLWithPath: try testExecutable())
    child.arguments = ["WavesTests.DeliberatelyFailingSampleTests"]
    var environment = ProcessInfo.processInfo.environment
    environment["STRATA_WAVES_SAMPLE"] = "1"
    environment[TraceFormat.environmentVariable] = format.rawValue
    child.environment = environment
    let output = Pipe()
    child.standardOutput = output
    child.standardError = output
    try child.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    child.waitUntilExit()
    XCTAssertNotEqual(child.terminationStatus, 0, "the sample fails on purpose:\n\(text)")
    XCTAssertTrue(text.contains("failure artifacts: "), "the test output says where the files are:\n\(text)")
    for file in files {
      XCTAssertTrue(FileManager.default.fileExists(atPath: file.path), "\(file.lastPathComponent) missing; output:\n\(text)")
    }

    // Model time counts half-cycles: bench cycle 9 follows 2 reset cycles, so the failing check saw time 2 * 11.
    let failureTime = UInt64(2 * (2 + LossySlot.firstWrongCycle))
    let wave = try WaveFile(path: files[0].path)
    XCTAssertEqual(try wave.lastTime(), failureTime, "the waveform ends with the values the failing check saw")
    let ended = try wave.window(try wave.variables(named: ["TOP.deq_valid", "TOP.lossy_slot.slot"]), from: 0, to: failureTime + 1)
    XCTAssertEqual(ended.trace("TOP.deq_valid")?.value(at: failureTime)?.unsignedValue, 0, "the missing word")

    let gtkw = try String(contentsOf: files[1], encoding: .utf8).split(separator: "\n").map(String.init)
    XCTAssertEqual(gtkw.first { $0.hasPrefix("*") }?.split(separator: " ")[1], "\(failureTime)", "marker at the failure")
    XCTAssertEqual(gtkw.first { $0.hasPrefix("[dumpfile]") }, "[dumpfile] \"\(name).\(format.fileExtension)\"", "the waveform beside it")
    let groups = gtkw.indices.filter { gtkw[$0] == "@800200" }.map { gtkw[$0 + 1] }
    XCTAssertEqual(groups, ["-clock and reset", "-enq (driven)", "-deq (checked)", "-state machines"])
    for signal in ["TOP.enq_valid", "TOP.enq_ready", "TOP.enq_data[7:0]", "TOP.deq_valid", "TOP.deq_data[7:0]", "TOP.lossy_slot.slot"] {
      XCTAssertTrue(gtkw.contains(signal), "\(signal) in the save file")
      XCTAssertNoThrow(try wave.header.variable(named: signal), "\(signal) is a name the waveform declares")
    }

    let svg = try XCTUnwrap(try XMLDocument(xmlString: try String(contentsOf: files[2], encoding: .utf8), options: []).rootElement())
    XCTAssertEqual(svg.descendants(class: "marker").first?["data-time"], "\(failureTime)")
    XCTAssertEqual(svg["data-from"], "0", "40 cycles before the failure reach back to the start")
    let slot = try XCTUnwrap(svg.descendants(class: "signal").first { $0["data-name"] == "TOP.lossy_slot.slot" })
    let labels = slot.descendants(class: "value").compactMap { $0["data-label"] }
    XCTAssertEqual(Set(labels), ["empty", "holding"], "FSM states by name")

    let log = try String(contentsOf: files[3], encoding: .utf8)
    XCTAssertTrue(log.contains("deq_valid at bench cycle 9: word 0xa4 is missing"), log)
    XCTAssertTrue(log.contains("STRATA_SEED="), log)

    let samples = ArtifactFolder.url.appendingPathComponent("waves-samples")
    try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
    for file in files {
      let target = samples.appendingPathComponent(file.lastPathComponent)
      try? FileManager.default.removeItem(at: target)
      try FileManager.default.moveItem(at: file, to: target)
    }
    print("sample failure artifacts: \(samples.path)")
  }

  /// The test executable this process runs (`swift test` starts it directly on Linux).
  private func testExecutable() throws -> String {
    let path = try XCTUnwrap(Bundle.main.executablePath ?? CommandLine.arguments.first)
    guard FileManager.default.isExecutableFile(atPath: path), path.hasSuffix(".xctest") else {
      throw XCTSkip("not running from an .xctest executable (\(path)); run the sample with STRATA_WAVES_SAMPLE=1")
    }
    return path
  }
}
