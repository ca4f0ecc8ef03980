import Foundation
import HDL
import Simulation
import XCTest

/// A base class for tests that drive Verilator models. It gives each test:
///
/// - a seed (`seed`, STRATA_SEED to choose it) and independent seeded random streams
///   (`random(_:)`); every failure message carries the seed so the run can be replayed;
/// - waveforms: each model made with `model(...)` writes a waveform to
///   `artifacts/waves/<TestName>.fst` (`-2`, `-3` for further models; `.vcd` when the test asks
///   with `trace: .vcd` or STRATA_TRACE_FORMAT=vcd is set). A failing test keeps it and says where;
///   a passing test deletes it unless it asked to keep it (`trace: true`, see `Tracing`) or
///   STRATA_TRACE=1 is set, and then prints where it is. `trace: .scopes(...)` limits it to parts
///   of a large design. STRATA_TRACE=0 switches tracing off (for timing runs).
/// - beside a failing test's waveform: a GTKWave save file (`.gtkw`) on the signals it watched
///   (`watch(_:_:)`; every port grouped by prefix otherwise), an SVG of them around the failure
///   (40 cycles before, 10 after, state machines by state name) and a `.log` of the failures.
open class SimulationTestCase: XCTestCase {
  /// The seed this run's random streams derive from.
  public private(set) var seed: UInt64 = 0
  private var traced: [Model] = []
  private var keep: Set<String> = []
  private var watched: [(name: String, prefixes: [String])] = []
  private var stateMachines: [StateMachineDescription] = []
  private var failureCycles: [Int]?
  private var failureMessages: [String] = []

  /// A seeded random stream for one part of the bench, independent of the others.
  public func random(_ stream: String) -> SimulationRandom { SimulationRandom(seed: seed, stream: stream) }

  /// An instance of `design` (built once per process, cached across runs), traced as described above.
  public func model(_ design: Design, trace: Tracing = false, optimization: BuildOptimization = .simulationSpeed,
                    clock: String? = "clk", reset: String? = "rst", resetActiveLow: Bool = false) throws -> Model {
    stateMachines += design.stateMachines
    return try model(try CompiledModel.load(design, traceFormat: trace.format, optimization: optimization), trace: trace,
                     clock: clock, reset: reset, resetActiveLow: resetActiveLow)
  }

  /// Names a group of interfaces (port prefixes: `enq` for `enq_valid`, `enq_data`, ...) that a
  /// failure's save file and picture show, in the order watched.
  public func watch(_ group: String, _ prefixes: String...) {
    watched.append((group, prefixes.isEmpty ? [group] : prefixes))
  }

  /// An instance of a model already built, traced as described above (in the library's format;
  /// a `trace.format` that differs from it is refused).
  public func model(_ compiled: CompiledModel, trace: Tracing = false, clock: String? = "clk", reset: String? = "rst",
                    resetActiveLow: Bool = false) throws -> Model {
    let instance = try Model(compiled, clock: clock, reset: reset, resetActiveLow: resetActiveLow)
    let setting = ProcessInfo.processInfo.environment["STRATA_TRACE"]
    guard setting != "0" else { return instance }
    let suffix = traced.isEmpty ? "" : "-\(traced.count + 1)"
    let path = WaveFolder.url.appendingPathComponent(waveName + suffix + "." + (trace.format ?? compiled.traceFormat).fileExtension).path
    try instance.startTrace(to: path, scopes: trace.scopes)
    traced.append(instance)
    if trace.keep || setting == "1" { keep.insert(path) }
    return instance
  }

  /// The waveform files of this test's models so far.
  public var wavePaths: [String] { traced.compactMap(\.tracePath) }

  private var waveName: String {
    String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) ? Character($0) : "_" })
  }

  override open func setUp() {
    super.setUp()
    seed = SimulationRandom.seedFromEnvironment()
  }

  override open func tearDown() {
    let failed = (testRun?.totalFailureCount ?? 0) > 0
    for (index, model) in traced.enumerated() {
      let scopes = model.traceScopes
      guard let path = model.stopTrace() else { continue }
      if !failed && !keep.contains(path) { try? FileManager.default.removeItem(atPath: path) }
      if !failed && keep.contains(path) {
        let only = scopes.isEmpty ? "" : " (ports and " + scopes.map(\.description).joined(separator: ", ") + ")"
        print("waveform kept: \(path)\(only)")
      }
      if failed { writeFailureArtifacts(wave: path, cycle: failureCycles?[index] ?? model.cycle) }
    }
    traced.removeAll()
    keep.removeAll()
    watched.removeAll()
    stateMachines.removeAll()
    failureCycles = nil
    failureMessages.removeAll()
    super.tearDown()
  }

  override open func recordFailure(withDescription description: String, inFile filePath: String, atLine lineNumber: Int,
                                   expected: Bool) {
    let waves = wavePaths.isEmpty ? "" : "; waveform kept: " + wavePaths.joined(separator: ", ")
    if failureCycles == nil { failureCycles = traced.map(\.cycle) }
    failureMessages.append("\(filePath):\(lineNumber): \(description) (cycle \(traced.first?.cycle ?? 0))")
    super.recordFailure(withDescription: "\(description) [seed \(seed), replay with STRATA_SEED=\(seed)\(waves)]",
                        inFile: filePath, atLine: lineNumber, expected: expected)
  }
}

extension SimulationTestCase {
  /// Trace time 2k holds cycle k's settled inputs, when a check of that cycle fails.
  fileprivate func writeFailureArtifacts(wave: String, cycle: Int) {
    let log = ([name, "seed \(seed) (replay with STRATA_SEED=\(seed))", "waveform \(wave)",
                "open with: gtkwave \(wave) \(URL(fileURLWithPath: wave).deletingPathExtension().path).gtkw", ""]
               + failureMessages).joined(separator: "\n") + "\n"
    let artifacts = FailureArtifacts(groups: watched, stateMachines: stateMachines)
    do {
      let written = try artifacts.write(wave: wave, failureTime: UInt64(2 * cycle), title: "\(name) failed at cycle \(cycle)", log: log)
      print("failure artifacts: \(([wave] + written).joined(separator: " "))")
    } catch {
      print("failure artifacts for \(wave) not written: \(error)")
    }
  }
}
