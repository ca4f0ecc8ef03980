import XCTest
@testable import TierModel

/// The hotness unit against a reference computed independently from the requests the model
/// accepted: per epoch, the count of every unit in first-touch order, those at or above the
/// threshold, encoded as the CXL CHMU's hot-list entries (count low, unit index high).
final class HotnessUnitTests: XCTestCase {
  struct Setup {
    var unitShift = 12, threshold: UInt32 = 3, epochCycles = 2_000, downsampleShift = 0
    var trackReads = true, trackWrites = true
  }

  /// Runs a Zipf trace over DRAM and flash pages and returns the hot list and the reference's.
  func run(_ s: Setup, seed: UInt64) -> (model: [UInt64], reference: [UInt64], epochs: Int) {
    var c = mappedController(pages: 64, hotness: HotnessUnit(counterCapacity: 4096, counterWidth: 16, hotListSize: 65_536))
    c.hotness.config.threshold = s.threshold
    c.hotness.config.epochCycles = s.epochCycles
    c.hotness.config.unitShift = s.unitShift
    c.hotness.config.downsampleShift = s.downsampleShift
    c.hotness.config.trackReads = s.trackReads
    c.hotness.config.trackWrites = s.trackWrites
    c.hotness.setEnabled(true, at: 0)
    var perEpoch: [Int: [(unit: UInt64, count: UInt32)]] = [:]
    var sequence = 0
    for a in TraceGenerator.zipf(pages: 64, theta: 0.99, count: 20_000, seed: seed) {
      let addr = address(page: a.page, word: a.word)
      let r = c.access(a.isWrite ? .write(addr, [1]) : .read(addr))
      guard a.isWrite ? s.trackWrites : s.trackReads else { continue }
      defer { sequence += 1 }
      guard sequence % (1 << s.downsampleShift) == 0 else { continue }
      let epoch = r.accepted / s.epochCycles
      let unit = addr >> UInt64(s.unitShift)
      var counts = perEpoch[epoch, default: []]
      if let i = counts.firstIndex(where: { $0.unit == unit }) { counts[i].count += 1 } else { counts.append((unit, 1)) }
      perEpoch[epoch] = counts
    }
    let lastEpoch = c.clock / s.epochCycles
    c.idle(until: (lastEpoch + 1) * s.epochCycles)
    let reference = (0...lastEpoch).flatMap { epoch in
      (perEpoch[epoch] ?? []).filter { $0.count >= s.threshold }.map { $0.unit << 16 | UInt64($0.count) }
    }
    return (c.hotness.hotList.drain(), reference, lastEpoch + 1)
  }

  func testEpochHotListsEqualExactCountsAboveThreshold() {
    let r = run(Setup(), seed: 7)
    XCTAssertGreaterThan(r.epochs, 100)
    XCTAssertGreaterThan(r.reference.count, 500)
    XCTAssertEqual(r.model, r.reference)
  }

  func testUnitSizeAndTrackedRequestTypes() {
    for setup in [Setup(unitShift: 8, threshold: 1, trackReads: false),
                  Setup(unitShift: 16, threshold: 5, trackWrites: false),
                  Setup(unitShift: 12, threshold: 2, epochCycles: 50_000)] {
      let r = run(setup, seed: 11)
      XCTAssertFalse(r.reference.isEmpty)
      XCTAssertEqual(r.model, r.reference, "\(setup)")
    }
  }

  /// Downsampling by 4 counts every fourth tracked request; the reference counts the same ones.
  /// Over a whole run the sampled counts are a quarter of the exact ones within 5% on the
  /// hottest units (the documented error of global sampling on independent requests).
  func testDownsamplingCountsOneInNAndScalesToTheExactCount() {
    let sampled = run(Setup(threshold: 0, epochCycles: 1 << 30, downsampleShift: 2), seed: 3)
    XCTAssertEqual(sampled.model, sampled.reference)
    let exact = run(Setup(threshold: 0, epochCycles: 1 << 30), seed: 3)
    let exactCount = Dictionary(uniqueKeysWithValues: exact.model.map { ($0 >> 16, Double($0 & 0xFFFF)) })
    for entry in sampled.model where entry & 0xFFFF >= 200 {
      let estimate = Double(entry & 0xFFFF) * 4
      XCTAssertEqual(estimate, exactCount[entry >> 16]!, accuracy: exactCount[entry >> 16]! * 0.05)
    }
  }

  func testCountersRunningOutAreReportedAndTheRestIsExact() {
    var h = HotnessUnit(counterCapacity: 4, counterWidth: 8, hotListSize: 16)
    h.config.threshold = 1
    h.setEnabled(true, at: 0)
    for unit in [0, 1, 2, 3, 4, 5, 0, 5, 3] as [UInt64] { h.observe(address: unit << 12, isWrite: false) }
    XCTAssertTrue(h.countersExhausted)
    let pushed = h.endEpoch().pushed
    XCTAssertEqual(pushed.map { h.decode($0).unit }, [0, 1, 2, 3], "first-touch order, units 4 and 5 found no counter")
    XCTAssertEqual(pushed.map { h.decode($0).count }, [2, 1, 1, 2])
  }

  func testCountsSaturateAtTheCounterWidth() {
    var h = HotnessUnit(counterCapacity: 4, counterWidth: 4, hotListSize: 16)
    h.setEnabled(true, at: 0)
    for _ in 0..<40 { h.observe(address: 0x3000, isWrite: true) }
    XCTAssertEqual(h.endEpoch().pushed, [3 << 4 | 15])
  }

  func testAFullHotListDropsAndRaisesOverflowAndTheFillLevelInterrupts() {
    var c = mappedController(pages: 16, hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 4))
    c.hotness.config.threshold = 1
    c.hotness.config.epochCycles = 100_000
    c.hotness.config.fillThreshold = 2
    c.interruptEnable = [.hotLevel, .hotOverflow]
    c.hotness.setEnabled(true, at: 0)
    for page in 0..<5 { c.access(.read(address(page: page))) }
    XCTAssertFalse(c.interruptLine)
    c.idle(until: 100_000)
    XCTAssertEqual(c.hotness.hotList.count, 3, "a ring of 4 slots holds 3 entries")
    XCTAssertEqual(c.interruptStatus, [.hotLevel, .hotOverflow])
    XCTAssertTrue(c.interruptLine)
    XCTAssertEqual(c.hotness.hotList.drain().map { $0 >> 16 }, [0, 1, 2])
    c.writeRegister(.interruptStatus, InterruptCauses.hotOverflow.rawValue)
    XCTAssertEqual(c.interruptStatus, [.hotLevel])
  }

  func testResetClearsCountersListAndFlagsAndStartsAnEpoch() {
    var c = mappedController(pages: 16)
    c.hotness.config.epochCycles = 1_000
    c.writeRegister(.hotControl, HotControlBits.enable | HotControlBits.trackReads | 12 << 8)
    c.access(.read(address(page: 1)))
    c.idle(until: 1_500)
    XCTAssertEqual(c.hotness.hotList.count, 1)
    c.access(.read(address(page: 2)))
    c.writeRegister(.hotControl, HotControlBits.enable | HotControlBits.reset | HotControlBits.trackReads | 12 << 8)
    XCTAssertEqual(c.hotness.hotList.count, 0)
    XCTAssertEqual(c.hotness.counted.count, 0, "page 2's count of this epoch is gone")
    XCTAssertEqual(c.hotness.epochStart, c.clock)
  }

  /// Always-on, worked by hand: threshold 3, units A A B A | A A A | B B: A is listed with
  /// count 3 at its third request and its counter freed (B's moves into its slot), so A's next
  /// three requests list it again; B reaches 3 at the last request.
  func testAlwaysOnListsAUnitWhenItsCountReachesTheThresholdAndFreesItsCounter() {
    var unit = HotnessUnit(counterCapacity: 4, counterWidth: 16, hotListSize: 8)
    unit.config.alwaysOn = true
    unit.config.threshold = 3
    unit.config.unitShift = 12
    unit.setEnabled(true, at: 0)
    let a: UInt64 = 0x5000, b: UInt64 = 0x9000
    var pushes: [UInt64] = []
    for address in [a, a, b, a, a, a, a, b, b] {
      if let push = unit.observe(address: address, isWrite: false) { pushes.append(push.entry) }
    }
    XCTAssertEqual(pushes, [5 << 16 | 3, 5 << 16 | 3, 9 << 16 | 3])
    XCTAssertEqual(unit.counted.count, 0, "every counter was freed")
    XCTAssertEqual(unit.hotList.count, 3)
  }
}
