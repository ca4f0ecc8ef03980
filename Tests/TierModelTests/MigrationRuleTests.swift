import XCTest
@testable import TierModel

/// The migration rule: writes to a page being migrated wait for the copy, so no write is lost.
/// Checked against a shadow memory that knows nothing of tiers: a dictionary from unified byte
/// address to the last word written there.
final class MigrationRuleTests: XCTestCase {
  func testAWriteToAMigratingPageWaitsForTheFlipAndLandsInTheNewFrame() {
    var c = mappedController(pages: 40)
    XCTAssertEqual(c.access(.write(address(page: 35, word: 3), [0xAAAA])).status, .ok)
    XCTAssertEqual(c.pageMap[35].location, FrameAddress(.flash, 3))
    XCTAssertTrue(c.submit(.migrate(page: 35, from: FrameAddress(.flash, 3), to: FrameAddress(.dram, 0), pageSize: 4096)))
    XCTAssertTrue(c.pageMap[35].migrating)
    let copyEnds = c.inFlight[0].finishes
    // Flash read 80 µs / 1000 at 250 MHz = 20 cycles, 512 beats at one per cycle (flash's
    // 2000 MB/s would allow 8 bytes in 1 cycle as well), DRAM write 100 ns / 1000 → 1 cycle.
    XCTAssertEqual(copyEnds - c.inFlight[0].started, 20 + 512 + 1)

    let read = c.access(.read(address(page: 35, word: 3)))
    XCTAssertEqual(read.data, [0xAAAA])
    XCTAssertEqual(read.servedBy, FrameAddress(.flash, 3), "reads during the copy come from the source")

    let write = c.access(.write(address(page: 35, word: 3), [0xBBBB]))
    XCTAssertGreaterThanOrEqual(write.completed, copyEnds, "the write waited for the copy")
    XCTAssertEqual(write.servedBy, FrameAddress(.dram, 0))
    XCTAssertEqual(c.pageMap[35], PageEntry(FrameAddress(.dram, 0)))
    XCTAssertEqual(c.store(.dram).word(frame: 0, at: 3), 0xBBBB)
    XCTAssertEqual(c.store(.flash).word(frame: 3, at: 3), 0xAAAA, "the old frame is left as it was")
    XCTAssertEqual(c.access(.read(address(page: 35, word: 3))).data, [0xBBBB])
  }

  func testTenThousandMigrationsWithConcurrentWritesLoseNothing() {
    var stress = MigrationStress(seed: 1)
    let result = stress.run(migrations: 10_000)
    XCTAssertGreaterThanOrEqual(result.migrations, 10_000)
    XCTAssertGreaterThanOrEqual(result.writesToMigratingPages, 10_000, "each migration saw at least one write to its page")
    XCTAssertGreaterThan(result.failedCopies, 100, "fault injection hit copies on the way")
    XCTAssertEqual(result.mismatches, [String](), "stale or lost data")
    XCTAssertGreaterThan(result.checkedWords, 1_000)
  }

  /// Without the rule the same stress loses writes: the check above can fail.
  func testWithoutTheRuleTheStressFindsLostWrites() {
    var stress = MigrationStress(seed: 1)
    stress.controller.stallsWritesToMigratingPages = false
    let result = stress.run(migrations: 200)
    XCTAssertFalse(result.mismatches.isEmpty)
  }

  func testAFailedCopyLeavesMapAndDataAsTheyWereOnEveryTier() {
    for source in Tier.allCases {
      for destination in Tier.allCases {
        for failing in [source, destination] {
          var c = mappedController(pages: 200)
          let page = source == .dram ? 5 : source == .flash ? 40 : 100
          let from = c.pageMap[page].location
          XCTAssertEqual(from.tier, source)
          c.access(.write(address(page: page, word: 7), [0x1234_5678]))
          let to = FrameAddress(destination, destination == .disk ? 120 : destination == .flash ? 60 : 31)
          c.withStore(failing) { $0.failNextAccesses = 1 }
          c.submit(.migrate(page: page, from: from, to: to, pageSize: 4096))
          let write = c.access(.write(address(page: page, word: 8), [0x9999]))
          XCTAssertEqual(write.servedBy, from, "\(source)→\(destination), \(failing) failing: the write went to the page's only copy")
          c.idle(until: c.clock + 100_000)
          let completion = c.completionRing.front
          XCTAssertEqual(completion?.status, failing == source ? .sourceError : .destinationError)
          XCTAssertEqual(c.pageMap[page], PageEntry(from), "map unchanged")
          XCTAssertEqual(c.access(.read(address(page: page, word: 7))).data, [0x1234_5678])
          XCTAssertEqual(c.access(.read(address(page: page, word: 8))).data, [0x9999])
          XCTAssertTrue(c.interruptStatus.contains(.dmaError))
        }
      }
    }
  }
}

/// Random migrations between random free frames of all tiers, each followed by writes and reads
/// to the page being moved and elsewhere, with faults injected into copies now and then.
struct MigrationStress {
  var controller: TierController
  var rng: SplitMix64
  var shadow: [UInt64: UInt64] = [:]
  var free: [Tier: [Int]] = [:]
  var pending: [Int: DMADescriptor] = [:]
  let pages = 160

  init(seed: UInt64) {
    controller = mappedController(pages: pages)
    rng = SplitMix64(seed: seed)
    for tier in Tier.allCases {
      let used = Set(controller.pageMap.filter { $0.location.tier == tier }.map(\.location.frame))
      free[tier] = (0..<controller.timing.frames(tier)).filter { !used.contains($0) }
    }
  }

  struct Result {
    var migrations = 0, failedCopies = 0, writesToMigratingPages = 0, checkedWords = 0
    var mismatches: [String] = []
  }

  mutating func run(migrations target: Int) -> Result {
    var result = Result()
    while result.migrations < target {
      if let page = startMigration() {
        for _ in 0..<Int(rng.next() % 3 + 1) {
          if controller.pageMap[page].migrating { result.writesToMigratingPages += 1 }
          write(page: page)
        }
        if rng.next() % 2 == 0 { check(page: Int(rng.next() % UInt64(pages)), into: &result) }
        write(page: Int(rng.next() % UInt64(pages)))
      } else {
        controller.idle(until: controller.clock + 1_000)
      }
      reap(into: &result)
    }
    controller.idle(until: controller.clock + 10_000_000)
    reap(into: &result)
    for key in shadow.keys.sorted() { checkWord(key, into: &result) }
    return result
  }

  mutating func startMigration() -> Int? {
    let page = Int(rng.next() % UInt64(pages))
    let entry = controller.pageMap[page]
    guard !entry.migrating else { return nil }
    let tier = Tier.allCases[Int(rng.next() % 3)]
    guard var frames = free[tier], !frames.isEmpty else { return nil }
    let frame = frames.remove(at: Int(rng.next() % UInt64(frames.count)))
    free[tier] = frames
    if rng.next() % 50 == 0 {
      controller.withStore(rng.next() % 2 == 0 ? entry.location.tier : tier) { $0.failNextAccesses = 1 }
    }
    let d = DMADescriptor.migrate(page: page, from: entry.location, to: FrameAddress(tier, frame), pageSize: 4096)
    let index = controller.submittedCount
    guard controller.submit(d) else {
      free[tier]!.append(frame)
      return nil
    }
    pending[index] = d
    controller.withStore(entry.location.tier) { $0.failNextAccesses = 0 }
    controller.withStore(tier) { $0.failNextAccesses = 0 }
    return page
  }

  mutating func write(page: Int) {
    let word = Int(rng.next() % 512)
    let value = rng.next()
    let a = address(page: page, word: word)
    let enables = UInt8(truncatingIfNeeded: rng.next() % 4 == 0 ? rng.next() : 0xFF)
    let r = controller.access(.write(a, [value], byteEnables: [enables]))
    guard r.status == .ok else { return }
    let mask = byteMask(enables)
    shadow[a] = (shadow[a] ?? 0) & ~mask | value & mask
  }

  mutating func check(page: Int, into result: inout Result) {
    let word = Int(rng.next() % 512)
    checkWord(address(page: page, word: word), into: &result)
  }

  mutating func checkWord(_ a: UInt64, into result: inout Result) {
    let r = controller.access(.read(a))
    result.checkedWords += 1
    if r.status != .ok || r.data != [shadow[a] ?? 0] {
      result.mismatches.append("address \(a): read \(r.data) (\(r.status)), wrote \(shadow[a] ?? 0)")
    }
  }

  mutating func reap(into result: inout Result) {
    while let c = controller.completionRing.front {
      controller.completionRing.head += 1
      guard let d = pending.removeValue(forKey: c.descriptor) else { continue }
      if c.status == .ok {
        result.migrations += 1
        free[d.source.tier]!.append(d.source.frame)
      } else {
        result.failedCopies += 1
        free[d.destination.tier]!.append(d.destination.frame)
      }
    }
  }
}
