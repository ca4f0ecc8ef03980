import XCTest
@testable import TierModel

/// Every register of the controller through the bus firmware uses.
final class RegisterSemanticsTests: XCTestCase {
  func testIdentificationAndCapabilities() {
    var c = mappedController(pages: 100)
    XCTAssertEqual(c.read(.id), 0x5452_0101, "\"TR\", version 1.1 (1.1 added MAP_CONTROL and MAP_EXTENT)")
    XCTAssertEqual(c.read(.capability), 12 | 16 << 8 | 4 << 16, "4 KiB pages, 16-bit counters, 4 copies in flight")
    XCTAssertEqual(c.read(.pageCount), 100)
    XCTAssertEqual(c.read(.ringSizes), 256 | 16 << 16 | 16 << 24)
    for register in [TierRegister.id, .capability, .pageCount, .ringSizes, .faultAddressLow, .faultInfo, .hotStatus,
                     .hotTail, .hotEntryLow, .dmaHead, .dmaTail, .completionTail, .completionEntry] {
      let before = c.read(register)
      c.write(register, 0xFFFF_FFFF)
      XCTAssertEqual(c.read(register), before, "\(register) is read only")
    }
  }

  func testInterruptStatusIsWriteOneToClearAndEnableMasksTheLine() {
    var c = mappedController(pages: 4)
    c.writeMapEntry(page: 2, .unmapped)
    c.access(.read(address(page: 2)))
    c.write(.dmaSource, 3 << 24)  // tier code 3: refused, DMA_ERROR
    c.write(.dmaSubmit, 1)
    XCTAssertEqual(c.read(.interruptStatus), 0b101)
    XCTAssertFalse(c.interruptLine)
    c.write(.interruptEnable, 0xFFFF_FFFF)
    XCTAssertEqual(c.read(.interruptEnable), 0x1F)
    XCTAssertTrue(c.interruptLine)
    c.write(.interruptStatus, 0b001)
    XCTAssertEqual(c.read(.interruptStatus), 0b100)
    c.write(.interruptStatus, 0)
    XCTAssertEqual(c.read(.interruptStatus), 0b100, "writing 0 clears nothing")
  }

  func testMapEntriesAreReadAndWrittenThroughIndexAndEntry() {
    var c = mappedController(pages: 100)
    XCTAssertEqual(c.mapEntry(page: 40), PageEntry(FrameAddress(.flash, 8)))
    c.write(.mapIndex, 40)
    XCTAssertEqual(c.read(.mapEntry), 0x8100_0008, "VALID, TIER 1, FRAME 8")
    c.write(.mapWrite, 0xC200_0011)  // VALID, MIGRATING (ignored), disk frame 17
    XCTAssertEqual(c.read(.mapEntry), 0x8200_0011)
    XCTAssertEqual(c.read(.mapWrite), 0x8200_0011)
    c.write(.mapEntry, 0)
    XCTAssertEqual(c.read(.mapEntry), 0x8200_0011, "MAP_ENTRY is read only")
    XCTAssertEqual(c.access(.write(address(page: 40), [5])).servedBy, FrameAddress(.disk, 17))

    c.submit(.migrate(page: 40, from: FrameAddress(.disk, 17), to: FrameAddress(.dram, 31), pageSize: 4096))
    XCTAssertEqual(c.read(.mapEntry), 0xC200_0011, "MIGRATING while the copy runs")
    c.write(.mapWrite, 0)
    XCTAssertEqual(c.read(.mapEntry), 0xC200_0011, "a migrating page's entry cannot be written")
    c.idle(until: c.clock + 100_000)
    XCTAssertEqual(c.read(.mapEntry), 0x8000_001F)
  }

  func testDescriptorsAndCompletionsGoThroughTheirRings() {
    var c = mappedController(pages: 100)
    let copy = DMADescriptor(from: FrameAddress(.dram, 1), to: FrameAddress(.flash, 60), length: 64, interruptOnCompletion: true)
    XCTAssertEqual(copy.words, [0x0000_0001, 0x0100_003C, 64, 0x0200_0000])
    c.access(.write(address(page: 1, word: 7), [0x77]))
    XCTAssertTrue(c.submit(copy))
    XCTAssertEqual(c.read(.dmaTail), 1)
    XCTAssertEqual(c.read(.dmaHead), 1, "taken at once: a copy slot was free")
    XCTAssertEqual(c.read(.completionEntry), 0, "nothing completed yet")
    c.idle(until: c.clock + 10_000)
    XCTAssertEqual(c.read(.completionEntry), 0x8000_0000, "VALID, descriptor 0, STATUS ok")
    XCTAssertEqual(c.read(.interruptStatus), InterruptCauses.dmaDone.rawValue)
    XCTAssertEqual(c.store(.flash).word(frame: 60, at: 7), 0x77)
    XCTAssertEqual(c.store(.flash).word(frame: 60, at: 8), 0, "64 bytes: 8 words")
    XCTAssertEqual(c.drainCompletions().map(\.descriptor), [0])
    XCTAssertEqual(c.read(.completionHead), 1)

    let bad = DMADescriptor(from: FrameAddress(.dram, 1), to: FrameAddress(.flash, 60), length: 12)
    c.submit(bad)
    c.idle(until: c.clock + 10)
    XCTAssertEqual(c.read(.completionEntry), 0x8003_0001, "descriptor 1, STATUS bad descriptor (length not whole beats)")
  }

  func testTheDescriptorRingRefusesWhenFull() throws {
    var c = try TierController(timing: smallTiming(), pageCount: 8, maxInFlight: 1, descriptorRingSize: 4, completionRingSize: 16)
    c.mapInOrder()
    let d = DMADescriptor(from: FrameAddress(.disk, 1), to: FrameAddress(.disk, 2), length: 4096)
    let accepted = (0..<6).map { _ in c.submit(d) }
    XCTAssertEqual(accepted, [true, true, true, true, false, false], "one copying, three waiting in a 4-slot ring")
    XCTAssertEqual(c.read(.dmaTail), 4)
    XCTAssertEqual(c.read(.dmaHead), 1)
  }

  func testHotListEntriesAreReadAtTheHead() {
    var c = mappedController(pages: 16)
    c.write(.hotThreshold, 2)
    c.write(.hotEpochCycles, 1_000)
    c.write(.hotFillThreshold, 1)
    c.write(.hotControl, HotControlBits.enable | HotControlBits.trackReads | HotControlBits.trackWrites | 12 << 8 | 1 << 16)
    XCTAssertEqual(c.read(.hotControl), 0b1101 | 12 << 8 | 1 << 16)
    XCTAssertEqual(c.read(.hotStatus) & 1, 1)
    for _ in 0..<6 { c.access(.read(address(page: 3))) }
    c.idle(until: 1_000)
    XCTAssertEqual(c.read(.hotTail), 1)
    XCTAssertEqual(c.read(.hotEntryLow), 3 << 16 | 3, "unit 3, count 3 (every other request sampled)")
    XCTAssertEqual(c.read(.hotEntryHigh), 0)
    XCTAssertEqual(c.read(.hotStatus) & 0b100, 0b100, "LEVEL")
    c.write(.hotHead, 1)
    XCTAssertEqual(c.read(.hotEntryLow), 0, "empty")
  }
}
