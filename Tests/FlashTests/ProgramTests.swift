import FTDIEmulator
import XCTest
@testable import Flash

final class ProgramTests: XCTestCase {
  /// Writes `data` at `offset` on an erased part, checks the emulated array directly and
  /// the driver's read-back, and that bytes around the range are untouched.
  func roundTrip(size: Int, offset: Int, part: UInt32 = 0xEF4018, flashSize: Int = 16 << 20) throws -> WriteStats {
    Emulator(jedecID: part, size: flashSize).reset()
    let s = try openSession()
    defer { s.close() }
    // Neighbours with content that must survive the sector erases.
    if offset > 0 { Emulator.load([0x11], at: offset - 1) }
    if offset + size < flashSize { Emulator.load([0x22], at: offset + size) }
    let data = testBytes(size, seed: UInt64(size))
    let stats = try s.programmer.write(data, at: offset)
    XCTAssertTrue(Emulator.bytes(offset..<(offset + size)) == data, "array differs for \(size) bytes")
    XCTAssertTrue(try s.programmer.read(address: offset, count: size) == data)
    if offset > 0 { XCTAssertEqual(Emulator.bytes((offset - 1)..<offset), [0x11]) }
    if offset + size < flashSize { XCTAssertEqual(Emulator.bytes((offset + size)..<(offset + size + 1)), [0x22]) }
    return stats
  }

  func testOneByte() throws {
    let st = try roundTrip(size: 1, offset: 0x12345)
    XCTAssertEqual(st.pagesProgrammed, 1)  // one page: the byte and its restored neighbours
  }

  func testOnePagePlusOne() throws {
    _ = try roundTrip(size: 257, offset: 0x20000)
  }

  func testOneSectorPlusOne() throws {
    _ = try roundTrip(size: 4097, offset: 0x30000)
  }

  func testOneMiBUsesFewUSBRoundTripsPerPage() throws {
    Emulator().reset()
    let s = try openSession()
    defer { s.close() }
    Emulator.load(testBytes(1 << 20, seed: 99), at: 0x100000)  // old content: erases needed
    femu_clear_counters()
    let data = testBytes(1 << 20)
    let st = try s.programmer.write(data, at: 0x100000)
    let c = Emulator.counters
    XCTAssertTrue(Emulator.bytes(0x100000..<0x200000) == data)
    XCTAssertEqual(st.pagesProgrammed, 4096)
    XCTAssertEqual(c.program_operations, 4096)
    XCTAssertEqual(st.erases, [65536: 16])  // least-time plan: sixteen 64 KiB erases
    // WREN before every program and erase; page programs (0x02) and 64 KiB erases (0xD8);
    // reads are fast reads (0x0B), 64 KiB per transaction.
    XCTAssertEqual(femu_opcode_count(0x06), 4096 + 16)
    XCTAssertEqual(femu_opcode_count(0x02), 4096)
    XCTAssertEqual(femu_opcode_count(0xD8), 16)
    XCTAssertEqual(femu_opcode_count(0x03), 0)
    XCTAssertEqual(femu_opcode_count(0x0B), 32)  // read-compare + verify
    let perPage = Double(c.round_trips) / 4096
    // Documented bound (BENCHMARKS.md): reads, erases, programs and verify together stay
    // at or under 1/8 of a round trip per 256-byte page (16 pages share one transfer).
    XCTAssertLessThanOrEqual(perPage, 0.125, "round trips \(c.round_trips)")
    print("1 MiB write: \(c.round_trips) USB round trips = \(perPage) per page")
  }

  func testThirtyTwoMiBWithFourByteAddressing() throws {
    let start = Date()
    Emulator(jedecID: 0xEF4019, size: 32 << 20).reset()
    let s = try openSession()
    defer { s.close() }
    XCTAssertEqual(s.part.addressBytes, 4)
    s.flash.cableDelays = false  // busy times are off: skip emulating idle clocks
    let data = testBytes(32 << 20, seed: 32)
    let st = try s.programmer.write(data, at: 0)
    XCTAssertEqual(st.pagesProgrammed, 131072)
    XCTAssertTrue(Emulator.bytes(0..<(32 << 20)) == data)
    // The top 16 MiB were reached with 4-byte addresses, not wrapped onto the bottom.
    XCTAssertTrue(try s.flash.read(address: (32 << 20) - 4096, count: 4096) == Array(data[((32 << 20) - 4096)...]))
    s.close()
    XCTAssertFalse(femu_flash_state().four_byte_mode, "left in 4-byte mode for the boot ROM")
    print("32 MiB write+verify: \(Date().timeIntervalSince(start)) s wall")
  }

  func testIncrementalWriteRewritesOnlyChangedSectors() throws {
    Emulator().reset()
    let s = try openSession()
    defer { s.close() }
    var data = testBytes(1 << 20, seed: 5)
    try s.programmer.write(data, at: 0)
    for a in [0x1234, 0x50000, 0xFFFFF] { data[a] ^= 0xFF }
    femu_clear_counters()
    let st = try s.programmer.write(data, at: 0)
    XCTAssertEqual(st.sectors, 256)
    XCTAssertEqual(st.sectorsUnchanged, 253)
    XCTAssertEqual(femu_counters().erase_operations, 3)
    XCTAssertEqual(femu_counters().program_operations, 3 * 16)
    XCTAssertTrue(Emulator.bytes(0..<(1 << 20)) == data)
    // Same data again: nothing erased or programmed.
    femu_clear_counters()
    let again = try s.programmer.write(data, at: 0)
    XCTAssertEqual(again.sectorsUnchanged, 256)
    XCTAssertEqual(femu_counters().erase_operations + femu_counters().program_operations, 0)
  }

  func testVerifyRetriesAMismatchingSectorOnce() throws {
    Emulator().reset()
    let s = try openSession()
    defer { s.close() }
    var armed = false
    s.programmer.progress = { p in
      if p.phase == .verifying && !armed {
        armed = true
        femu_fault_corrupt_read(0x4010, 0x01)
      }
    }
    let data = testBytes(8192)
    let st = try s.programmer.write(data, at: 0x4000)
    XCTAssertEqual(st.verifyRetries, 1)
    XCTAssertTrue(Emulator.bytes(0x4000..<0x6000) == data)
  }

  func testVerifyMismatchNamesAddressAndBothBytes() throws {
    Emulator().reset()
    let s = try openSession()
    defer { s.close() }
    let data = [UInt8](repeating: 0x00, count: 4096)
    // Every verify read of 0x8010 comes back with bit 0 flipped.
    s.programmer.progress = { p in if p.phase == .verifying { femu_fault_corrupt_read(0x8010, 0x01) } }
    XCTAssertThrowsError(try s.programmer.write(data, at: 0x8000)) { e in
      XCTAssertEqual(e as? FlashError, .verifyMismatch(address: 0x8010, expected: 0x00, actual: 0x01))
      XCTAssertTrue("\(e)".contains("verify failed at flash address 0x008010: expected 00, read 01"), "\(e)")
    }
  }

  func testRefusedWriteEnable() throws {
    Emulator().reset()
    let s = try openSession()
    defer { s.close() }
    femu_fault_refuse_write_enable(true)
    XCTAssertThrowsError(try s.programmer.write([1, 2, 3], at: 0)) { e in
      guard case .writeEnableRejected = e as? FlashError else { return XCTFail("\(e)") }
      XCTAssertTrue("\(e)".contains("write-enable latch"), "\(e)")
    }
  }

  func testStuckBusyTimesOut() throws {
    Emulator().reset()
    let s = try openSession()
    defer { s.close() }
    femu_fault_stuck_busy(true)
    XCTAssertThrowsError(try s.programmer.write([1, 2, 3], at: 0x1000)) { e in
      guard case .timeout(let op, let address, let waited) = e as? FlashError else { return XCTFail("\(e)") }
      XCTAssertEqual(address, 0x1000)
      XCTAssertTrue(op.contains("page program"), op)
      XCTAssertGreaterThan(waited, 3_000)  // beyond tPP max (3 ms)
      XCTAssertTrue("\(e)".contains("longer than its datasheet maximum"), "\(e)")
    }
  }

  func testBlockProtectionIsReportedAndClearedOnlyOnRequest() throws {
    Emulator().reset()
    femu_set_status_register(0x04)  // BP0: upper 1/64 (256 KiB) of 16 MiB
    let s = try openSession()
    defer { s.close() }
    let (status, range) = try s.programmer.protection()
    XCTAssertEqual(status.blockProtect, 1)
    XCTAssertEqual(range, (16 << 20) - 0x40000..<(16 << 20))
    XCTAssertThrowsError(try s.programmer.write([1], at: (16 << 20) - 1)) { e in
      XCTAssertEqual(e as? FlashError, .writeProtected(statusRegister: 0x04, protectedStart: 0xFC0000, protectedEnd: 0x1000000))
      XCTAssertTrue("\(e)".contains("--unprotect"), "\(e)")
    }
    // Outside the protected range writes are fine, and the bits stay set.
    try s.programmer.write([1], at: 0)
    XCTAssertEqual(femu_status_register() & 0x1C, 0x04)
    let (before, after) = try s.programmer.unprotect()
    XCTAssertEqual(before & 0x1C, 0x04)
    XCTAssertEqual(after & 0x3C, 0)
    XCTAssertEqual(femu_status_register() & 0x3C, 0)
    try s.programmer.write([1], at: (16 << 20) - 1)
    XCTAssertEqual(Emulator.bytes(((16 << 20) - 1)..<(16 << 20)), [1])
  }
}

final class ProtectionDecodingTests: XCTestCase {
  func testNonWinbondProtectionBitsCountAsWholeChip() throws {
    // Macronix decodes bits 2..5 as BP0..BP3: the flasher does not guess the range.
    Emulator(jedecID: 0xC22018).reset()
    femu_set_status_register(0x04)
    let s = try openSession()
    defer { s.close() }
    XCTAssertEqual(try s.programmer.protection().range, 0..<(16 << 20))
    XCTAssertThrowsError(try s.programmer.write([1], at: 0)) { e in
      guard case .writeProtected = e as? FlashError else { return XCTFail("\(e)") }
    }
  }
}

final class DeviceLostTests: XCTestCase {
  func testPowerCutDuringAWriteIsReportedAsALostDevice() throws {
    Emulator().reset()
    let s = try openSession()
    Emulator.load([0x00], at: 0x3000)  // non-blank: needs an erase
    femu_fault_power_cut_after(1)
    XCTAssertThrowsError(try s.programmer.write(testBytes(8192), at: 0x2000)) { e in
      guard case .deviceLost = e as? FlashError else { return XCTFail("\(e)") }
      XCTAssertTrue("\(e)".contains("the FTDI device disappeared"), "\(e)")
      XCTAssertTrue("\(e)".contains("rerun the same command"), "\(e)")
    }
    femu_power_restore()
    // A new session after power returns finishes the job.
    let again = try openSession()
    defer { again.close() }
    try again.programmer.write(testBytes(8192), at: 0x2000)
    XCTAssertTrue(Emulator.bytes(0x2000..<0x4000) == testBytes(8192))
  }
}
