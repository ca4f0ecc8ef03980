/// MPSSE command encoder: builds the byte stream the FT2232H MPSSE engine executes.
///
/// Opcodes and argument layouts follow FTDI AN_108 "Command Processor for MPSSE and MCU Host
/// Bus Emulation Modes" (section 3). Lengths are encoded as `length - 1`, little endian.
/// SPI mode 0 is used throughout: data out on the falling (-ve) edge, in on the rising
/// (+ve) edge, MSB first.
public struct MPSSECommands: Sendable, Equatable {
  public private(set) var bytes: [UInt8] = []
  /// Number of reply bytes the commands queued so far will produce.
  public private(set) var expectedReplyCount = 0

  public init() {}

  public enum Opcode {
    /// AN_108 3.3.1: clock data bytes out on -ve edge, MSB first, no read.
    public static let bytesOutFalling: UInt8 = 0x11
    /// AN_108 3.3.5: clock data bytes in on +ve edge, MSB first, no write.
    public static let bytesInRising: UInt8 = 0x20
    /// AN_108 3.3.9: bytes out on -ve edge and in on +ve edge, MSB first.
    public static let bytesInOut: UInt8 = 0x31
    /// AN_108 3.6.1: set data bits low byte (ADBUS): value, direction.
    public static let setLowBits: UInt8 = 0x80
    /// AN_108 3.6.2: set data bits high byte (ACBUS): value, direction.
    public static let setHighBits: UInt8 = 0x82
    /// AN_108 3.7.1 / 3.7.2: connect / disconnect TDI-TDO loopback.
    public static let loopbackOn: UInt8 = 0x84
    public static let loopbackOff: UInt8 = 0x85
    /// AN_108 3.8.2: set TCK/SK divisor (low, high).
    public static let setClockDivisor: UInt8 = 0x86
    /// AN_108 5.1: send immediate (flush the reply buffer back to the host).
    public static let sendImmediate: UInt8 = 0x87
    /// AN_108 6.1 / 6.2: disable / enable the clock divide-by-5 (60 MHz / 12 MHz base).
    public static let disableDivideBy5: UInt8 = 0x8A
    public static let enableDivideBy5: UInt8 = 0x8B
    /// AN_108 6.4: disable 3-phase data clocking.
    public static let disableThreePhase: UInt8 = 0x8D
    /// AN_108 6.5 / 6.6: clock for n bits / n x 8 bits with no data transfer.
    public static let clockBitsNoData: UInt8 = 0x8E
    public static let clockBytesNoData: UInt8 = 0x8F
    /// AN_108 6.10: disable adaptive clocking.
    public static let disableAdaptiveClocking: UInt8 = 0x97
    /// Any invalid opcode is answered with 0xFA followed by the opcode (AN_108 4.2).
    public static let bogus: UInt8 = 0xAA
    public static let badCommandReply: UInt8 = 0xFA
  }

  /// Maximum bytes per data command (16-bit length field).
  public static let maxDataLength = 65536

  public mutating func append(raw: [UInt8], replies: Int = 0) {
    bytes += raw
    expectedReplyCount += replies
  }

  /// 0x80 value direction.
  public mutating func setLowBits(value: UInt8, direction: UInt8) {
    bytes += [Opcode.setLowBits, value, direction]
  }

  /// 0x82 value direction.
  public mutating func setHighBits(value: UInt8, direction: UInt8) {
    bytes += [Opcode.setHighBits, value, direction]
  }

  /// 0x86 low high.
  public mutating func setClockDivisor(_ divisor: UInt16) {
    bytes += [Opcode.setClockDivisor, UInt8(divisor & 0xFF), UInt8(divisor >> 8)]
  }

  /// Data bytes out (0x11), split into chunks of at most 65536 bytes.
  public mutating func write<C: Collection>(_ data: C) where C.Element == UInt8 {
    var rest = data[...]
    while !rest.isEmpty {
      let chunk = rest.prefix(Self.maxDataLength)
      bytes += Self.dataHeader(Opcode.bytesOutFalling, count: chunk.count)
      bytes += chunk
      rest = rest.dropFirst(chunk.count)
    }
  }

  /// Data bytes out (0x11) from an array: the common case, without generic slicing.
  public mutating func write(_ data: [UInt8]) {
    var start = 0
    while start < data.count {
      let n = min(data.count - start, Self.maxDataLength)
      bytes += Self.dataHeader(Opcode.bytesOutFalling, count: n)
      bytes.append(contentsOf: data[start..<(start + n)])
      start += n
    }
  }

  /// Data bytes in (0x20), `count` replies.
  public mutating func read(count: Int) {
    var remaining = count
    while remaining > 0 {
      let n = min(remaining, Self.maxDataLength)
      bytes += Self.dataHeader(Opcode.bytesInRising, count: n)
      remaining -= n
    }
    expectedReplyCount += count
  }

  /// Data bytes in and out (0x31): one reply byte per byte sent.
  public mutating func transfer<C: Collection>(_ data: C) where C.Element == UInt8 {
    var rest = data[...]
    while !rest.isEmpty {
      let chunk = rest.prefix(Self.maxDataLength)
      bytes += Self.dataHeader(Opcode.bytesInOut, count: chunk.count)
      bytes += chunk
      expectedReplyCount += chunk.count
      rest = rest.dropFirst(chunk.count)
    }
  }

  /// Clock `bytes * 8` cycles with no data (0x8F): a delay executed by the cable itself,
  /// without a USB round trip. Split into 65536-byte commands.
  public mutating func idleClockBytes(_ count: Int) {
    var remaining = count
    while remaining > 0 {
      let n = min(remaining, Self.maxDataLength)
      bytes += Self.dataHeader(Opcode.clockBytesNoData, count: n)
      remaining -= n
    }
  }

  /// 0x87: make the chip return its reply buffer now.
  public mutating func sendImmediate() {
    bytes.append(Opcode.sendImmediate)
  }

  /// An invalid opcode (0xAA); the engine answers 0xFA 0xAA (sync check).
  public mutating func bogusCommand() {
    bytes.append(Opcode.bogus)
    expectedReplyCount += 2
  }

  static func dataHeader(_ opcode: UInt8, count: Int) -> [UInt8] {
    precondition(count >= 1 && count <= maxDataLength, "MPSSE length \(count) out of 1...65536")
    let l = count - 1
    return [opcode, UInt8(l & 0xFF), UInt8((l >> 8) & 0xFF)]
  }

  /// Clock divisor for the highest SCK not above `hz`, with the 60 MHz base (divide-by-5
  /// off): SCK = 60 MHz / ((1 + divisor) * 2) (AN_108 3.8.2).
  public static func clockDivisor(forHz hz: Int) -> UInt16 {
    precondition(hz > 0)
    let base = 30_000_000
    let d = (base + hz - 1) / hz - 1  // ceil(base / hz) - 1
    return UInt16(clamping: max(0, d))
  }

  /// The SCK frequency a divisor gives with the 60 MHz base.
  public static func clockHz(divisor: UInt16) -> Int {
    30_000_000 / (1 + Int(divisor))
  }
}

/// ADBUS pin assignment for SPI: SCK ADBUS0, MOSI ADBUS1, MISO ADBUS2, CS# on ADBUS3 or 4.
public struct SPIPins: Sendable, Equatable {
  public var chipSelect: Int

  public init(chipSelect: Int) {
    self.chipSelect = chipSelect
  }

  public static let sck: UInt8 = 1 << 0
  public static let mosi: UInt8 = 1 << 1
  public static let miso: UInt8 = 1 << 2

  public var csMask: UInt8 { UInt8(1) << UInt8(chipSelect) }
  /// Outputs: SCK, MOSI, CS#. MISO and other pins are inputs.
  public var direction: UInt8 { Self.sck | Self.mosi | csMask }
  /// Idle: CS# high, SCK low (mode 0), MOSI low.
  public var idle: UInt8 { csMask }
  /// Selected: CS# low.
  public var selected: UInt8 { 0 }
}

extension MPSSECommands {
  public mutating func chipSelect(_ pins: SPIPins, asserted: Bool) {
    setLowBits(value: asserted ? pins.selected : pins.idle, direction: pins.direction)
  }

  /// Command stream that configures the engine for SPI: 60 MHz base, no 3-phase,
  /// no adaptive clocking, loopback off, divisor, pins idle.
  public static func spiSetup(pins: SPIPins, divisor: UInt16) -> MPSSECommands {
    var c = MPSSECommands()
    c.append(raw: [Opcode.disableDivideBy5, Opcode.disableAdaptiveClocking,
                   Opcode.disableThreePhase, Opcode.loopbackOff])
    c.setClockDivisor(divisor)
    c.setLowBits(value: pins.idle, direction: pins.direction)
    return c
  }
}
