import Firmware
import FirmwareSimulation
import Foundation
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// The same board, firmware and seed give the same transactions and the same waveform.
///
/// Waveforms are compared as the waves reader reads them (`fst2vcd`'s VCD text, what
/// `strata waves` and GTKWave see) with the `$date` section taken out: an FST header carries
/// the wall-clock time of the run, the one thing two identical runs must differ in. Hashing
/// the FST bytes would also compare compression block boundaries, which are not the signals.
final class WorldDeterminismTests: SimulationTestCase {
  struct Run {
    var waveform: String
    var transactions: [[TLP]]
    var cycles: UInt64
  }

  func bootTraced(_ compiled: CompiledModel, to path: String) throws -> Run {
    let board = try worldBoard(nodes: 2)
    let model = try Model(compiled)
    try model.startTrace(to: path)
    let world = try World(board: board, model: model)
    let (nodes, rounds) = bootCluster(world)
    XCTAssertNotNil(rounds)
    XCTAssertEqual(nodes.map(\.phase), [.done, .done])
    _ = model.stopTrace()
    return Run(waveform: try Self.digest(ofWaveform: path), transactions: world.nodes.map(\.side.served), cycles: world.system.cycle)
  }

  func testTwoRunsOfTheSameWorldGiveIdenticalTransactionsAndWaveforms() throws {
    let compiled = try CompiledModel.load(try World.design(try worldBoard(nodes: 2)))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("strata-world-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let ext = compiled.traceFormat.fileExtension
    let first = try bootTraced(compiled, to: folder.appendingPathComponent("first.\(ext)").path)
    let second = try bootTraced(compiled, to: folder.appendingPathComponent("second.\(ext)").path)
    XCTAssertEqual(first.cycles, second.cycles)
    XCTAssertEqual(first.transactions, second.transactions, "every TLP at every root complex, in order")
    XCTAssertFalse(first.transactions.joined().isEmpty)
    XCTAssertEqual(first.waveform, second.waveform)
  }

  func testTheDigestSeesASignalThatDiffers() throws {
    // The check above can fail: a VCD that differs in one value after its header has another digest.
    let folder = FileManager.default.temporaryDirectory
    let a = folder.appendingPathComponent("strata-digest-a-\(ProcessInfo.processInfo.processIdentifier).vcd")
    let b = folder.appendingPathComponent("strata-digest-b-\(ProcessInfo.processInfo.processIdentifier).vcd")
    defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
    let header = "$timescale 1ns $end\n$scope module top $end\n$var wire 1 ! x $end\n$upscope $end\n$enddefinitions $end\n"
    try ("$date\n  Mon Jan 1 $end\n" + header + "#0\n0!\n#1\n1!\n").write(to: a, atomically: true, encoding: .utf8)
    try ("$date\n  Tue Jan 2 $end\n" + header + "#0\n0!\n#1\n0!\n").write(to: b, atomically: true, encoding: .utf8)
    XCTAssertNotEqual(try Self.digest(ofWaveform: a.path), try Self.digest(ofWaveform: b.path))
    try ("$date\n  Wed Jan 3 $end\n" + header + "#0\n0!\n#1\n1!\n").write(to: b, atomically: true, encoding: .utf8)
    XCTAssertEqual(try Self.digest(ofWaveform: a.path), try Self.digest(ofWaveform: b.path), "only the date differs")
  }

  /// SHA-256 of the waveform's VCD text (an FST converted by `fst2vcd`) without its `$date` section.
  static func digest(ofWaveform path: String) throws -> String {
    let text: String
    if path.hasSuffix(".fst") {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["fst2vcd", "-f", path]
      let output = Pipe()
      process.standardOutput = output
      try process.run()
      let data = output.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      XCTAssertEqual(process.terminationStatus, 0, "fst2vcd \(path)")
      text = String(decoding: data, as: UTF8.self)
    } else {
      text = try String(contentsOfFile: path, encoding: .utf8)
    }
    var withoutDate = text
    if let start = text.range(of: "$date"), let end = text.range(of: "$end", range: start.upperBound..<text.endIndex) {
      withoutDate = String(text[..<start.lowerBound]) + String(text[end.upperBound...])
    }
    var hash = SHA256()
    hash.update(withoutDate.utf8)
    return hash.finalize()
  }
}
