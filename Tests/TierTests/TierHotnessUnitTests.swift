import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The hotness unit's RTL under Icarus against `TierModel.HotnessUnit` fed the same requests in
/// the same cycles: the same hot-list entries in the same order, the same flags, the same
/// number of fill-level and overflow interrupts.
final class TierHotnessUnitTests: XCTestCase {
  struct Scenario {
    var counters = 16, counterWidth = 16, listSize = 64
    var unitShift = 12, threshold: UInt32 = 3, epochCycles = 200, downsampleShift = 0, fillThreshold = 20
    var trackReads = true, trackWrites = true
    var units = 20, cycles = 3_000, seed: UInt64 = 1
    var resetAt: Int? = nil
    /// Software reads the whole list in the middle of every epoch, one entry a cycle.
    var consume = false
    /// Always-on mode (`epochCycles` then only paces `consume`).
    var alwaysOn = false
  }

  func testAlwaysOnListsUnitsAsTheyReachTheThresholdAndOverflows() throws {
    try check(Scenario(threshold: 5, seed: 6, alwaysOn: true))
  }

  /// Four counters for twelve units, freed as units are listed; a 16-slot list consumed and wrapping.
  func testAlwaysOnWithASmallTableFreesCountersAndWraps() throws {
    try check(Scenario(counters: 4, counterWidth: 4, listSize: 16, unitShift: 8, threshold: 3, fillThreshold: 6, units: 12,
                       cycles: 4_000, seed: 7, consume: true, alwaysOn: true))
  }

  func testAlwaysOnResetEmptiesTheListAndTheTable() throws {
    try check(Scenario(threshold: 4, cycles: 1_000, seed: 8, resetAt: 527, alwaysOn: true))
  }

  func testExactCountsOverflowAndFillLevel() throws {
    try check(Scenario())
  }

  func testSmallTableSaturatingCountsDownsamplingAndWritesOnly() throws {
    try check(Scenario(counters: 4, counterWidth: 4, listSize: 8, unitShift: 8, threshold: 1, epochCycles: 64,
                       downsampleShift: 1, fillThreshold: 0, trackReads: false, units: 12, seed: 2))
  }

  func testResetEmptiesTheListAndStartsAnEpoch() throws {
    try check(Scenario(epochCycles: 150, cycles: 1_000, seed: 3, resetAt: 527))
  }

  /// A 16-slot list that wraps many times because software keeps consuming it.
  func testSoftwareConsumingTheListWhileEpochsEnd() throws {
    try check(Scenario(listSize: 16, epochCycles: 200, fillThreshold: 6, cycles: 4_000, seed: 4, consume: true))
  }

  func check(_ s: Scenario) throws {
    let design = try Design(top: tierHotnessUnit(counters: s.counters, counterWidth: s.counterWidth, hotListSize: s.listSize))
    XCTAssertEqual(design.warnings.map(\.message), [])
    var model = HotnessUnit(counterCapacity: s.counters, counterWidth: s.counterWidth, hotListSize: s.listSize)
    model.config.threshold = s.threshold
    model.config.epochCycles = s.epochCycles
    model.config.unitShift = s.unitShift
    model.config.downsampleShift = s.downsampleShift
    model.config.fillThreshold = s.fillThreshold
    model.config.trackReads = s.trackReads
    model.config.trackWrites = s.trackWrites
    model.config.alwaysOn = s.alwaysOn
    var rng = SplitMix64(seed: s.seed)
    func v(_ width: Int, _ value: UInt64) -> BitVector { BitVector(width: width, unsigned: value) }
    let config: [String: BitVector] = [
      "track_reads": v(1, s.trackReads ? 1 : 0), "track_writes": v(1, s.trackWrites ? 1 : 0),
      "unit_shift": v(5, UInt64(s.unitShift)), "downsample_shift": v(4, UInt64(s.downsampleShift)),
      "threshold": v(32, UInt64(s.threshold)), "epoch_cycles": v(32, UInt64(s.epochCycles)),
      "fill_threshold": v(16, UInt64(s.fillThreshold)), "always_on": v(1, s.alwaysOn ? 1 : 0),
    ]
    var rows: [[String: BitVector]] = [["rst": v(1, 1)], config.merging(["rst": v(1, 0)]) { a, _ in a }]
    let start = 2
    var levels = 0, overflows = 0
    var reads: [Int: Int] = [:]  // cycle -> head software sets
    var consumed: [(row: Int, entry: UInt64)] = []
    model.setEnabled(true, at: start)
    for cycle in start..<start + s.cycles {
      var row: [String: BitVector] = ["enable": v(1, 1), "reset_request": v(1, cycle == s.resetAt ? 1 : 0)]
      if s.consume && (cycle - start) % s.epochCycles == s.epochCycles / 2 {
        let head = model.hotList.head
        for k in 0...model.hotList.count { reads[cycle + k] = (head + k) % s.listSize }
      }
      if let head = reads[cycle] {
        model.hotList.head = head
        if let entry = model.hotList.front { consumed.append((rows.count, entry)) }
      }
      row["hot_head"] = v(16, UInt64(model.hotList.head))
      let valid = rng.next() % 10 < 6
      // Skewed: unit k is drawn with weight about 1/(k + 1).
      let k = Int(rng.next() % UInt64(s.units)) * Int(rng.next() % UInt64(s.units)) / s.units
      let address = UInt64(k) << UInt64(s.unitShift) + rng.next() % (1 << UInt64(s.unitShift)) & ~7
      let write = rng.next() % 2 == 0
      row["observe_valid"] = v(1, valid ? 1 : 0)
      row["observe_address"] = v(64, address)
      row["observe_write"] = v(1, write ? 1 : 0)
      rows.append(row)
      while !s.alwaysOn && model.epochEnd <= cycle {
        let epoch = model.endEpoch()
        if epoch.reachedLevel { levels += 1 }
        if epoch.dropped > 0 { overflows += 1 }
      }
      if cycle == s.resetAt {
        model.reset(at: cycle + 1)
      } else if valid, let push = model.observe(address: address, isWrite: write) {
        if push.reachedLevel { levels += 1 }
        if push.dropped { overflows += 1 }
      }
    }
    // Stop counting, let the last drain finish, then read the list by moving the head.
    let end = start + s.cycles
    while !s.alwaysOn && model.epochEnd <= end {
      let epoch = model.endEpoch()
      if epoch.reachedLevel { levels += 1 }
      if epoch.dropped > 0 { overflows += 1 }
    }
    for _ in 0..<(s.counters + 3) { rows.append(["enable": v(1, 0), "observe_valid": v(1, 0)]) }
    let readOut = rows.count
    let headNow = model.hotList.head
    let expected = (0..<model.hotList.count).map { model.hotList.slots[(headNow + $0) % s.listSize]! }
    for i in 0..<s.listSize { rows.append(["hot_head": v(16, UInt64((headNow + i) % s.listSize))]) }

    let out = try IcarusSimulation(design).run(rows)
    let entries = (0..<expected.count).map { out[readOut + $0]["hot_entry"].map { $0.words[0] } }
    XCTAssertEqual(entries, expected.map { Optional($0) }, "hot-list entries in order")
    XCTAssertGreaterThanOrEqual(expected.count + consumed.count, min(10, s.listSize - 1), "the list filled")
    XCTAssertEqual(consumed.map { out[$0.row]["hot_entry"]?.words[0] }, consumed.map { Optional($0.entry) }, "entries read during the run")
    if s.consume { XCTAssertGreaterThan(consumed.count, 3 * s.listSize, "the list wrapped several times") }
    XCTAssertEqual(out[readOut - 1]["hot_tail"]?.words[0], UInt64(model.hotList.tail))
    XCTAssertEqual(out[readOut - 1]["overflow"]?.words[0], model.overflow ? 1 : 0)
    XCTAssertEqual(out[readOut - 1]["fill_level"]?.words[0], model.levelReached ? 1 : 0)
    XCTAssertEqual(out[readOut - 1]["counters_exhausted"]?.words[0], model.countersExhausted ? 1 : 0)
    XCTAssertEqual(out.filter { $0["level_set"]?.words[0] == 1 }.count, levels, "fill-level interrupts")
    XCTAssertEqual(out.filter { $0["overflow_set"]?.words[0] == 1 }.count, overflows, "overflow interrupts")
    print("hotness: \(consumed.count) entries read during the run, \(expected.count) at the end, overflow \(model.overflow) (\(overflows)), level \(model.levelReached) (\(levels)), exhausted \(model.countersExhausted)")
  }
}
