import XCTest
@testable import Flash

/// Byte-exact checks against the command tables of FTDI AN_108 ("Command Processor for MPSSE
/// and MCU Host Bus Emulation Modes"): opcode, then LengthL/LengthH = n - 1, then data.
final class MPSSEEncoderTests: XCTestCase {
  func testDataCommandsMatchAN108() {
    var c = MPSSECommands()
    c.write([0x9F])  // 3.3.2 0x11: bytes out on -ve edge, MSB first
    c.read(count: 3)  // 3.3.5 0x20: bytes in on +ve edge, MSB first
    c.transfer([0x01, 0x02])  // 3.3.9 0x31: in on +ve, out on -ve
    XCTAssertEqual(c.bytes, [0x11, 0x00, 0x00, 0x9F, 0x20, 0x02, 0x00, 0x31, 0x01, 0x00, 0x01, 0x02])
    XCTAssertEqual(c.expectedReplyCount, 5)
  }

  func testLongTransfersSplitAt65536() {
    var c = MPSSECommands()
    c.read(count: 65537)
    XCTAssertEqual(c.bytes, [0x20, 0xFF, 0xFF, 0x20, 0x00, 0x00])
    var w = MPSSECommands()
    w.write([UInt8](repeating: 0x5A, count: 65536 + 2))
    XCTAssertEqual(Array(w.bytes[0..<3]), [0x11, 0xFF, 0xFF])
    XCTAssertEqual(Array(w.bytes[(3 + 65536)..<(3 + 65536 + 3)]), [0x11, 0x01, 0x00])
    XCTAssertEqual(w.bytes.count, 6 + 65538)
  }

  func testPinsDivisorAndControlOpcodes() {
    var c = MPSSECommands()
    c.setLowBits(value: 0x08, direction: 0x0B)  // 3.6.1
    c.setHighBits(value: 0x00, direction: 0x00)  // 3.6.2
    c.setClockDivisor(0x1234)  // 3.8.2: ValueL, ValueH
    c.idleClockBytes(2)  // 0x8F LengthL LengthH: (n+1)*8 clocks
    c.sendImmediate()  // 0x87
    c.bogusCommand()  // 0xAA, answered FA AA
    XCTAssertEqual(c.bytes, [0x80, 0x08, 0x0B, 0x82, 0x00, 0x00, 0x86, 0x34, 0x12, 0x8F, 0x01, 0x00, 0x87, 0xAA])
    XCTAssertEqual(c.expectedReplyCount, 2)
  }

  func testClockDivisorFrom60MHzBase() {
    // SCK = 60 MHz / ((1 + div) * 2): the highest clock not above the request.
    XCTAssertEqual(MPSSECommands.clockDivisor(forHz: 30_000_000), 0)
    XCTAssertEqual(MPSSECommands.clockDivisor(forHz: 40_000_000), 0)
    XCTAssertEqual(MPSSECommands.clockDivisor(forHz: 15_000_000), 1)
    XCTAssertEqual(MPSSECommands.clockDivisor(forHz: 12_000_000), 2)  // 10 MHz
    XCTAssertEqual(MPSSECommands.clockDivisor(forHz: 1_000_000), 29)
    XCTAssertEqual(MPSSECommands.clockDivisor(forHz: 400), 0xFFFF)  // clamped: 457 Hz
    XCTAssertEqual(MPSSECommands.clockHz(divisor: 2), 10_000_000)
  }

  func testSPISetupAndChipSelectPins() {
    let cs3 = SPIPins(chipSelect: 3)
    XCTAssertEqual(MPSSECommands.spiSetup(pins: cs3, divisor: 0).bytes,
                   [0x8A, 0x97, 0x8D, 0x85, 0x86, 0x00, 0x00, 0x80, 0x08, 0x0B])
    let cs4 = SPIPins(chipSelect: 4)
    XCTAssertEqual(cs4.direction, 0x13)
    XCTAssertEqual(cs4.idle, 0x10)
    var c = MPSSECommands()
    c.chipSelect(cs4, asserted: true)
    c.chipSelect(cs4, asserted: false)
    XCTAssertEqual(c.bytes, [0x80, 0x00, 0x13, 0x80, 0x10, 0x13])
  }
}
