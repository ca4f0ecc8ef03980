import Firmware
import TierFirmwareSupport
import TierModel
import XCTest

/// HotListPolicy under the manager on the transaction-level model: where the hot pages end up,
/// how fast it follows a phase change, that it never loses data, and that it keeps to its rate
/// limit and hysteresis. Placements are read from the model's own page map.
final class HotListPolicyTests: XCTestCase {
  func testOnAZipfWorkloadTheHotSetEndsUpInDRAM() throws {
    // 2,048 pages, 256 DRAM frames; pages are scattered over the tiers by the trace's own
    // permutation, so about 1 in 8 of the hottest start in DRAM.
    var m = try TestMachine(dram: 256, flash: 2_048, disk: 4_096, pages: 2_048)
    var policy = HotListPolicy(pageCount: 2_048)
    m.manager.start(policy)
    let trace = TraceGenerator.zipf(pages: 2_048, theta: 0.99, count: 200_000, seed: 7)
    let result = runTrace(trace, hal: m.hal, manager: &m.manager, policy: &policy)
    // The hot set: the 128 pages the trace touches most (half of DRAM), counted here.
    let hotSet = pagesByCount(trace).prefix(128)
    let inDRAM = m.pagesInDRAM
    let placed = hotSet.filter { inDRAM.contains($0) }.count
    XCTAssertGreaterThanOrEqual(placed, 124, "at least 97% of the 128 hottest pages end in DRAM (\(placed) did)")
    let bound = Evaluator.staticPlacement(trace, timing: m.model.timing, frames: m.frames)
    XCTAssertGreaterThan(result.dramHitRatio, 0.9 * bound.hitRatio,
                         "DRAM hit ratio \(result.dramHitRatio) against the static bound's \(bound.hitRatio)")
  }

  /// The bound: after a phase change, a new hot set of H pages that fits in DRAM beside the old
  /// one is at least 90% in DRAM within K + ceil(H / L) + 2 epochs (K the protection, L the
  /// promotion limit per epoch): up to K epochs while the pages promoted just before the change
  /// are protected, one for the new pages to show up in a hot list, ceil(H / L) epochs of
  /// promotions, and one for the last exchanges to complete. (Displacing an old hot set instead
  /// waits for its heat to cool below the new one's.) Measured here: 8 epochs against 10.
  func testAfterAPhaseChangeTheNewHotSetIsInDRAMWithinTheBound() throws {
    let hot = 128, limit = 32
    var m = try TestMachine(dram: 256, flash: 2_048, disk: 4_096, pages: 2_048, promotionsPerEpoch: limit)
    var policy = HotListPolicy(pageCount: 2_048)
    let hal = m.hal, start = hal.controller.clock
    m.manager.start(policy)
    let before = TraceGenerator.gupsHotSet(pages: 2_048, hotPages: hot, count: 150_000, seed: 11)
    let after = TraceGenerator.gupsHotSet(pages: 2_048, hotPages: hot, count: 150_000, seed: 12)
    let oldSet = Set(pagesByCount(before).prefix(hot)), newSet = Set(pagesByCount(after).prefix(hot))
    XCTAssertLessThan(oldSet.intersection(newSet).count, 20, "the two hot sets are different pages")
    _ = runTrace(before, hal: m.hal, manager: &m.manager, policy: &policy)
    XCTAssertGreaterThanOrEqual(oldSet.intersection(m.pagesInDRAM).count, hot * 9 / 10, "the first phase settled")

    func epoch() -> Int { (hal.controller.clock - start) / 100_000 }
    let changeEpoch = epoch()
    var share: [Int: Double] = [:]  // epochs since the change -> share of the new set in DRAM at its start
    _ = runTrace(after, hal: m.hal, manager: &m.manager, policy: &policy) { _, _ in
      let e = epoch() - changeEpoch
      if share[e] == nil {
        let map = hal.controller.pageMap
        share[e] = Double(newSet.filter { map[$0].location.tier == .dram }.count) / Double(hot)
      }
    }
    let bound = policy.protectionEpochs + (hot + limit - 1) / limit + 2
    let reached = share.keys.sorted().first { share[$0]! >= 0.9 }
    XCTAssertLessThan(share[0] ?? 1, 0.3, "before the change the new set was mostly elsewhere")
    XCTAssertNotNil(reached, "the new hot set never reached 90% in DRAM: \(share.sorted { $0.key < $1.key })")
    XCTAssertLessThanOrEqual(reached ?? .max, bound, "epochs to adapt (bound \(bound)): \(share.sorted { $0.key < $1.key })")
  }

  func testNoDataIsLostWhilePagesMoveUnderConcurrentAccesses() throws {
    // Every access reads or writes a random word; reads are checked against a shadow memory
    // that knows nothing of tiers, while the policy migrates pages under the workload.
    var m = try TestMachine(dram: 64, flash: 512, disk: 1_024, pages: 640, epochCycles: 20_000, promotionsPerEpoch: 16)
    var policy = HotListPolicy(pageCount: 640)
    m.manager.start(policy)
    var rng = SplitMix64(seed: 5)
    var shadow: [UInt64: UInt64] = [:]
    let phases = TraceGenerator.movingHotSet(pages: 640, hotPages: 48, phases: 6, count: 60_000, seed: 3)
    var checked = 0
    for (i, a) in phases.enumerated() {
      let address = UInt64(a.page << 12 + a.word * 8)
      if i % 3 == 0 {
        let value = rng.next(), enables = UInt8(truncatingIfNeeded: rng.next() | 1)
        let r = m.hal.controller.access(.write(address, [value], byteEnables: [enables]))
        XCTAssertEqual(r.status, .ok)
        var mask: UInt64 = 0
        for byte in 0..<8 where enables & (1 << byte) != 0 { mask |= 0xFF << (8 * UInt64(byte)) }
        shadow[address] = (shadow[address] ?? 0) & ~mask | value & mask
      } else {
        let r = m.hal.controller.access(.read(address))
        XCTAssertEqual(r.data, [shadow[address] ?? 0], "read \(i) of page \(a.page) word \(a.word)")
        checked += 1
      }
      m.manager.service(&policy)
    }
    XCTAssertTrue(m.manager.finishCopies(&policy))
    XCTAssertGreaterThan(m.manager.statistics.promotions, 200, "pages did move under the workload")
    XCTAssertEqual(m.manager.statistics.failedCopies, 0)
    for (address, value) in shadow {
      XCTAssertEqual(m.hal.controller.access(.read(address)).data, [value], "address \(address) at the end")
    }
    XCTAssertGreaterThan(checked, 30_000)
  }

  func testThePromotionRateLimitHoldsInEveryEpoch() throws {
    let limit = 8
    var m = try TestMachine(dram: 128, flash: 1_024, disk: 2_048, pages: 1_024, epochCycles: 50_000, promotionsPerEpoch: limit)
    var policy = HotListPolicy(pageCount: 1_024)
    m.hal.recording = true
    m.manager.start(policy)
    let trace = TraceGenerator.movingHotSet(pages: 1_024, hotPages: 96, phases: 3, count: 60_000, seed: 4)
    _ = runTrace(trace, hal: m.hal, manager: &m.manager, policy: &policy)
    let copies = submittedCopies(m.hal.log, epochCycles: 50_000)
    var perEpoch: [Int: Int] = [:]
    for c in copies where c.isPromotion { perEpoch[c.epoch, default: 0] += 1 }
    XCTAssertLessThanOrEqual(perEpoch.values.max() ?? 0, limit, "promotions per epoch: \(perEpoch.sorted { $0.key < $1.key })")
    XCTAssertGreaterThan(perEpoch.values.filter { $0 == limit }.count, 5, "the limit binds: the policy wanted more")
  }

  /// Hysteresis: a page promoted into DRAM is not picked as a victim in the K epochs after the
  /// one its promotion was planned in. The copy into DRAM may be submitted an epoch after the
  /// plan (it waits for its victim to leave), so counted in submission epochs the demotion
  /// comes at least K - 1 epochs later.
  func testAPromotedPageIsNotDemotedAgainWithinKEpochs() throws {
    let k = 4
    var m = try TestMachine(dram: 64, flash: 1_024, disk: 2_048, pages: 1_024, epochCycles: 20_000, promotionsPerEpoch: 64)
    var policy = HotListPolicy(pageCount: 1_024, protectionEpochs: k)
    m.hal.recording = true
    m.manager.start(policy)
    // Hot sets that move every epoch or so: the policy would like to demote fresh promotions.
    let trace = TraceGenerator.movingHotSet(pages: 1_024, hotPages: 48, phases: 40, count: 120_000, seed: 9)
    _ = runTrace(trace, hal: m.hal, manager: &m.manager, policy: &policy)
    var promotedIn: [Int: Int] = [:]
    var demotionsOfPromoted = 0, shortest = Int.max
    for c in submittedCopies(m.hal.log, epochCycles: 20_000) {
      if c.to.tier == .dram {
        promotedIn[c.page] = c.epoch
      } else if c.from.tier == .dram, let promoted = promotedIn[c.page] {
        demotionsOfPromoted += 1
        shortest = min(shortest, c.epoch - promoted)
        XCTAssertGreaterThanOrEqual(c.epoch - promoted, k - 1, "page \(c.page) promoted in epoch \(promoted), demoted in \(c.epoch)")
      }
    }
    XCTAssertGreaterThan(demotionsOfPromoted, 50, "promoted pages did go cold and leave again")
    XCTAssertLessThanOrEqual(shortest, k + 1, "some left as soon as their protection ended")
  }

  func testAWarmDiskPageTakesTheFrameOfAColdFlashPageWhenFlashIsFull() throws {
    // DRAM holds pages 0-3, flash 4-11 (full), disk 12-19. Pages 0-3 stay much hotter than
    // page 15, so it cannot enter DRAM; it leaves the disk in place of a flash page nobody touches.
    var m = try TestMachine(dram: 4, flash: 8, disk: 32, pages: 20, epochCycles: 40_000)
    var policy = HotListPolicy(pageCount: 20)
    m.manager.start(policy)
    for _ in 0..<3 {
      for _ in 0..<50 { for page in 0..<4 { m.touch(page, &policy) } }
      for _ in 0..<3 { m.touch(15, &policy) }
      m.finishEpoch(&policy)
      XCTAssertTrue(m.manager.finishCopies(&policy))
    }
    XCTAssertEqual(m.model.pageMap[15].location.tier, .flash)
    XCTAssertEqual(m.pagesInDRAM, [0, 1, 2, 3])
    let onDisk = (0..<20).filter { m.model.pageMap[$0].location.tier == .disk }
    XCTAssertEqual(onDisk.count, 8, "one flash page went to disk for it: \(onDisk)")
    XCTAssertEqual(m.manager.statistics.promotions, 1)
  }

  /// Epochs of about 200 accesses: a pass over the 1,024 pages spans five of them, so every
  /// page is touched once in one epoch in five (LRU thrashes on the same scan, LRUPolicyTests).
  func testASequentialScanMovesNothing() throws {
    var m = try TestMachine(dram: 128, flash: 1_024, disk: 2_048, pages: 1_024, epochCycles: 5_000)
    var policy = HotListPolicy(pageCount: 1_024)
    m.manager.start(policy)
    let before = m.pagesInDRAM
    _ = runTrace(TraceGenerator.sequentialScan(pages: 1_024, passes: 20), hal: m.hal, manager: &m.manager, policy: &policy)
    XCTAssertEqual(m.manager.statistics.bytesMigrated, 0, "every page is as warm as every other: nothing gains by moving")
    XCTAssertEqual(m.pagesInDRAM, before)
  }
}
