import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The page map's clear engine on the whole controller under Icarus (where memory starts as x,
/// so an entry the engine did not write reads as x, not as invalid): MAP_CONTROL.CLEAR after
/// reset and on firmware's command, one entry a cycle; requests wait and MAP_WRITE is refused
/// meanwhile; MAP_EXTENT bounds what firmware has mapped since. docs/tier.md, "Clearing the map".
final class TierMapClearTests: XCTestCase {
  static let shape = TierControllerLintTests.shape
  static let pages = shape.pageCount

  /// A stimulus table for the controller, with the row of each register read remembered.
  struct Script {
    var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
    var reads: [(row: Int, what: String)] = []
    let addressWidth: Int

    mutating func idle(_ cycles: Int = 2) {
      for _ in 0..<cycles { rows.append(["rst": v(1, 0), "mmio_valid": v(1, 0)]) }
    }

    mutating func reset() {
      rows.append(["rst": v(1, 1), "mmio_valid": v(1, 0), "req_valid": v(1, 0)])
    }

    mutating func write(_ register: TierRegister, _ value: UInt32) {
      rows.append(["rst": v(1, 0), "mmio_valid": v(1, 1), "mmio_write": v(1, 1), "mmio_address": v(addressWidth, register.rawValue),
                   "mmio_wdata": v(32, UInt64(value)), "mmio_strobe": v(4, 0xF)])
      idle()
    }

    /// Reads `register` in the next row (the register bus answers in the cycle it is asked).
    @discardableResult
    mutating func read(_ register: TierRegister, _ what: String) -> Int {
      reads.append((rows.count, what))
      rows.append(["rst": v(1, 0), "mmio_valid": v(1, 1), "mmio_write": v(1, 0), "mmio_address": v(addressWidth, register.rawValue)])
      return rows.count - 1
    }

    mutating func entry(_ page: Int, _ what: String) -> Int {
      write(.mapIndex, UInt32(page))
      let row = read(.mapEntry, what)
      idle()
      return row
    }

    mutating func map(_ page: Int, frame: Int) {
      write(.mapIndex, UInt32(page))
      write(.mapWrite, PageEntry(FrameAddress(.dram, frame)).encoded)
    }

    /// Polls MAP_CONTROL every cycle from now until CLEAR could have ended, `slack` cycles past a clear.
    mutating func pollClear(_ what: String, cycles: Int) -> Range<Int> {
      let first = rows.count
      for _ in 0..<cycles { read(.mapControl, what) }
      return first..<rows.count
    }

    func v(_ width: Int, _ value: UInt64) -> BitVector { BitVector(width: width, unsigned: value) }
  }

  func word(_ row: [String: BitVector], _ port: String) -> UInt32? { row[port].map { UInt32(truncatingIfNeeded: $0.words[0]) } }

  /// Rows in `range` where MAP_CONTROL.CLEAR read 1; nil if a read was x.
  func clearingRows(_ out: [[String: BitVector]], _ range: Range<Int>) -> [Int]? {
    var rows: [Int] = []
    for r in range {
      guard let value = word(out[r], "mmio_rdata") else { return nil }
      if value & MapControlBits.clear != 0 { rows.append(r) }
    }
    return rows
  }

  func testTheMapIsClearedAfterResetAndOnCommandOneEntryPerCycle() throws {
    let design = try Design(top: tierController(shape: Self.shape, frames: [16, 32, 64]))
    var s = Script(addressWidth: try tierControllerRegisters(shape: Self.shape).addressWidth)
    let pages = Self.pages

    // Right after reset: CLEAR reads 1 for exactly PAGE_COUNT cycles.
    let afterReset = s.pollClear("after reset", cycles: pages + 8)
    let emptyExtent = s.read(.mapExtent, "extent after the reset clear")
    var entriesAfterReset: [Int] = []
    for page in [0, 1, 31, pages - 1] { entriesAfterReset.append(s.entry(page, "page \(page) after reset")) }

    // Firmware maps pages 0–9 and page 40, then unmaps page 40: the extent is a high-water mark.
    for page in 0..<10 { s.map(page, frame: page) }
    s.map(40, frame: 12)
    let extent41 = s.read(.mapExtent, "extent after mapping 0–9 and 40")
    s.write(.mapIndex, 40)
    s.write(.mapWrite, 0)
    let extentAfterUnmap = s.read(.mapExtent, "extent after unmapping 40")
    let mappedBefore = s.entry(7, "page 7 mapped")

    // MAP_CLEAR by firmware, with a MAP_WRITE and a request arriving while it runs.
    s.write(.mapIndex, 3)
    s.rows.append(["rst": s.v(1, 0), "mmio_valid": s.v(1, 1), "mmio_write": s.v(1, 1), "mmio_address": s.v(s.addressWidth, TierRegister.mapControl.rawValue),
                   "mmio_wdata": s.v(32, UInt64(MapControlBits.clear)), "mmio_strobe": s.v(4, 0xF)])
    let commandRow = s.rows.count - 1
    let duringCommand = s.pollClear("during MAP_CLEAR", cycles: 5)
    s.write(.mapWrite, PageEntry(FrameAddress(.dram, 3)).encoded)  // refused: the clear is running
    // A one-beat read of page 3 (mapped before the clear), offered and held.
    let request: [String: BitVector] = ["req_valid": s.v(1, 1), "req_write": s.v(1, 0), "req_address": s.v(64, 3 * 4096 + 8),
                                        "req_beats": s.v(10, 1), "rsp_ready": s.v(1, 1)]
    let requestFrom = s.rows.count
    s.rows[requestFrom - 1].merge(request) { $1 }
    let rest = s.pollClear("rest of MAP_CLEAR", cycles: pages)
    s.rows[s.rows.count - 1].merge(["req_valid": s.v(1, 0)]) { $1 }
    let requestTo = s.rows.count
    s.idle(8)
    let refused = s.read(.mapControl, "WRITE_REFUSED after the write during the clear")
    let extentAfterClear = s.read(.mapExtent, "extent after MAP_CLEAR")
    let clearedEntries = [0, 3, 7, 9].map { s.entry($0, "page \($0) after MAP_CLEAR") }
    s.write(.mapControl, MapControlBits.writeRefused)
    let acknowledged = s.read(.mapControl, "WRITE_REFUSED acknowledged")

    // Entries written before a reset do not survive it.
    for page in 0..<4 { s.map(page, frame: page) }
    let beforeReset = s.entry(2, "page 2 before reset")
    s.reset()
    let afterSecondReset = s.pollClear("after the second reset", cycles: pages + 4)
    let entriesAfterSecondReset = [0, 2, 3].map { s.entry($0, "page \($0) after the second reset") }

    let out = try IcarusSimulation(design).run(s.rows)

    // The reset clear: rows 1...pages read CLEAR (the first row after reset is the engine's first cycle).
    XCTAssertEqual(clearingRows(out, afterReset), Array(1...pages), "CLEAR reads 1 for PAGE_COUNT cycles after reset")
    XCTAssertEqual(word(out[emptyExtent], "mmio_rdata"), 0)
    for row in entriesAfterReset { XCTAssertEqual(word(out[row], "mmio_rdata"), 0, "every entry invalid after reset (read in row \(row))") }
    XCTAssertEqual(word(out[extent41], "mmio_rdata"), 41)
    XCTAssertEqual(word(out[extentAfterUnmap], "mmio_rdata"), 41, "unmapping does not lower the extent")
    XCTAssertEqual(word(out[mappedBefore], "mmio_rdata"), PageEntry(FrameAddress(.dram, 7)).encoded)

    // The command's clear: CLEAR reads 1 from the row after the write for PAGE_COUNT rows.
    let clearing = (clearingRows(out, duringCommand) ?? []) + (clearingRows(out, rest) ?? [])
    XCTAssertEqual(clearing.first, commandRow + 1)
    let lastClearing = (commandRow + 1...requestTo).last { r in word(out[r], "mmio_rdata").map { $0 & 1 == 1 } ?? false && s.reads.contains { $0.row == r } }
    XCTAssertEqual(lastClearing, commandRow + pages, "MAP_CLEAR takes PAGE_COUNT cycles")
    // The request waited while the map was cleared, then faulted on the now invalid page.
    let readyRows = (requestFrom..<requestTo).filter { out[$0]["req_ready"].map { !$0.isZero } ?? false }
    XCTAssertEqual(readyRows.first, commandRow + pages + 1, "the request is taken the cycle after the clear ends")
    let answered = (requestFrom..<out.count).first { out[$0]["rsp_valid"].map { !$0.isZero } ?? false }
    XCTAssertNotNil(answered)
    if let answered { XCTAssertEqual(word(out[answered], "rsp_status"), 1, "a page fault: page 3's entry was cleared") }
    XCTAssertEqual(word(out[refused], "mmio_rdata"), MapControlBits.writeRefused, "the refused MAP_WRITE is reported")
    XCTAssertEqual(word(out[extentAfterClear], "mmio_rdata"), 0)
    for row in clearedEntries { XCTAssertEqual(word(out[row], "mmio_rdata"), 0, "invalid after MAP_CLEAR, the refused write included (row \(row))") }
    XCTAssertEqual(word(out[acknowledged], "mmio_rdata"), 0)

    XCTAssertEqual(word(out[beforeReset], "mmio_rdata"), PageEntry(FrameAddress(.dram, 2)).encoded)
    XCTAssertEqual(clearingRows(out, afterSecondReset)?.count, pages, "the second reset clears again")
    for row in entriesAfterSecondReset { XCTAssertEqual(word(out[row], "mmio_rdata"), 0, "invalid after the second reset (row \(row))") }
  }

  /// The model answers MAP_CONTROL and MAP_EXTENT with the same meaning (it clears at once).
  func testTheModelClearsAtOnceAndKeepsTheSameExtent() throws {
    var c = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64)
    XCTAssertEqual(c.readRegister(.mapExtent), 0)
    XCTAssertEqual(c.readRegister(.mapControl), 0, "the model's map is ready at once")
    for (page, frame) in [(0, 0), (9, 1), (40, 2)] {
      c.writeRegister(.mapIndex, UInt32(page))
      c.writeRegister(.mapWrite, PageEntry(FrameAddress(.dram, frame)).encoded)
    }
    c.writeRegister(.mapIndex, 40)
    c.writeRegister(.mapWrite, 0)
    XCTAssertEqual(c.readRegister(.mapExtent), 41)
    c.writeRegister(.mapControl, MapControlBits.clear)
    XCTAssertEqual(c.readRegister(.mapExtent), 0)
    XCTAssertTrue(c.pageMap.allSatisfy { !$0.valid })
    c.mapInOrder()
    XCTAssertEqual(c.readRegister(.mapExtent), 64)
  }
}
