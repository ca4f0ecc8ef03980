import XCTest
@testable import TierModel

/// The hot-page policy on the transaction-level model, next to the offline bounds.
final class EvaluatorTests: XCTestCase {
  func evaluate(_ trace: [TraceAccess], pages: Int) -> Evaluator.Report {
    let timing = smallTiming(dram: 128, flash: 1024, disk: 4096)
    var c = try! TierController(timing: timing, pageCount: pages, hotness: HotnessUnit(counterCapacity: 256, hotListSize: 1024))
    c.mapInOrder()
    c.write(.hotThreshold, 3)
    c.write(.hotEpochCycles, 500_000)
    c.write(.hotControl, HotControlBits.enable | HotControlBits.trackReads | HotControlBits.trackWrites | 12 << 8)
    var policy = HotPagePromotion(bus: &c, frames: [.dram: 128, .flash: 1024, .disk: 4096], reserve: 8)
    return Evaluator.run(trace, on: &c) { policy.service(&$0) }
  }

  func testHotPagesMoveIntoDRAMAndTheBoundsHold() {
    let pages = 2_000
    let initialShare = 128.0 / Double(pages)
    for (name, trace) in [
      ("gups", TraceGenerator.gupsHotSet(pages: pages, hotPages: 100, count: 30_000, seed: 1)),
      ("zipf 0.99", TraceGenerator.zipf(pages: pages, theta: 0.99, count: 30_000, seed: 1)),
    ] {
      let r = evaluate(trace, pages: pages)
      XCTAssertGreaterThan(r.dramHitRatio, 4 * initialShare, "\(name): the policy promoted the hot pages\n\(r)")
      XCTAssertLessThanOrEqual(r.dramHitRatio, r.beladyHitRatio, "\(name): no policy beats MIN\n\(r)")
      XCTAssertGreaterThan(r.bytesMigrated, 0)
      XCTAssertEqual(r.bytesMigrated % 4096, 0)
    }
  }

  /// Every generator the issue names, through the evaluator: the report prints the policy's mean
  /// latency, DRAM hit ratio and bytes migrated next to the static bound and Belady's MIN, and no
  /// policy beats MIN's hit ratio.
  func testEveryTraceGeneratorIsReportedNextToBothBounds() {
    let pages = 2_000
    for (name, trace) in [
      ("zipf 0.9", TraceGenerator.zipf(pages: pages, theta: 0.9, count: 8_000, seed: 2)),
      ("zipf 0.99", TraceGenerator.zipf(pages: pages, theta: 0.99, count: 8_000, seed: 2)),
      ("gups", TraceGenerator.gupsHotSet(pages: pages, hotPages: 100, count: 8_000, seed: 2)),
      ("moving hot set", TraceGenerator.movingHotSet(pages: pages, hotPages: 100, phases: 3, count: 8_000, seed: 2)),
      ("scan", TraceGenerator.sequentialScan(pages: pages)),
    ] {
      let r = evaluate(trace, pages: pages)
      XCTAssertEqual(r.accesses, trace.count, name)
      XCTAssertLessThanOrEqual(r.dramHitRatio, r.beladyHitRatio, "\(name): no policy beats MIN\n\(r)")
      XCTAssertGreaterThan(r.meanLatencyCycles, 0, name)
      let lines = r.description.split(separator: "\n").map(String.init)
      XCTAssertTrue(lines.contains { $0.hasPrefix("policy:") && $0.contains("mean latency") && $0.contains("DRAM hit ratio") && $0.contains("migrated") },
                    "\(name)\n\(r)")
      XCTAssertTrue(lines.contains { $0.hasPrefix("static:") && $0.contains("mean latency") && $0.contains("DRAM hit ratio") }, "\(name)\n\(r)")
      XCTAssertTrue(lines.contains { $0.hasPrefix("Belady:") && $0.contains("DRAM hit ratio") }, "\(name)\n\(r)")
    }
  }

  func testAScanGivesTheHotListNothingToPromote() {
    let r = evaluate(TraceGenerator.sequentialScan(pages: 2_000), pages: 2_000)
    XCTAssertEqual(r.bytesMigrated, 0, "every page is touched once: below the threshold of 3")
    XCTAssertEqual(r.dramHitRatio, 128.0 / 2_000)
  }
}
