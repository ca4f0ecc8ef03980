import XCTest

import Board

/// The SPI clock of an FT2232H in MPSSE mode: 60 MHz / (2 × (divisor + 1)).
final class FTDIClockTests: XCTestCase {
  func testTheDivisorGivesTheClock() {
    XCTAssertEqual(FTDICable.spiClock(divisor: 0), 30_000_000)
    XCTAssertEqual(FTDICable.spiClock(divisor: 1), 15_000_000)
    XCTAssertEqual(FTDICable.spiClock(divisor: 2), 10_000_000)
    XCTAssertEqual(FTDICable.spiClock(divisor: 29), 1_000_000)
  }

  func testOnlyClocksADivisorMakesExactlyHaveADivisor() {
    XCTAssertEqual(FTDICable.clockDivisor(forExactly: 15_000_000), 1)
    XCTAssertEqual(FTDICable.clockDivisor(forExactly: 7_500_000), 3)
    XCTAssertNil(FTDICable.clockDivisor(forExactly: 12_000_000))
    XCTAssertNil(FTDICable.clockDivisor(forExactly: 60_000_000))
    XCTAssertNil(FTDICable.clockDivisor(forExactly: 0))
  }

  func testTheNearestExactClocksSurroundTheRequestedOne() {
    XCTAssertEqual(FTDICable.nearestClocks(to: 12_000_000).below, 10_000_000)
    XCTAssertEqual(FTDICable.nearestClocks(to: 12_000_000).above, 15_000_000)
    // 30 MHz / 7 is not a whole number of hertz, so 4.5 MHz lies between 5 MHz and 3.75 MHz.
    XCTAssertEqual(FTDICable.nearestClocks(to: 4_500_000).below, 3_750_000)
    XCTAssertEqual(FTDICable.nearestClocks(to: 4_500_000).above, 5_000_000)
  }

  func testAboveTheFastestClockOnlyTheFastestIsNearest() {
    XCTAssertEqual(FTDICable.nearestClocks(to: 40_000_000).below, 30_000_000)
    XCTAssertNil(FTDICable.nearestClocks(to: 40_000_000).above)
  }

  func testTheCableKnowsTheDivisorForItsClock() {
    XCTAssertEqual(cable(clock: 10_000_000).clockDivisor, 2)
    XCTAssertEqual(cable(clock: 30_000_000).clockDivisor, 0)
  }

  func testAClockNoDivisorMakesRoundsDownSoTheFlashIsNeverOverclocked() {
    XCTAssertEqual(cable(clock: 12_000_000).clockDivisor, 2, "10 MHz, not 15 MHz")
    XCTAssertEqual(cable(clock: 100_000_000).clockDivisor, 0)
    XCTAssertEqual(cable(clock: 1).clockDivisor, FTDICable.maxClockDivisor)
  }

  private func cable(clock: Int) -> FTDICable {
    FTDICable(vendorID: 0x0403, productID: 0x6010, interface: .a, chipSelect: 3, spiClockHz: clock)
  }
}
