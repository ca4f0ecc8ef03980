import Firmware
import TierFirmwareSupport
import TierModel
import XCTest

/// The manager's descriptors must not depend on which DMA lane finishes first, or the same policy
/// would decide differently on the RTL and on the model whenever their copies end in another
/// order (TierManagerOnRTLTests compares the two descriptor by descriptor).
final class ExchangeOrderTests: XCTestCase {
  /// Two exchanges on two lanes whose demotions finish in the opposite order: the first victim
  /// goes to disk (5,120 cycles of transfer at 200 MB/s and 3,000 of write latency at the
  /// devkit's time scale), the second to flash (512 + 125). The promotions into their frames
  /// still go out in plan order.
  func testExchangePromotionsFollowPlanOrderWhicheverDemotionFinishesFirst() throws {
    let timing = TierTiming.defaults(timeScale: 1000, dramPages: 4, flashPages: 8, diskPages: 16)
    var c = try TierController(timing: timing, pageCount: 10, maxInFlight: 2)
    c.mapInOrder()  // DRAM pages 0-3, flash pages 4-9 in frames 0-5; flash frames 6 and 7 free
    let hal = TierModelHAL(controller: c)
    var manager = try TierManager(hal: hal, baseAddress: hal.baseAddress, frames: [4, 8, 16],
                                  settings: TierManagerSettings(epochCycles: 100_000, promotionsPerEpoch: 4))
    var policy = ScriptedPolicy(script: [0: [.exchange(page: 8, victim: 0, victimTo: .disk),
                                             .exchange(page: 9, victim: 1, victimTo: .flash)]])
    manager.start(policy)
    hal.recording = true
    hal.wait(cycles: 100_000 + 64)
    manager.service(&policy)  // epoch 0 ended: both demotions submitted
    hal.wait(cycles: 20_000)  // both done before the manager looks again
    manager.service(&policy)
    XCTAssertTrue(manager.finishCopies(&policy))

    let completed = hal.log.filter { $0.register == .completionEntry && !$0.isWrite && $0.value >> 31 == 1 }.map { $0.value & 0xFFFF }
    XCTAssertEqual(completed.prefix(2), [1, 0], "the premise: the second demotion (to flash) completes first")
    let pushed = hal.log.filter { $0.register == .dmaControl && $0.isWrite }.map { $0.value & 0xFF_FFFF }
    XCTAssertEqual(pushed, [0, 1, 8, 9], "demotions of pages 0 and 1, then pages 8 and 9 into their frames, in plan order")
    XCTAssertEqual(hal.controller.pageMap[8].location, FrameAddress(.dram, 0))
    XCTAssertEqual(hal.controller.pageMap[9].location, FrameAddress(.dram, 1))
  }
}
