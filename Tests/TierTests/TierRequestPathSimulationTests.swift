import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The request path's RTL under Icarus, cycle by cycle against `RequestPathModel`, in a bench
/// of Swift stores, firmware map writes and hand-made migrations; every response is checked
/// against a shadow memory that knows nothing of tiers.
final class TierRequestPathSimulationTests: XCTestCase {
  func testCycleAccurateAgainstTheModelWithMigrationsFaultsAndStalls() throws {
    for seed: UInt64 in [1, 2] {
      let design = try Design(top: tierRequestPath(pageCount: 64))
      let widths = Dictionary(uniqueKeysWithValues: design.topPorts.map { ($0.name, $0.width) })
      let outputs = design.topPorts.filter { $0.direction == .output }.map(\.name)
      var bench = RequestPathBench(requests: 700, seed: seed)
      var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
      var expected: [[String: UInt64]] = [[:]]
      var cycles = 0
      while !(bench.remaining == 0 && bench.requests.isEmpty && bench.outstanding.isEmpty) && cycles < 60_000 {
        let i = bench.inputs()
        let o = bench.path.outputs(i)
        var row = ["rst": BitVector(width: 1, value: 0)]
        for (name, width) in widths where name != "clk" && name != "rst" && !outputs.contains(name) {
          row[name] = BitVector(width: width, unsigned: i[name])
        }
        rows.append(row)
        expected.append(o)
        bench.edge(i, o)
        bench.path.edge(i)
        cycles += 1
      }
      XCTAssertEqual(bench.problems, [String](), "seed \(seed)")
      XCTAssertTrue(bench.requests.isEmpty, "seed \(seed): the bench finished in \(cycles) cycles")
      XCTAssertGreaterThan(bench.migrations, 20, "seed \(seed)")
      XCTAssertGreaterThan(bench.stalledCycles, 20, "seed \(seed): writes waited for migrations")
      XCTAssertGreaterThan(bench.pageFaults, 5, "seed \(seed)")
      XCTAssertGreaterThan(bench.storeErrors, 5, "seed \(seed)")
      XCTAssertGreaterThan(bench.badRequests, 10, "seed \(seed)")

      let actual = try IcarusSimulation(design).run(rows)
      XCTAssertEqual(actual.count, expected.count)
      var mismatch: String?
      outer: for (cycle, (got, want)) in zip(actual, expected).enumerated() {
        for (port, value) in want.sorted(by: { $0.key < $1.key }) {
          let wanted = BitVector(width: widths[port]!, unsigned: value)
          if got[port] != wanted {
            mismatch = "seed \(seed), cycle \(cycle): `\(port)` is \(got[port].map { "\($0)" } ?? "x/z") but the model says \(wanted)"
            break outer
          }
        }
      }
      XCTAssertNil(mismatch)
      print("seed \(seed): \(cycles) cycles, \(bench.completed) requests, \(bench.migrations) migrations, \(bench.stalledCycles) stalled write cycles, "
            + "\(bench.pageFaults) page faults, \(bench.storeErrors) store errors, \(bench.badRequests) bad requests")
    }
  }
}
