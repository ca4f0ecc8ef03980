import FTDIEmulator
import XCTest
@testable import Flash

final class SlotTests: XCTestCase {
  let target = FlashTarget(jedecID: 0xEF4015, regions: smallLayout, boardID: 7)

  /// `fast`: busy times are off in these emulators, so skip emulating the cable's idle
  /// clocks (the operation sequence is the same).
  func session(fast: Bool = false) throws -> FlashSession {
    let s = try openSession(target)
    s.flash.cableDelays = !fast
    return s
  }

  func testUpdatesAlternateSlotsWithIncreasingSequence() throws {
    Emulator(jedecID: 0xEF4015, size: 2 << 20).reset()
    let s = try session()
    defer { s.close() }
    let slots = try s.slots()
    var seen: [(String, UInt64)] = []
    for k in 1...3 {
      let img = makeImage(size: 20_000 + k, seed: UInt64(k))
      let r = try slots.update(img)
      seen.append((r.slot.name, r.sequence))
      let boot = ReferenceBoot.boot(smallLayout, boardID: 7)
      XCTAssertEqual(boot?.body, img.body)
      XCTAssertEqual(boot?.sequence, UInt64(k))
      XCTAssertEqual(ImageSlots.active([try slots.inspect(slots.slotA), try slots.inspect(slots.slotB)])?.header?.sequence, UInt64(k))
    }
    XCTAssertEqual(seen.map(\.0), ["a", "b", "a"])
    XCTAssertEqual(seen.map(\.1), [1, 2, 3])
  }

  func testIncrementalSlotUpdateSkipsMatchingSectors() throws {
    Emulator(jedecID: 0xEF4015, size: 2 << 20).reset()
    let s = try session()
    defer { s.close() }
    let slots = try s.slots()
    let v1 = makeImage(size: 200_000, seed: 1)
    _ = try slots.update(v1)  // -> a
    _ = try slots.update(makeImage(size: 100_000, seed: 2))  // -> b
    var body = v1.body
    body[150_000] ^= 0x80
    let v3 = FirmwareImage(header: ImageHeader(boardID: 7, body: body, loadAddress: 0x8000_0000, entryPoint: 0x8000_0100), body: body)
    femu_clear_counters()
    let r = try slots.update(v3)  // -> a again, which still holds v1
    XCTAssertEqual(r.slot.name, "a")
    // Sector 0 (header page) and the changed sector only.
    XCTAssertEqual(r.stats.sectors - r.stats.sectorsUnchanged, 2)
    XCTAssertEqual(femu_counters().erase_operations, 2)
    XCTAssertEqual(ReferenceBoot.boot(smallLayout, boardID: 7)?.body, body)
  }

  /// Power is cut during the k-th program/erase operation of an update, for every k.
  /// Whatever k, a bootable image remains, and it is the newest complete one.
  func testPowerCutAtEveryStepLeavesNewestCompleteImageBootable() throws {
    let emu = Emulator(jedecID: 0xEF4015, size: 2 << 20)
    emu.reset()
    let old = makeImage(size: 30_000, seed: 10)
    let new = makeImage(size: 33_000, seed: 11)
    do {
      let s = try session(fast: true)
      let slots = try s.slots()
      _ = try slots.update(makeImage(size: 40_000, seed: 9))  // a, seq 1
      _ = try slots.update(old)  // b, seq 2
      s.close()
    }
    let snapshot = Emulator.bytes(0..<(2 << 20))

    // Uninterrupted, to count the operations of the update.
    femu_clear_counters()
    do {
      let s = try session(fast: true)
      _ = try s.slots().update(new)
      s.close()
    }
    let total = Int(femu_counters().erase_operations + femu_counters().program_operations)
    XCTAssertGreaterThan(total, 100)

    var outcomes: [String: Int] = [:]
    for k in 0...total {
      emu.reset()
      Emulator.load(snapshot)
      femu_fault_power_cut_after(UInt64(k))
      var completed = false
      do {
        let s = try session(fast: true)
        _ = try s.slots().update(new)
        completed = true
        s.close()
      } catch let e as FlashError {
        guard case .deviceLost = e else { return XCTFail("cut after \(k): \(e)") }
      }
      femu_power_restore()
      let boot = ReferenceBoot.boot(smallLayout, boardID: 7)
      if completed || k == total - 1 {
        // Completed, or cut during the header program after the body was verified: the
        // new image is complete; the half-programmed header page still holds all 64 bytes.
        XCTAssertEqual(boot?.body, new.body, "cut after \(k)")
        XCTAssertEqual(boot?.sequence, 3)
      } else {
        XCTAssertEqual(boot?.body, old.body, "cut after \(k) of \(total)")
        XCTAssertEqual(boot?.sequence, 2)
      }
      outcomes[boot?.body == new.body ? "new" : "old", default: 0] += 1
      // Our own inspection agrees with the reference after power returns, and a rerun
      // of the update completes.
      let s = try session(fast: true)
      let slots = try s.slots()
      let active = ImageSlots.active([try slots.inspect(slots.slotA), try slots.inspect(slots.slotB)])
      XCTAssertEqual(active?.header?.sequence, boot?.sequence)
      if !completed && k % 16 == 0 {
        _ = try slots.update(new)
        XCTAssertEqual(ReferenceBoot.boot(smallLayout, boardID: 7)?.body, new.body)
      }
      s.close()
    }
    XCTAssertEqual(outcomes["old"], total - 1)
    print("power cut outcomes over \(total + 1) runs: \(outcomes)")
  }

  func testImageTooLargeForSlot() throws {
    Emulator(jedecID: 0xEF4015, size: 2 << 20).reset()
    let s = try session()
    defer { s.close() }
    femu_clear_counters()
    XCTAssertThrowsError(try s.slots().update(makeImage(size: 0xF0000, seed: 1))) { e in
      XCTAssertEqual(e as? FlashError, .imageTooLarge(bytes: 0xF0000 + 256, slot: "a", capacity: 0xF0000))
      XCTAssertTrue("\(e)".contains("image too large for slot a"), "\(e)")
    }
    XCTAssertEqual(femu_counters().erase_operations + femu_counters().program_operations, 0)
  }

  func testBoardIDMismatch() throws {
    Emulator(jedecID: 0xEF4015, size: 2 << 20).reset()
    let s = try session()
    defer { s.close() }
    XCTAssertThrowsError(try s.slots().update(makeImage(boardID: 8, size: 100, seed: 1))) { e in
      XCTAssertEqual(e as? FlashError, .boardMismatch(imageBoardID: 8, boardID: 7))
      XCTAssertTrue("\(e)".contains("built for board id 8 but the board file says 7"), "\(e)")
    }
    XCTAssertEqual(femu_counters().erase_operations, 0)
  }

  func testLayoutWithoutSlots() throws {
    Emulator(jedecID: 0xEF4015, size: 2 << 20).reset()
    let s = try openSession(FlashTarget(regions: [smallLayout[0]]))
    defer { s.close() }
    XCTAssertThrowsError(try s.slots()) { e in
      XCTAssertTrue("\(e)".contains("slot_a and slot_b"), "\(e)")
    }
  }
}

final class SlotVerifyTests: XCTestCase {
  func testVerifyFindsTheBootingSlotAndNamesADifference() throws {
    Emulator(jedecID: 0xEF4015, size: 2 << 20).reset()
    let s = try openSession(FlashTarget(regions: smallLayout, boardID: 7))
    defer { s.close() }
    let slots = try s.slots()
    let img = makeImage(size: 5000, seed: 3)
    XCTAssertThrowsError(try slots.verify(img)) { e in
      XCTAssertTrue("\(e)".contains("no slot holds a bootable image (a: empty, b: empty)"), "\(e)")
    }
    _ = try slots.update(img)
    XCTAssertEqual(try slots.verify(img).region.name, "a")
    var other = img
    other.body[4000] ^= 0x10
    other.header = ImageHeader(boardID: 7, body: other.body, loadAddress: 0x8000_0000, entryPoint: 0x8000_0100)
    XCTAssertThrowsError(try slots.verify(other)) { e in
      // The header differs first (body CRC field at slot offset 12).
      guard case .verifyMismatch(let address, _, _) = e as? FlashError else { return XCTFail("\(e)") }
      XCTAssertEqual(address, 0x10000 + 12)
    }
  }
}
