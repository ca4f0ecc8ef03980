import Foundation
import HDL
import PCIModel
import RTLTopology
import Simulation
import SimulationTesting

/// The test topologies (firmware/topologies/rtl) in one `topologyBench` design so that one
/// Verilator build serves every test here: each topology `name` is under the prefix
/// `prefix(name)`.
///
/// By default the bench holds `combined` alone (3 switches, 3 endpoints, one multi-function):
/// it has every case of the seven per-case files, and the six first side by side cost 2.5 times
/// its cold build CPU (BENCHMARKS.md). `STRATA_RTL_TOPOLOGIES=all` builds the seven beside it
/// and runs their tests on the RTL too; the seven are checked on the Swift model in every run
/// (`SwiftModelTopologyTests`).
enum TopologyBenchFixture {
  static let combined = "combined"
  static let perCase = ["one-switch", "empty-slots", "nested-switches", "slow-device", "chain", "payload-and-bars", "multi-function"]
  /// Every topology file the tests read.
  static let allNames = perCase + [combined]

  static let perCaseOnRTL = ProcessInfo.processInfo.environment["STRATA_RTL_TOPOLOGIES"] == "all"
  /// The topologies in the bench.
  static let names = perCaseOnRTL ? allNames : [combined]

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("firmware/topologies/rtl")

  static func prefix(_ name: String) -> String { name.replacingOccurrences(of: "-", with: "_") }

  /// A fresh parse (the Swift model in it is new, never enumerated).
  static func topology(_ name: String) throws -> Topology {
    let path = directory.appendingPathComponent("\(name).yaml").path
    return try Topology.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), file: "\(name).yaml")
  }

  /// The root switch's instance: `<prefix>_<its name>` (`topologyBench`'s naming).
  static func rootInstance(_ name: String) throws -> String {
    let root = try topology(name).root[0].name
    return prefix(name) + "_" + String(root.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
  }

  /// What a test's waveform holds: the bench's ports and the topology's root switch with the
  /// ports of its children, not the other topologies (tracing all of them every cycle triples
  /// a test's time).
  static func tracing(_ name: String) throws -> Tracing {
    Tracing(keep: false, scopes: [TraceScope("TOP.rtl_topology_tests", depth: 1),
                                  TraceScope("TOP.rtl_topology_tests.\(try rootInstance(name))", depth: 2)])
  }

  /// Built (or found in the model cache) once per test process. The tests enumerate once and
  /// briefly, so the model is compiled for build time (`.buildTime`, BENCHMARKS.md "Test-suite
  /// time, session 5"); no benchmark or command shares this design.
  static let compiled: Result<CompiledModel, Error> = Result { try CompiledModel.load(try design.get(), optimization: .buildTime) }

  /// Elaborated once per test process.
  static let design: Result<Design, Error> = Result {
    let topologies = try names.map { (prefix: prefix($0), topology: try RTLTopology(try topology($0))) }
    return try Design(top: try topologyBench(topologies, name: "rtl_topology_tests"))
  }
}
