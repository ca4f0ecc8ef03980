import XCTest
@testable import TierModel

final class MemoryPortTests: XCTestCase {
  func testLatenciesFollowTheBoardFigures() {
    let t = smallTiming(timeScale: 1)
    // 250 MHz: 4 ns a cycle. DRAM 100 ns = 25 cycles; flash 80 µs = 20,000; disk 12 ms = 3,000,000.
    XCTAssertEqual(t.readLatency(.dram), 25)
    XCTAssertEqual(t.readLatency(.flash), 20_000)
    XCTAssertEqual(t.writeLatency(.flash), 125_000)
    XCTAssertEqual(t.readLatency(.disk), 3_000_000)
    // A 4 KiB page: 512 beats at one a cycle, unless the store is slower (disk 200 MB/s:
    // 4096 B / 200 MB/s = 20.48 µs = 5,120 cycles).
    XCTAssertEqual(t.transferCycles(.dram, bytes: 4096), 512)
    XCTAssertEqual(t.transferCycles(.disk, bytes: 4096), 5_120)
    XCTAssertEqual(smallTiming(timeScale: 1000).readLatency(.disk), 3_000)
  }

  func testReadsReturnWhatWasWrittenWithByteEnablesAndBursts() {
    var c = mappedController(pages: 200)
    for page in [0, 40, 150] {  // DRAM, flash, disk
      XCTAssertEqual(c.access(.write(address(page: page, word: 10), [0x1111_2222_3333_4444, 0x5555])).status, .ok)
      c.access(.write(address(page: page, word: 10), [0xFFFF_FFFF_FFFF_FFFF], byteEnables: [0b1000_0001]))
      XCTAssertEqual(c.access(.read(address(page: page, word: 9), beats: 3)).data, [0, 0xFF11_2222_3333_44FF, 0x5555])
    }
  }

  func testAccessLatencyIsLookupPlusStoreLatencyPlusTransfer() {
    var c = mappedController(pages: 200)
    // Disk: 2 lookup + 3,000 latency + 32 bytes at 200 MB/s (0.8 bytes a cycle) = 40 cycles.
    let r = c.access(.read(address(page: 150), beats: 4))
    XCTAssertEqual(r.latency, 2 + 3_000 + 40)
    let d = c.access(.read(address(page: 1)))
    XCTAssertEqual(d.latency, 2 + 1 + 1)
  }

  func testAnUnmappedPageFaultsAndReportsTheAddress() {
    var c = mappedController(pages: 64)
    c.writeMapEntry(page: 9, .unmapped)
    c.interruptEnable = .pageFault
    let r = c.access(.write(address(page: 9, word: 5), [1]))
    XCTAssertEqual(r.status, .pageFault)
    XCTAssertEqual(r.latency, 2, "the fault is known after the lookup")
    XCTAssertTrue(c.interruptLine)
    XCTAssertEqual(c.readRegister(.faultAddressLow), 9 * 4096 + 40)
    XCTAssertEqual(c.readRegister(.faultAddressHigh), 0)
    XCTAssertEqual(c.readRegister(.faultInfo), 1, "WRITE")
    c.access(.read(address(page: 9)))
    XCTAssertEqual(c.readRegister(.faultAddressLow), 9 * 4096 + 40, "the first fault is kept until acknowledged")
    XCTAssertEqual(c.readRegister(.faultInfo), 0b11, "MORE")
    c.writeRegister(.interruptStatus, 1)
    XCTAssertFalse(c.interruptLine)
    c.access(.read(address(page: 9, word: 1)))
    XCTAssertEqual(c.readRegister(.faultAddressLow), 9 * 4096 + 8)
    XCTAssertEqual(c.readRegister(.faultInfo), 0)
    XCTAssertEqual(c.store(.dram).word(frame: 9, at: 5), 0, "the faulting write went nowhere")
  }

  func testMalformedRequestsAreRefused() {
    var c = mappedController(pages: 4)
    XCTAssertEqual(c.access(.read(4092, beats: 1)).status, .badRequest, "misaligned")
    XCTAssertEqual(c.access(.read(4088, beats: 2)).status, .badRequest, "crosses a page")
    XCTAssertEqual(c.access(.read(4 * 4096)).status, .badRequest, "past the space")
    XCTAssertEqual(c.malformation(of: .read(4088, beats: 2)), "the burst at 4088 crosses a page boundary")
    XCTAssertEqual(c.access(.read(4088, beats: 1)).status, .ok)
  }

  func testAFailingStoreFailsTheAccessOnEveryTier() {
    var c = mappedController(pages: 200)
    for (tier, page) in [(Tier.dram, 3), (.flash, 40), (.disk, 150)] {
      let frame = c.pageMap[page].location.frame
      c.withStore(tier) { $0.faultyFrames = [frame] }
      XCTAssertEqual(c.access(.write(address(page: page), [7])).status, .storeError)
      XCTAssertEqual(c.access(.read(address(page: page + 1))).status, .ok, "other frames work")
      c.withStore(tier) { $0.faultyFrames = [] }
      XCTAssertEqual(c.access(.read(address(page: page))).data, [0], "the failed write changed nothing")
    }
  }
}
