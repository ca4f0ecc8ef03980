import Firmware
import TierFirmwareSupport
import TierModel
import XCTest

/// The manager's bookkeeping against the transaction-level model: its shadow of the map, its
/// free frames and its hot-list reading must agree with what the model itself holds.
final class TierManagerTests: XCTestCase {
  /// The firmware's shadow map and free pools, checked against the model's map: every mapped
  /// page where the model says, and the free frames exactly those no page occupies.
  func assertBookkeepingMatchesTheModel(_ m: TestMachine, file: StaticString = #filePath, line: UInt = #line) {
    let placement = m.manager.placement
    var occupied: [Set<Int>] = [[], [], []]
    for (page, entry) in m.model.pageMap.enumerated() {
      XCTAssertFalse(entry.migrating, "page \(page) still migrating", file: file, line: line)
      guard entry.valid else {
        XCTAssertNil(placement.location(of: UInt32(page)), file: file, line: line)
        continue
      }
      let shadow = placement.location(of: UInt32(page))
      XCTAssertEqual(shadow?.tier.rawValue, UInt32(entry.location.tier.rawValue), "page \(page)", file: file, line: line)
      XCTAssertEqual(shadow.map { Int($0.index) }, entry.location.frame, "page \(page)", file: file, line: line)
      XCTAssertTrue(occupied[Int(entry.location.tier.rawValue)].insert(entry.location.frame).inserted,
                    "the model maps \(entry.location) twice", file: file, line: line)
    }
    for tier in MemoryTier.allCases {
      let t = Int(tier.rawValue)
      XCTAssertEqual(placement.freeFrames(tier), m.frames[t] - occupied[t].count, "free \(tier) frames", file: file, line: line)
    }
  }

  func testItTakesOverAMappedControllerWithExactPools() throws {
    let m = try TestMachine(dram: 8, flash: 16, disk: 32, pages: 30)
    XCTAssertEqual(m.manager.placement.pageCount, 30)
    XCTAssertEqual(m.manager.placement.freeFrames(.dram), 0)
    XCTAssertEqual(m.manager.placement.freeFrames(.flash), 0)
    XCTAssertEqual(m.manager.placement.freeFrames(.disk), 26, "30 pages: 8 in DRAM, 16 in flash, 6 on disk")
    XCTAssertEqual(m.manager.placement.location(of: 9), TierFrame(.flash, 1))
    XCTAssertEqual(m.manager.placement.dramResident(3), 3)
    assertBookkeepingMatchesTheModel(m)
  }

  func testItRefusesAMapWithAFrameMappedTwiceOrOutsideItsTier() throws {
    let timing = TierTiming.defaults(timeScale: 1000, dramPages: 4, flashPages: 4, diskPages: 4)
    var c = try TierController(timing: timing, pageCount: 6)
    c.mapInOrder()
    c.writeMapEntry(page: 5, PageEntry(FrameAddress(.flash, 0)))  // page 4 is there already
    XCTAssertThrowsError(try TierManager(hal: TierModelHAL(controller: c), baseAddress: 0x2000_0000, frames: [4, 4, 4],
                                         settings: TierManagerSettings(epochCycles: 1000, promotionsPerEpoch: 1))) { error in
      XCTAssertEqual(error as? TierManagerError, .frameMappedTwice(frame: TierFrame(.flash, 0), firstPage: 4, secondPage: 5))
      XCTAssertTrue("\(error)".contains("pages 4 and 5 are both mapped to flash frame 0"), "\(error)")
    }
    c.writeMapEntry(page: 5, PageEntry(FrameAddress(.disk, 3)))
    XCTAssertThrowsError(try TierManager(hal: TierModelHAL(controller: c), baseAddress: 0x2000_0000, frames: [4, 4, 2],
                                         settings: TierManagerSettings(epochCycles: 1000, promotionsPerEpoch: 1))) { error in
      XCTAssertEqual(error as? TierManagerError, .frameOutsideTier(page: 5, frame: TierFrame(.disk, 3), frames: 2))
      XCTAssertTrue("\(error)".contains("that tier has 2 frames"), "\(error)")
    }
  }

  func testHotListsReachThePolicyAsPagesWithTheirCounts() throws {
    var m = try TestMachine(dram: 8, flash: 16, disk: 32, pages: 30)
    var policy = ScriptedPolicy(script: [:])
    m.manager.start(policy)
    for (page, times) in [(3, 5), (12, 2), (27, 1)] {
      for _ in 0..<times { m.touch(page, &policy) }
    }
    m.finishEpoch(&policy)
    m.finishEpoch(&policy)
    XCTAssertEqual(policy.seen.map(\.epoch), [0, 1])
    // Threshold 1, allocation (first-touch) order, whole pages as units.
    XCTAssertEqual(policy.seen[0].hot, [HotPage(page: 3, count: 5), HotPage(page: 12, count: 2), HotPage(page: 27, count: 1)])
    XCTAssertEqual(policy.seen[1].hot, [])
  }

  func testMovesAndExchangesLandWhereThePolicyAskedWithTheDataIntact() throws {
    var m = try TestMachine(dram: 4, flash: 8, disk: 16, pages: 14)
    // DRAM and flash are full (pages 0-11), pages 12 and 13 are on disk. Page 13 cannot move to
    // DRAM; page 9 (flash) takes the frame of DRAM page 1, which goes to disk.
    var policy = ScriptedPolicy(script: [0: [.move(page: 13, to: .dram), .exchange(page: 9, victim: 1, victimTo: .disk)]])
    for page in [13, 9, 1] { m.touch(page, write: 0xABC0 + UInt64(page), &policy) }
    m.manager.start(policy)
    m.finishEpoch(&policy)
    XCTAssertTrue(m.manager.finishCopies(&policy))
    XCTAssertEqual(m.model.pageMap[13].location.tier, .disk, "DRAM has no free frame: the move is skipped")
    XCTAssertEqual(m.manager.statistics.skippedMoves, 1)
    XCTAssertEqual(m.model.pageMap[9].location, FrameAddress(.dram, 1), "page 9 took the frame page 1 left")
    XCTAssertEqual(m.model.pageMap[1].location.tier, .disk)
    XCTAssertEqual(m.manager.statistics.promotions, 1)
    XCTAssertEqual(m.manager.statistics.demotions, 1)
    for page in [13, 9, 1] {
      XCTAssertEqual(m.touch(page, &policy).data, [0xABC0 + UInt64(page)], "page \(page)")
    }
    assertBookkeepingMatchesTheModel(m)
  }

  func testAFailedCopyLeavesThePageWhereItWasAndFreesTheDestination() throws {
    var m = try TestMachine(dram: 4, flash: 8, disk: 16, pages: 12)
    // Page 10 (flash frame 6) to disk, whose first free frame fails; then page 11 to disk again.
    m.hal.controller.withStore(.disk) { $0.faultyFrames = [0] }
    var policy = ScriptedPolicy(script: [0: [.move(page: 10, to: .disk)], 1: [.move(page: 11, to: .disk)]])
    m.manager.start(policy)
    m.finishEpoch(&policy)
    XCTAssertTrue(m.manager.finishCopies(&policy))
    XCTAssertEqual(m.manager.statistics.failedCopies, 1)
    XCTAssertEqual(m.model.pageMap[10].location, FrameAddress(.flash, 6))
    assertBookkeepingMatchesTheModel(m)
    m.hal.controller.withStore(.disk) { $0.faultyFrames = [] }
    m.finishEpoch(&policy)
    XCTAssertTrue(m.manager.finishCopies(&policy))
    XCTAssertEqual(m.model.pageMap[11].location, FrameAddress(.disk, 0), "the frame of the failed copy was free again, and taken first")
    assertBookkeepingMatchesTheModel(m)
  }
}

/// The boot-time map set-up, against the model's own in-order mapping.
final class TierMapSetupTests: XCTestCase {
  func testBootMappingEqualsTheModelsInOrderMapping() throws {
    let timing = TierTiming.defaults(timeScale: 1000, dramPages: 4, flashPages: 6, diskPages: 8)
    var reference = try TierController(timing: timing, pageCount: 20)
    reference.mapInOrder()
    // Garbage mapped in every entry first, as a previous run of the firmware might leave it.
    var c = try TierController(timing: timing, pageCount: 20)
    for page in 0..<20 { c.writeMapEntry(page: page, PageEntry(encoded: UInt32(truncatingIfNeeded: page &* 0x9E37_79B9) | 1 << 31)) }
    let hal = TierModelHAL(controller: c)
    hal.recording = true
    let control = TierControl(bus: hal, baseAddress: hal.baseAddress)
    XCTAssertEqual(control.mapPagesInOrder(frames: [4, 6, 8]), 18)
    XCTAssertEqual(hal.controller.pageMap, reference.pageMap, "pages 18 and 19 find no frame and are unmapped")
    XCTAssertEqual(hal.log.filter { $0.isWrite && $0.register == .mapControl }.map(\.value), [MapControlBits.clear],
                   "MAP_EXTENT was 20: the map is cleared before it is written")
  }

  /// On a fresh map (MAP_EXTENT 0, as after reset) only the mapped entries are written, and the
  /// manager reads only the entries below MAP_EXTENT.
  func testAFreshMapIsWrittenAndReadOnlyAsFarAsItIsMapped() throws {
    let timing = TierTiming.defaults(timeScale: 1000, dramPages: 4, flashPages: 6, diskPages: 8)
    let hal = TierModelHAL(controller: try TierController(timing: timing, pageCount: 1_000))
    hal.recording = true
    let control = TierControl(bus: hal, baseAddress: hal.baseAddress)
    XCTAssertEqual(control.mapPagesInOrder(frames: [2, 3, 0]), 5)
    XCTAssertEqual(hal.log.filter { $0.isWrite && $0.register == .mapWrite }.count, 5)
    XCTAssertFalse(hal.log.contains { $0.isWrite && $0.register == .mapControl }, "a fresh map needs no clear")
    XCTAssertEqual(control.readMapExtent().pages, 5)
    let before = hal.log.count
    let manager = try TierManager(hal: hal, baseAddress: hal.baseAddress, frames: [4, 6, 8],
                                  settings: TierManagerSettings(epochCycles: 1000, promotionsPerEpoch: 1))
    XCTAssertEqual(manager.pagesScanned, 5)
    XCTAssertEqual(hal.log[before...].filter { $0.register == .mapEntry }.count, 5)
    XCTAssertEqual(manager.placement.location(of: 4), TierFrame(.flash, 2))
    XCTAssertNil(manager.placement.location(of: 5))
    XCTAssertEqual(manager.placement.freeFrames(.dram), 2, "DRAM frames 2 and 3 are free")
  }
}
