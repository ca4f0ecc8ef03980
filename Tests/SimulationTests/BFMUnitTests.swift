@testable import Simulation
import XCTest

/// The parts of the bench that do not need a model: random streams, scoreboards, checkers, queues.
final class BFMUnitTests: XCTestCase {
  func testTheSameSeedGivesTheSameNumbersAndStreamsAreIndependent() {
    var a = SimulationRandom(seed: 42), b = SimulationRandom(seed: 42)
    XCTAssertEqual((0..<100).map { _ in a.next() }, (0..<100).map { _ in b.next() })
    var enq = SimulationRandom(seed: 42, stream: "enq"), deq = SimulationRandom(seed: 42, stream: "deq")
    XCTAssertNotEqual(enq.next(), deq.next())
    XCTAssertEqual(enq.seed, 42, "a stream reports the seed to replay, not its mixed state")
    XCTAssertEqual(SimulationRandom.parseSeed("0x2a"), 42)
    XCTAssertEqual(SimulationRandom.parseSeed(" 42 "), 42)
    XCTAssertNil(SimulationRandom.parseSeed("forty-two"))
  }

  /// xoshiro256**'s state is seeded with SplitMix64's outputs (Vigna, prng.di.unimi.it, splitmix64.c);
  /// from state 0 those are 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f, 0xf88bb8a8724c81ec.
  func testSeedingFollowsSplitMix64() {
    let random = SimulationRandom(seed: 0)
    XCTAssertEqual([random.s0, random.s1, random.s2, random.s3],
                   [0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f, 0xf88b_b8a8_724c_81ec])
  }

  /// xoshiro256** from state (1, 2, 3, 4): the reference vector used by rand_xoshiro's tests,
  /// taken from Vigna's xoshiro256starstar.c.
  func testXoshiro256StarStarMatchesItsReferenceVector() {
    var random = SimulationRandom(seed: 0)
    (random.s0, random.s1, random.s2, random.s3) = (1, 2, 3, 4)
    XCTAssertEqual((0..<4).map { _ in random.next() }, [11520, 0, 1_509_978_240, 1_215_971_899_390_074_240])
  }

  func testChanceFollowsItsProbability() {
    var random = SimulationRandom(seed: 7)
    let hits = (0..<100_000).filter { _ in random.chance(0.3) }.count
    XCTAssertEqual(Double(hits) / 100_000, 0.3, accuracy: 0.01)
    XCTAssertTrue((0..<1000).allSatisfy { _ in random.chance(.always) })
    XCTAssertFalse((0..<1000).contains { _ in random.chance(.never) })
  }

  func testAScoreboardKeepsTheFirstMismatchWithCycleAndBothValues() {
    let scoreboard = Scoreboard<UInt64>("deq_data")
    for v: UInt64 in [1, 2, 3] { scoreboard.expect(v) }
    scoreboard.observe(1, cycle: 10)
    scoreboard.observe(7, cycle: 12)
    scoreboard.observe(8, cycle: 13)
    XCTAssertEqual(scoreboard.verdict(), "deq_data: value #1 at cycle 12: expected 0x2, got 0x7")
    let unexpected = Scoreboard<UInt64>("out")
    unexpected.observe(5, cycle: 3)
    XCTAssertEqual(unexpected.verdict(), "out: value #0 at cycle 3: expected nothing (the reference had no value outstanding), got 0x5")
    let short = Scoreboard<UInt64>("out")
    short.expect(9)
    XCTAssertEqual(short.verdict(), "out: 1 expected values never appeared, the first being 0x9 (after 0 matched)")
    XCTAssertNil(short.verdict(allowingOutstanding: true))
  }

  func testACycleCheckerKeepsTheFirstDisagreement() {
    let check = CycleChecker()
    check.equal("count", 3, 3, cycle: 1)
    check.equal("full", true, false, cycle: 5)
    check.equal("count", 1, 2, cycle: 6)
    XCTAssertEqual(check.firstMismatch, "full: cycle 5: expected 0x0, got 0x1")
    XCTAssertEqual(check.comparisons, 3)
  }

  func testARingBufferKeepsOrderAcrossGrowth() {
    var queue = RingBuffer<Int>(capacity: 2)
    var reference: [Int] = []
    var random = SimulationRandom(seed: 1)
    for i in 0..<10_000 {
      if random.chance(0.55) { queue.append(i); reference.append(i) } else if !reference.isEmpty {
        XCTAssertEqual(queue.removeFirst(), reference.removeFirst())
      }
      XCTAssertEqual(queue.count, reference.count)
    }
  }

  func testNearestNamesPreferTheCloseOnes() {
    XCTAssertEqual(nearestNames(to: "enq_vaild", in: ["enq_valid", "deq_valid", "enq_ready", "clk"]), ["enq_valid", "deq_valid"])
    XCTAssertEqual(nearestNames(to: "valid", in: ["enq_valid", "rst"]), ["enq_valid"], "a missing prefix still finds the port")
    XCTAssertEqual(nearestNames(to: "zzzzzz", in: ["clk", "rst"]), [])
  }
}
