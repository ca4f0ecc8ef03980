/// The four channels of an FTDI multi-channel chip, as libftdi numbers them.
public enum FTDIInterface: String, CaseIterable, Equatable, Sendable {
  case a = "A", b = "B", c = "C", d = "D"

  /// Only channels A and B of the FT2232H and FT4232H have an MPSSE engine, which SPI needs.
  public var hasMPSSE: Bool { self == .a || self == .b }
}

/// The USB cable (an FTDI FT2232H or similar in MPSSE mode) that programs the board's flash.
public struct FTDICable: Equatable, Sendable {
  /// The MPSSE base clock of the FT2232H/FT4232H/FT232H with divide-by-5 off.
  public static let mpsseBaseClockHz = 60_000_000
  /// The largest value of the 16-bit MPSSE clock divisor.
  public static let maxClockDivisor = 0xFFFF

  public var vendorID: UInt16
  public var productID: UInt16
  /// USB serial number string, to pick one cable among several; nil takes the first found.
  public var serial: String?
  /// USB bus and device address, another way to pick a cable; both or neither are set.
  public var bus: Int?
  public var address: Int?
  public var interface: FTDIInterface
  /// ADBUS pin wired to the flash's CS#: 3 (flashrom, openFPGALoader wiring) or 4 (iceprog).
  public var chipSelect: Int
  /// SPI clock, always one the MPSSE can make exactly: 60 MHz / (2 × (divisor + 1)).
  public var spiClockHz: Int

  public init(
    vendorID: UInt16, productID: UInt16, serial: String? = nil, bus: Int? = nil, address: Int? = nil,
    interface: FTDIInterface, chipSelect: Int, spiClockHz: Int
  ) {
    self.vendorID = vendorID
    self.productID = productID
    self.serial = serial
    self.bus = bus
    self.address = address
    self.interface = interface
    self.chipSelect = chipSelect
    self.spiClockHz = spiClockHz
  }

  /// The MPSSE clock divisor (command 0x86) for `spiClockHz`: exact for a cable read from a
  /// board file; for any other clock, the divisor of the fastest clock not above it, so the
  /// flash is never clocked faster than asked.
  public var clockDivisor: Int {
    let halfBase = FTDICable.mpsseBaseClockHz / 2
    let divisor = (halfBase + max(spiClockHz, 1) - 1) / max(spiClockHz, 1) - 1
    return min(max(divisor, 0), FTDICable.maxClockDivisor)
  }

  /// The SPI clock that `divisor` gives.
  public static func spiClock(divisor: Int) -> Int {
    mpsseBaseClockHz / (2 * (divisor + 1))
  }

  /// The divisor that gives exactly `hz`, or nil when no divisor does.
  public static func clockDivisor(forExactly hz: Int) -> Int? {
    guard hz > 0, (mpsseBaseClockHz / 2) % hz == 0 else { return nil }
    let divisor = mpsseBaseClockHz / 2 / hz - 1
    return (0...maxClockDivisor).contains(divisor) ? divisor : nil
  }

  /// The clocks a divisor gives exactly in whole hertz (the only ones a board file may
  /// name) closest to `hz` from below and from above; either is nil past the ends of the range.
  public static func nearestClocks(to hz: Int) -> (below: Int?, above: Int?) {
    let exactClocks = (0...maxClockDivisor).lazy
      .filter { (mpsseBaseClockHz / 2) % ($0 + 1) == 0 }
      .map { spiClock(divisor: $0) }
    // exactClocks falls as the divisor grows.
    let below = exactClocks.first { $0 <= hz }
    let above = exactClocks.last { $0 >= hz }
    return (below, above)
  }
}
