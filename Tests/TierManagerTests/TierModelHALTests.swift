import Firmware
import TierFirmwareSupport
import TierModel
import XCTest

/// The HAL over the transaction-level model: registers at their addresses, time, interrupts.
final class TierModelHALTests: XCTestCase {
  func makeHAL() throws -> TierModelHAL {
    let timing = TierTiming.defaults(timeScale: 1000, dramPages: 4, flashPages: 4, diskPages: 4)
    var c = try TierController(timing: timing, pageCount: 8)
    c.mapInOrder()
    return TierModelHAL(controller: c, baseAddress: 0x1000_0000)
  }

  func testRegistersAnswerAtBasePlusTheirOffset() throws {
    let hal = try makeHAL()
    XCTAssertEqual(hal.read32(0x1000_0000) >> 16, 0x5452, "ID.MAGIC")
    XCTAssertEqual(hal.read32(0x1000_0008), 8, "PAGE_COUNT")
    hal.write32(0x1000_0024, 5)  // MAP_INDEX
    XCTAssertEqual(hal.read32(0x1000_0028), PageEntry(FrameAddress(.flash, 1)).encoded, "MAP_ENTRY of page 5")
    XCTAssertEqual(hal.read64(0x1000_004C), 0, "HOT_ENTRY_LOW/HIGH of an empty list, read as 64 bits")
  }

  func testWaitingForAnInterruptEndsWhenACopyCompletesOrOnTimeout() throws {
    let hal = try makeHAL()
    let control = TierControl(bus: hal, baseAddress: hal.baseAddress)
    var enable = TierControlRegisters.InterruptEnable()
    enable.dmaDone = true
    control.writeInterruptEnable(enable)
    XCTAssertEqual(hal.waitForInterrupt(lines: 1, timeoutCycles: 1_000), 0, "nothing pending: timeout")
    XCTAssertEqual(hal.cycles, 1_000)
    // Page 4 (flash frame 0) to disk frame 3 with INTERRUPT: a flash read, a page over the
    // 200 MB/s disk link (5,120 cycles) and a disk write (3,000 cycles) at the devkit's speeds.
    let d = DMADescriptor.migrate(page: 4, from: FrameAddress(.flash, 0), to: FrameAddress(.disk, 3), pageSize: 4096, interrupt: true)
    for (offset, word) in zip([0x60, 0x64, 0x68, 0x6C] as [UInt64], d.words) { hal.write32(hal.baseAddress + offset, word) }
    hal.write32(hal.baseAddress + 0x70, 1)
    let started = hal.cycles
    XCTAssertEqual(hal.waitForInterrupt(lines: 1, timeoutCycles: 100_000), 1)
    let timing = hal.controller.timing
    XCTAssertEqual(Int(hal.cycles - started),
                   timing.readLatency(.flash) + timing.transferCycles(.disk, bytes: 4096) + timing.writeLatency(.disk),
                   "woken in the cycle the copy completed")
    XCTAssertEqual(control.readInterruptStatus().dmaDone, true)
    XCTAssertEqual(hal.controller.pageMap[4].location, FrameAddress(.disk, 3))
  }
}
