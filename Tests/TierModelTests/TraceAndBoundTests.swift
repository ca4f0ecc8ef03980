import Foundation
import XCTest
@testable import TierModel

final class TraceAndBoundTests: XCTestCase {
  /// The model's own pow (no Foundation in TierModel) against Foundation's.
  func testPowerAgreesWithFoundation() {
    for x in [1.0, 2, 3, 10, 1234.5, 100_000] {
      for y in [0.5, 0.9, 0.99, 1.3] {
        XCTAssertEqual(TierModel.pow(x, y), Foundation.pow(x, y), accuracy: Foundation.pow(x, y) * 1e-12, "\(x)^\(y)")
      }
    }
  }

  /// Zipf: rank r is drawn with probability r^-θ / H(n, θ). With 200,000 draws the empirical
  /// frequencies of the first ranks are within 3% of that.
  func testZipfFrequenciesMatchTheDistribution() {
    for theta in [0.9, 0.99] {
      let n = 1_000, draws = 200_000
      let trace = TraceGenerator.zipf(pages: n, theta: theta, count: draws, seed: 5)
      var counts: [Int: Int] = [:]
      for a in trace { counts[a.page, default: 0] += 1 }
      let h = (1...n).reduce(0.0) { $0 + 1 / Foundation.pow(Double($1), theta) }
      let ranked = counts.values.sorted(by: >)
      for rank in 1...3 {
        let expected = Double(draws) / Foundation.pow(Double(rank), theta) / h
        XCTAssertEqual(Double(ranked[rank - 1]), expected, accuracy: expected * 0.03, "θ \(theta), rank \(rank)")
      }
      XCTAssertEqual(TraceGenerator.zipf(pages: n, theta: theta, count: 100, seed: 5), Array(trace.prefix(100)), "same seed, same trace")
    }
  }

  func testGupsSendsNinetyPercentToTheHotSetAndTheHotSetMoves() {
    let trace = TraceGenerator.movingHotSet(pages: 10_000, hotPages: 100, phases: 2, count: 100_000, seed: 9)
    func hotSet(_ part: ArraySlice<TraceAccess>) -> Set<Int> {
      var counts: [Int: Int] = [:]
      for a in part { counts[a.page, default: 0] += 1 }
      return Set(counts.filter { $0.value >= 50 }.keys)
    }
    let first = hotSet(trace[..<50_000]), second = hotSet(trace[50_000...])
    XCTAssertEqual(first.count, 100)
    XCTAssertEqual(second.count, 100)
    XCTAssertLessThan(first.intersection(second).count, 5, "the phase change moved the hot set")
    let inHot = trace[..<50_000].filter { first.contains($0.page) }.count
    // 90% directly plus the uniform tenth's 1% chance of hitting the hot set.
    XCTAssertEqual(Double(inHot) / 50_000, 0.9 + 0.1 * 0.01, accuracy: 0.01)
  }

  func testSequentialScanVisitsEveryPageInOrder() {
    let scan = TraceGenerator.sequentialScan(pages: 3, passes: 2, beatsPerPage: 2)
    XCTAssertEqual(scan.map(\.page), [0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2])
    XCTAssertEqual(scan.map(\.word), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
  }

  /// The reference string of Silberschatz, Galvin and Gagne, "Operating System Concepts",
  /// §10.4.3 (optimal page replacement): 3 frames, 9 page faults in 20 references.
  func testBeladyOnTheTextbookReferenceString() {
    let refs = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1]
    XCTAssertEqual(Evaluator.beladyHitRatio(refs.map { TraceAccess(page: $0) }, capacity: 3), 11.0 / 20)
  }

  /// MIN against an exhaustive search over every eviction choice on small random traces,
  /// starting from a given resident set.
  func testBeladyEqualsExhaustiveOptimum() {
    var rng = SplitMix64(seed: 2)
    for _ in 0..<200 {
      let pages = Int(rng.next() % 5) + 2, capacity = Int(rng.next() % 3) + 1
      let refs = (0..<12).map { _ in Int(rng.next() % UInt64(pages)) }
      let initial = Array(Set((0..<capacity).map { _ in Int(rng.next() % UInt64(pages)) }))
      let best = exhaustiveHits(refs, capacity: capacity, resident: Set(initial))
      XCTAssertEqual(Evaluator.beladyHitRatio(refs.map { TraceAccess(page: $0) }, capacity: capacity, initiallyResident: initial),
                     Double(best) / 12, "\(refs), capacity \(capacity), initially \(initial)")
    }
  }

  func exhaustiveHits(_ refs: [Int], capacity: Int, resident: Set<Int>) -> Int {
    guard let page = refs.first else { return 0 }
    let rest = Array(refs.dropFirst())
    if resident.contains(page) { return 1 + exhaustiveHits(rest, capacity: capacity, resident: resident) }
    if resident.count < capacity { return exhaustiveHits(rest, capacity: capacity, resident: resident.union([page])) }
    return resident.map { victim in
      exhaustiveHits(rest, capacity: capacity, resident: resident.subtracting([victim]).union([page]))
    }.max()!
  }

  /// The static bound against every assignment of 5 pages to 1 DRAM, 2 flash and 2 disk frames.
  func testStaticPlacementIsTheBestOfAllPlacements() {
    let timing = smallTiming(timeScale: 1)
    let trace = [(0, 9), (1, 4), (2, 7), (3, 1), (4, 3)].flatMap { page, n in
      (0..<n).map { TraceAccess(page: page, isWrite: $0 % 3 == 0) }
    }
    func cost(_ tiers: [Tier]) -> Int {
      trace.reduce(0) { sum, a in
        let tier = tiers[a.page]
        let latency = a.isWrite ? timing.writeLatency(tier) : timing.readLatency(tier)
        return sum + timing.lookupCycles + latency + timing.transferCycles(tier, bytes: 8)
      }
    }
    var best = Int.max
    for p in permutations([Tier.dram, .flash, .flash, .disk, .disk]) { best = min(best, cost(p)) }
    let bound = Evaluator.staticPlacement(trace, timing: timing, frames: [1, 2, 2])
    XCTAssertEqual(bound.meanLatency, Double(best) / Double(trace.count), accuracy: 1e-9)
    XCTAssertEqual(bound.hitRatio, 9.0 / 24)
  }

  func permutations(_ items: [Tier]) -> [[Tier]] {
    if items.count <= 1 { return [items] }
    return items.indices.flatMap { i -> [[Tier]] in
      var rest = items
      let head = rest.remove(at: i)
      return permutations(rest).map { [head] + $0 }
    }
  }
}
