import Foundation
import HDL
import Simulation
import XCTest

/// A base class for tests that drive Verilator models. It gives each test:
///
/// - a seed (`seed`, STRATA_SEED to choose it) and independent seeded random streams
///   (`random(_:)`), the seed printed with every failure so the run can be replayed;
/// - waveforms: a model made with `model(...)` traces when the test asks (`trace: true`) or
///   STRATA_TRACE=1 is set. A test that fails without tracing is run once more with the same seed
///   and tracing on, and its waveform is kept as `artifacts/waves/<TestName>.fst`; the failure
///   says where. Passing tests keep waveforms only when they asked for them.
open class SimulationTestCase: XCTestCase {
  /// The seed this run's random streams derive from.
  public private(set) var seed: UInt64 = 0
  private var tracing = false
  private var replaying = false
  private var traced: [Model] = []
  private var wavePaths: [String] = []

  /// A seeded random stream for one part of the bench, independent of the others.
  public func random(_ stream: String) -> SimulationRandom { SimulationRandom(seed: seed, stream: stream) }

  /// An instance of `design` (built once per process, cached across runs) tracing as described above.
  public func model(_ design: Design, trace: Bool = false, clock: String? = "clk", reset: String? = "rst",
                    resetActiveLow: Bool = false) throws -> Model {
    try model(try CompiledModel.load(design), trace: trace, clock: clock, reset: reset, resetActiveLow: resetActiveLow)
  }

  public func model(_ compiled: CompiledModel, trace: Bool = false, clock: String? = "clk", reset: String? = "rst",
                    resetActiveLow: Bool = false) throws -> Model {
    let instance = try Model(compiled, clock: clock, reset: reset, resetActiveLow: resetActiveLow)
    if tracing || trace {
      let suffix = traced.isEmpty ? "" : "-\(traced.count + 1)"
      let path = WaveFolder.url.appendingPathComponent(waveName + suffix + ".fst").path
      try instance.startTrace(to: path)
      traced.append(instance)
      if trace || environmentTraces { wavePaths.append(path) }  // asked for: kept even when the test passes
    }
    return instance
  }

  private var waveName: String {
    String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) ? Character($0) : "_" })
  }

  private var environmentTraces: Bool { ProcessInfo.processInfo.environment["STRATA_TRACE"] == "1" }

  override open func invokeTest() {
    seed = SimulationRandom.seedFromEnvironment()
    tracing = environmentTraces
    super.invokeTest()
    let failed = (testRun?.totalFailureCount ?? 0) > 0
    let kept = finishTraces(failed: failed)
    guard failed else { return }
    if !kept.isEmpty {
      super.recordFailure(withDescription: "waveform kept: \(kept.joined(separator: ", "))", inFile: #filePath, atLine: #line,
                          expected: true)
      return
    }
    // Replay with the same seed and tracing on, recording nothing: the first run already failed.
    replaying = true
    replayFailures = 0
    tracing = true
    let failuresBefore = testRun?.totalFailureCount ?? 0
    super.invokeTest()
    replaying = false
    tracing = false
    let replayFailed = (testRun?.totalFailureCount ?? 0) > failuresBefore || replayFailures > 0
    let waves = finishTraces(failed: true)
    let note = replayFailed ? "" : " (the replay passed, so this test is not deterministic under its seed; the waveform may not show the failure)"
    let message = waves.isEmpty ? "no waveform: the test made no model through SimulationTestCase.model(...)"
      : "waveform of the failing run (replayed with STRATA_SEED=\(seed)): \(waves.joined(separator: ", "))\(note)"
    super.recordFailure(withDescription: message, inFile: #filePath, atLine: #line, expected: true)
  }

  private var replayFailures = 0

  override open func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int,
                                   expected: Bool) {
    if replaying { replayFailures += 1; return }
    super.recordFailure(withDescription: "\(description) [seed \(seed); replay with STRATA_SEED=\(seed)]", inFile: filePath,
                        atLine: lineNumber, expected: expected)
  }

  /// Closes every waveform; keeps those of a failed run and those asked for, deletes the rest.
  private func finishTraces(failed: Bool) -> [String] {
    var kept: [String] = []
    for model in traced {
      guard let path = model.stopTrace() else { continue }
      if failed || wavePaths.contains(path) { kept.append(path) } else { try? FileManager.default.removeItem(atPath: path) }
    }
    traced.removeAll()
    wavePaths.removeAll()
    return kept
  }
}
