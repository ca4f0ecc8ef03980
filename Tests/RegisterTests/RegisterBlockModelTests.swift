import XCTest
import Cores

/// The reference model on its own, against values worked out by hand from the system
/// controller's description: it is what the RTL is compared with, so it must be right itself.
final class RegisterBlockModelTests: XCTestCase {
  func testSystemControllerSemantics() throws {
    var model = RegisterBlockModel(try systemControlRegisters(boardID: 0x00AB))
    XCTAssertEqual(model.read(0x00), 0x5354_00AB, "ID: MAGIC 0x5354 over BOARD")
    XCTAssertEqual(model.read(0x04), 0x0001_0000, "VERSION 1.0")
    let node = model.cycle(["mmio_valid": 1, "mmio_address": 0x0C, "node_index_in": 6])
    XCTAssertEqual(node["mmio_rdata"], 6, "NODE.INDEX reads the strap")
    XCTAssertTrue(model.write(0x08, 0xDEAD_BEEF, strobe: 0b0101))
    XCTAssertEqual(model.read(0x08), 0x00AD_00EF, "only bytes 0 and 2 written")

    // Hardware raises DOORBELL and DMA_DONE; software acknowledges DOORBELL only.
    _ = model.cycle(["interrupt_status_doorbell_set": 1, "interrupt_status_dma_done_set": 1])
    XCTAssertEqual(model.read(0x10), 0b0101)
    model.write(0x10, 0b0001)
    XCTAssertEqual(model.read(0x10), 0b0100)

    // SOFT_RESET: written 1 stays 1 (and is seen by hardware) until the sequencer clears it.
    model.write(0x20, 1)
    XCTAssertEqual(model.cycle([:])["control_soft_reset_out"], 1)
    model.write(0x20, 0)
    XCTAssertEqual(model.read(0x20), 1, "writing 0 to a W1S bit changes nothing")
    _ = model.cycle(["control_soft_reset_clear": 1])
    XCTAssertEqual(model.read(0x20), 0)

    XCTAssertNil(model.read(0x24), "past the last register")
    XCTAssertNil(model.read(0x0A), "misaligned")
    XCTAssertFalse(model.write(0x30, 1))
  }

  func testReadToClearAndWritePulses() throws {
    var model = RegisterBlockModel(try everyAccessMap())
    XCTAssertEqual(model.read(0x18), 0x10)
    XCTAssertEqual(model.read(0x18), 0, "cleared by the first read")
    let out = model.cycle(["mmio_valid": 1, "mmio_write": 1, "mmio_address": 0x0, "mmio_strobe": 0b1000])
    XCTAssertEqual(out["config_mode_written"], 0, "MODE lies in byte 0, which was not strobed")
  }

  /// `.load` (docs/registers.md): the strobe stores `_load_value` over a software write in the
  /// same cycle, `_clear` wins over it, and a read-only loaded field ignores software writes.
  func testLoadStoresTheHardwareValue() throws {
    var model = RegisterBlockModel(try everyAccessMap())
    XCTAssertEqual(model.read(0x1C), 0x05A0_1234, "SENDER 0x5A in 27:20, WORD 0x1234 in 15:0")
    _ = model.cycle(["mmio_valid": 1, "mmio_write": 1, "mmio_address": 0x1C, "mmio_wdata": 0x0FF0_BEEF, "mmio_strobe": 0xF,
                     "mailbox_word_load": 1, "mailbox_word_load_value": 0xCAFE])
    XCTAssertEqual(model.read(0x1C), 0x05A0_CAFE, "the load wins over the write; SENDER is read-only")
    model.write(0x1C, 0x0000_4321)
    XCTAssertEqual(model.read(0x1C), 0x05A0_4321, "WORD is still software-writable")
    _ = model.cycle(["mailbox_sender_load": 1, "mailbox_sender_load_value": 0x1C3, "mailbox_word_load_value": 0xFFFF])
    XCTAssertEqual(model.read(0x1C), 0x0C30_4321, "only the strobed field loads, truncated to its 8 bits")
    _ = model.cycle(["mailbox_sender_load": 1, "mailbox_sender_load_value": 0x77, "mailbox_sender_clear": 1])
    XCTAssertEqual(model.read(0x1C), 0x0000_4321, "clear wins over load")
  }
}
