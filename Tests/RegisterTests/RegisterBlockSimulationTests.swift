import XCTest
import Cores

/// The CSR RTL under Icarus, the second simulator besides Verilator: directed checks of each
/// access type against values worked out by hand from the access definitions (see `Access`),
/// then a seeded random run of the every-access map against `RegisterBlockModel`, cycle by
/// cycle, on every output. The system controller's random run is under Verilator
/// (SimulationTests: `RegisterBlockAgainstModelTests`, with `RegisterSimulationTests`).
final class RegisterBlockSimulationTests: XCTestCase {
  let map = try! everyAccessMap()
  // Offsets of `everyAccessMap`.
  let config: UInt64 = 0x0, ident: UInt64 = 0x4, status: UInt64 = 0xC, request: UInt64 = 0x10, events: UInt64 = 0x18

  /// Runs `cycles` after one reset cycle and returns the outputs of those cycles.
  func run(_ cycles: [[String: UInt64]]) throws -> [[String: UInt64]] {
    Array(try simulateRegisterBlock(map, [resetCycle] + cycles.map { $0.merging(["rst": 0]) { a, _ in a } }).dropFirst())
  }

  func testResetValuesReadBack() throws {
    let out = try run([access(write: false, config), access(write: false, ident).merging(["ident_depth_in": 0xBEEF]) { $1 },
                       access(write: false, status), access(write: false, request), access(write: false, events)])
    // CONFIG: LIMIT 0x80 in 31:24, THRESHOLD 0xA5 in 19:12, MODE 5 in 2:0.
    XCTAssertEqual(out[0]["mmio_rdata"], 0x800A_5005)
    // IDENT: DEPTH from hardware in 23:8, REVISION 0x2C in 7:0.
    XCTAssertEqual(out[1]["mmio_rdata"], 0x00BE_EF2C)
    XCTAssertEqual(out[2]["mmio_rdata"], 0x0000_0300, "STATUS.FAULTS resets to 0x3 in bits 11:8")
    XCTAssertEqual(out[3]["mmio_rdata"], 0)
    XCTAssertEqual(out[4]["mmio_rdata"], 0x10, "EVENTS.OVERFLOW resets to 1 in bits 5:4")
    for o in out {
      XCTAssertEqual(o["mmio_ready"], 1)
      XCTAssertEqual(o["mmio_error"], 0)
    }
    XCTAssertEqual(out[0]["config_mode_out"], 5)
    XCTAssertEqual(out[0]["config_limit_out"], 0x80)
  }

  func testReadWriteHonoursByteStrobes() throws {
    let out = try run([
      access(write: true, config, data: 0xFFFF_FFFF, strobe: 0b0100),  // byte 2 only: THRESHOLD bits 19:16
      access(write: false, config),
      access(write: true, config, data: 0x1234_5673, strobe: 0b1011),  // bytes 0, 1, 3
      access(write: false, config),
    ])
    XCTAssertEqual(out[0]["config_mode_written"], 0, "byte 0 was not strobed")
    XCTAssertEqual(out[1]["mmio_rdata"], 0x800F_5005, "THRESHOLD 0xA5 → 0xF5: only its upper nibble is in byte 2")
    XCTAssertEqual(out[2]["config_mode_written"], 1)
    // LIMIT ← 0x12, THRESHOLD low nibble ← 0x5 (bits 15:12 of 0x...56..), MODE ← 3 (bits 2:0 of 0x73).
    XCTAssertEqual(out[3]["mmio_rdata"], 0x120F_5003)
    XCTAssertEqual(out[3]["config_threshold_out"], 0xF5)
  }

  func testReadOnlyIgnoresWrites() throws {
    let out = try run([access(write: true, ident, data: 0xFFFF_FFFF), access(write: false, ident)])
    XCTAssertEqual(out[0]["mmio_error"], 0, "a write to a read-only register is accepted and ignored")
    XCTAssertEqual(out[1]["mmio_rdata"], 0x2C)
  }

  func testLoadStoresTheHardwareValue() throws {
    let mailbox: UInt64 = 0x1C
    let out = try run([
      access(write: true, mailbox, data: 0x0FF0_BEEF).merging(["mailbox_word_load": 1, "mailbox_word_load_value": 0xCAFE]) { $1 },
      access(write: false, mailbox),
      ["mailbox_sender_load": 1, "mailbox_sender_load_value": 0xC3, "mailbox_word_load_value": 0xFFFF],
      access(write: false, mailbox).merging(["mailbox_sender_load": 1, "mailbox_sender_load_value": 0x77, "mailbox_sender_clear": 1]) { $1 },
      access(write: false, mailbox),
    ])
    XCTAssertEqual(out[1]["mmio_rdata"], 0x05A0_CAFE, "the load wins over the same cycle's write; SENDER (RO) keeps its reset 0x5A")
    XCTAssertEqual(out[1]["mailbox_word_out"], 0xCAFE)
    XCTAssertEqual(out[3]["mmio_rdata"], 0x0C30_CAFE, "SENDER loaded 0xC3; WORD kept (no strobe)")
    XCTAssertEqual(out[4]["mmio_rdata"], 0x0000_CAFE, "clear wins over load")
  }

  func testWriteOneToClearAndHardwareSetWins() throws {
    let out = try run([
      ["status_done_set": 1],
      access(write: false, status),                                   // DONE=1, FAULTS=0x3
      access(write: true, status, data: 0x0000_0101, strobe: 0b0011),  // clears DONE and FAULTS bit 0
      access(write: false, status),
      access(write: true, status, data: 0x1, strobe: 0x1).merging(["status_done_set": 1]) { $1 },  // set wins
      access(write: false, status),
      access(write: true, status, data: 0xFFFF_FFFF, strobe: 0b0001),  // byte 1 not strobed: FAULTS stay
      access(write: false, status),
    ])
    XCTAssertEqual(out[1]["mmio_rdata"], 0x301)
    XCTAssertEqual(out[2]["status_faults_written"], 1)
    XCTAssertEqual(out[3]["mmio_rdata"], 0x200)
    XCTAssertEqual(out[5]["mmio_rdata"], 0x201, "a hardware set in the cycle of a software clear is not lost")
    XCTAssertEqual(out[6]["status_faults_written"], 0)
    XCTAssertEqual(out[7]["mmio_rdata"], 0x200)
  }

  func testWriteOneToSetAndHardwareClear() throws {
    let out = try run([
      access(write: true, request, data: 0x8000_0001),
      access(write: false, request),
      access(write: true, request, data: 0x2),                          // sets GO bit 1, keeps bit 0
      ["request_go_clear": 1],
      access(write: false, request),
      access(write: true, request, data: 0x3).merging(["request_go_clear": 1]) { $1 },  // clear wins
      access(write: false, request),
    ])
    XCTAssertEqual(out[1]["mmio_rdata"], 0x8000_0001)
    XCTAssertEqual(out[3]["request_go_out"], 3)
    XCTAssertEqual(out[4]["mmio_rdata"], 0x8000_0000, "LOCK stays set: it has no hardware clear")
    XCTAssertEqual(out[6]["mmio_rdata"], 0x8000_0000)
  }

  func testReadToClear() throws {
    let out = try run([
      access(write: false, events),
      access(write: false, events),
      ["events_overflow_set": 1],
      access(write: true, events, data: 0),
      access(write: false, events).merging(["events_overflow_set": 1]) { $1 },
      access(write: false, events),
    ])
    XCTAssertEqual(out[0]["mmio_rdata"], 0x10, "the read returns the value before clearing")
    XCTAssertEqual(out[0]["events_overflow_read"], 1)
    XCTAssertEqual(out[1]["mmio_rdata"], 0)
    XCTAssertEqual(out[4]["mmio_rdata"], 0x30, "writes are ignored")
    XCTAssertEqual(out[5]["mmio_rdata"], 0x30, "a hardware set in the cycle of the read wins")
  }

  func testUnmappedAndMisalignedAddressesAnswerWithError() throws {
    let out = try run([access(write: false, 0x8), access(write: false, 0x1), access(write: true, 0x14, data: 0xFFFF_FFFF),
                       access(write: false, config), idle])
    XCTAssertEqual(out[0]["mmio_error"], 1, "0x8 is a hole in the map")
    XCTAssertEqual(out[0]["mmio_rdata"], 0)
    XCTAssertEqual(out[1]["mmio_error"], 1, "0x1 is not aligned to a register")
    XCTAssertEqual(out[2]["mmio_error"], 1)
    XCTAssertEqual(out[3]["mmio_rdata"], 0x800A_5005, "the refused write changed nothing")
    XCTAssertEqual(out[4]["mmio_ready"], 0)
    XCTAssertEqual(out[4]["mmio_error"], 0)
  }

  func testRandomAccessesMatchTheModel() throws {
    try checkRegisterBlockAgainstModel(map, seed: 0x5EED_0001, cycles: 4000)
  }

  /// The NTB function's map (a small shape): loads from the peer, doorbell sets, W1C status.
  func testNTBMapMatchesTheModel() throws {
    let layout = try NTBLayout(memoryWindows: 1, windowSize: 1 << 16, lutEntries: 0, scratchpads: 16, doorbells: 20)
    try checkRegisterBlockAgainstModel(try ntbRegisters(layout), seed: 0x5EED_0003, cycles: 1500)
  }

}
