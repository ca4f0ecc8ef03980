import Foundation
import HDL
import PCIModel
import RTLTopology

/// The test topologies (firmware/topologies/rtl), all in one `topologyBench` design so that one
/// Verilator build serves every test here: each topology `name` is under the prefix
/// `prefix(name)`.
enum TopologyBenchFixture {
  static let names = ["one-switch", "empty-slots", "nested-switches", "slow-device", "chain", "payload-and-bars"]

  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("firmware/topologies/rtl")

  static func prefix(_ name: String) -> String { name.replacingOccurrences(of: "-", with: "_") }

  /// A fresh parse (the Swift model in it is new, never enumerated).
  static func topology(_ name: String) throws -> Topology {
    let path = directory.appendingPathComponent("\(name).yaml").path
    return try Topology.parse(yaml: try String(contentsOfFile: path, encoding: .utf8), file: "\(name).yaml")
  }

  /// Elaborated once per test process.
  static let design: Result<Design, Error> = Result {
    let topologies = try names.map { (prefix: prefix($0), topology: try RTLTopology(try topology($0))) }
    return try Design(top: try topologyBench(topologies, name: "rtl_topology_tests"))
  }
}
