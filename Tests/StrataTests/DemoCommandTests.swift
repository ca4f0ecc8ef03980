import Foundation
import XCTest

/// `strata demo` as a user runs it, on the two-node pair board of Tests/Support/Boards (the
/// Verilated model NodePairTests and the World tests build, so the cache already has it).
/// The report is checked for facts that follow from the board file and the PCI rules, and for
/// figures within what the hardware allows, not against a copy of an earlier report.
final class DemoCommandTests: XCTestCase {
  static var executable: URL { StrataExecutable.url }

  override func setUpWithError() throws {
    try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                      "strata was not built beside the tests (run `swift build` first)")
  }

  private func strata(_ arguments: [String]) throws -> (status: Int32, output: String) {
    try StrataExecutable.run(arguments)
  }

  /// The first number after `prefix` on the line that contains it.
  private func number(after prefix: String, in output: String) -> Double? {
    guard let range = output.range(of: prefix) else { return nil }
    let rest = output[range.upperBound...].drop { !$0.isNumber }
    return Double(rest.prefix { $0.isNumber || $0 == "." })
  }

  func testTheDemoBootsTwoNodesAndReportsTheirTreesLinksAndFigures() throws {
    // pair.yaml: 2 nodes, one crosslink of 4 cycles, x4 links at 8 GT/s, a 64-bit datapath, 250 MHz.
    let run = try strata(["demo", "--board", "Tests/Support/Boards/pair.yaml", "--nodes", "2"])
    let out = run.output
    XCTAssertEqual(run.status, 0, out)
    XCTAssertTrue(out.contains("board pair, 2 nodes (1 crosslink, 4 cycles each way), 250 MHz"), out)
    XCTAssertTrue(out.contains("boot: 2 of 2 nodes done"), out)
    for node in 0..<2 {
      XCTAssertTrue(out.contains("node \(node): booted"), out)
      // Depth-first numbering: the upstream bridge gets bus 1, the downstream bridges of switch
      // ports 1 (the tier controller) and 2 (the spare) buses 2 and 3, the NTB port's bridge
      // (port 1 + downstream_ports = 3) bus 4: its endpoint is 04:00.0.
      XCTAssertTrue(out.contains("link: NTB port 0 (04:00.0) to node \(1 - node): up, 8 GT/s x4"), out)
    }
    XCTAssertEqual(out.components(separatedBy: "04:00.0 [1ab4:5a02] class 068000 NTB port 0").count - 1, 2, "each node's tree lists its NTB endpoint")
    XCTAssertTrue(out.contains("remote copy: 256 bytes written into node 1's RAM through an NTB window: arrived, read back: match"), out)
    XCTAssertTrue(out.contains("remote 64-byte read:") && out.contains("data match"), out)

    // Every crossing costs the link's 4 cycles: a round trip at least 8.
    let roundTrip = try XCTUnwrap(number(after: "doorbell round trip:", in: out))
    let read = try XCTUnwrap(number(after: "remote 64-byte read:", in: out))
    XCTAssertGreaterThanOrEqual(roundTrip, 8)
    XCTAssertGreaterThanOrEqual(read, 8)
    // A 64-bit datapath moves at most 8 bytes a cycle.
    let bandwidth = try XCTUnwrap(out.split(separator: "\n").first { $0.contains("window write bandwidth") }, out)
    let perCycle = try XCTUnwrap(number(after: "cycles: ", in: String(bandwidth)))
    XCTAssertGreaterThan(perCycle, 0)
    XCTAssertLessThanOrEqual(perCycle, 8)

    // Tiering on node 0's RTL tier controller: the policy migrated pages, every read returned
    // what was last written there, and every host access was served by exactly one store.
    XCTAssertTrue(out.contains("tiering (on the RTL: node 0's tier controller"), "the tiering part says what it ran on")
    XCTAssertFalse(out.contains("FAILED"), out)
    let accesses = try XCTUnwrap(number(after: "host accesses through its root complex):", in: out))
    XCTAssertGreaterThan(accesses, 0)
    XCTAssertGreaterThan(try XCTUnwrap(number(after: "migrations:", in: out)), 0, out)
    let hitRatio = try XCTUnwrap(number(after: "hit ratio:", in: out))
    XCTAssertTrue((0...1).contains(hitRatio), out)
    let storeCounts = String(try XCTUnwrap(out.range(of: "served by DRAM").map { out[$0.lowerBound...] }))
    let served = try ["DRAM", "flash", "disk"].map { try XCTUnwrap(number(after: $0, in: storeCounts)) }
    XCTAssertEqual(served.reduce(0, +), accesses, "each access reached one store")
    XCTAssertEqual(hitRatio, served[0] / accesses, accuracy: 0.001, "the ratio is DRAM's share")
    let checked = try XCTUnwrap(number(after: "data checked:", in: out))
    XCTAssertGreaterThan(checked, 0)
    XCTAssertEqual(number(after: "reads against a shadow of the writes,", in: out), 0, "mismatches")
    XCTAssertTrue(out.contains("the same trace and policy on the transaction-level model"), out)
    // The controller cleared its map after reset; the manager read back only what was mapped
    // since (MAP_EXTENT): at most pair.yaml's 16 pages (mapped_size 64 KiB of 4 KiB pages).
    XCTAssertEqual(number(after: "the controller cleared its", in: out), 16, out)
    let scanned = try XCTUnwrap(number(after: "the manager read back", in: out))
    XCTAssertGreaterThan(scanned, 0)
    XCTAssertLessThanOrEqual(scanned, 16)
  }

  func testANodeCountOutsideOneToEightIsRefusedNamingTheOption() throws {
    let run = try strata(["demo", "--board", "Tests/Support/Boards/pair.yaml", "--nodes", "9"])
    XCTAssertEqual(run.status, 1)
    XCTAssertTrue(run.output.contains("pair.yaml (--nodes 9): error: nodes: 9 is not a number of nodes a board can have; use 1 to 8"), run.output)
  }
}
