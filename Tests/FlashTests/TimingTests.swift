import FTDIEmulator
import XCTest
@testable import Flash

/// With W25Q128JV datasheet busy times on: the cable waits the typical times itself, so
/// status is read once per operation and the total stays near the chip's own time.
final class TimingTests: XCTestCase {
  func testSixtyFourKiBNeedsNoExtraPollsAndStaysNearTheChipBound() throws {
    var e = Emulator()
    e.config.timing_enabled = true
    e.reset()
    let s = try openSession()
    defer { s.close() }
    Emulator.load(testBytes(65536, seed: 4), at: 0x40000)  // old content: one 64 KiB erase
    femu_clear_counters()
    let data = testBytes(65536, seed: 5)
    let st = try s.programmer.write(data, at: 0x40000)
    XCTAssertEqual(st.erases, [65536: 1])
    XCTAssertEqual(s.flash.pollRoundTrips, 0)
    XCTAssertTrue(Emulator.bytes(0x40000..<0x50000) == data)
    // Bound: tBE2 150 ms + 256 x tPP 0.4 ms + 2 x 64 KiB at 30 MHz (program data, verify).
    let erase: Double = 150_000_000
    let program: Double = 256 * 400_000
    let transfer: Double = 2 * 65536 * 8 * 1e9 / 30e6
    let bound = erase + program + transfer
    let ratio = Double(femu_counters().virtual_time_ns) / bound
    XCTAssertLessThan(ratio, 1.1, "virtual \(femu_counters().virtual_time_ns) ns vs bound \(bound)")
  }

  func testStatusWriteWaitsOutTW() throws {
    var e = Emulator()
    e.config.timing_enabled = true
    e.reset()
    femu_set_status_register(0x1C)  // BP = 7: everything protected
    let s = try openSession()
    defer { s.close() }
    XCTAssertThrowsError(try s.programmer.write([0], at: 0)) { e in
      guard case .writeProtected(_, 0, 0x1000000) = e as? FlashError else { return XCTFail("\(e)") }
    }
    try s.programmer.unprotect()
    try s.programmer.write([0], at: 0)
    XCTAssertEqual(Emulator.bytes(0..<1), [0])
  }
}
