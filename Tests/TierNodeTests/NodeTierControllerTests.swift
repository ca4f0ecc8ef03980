import Board
import Cores
import Firmware
import FirmwareSimulation
import HDL
import Simulation
import SimulationTesting
import TierModel
import XCTest

/// The memory-tier controller inside a node (switch port 1), driven only as the node's firmware
/// and its host drive it: configuration through the switch's management port, registers through
/// the management window at 0x8000, the unified space through host port → switch → tier function.
/// Expected values come from the specifications the parts implement (PCI class codes, the BAR
/// rules of the PCI Local Bus specification, the register map in docs/tier.md, the board file),
/// and data from what the test itself put in the backing stores, not from the RTL.
final class NodeTierControllerTests: SimulationTestCase {
  /// One model for every test here: the one-node board top.
  func node() throws -> TierNode {
    let board = try OneNodeBoard.load()
    let model = try self.model(try Design(top: boardTop(board)))
    watch("mgmt0", "mgmt0")
    watch("host0 in", "host0_in")
    watch("host0 out", "host0_out")
    return try TierNode(model: model, board: board)
  }

  /// Enumeration, then the page map mapped in order (pages 0–15 DRAM, 16–47 flash, 48–111 disk,
  /// 112–127 unmapped) through the management window.
  func mappedNode() throws -> (TierNode, DeviceTree, UInt64) {
    let node = try node()
    let tree = try node.enumerateThroughTheSwitch()
    let base = try XCTUnwrap(TierNode.spaceBase(tree), "BAR 0 of the tier function has an address")
    XCTAssertEqual(node.control.mapPagesInOrder(frames: node.frames), 112)
    XCTAssertEqual(node.hal.faults, [])
    return (node, tree, base)
  }

  func testEnumerationFindsTheTierFunctionOnTheFirstDownstreamPortWithItsTwoBARs() throws {
    let node = try node()
    let tree = try node.enumerateThroughTheSwitch()
    XCTAssertEqual(node.hal.faults, [])
    let function = try XCTUnwrap(TierNode.tierFunction(tree), "a function of class 0x058000 (memory controller, other)")
    XCTAssertEqual(function.vendorID, 0x1AB4)
    XCTAssertEqual(function.deviceID, 0x7E01)
    XCTAssertEqual(function.headerLayout, 0, "a Type 0 function")
    // Its parent is a downstream bridge of the switch: port 1 is device 0 on the switch's internal bus.
    let bridge = try XCTUnwrap(function.parent.map { tree.functions[$0] })
    XCTAssertTrue(bridge.isBridge)
    XCTAssertEqual(bridge.bdf.device, 0, "the first downstream port")
    // BAR 0: 64-bit prefetchable, the board's mapped_size (128 pages of 4 KiB = 512 KiB, a power of two);
    // BAR 1: 32-bit, 4 KiB of registers. Each placed at a multiple of its size inside the apertures.
    let bars = function.bars.sorted { $0.index < $1.index }
    XCTAssertEqual(bars.map(\.index), [0, 2], "BAR 0 takes slots 0 and 1 (64-bit), the register BAR slot 2")
    XCTAssertEqual(bars.map(\.size), [512 << 10, 4096])
    XCTAssertEqual(bars.map(\.isPrefetchable), [true, false])
    XCTAssertEqual(bars[0].kind, .memory64)
    XCTAssertEqual(bars[1].kind, .memory32)
    let options = EnumerationOptions()
    for bar in bars {
      let address = try XCTUnwrap(bar.address, "BAR \(bar.index) assigned")
      XCTAssertEqual(address % bar.size, 0, "BAR \(bar.index) aligned to its size")
      let aperture = bar.isPrefetchable ? options.prefetchableAperture! : options.memoryAperture
      XCTAssertTrue(aperture.contains(AddressWindow(base: address, limit: address + bar.size - 1)), "BAR \(bar.index) in its aperture")
    }
    // The host reaches the registers through BAR 1 too: ID.MAGIC "TR".
    XCTAssertEqual(node.hal.read32(try XCTUnwrap(bars[1].address)) >> 16, 0x5452)
    XCTAssertEqual(node.hal.faults, [])
  }

  func testTheHostReadsAndWritesTheUnifiedSpaceInEveryTier() throws {
    let (node, _, base) = try mappedNode()
    // Page 3 is DRAM frame 3, page 20 flash frame 4, page 50 disk frame 2 (the in-order mapping).
    let cases: [(page: UInt64, tier: Tier, frame: Int)] = [(3, .dram, 3), (20, .flash, 4), (50, .disk, 2)]
    for (i, c) in cases.enumerated() {
      let offset = c.page << 12 | 0x1A8
      let value = UInt32(0xC0DE_0000) | UInt32(i)
      node.hal.write32(base + offset, value)
      // Posted: the write may still be on its way; a read of the same address is ordered behind it.
      XCTAssertEqual(node.hal.read32(base + offset), value, "page \(c.page) read back through the host port")
      // The 32-bit write filled the low half of word 0x1A8 / 8 of the frame the map names.
      XCTAssertEqual(node.store(c.tier).word(frame: c.frame, at: 0x1A8 / 8) & 0xFFFF_FFFF, UInt64(value), "\(c.tier) frame \(c.frame)")
    }
    // Data a store already holds reaches the host: the upper DW of a flash word.
    node.store(.flash).setWord(frame: 9, at: 7, 0x1234_5678_9ABC_DEF0)
    XCTAssertEqual(node.hal.read32(base + (25 << 12) + 7 * 8 + 4), 0x1234_5678, "page 25 is flash frame 9")
    XCTAssertEqual(node.hal.faults, [])
  }

  func testAnUnmappedPageCompletesWithCompleterAbortAndRaisesTierError() throws {
    let (node, _, base) = try mappedNode()
    let sysctlStatus = node.mmioBase + 0x10, sysctlEnable = node.mmioBase + 0x14
    let tierError: UInt32 = 1 << 3, dmaDone: UInt32 = 1 << 2  // systemControlInterrupts: DOORBELL, LINK_CHANGE, DMA_DONE, TIER_ERROR
    var enable = TierControlRegisters.InterruptEnable()
    enable.pageFault = true
    node.control.writeInterruptEnable(enable)
    node.hal.write32(sysctlEnable, tierError | dmaDone)
    XCTAssertEqual(node.hal.waitForInterrupt(lines: 1, timeoutCycles: 50), 0, "no interrupt before the fault")

    let faulting = base + (120 << 12) + 0x40  // page 120: beyond the 112 frames, unmapped
    XCTAssertEqual(node.hal.read32(faulting), 0xFFFF_FFFF, "a failed read reads all ones")
    XCTAssertEqual(node.hal.faults.count, 1)
    XCTAssertTrue(node.hal.faults.first?.hasSuffix("completed with status CA") ?? false, "Completer Abort: \(node.hal.faults)")
    XCTAssertEqual(node.hal.waitForInterrupt(lines: 1, timeoutCycles: 50), 1, "irq0 raised")
    XCTAssertEqual(node.hal.read32(sysctlStatus) & (tierError | dmaDone), tierError, "INTERRUPT_STATUS.TIER_ERROR, not DMA_DONE")
    // The controller reports the address within the unified space and the direction.
    let low = UInt64(node.control.readFaultAddressLow().rawValue), high = UInt64(node.control.readFaultAddressHigh().rawValue)
    XCTAssertEqual(high << 32 | low, 120 << 12 | 0x40)
    XCTAssertFalse(node.control.readFaultInfo().write)
    // Acknowledged at the source and then at the node, the line falls.
    var cleared = TierControlRegisters.InterruptStatus()
    cleared.pageFault = true
    node.control.writeInterruptStatus(cleared)
    node.hal.write32(sysctlStatus, tierError)
    XCTAssertEqual(node.hal.waitForInterrupt(lines: 1, timeoutCycles: 20), 0, "irq0 low once both are acknowledged")
  }

  func testACopyWithItsInterruptFlagRaisesDMADoneAtTheNode() throws {
    let (node, _, _) = try mappedNode()
    let control = node.control
    var enable = TierControlRegisters.InterruptEnable()
    enable.dmaDone = true
    control.writeInterruptEnable(enable)
    let sysctlStatus = node.mmioBase + 0x10
    node.hal.write32(node.mmioBase + 0x14, 1 << 2)  // the node's INTERRUPT_ENABLE.DMA_DONE
    node.store(.disk).setWord(frame: 5, at: 511, 0xD15C)
    // Disk frame 5 to flash frame 31 (both mapped to pages, but a copy without REMAP leaves the map alone).
    control.writeDmaSource(.init(rawValue: 2 << 24 | 5))
    control.writeDmaDestination(.init(rawValue: 1 << 24 | 31))
    control.writeDmaLength(.init(rawValue: 4096))
    var flags = TierControlRegisters.DmaControl()
    flags.interrupt = true
    control.writeDmaControl(flags)
    var push = TierControlRegisters.DmaSubmit()
    push.push = true
    let start = node.hal.cycles
    control.writeDmaSubmit(push)
    XCTAssertEqual(node.hal.waitForInterrupt(lines: 1, timeoutCycles: 20_000), 1, "irq0")
    // From the board file: the disk's 12 ms read latency / time_scale 1000 = 3,000 cycles, then 512
    // beats at 200 MB/s (one per 10 cycles at 250 MHz), then flash's 500 µs write latency = 125 cycles.
    let took = node.hal.cycles - start
    XCTAssertGreaterThanOrEqual(took, 3_000 + 511 * 10 + 125, "the copy cannot beat the stores' timing")
    XCTAssertLessThan(took, 3_000 + 512 * 10 + 125 + 200, "and adds little to it")
    XCTAssertEqual(node.hal.read32(sysctlStatus) & 0b1100, 0b0100, "INTERRUPT_STATUS.DMA_DONE, not TIER_ERROR")
    XCTAssertEqual(control.readCompletionEntry().rawValue, 1 << 31, "descriptor 0, status 0")
    XCTAssertEqual(node.store(.flash).word(frame: 31, at: 511), 0xD15C)
    XCTAssertEqual(node.hal.faults, [])
  }

  func testAStoreThatFailsDuringACopyEndsItWithSourceErrorAndRaisesTierError() throws {
    let (node, _, _) = try mappedNode()
    let control = node.control
    var enable = TierControlRegisters.InterruptEnable()
    enable.dmaError = true
    enable.dmaDone = true
    control.writeInterruptEnable(enable)
    node.hal.write32(node.mmioBase + 0x14, 0b1100)  // the node's DMA_DONE and TIER_ERROR
    node.store(.flash).faultyFrames = [3]
    node.store(.dram).setWord(frame: 0, at: 0, 0xAAAA)
    // Flash frame 3 (failing) to DRAM frame 0: nothing may be written there.
    control.writeDmaSource(.init(rawValue: 1 << 24 | 3))
    control.writeDmaDestination(.init(rawValue: 0 << 24 | 0))
    control.writeDmaLength(.init(rawValue: 4096))
    var flags = TierControlRegisters.DmaControl()
    flags.interrupt = true
    control.writeDmaControl(flags)
    var push = TierControlRegisters.DmaSubmit()
    push.push = true
    control.writeDmaSubmit(push)
    XCTAssertEqual(node.hal.waitForInterrupt(lines: 1, timeoutCycles: 5_000), 1, "irq0")
    XCTAssertEqual(node.hal.read32(node.mmioBase + 0x10) & 0b1100, 0b1000, "INTERRUPT_STATUS.TIER_ERROR, not DMA_DONE")
    // Completion: VALID, status 1 (SOURCE_ERROR, docs/tier.md), descriptor 0.
    XCTAssertEqual(control.readCompletionEntry().rawValue, 1 << 31 | 1 << 16)
    XCTAssertEqual(node.store(.dram).word(frame: 0, at: 0), 0xAAAA, "the destination keeps its data")
    XCTAssertEqual(node.store(.flash).failedAccesses, 1)
    XCTAssertEqual(node.hal.faults, [])
  }

  /// Fault injection by count (`failNextAccesses`), whatever frame is touched: the disk fails the
  /// host's next read (a store error, which the function answers with Completer Abort, as it does
  /// a page fault), then serves the same read; DRAM fails the next access, a copy's write burst,
  /// which completes with DESTINATION_ERROR and leaves the page map as it was.
  func testAStoreToldToFailItsNextAccessFailsExactlyThat() throws {
    let (node, _, base) = try mappedNode()
    node.store(.disk).setWord(frame: 2, at: 5, 0x0BAD_F00D_600D_CAFE)
    node.store(.disk).failNextAccesses = 1
    let page50 = base + (50 << 12) + 5 * 8  // disk frame 2 in the in-order mapping
    XCTAssertEqual(node.hal.read32(page50), 0xFFFF_FFFF, "the failed read reads all ones")
    XCTAssertEqual(node.hal.faults.count, 1)
    XCTAssertTrue(node.hal.faults.first?.hasSuffix("completed with status CA") ?? false, "Completer Abort: \(node.hal.faults)")
    XCTAssertEqual(node.hal.read32(page50), 0x600D_CAFE, "the next access is served")
    XCTAssertEqual(node.store(.disk).failedAccesses, 1)
    XCTAssertEqual(node.store(.disk).failNextAccesses, 0)

    node.store(.dram).setWord(frame: 1, at: 0, 0x1111)
    node.store(.flash).setWord(frame: 5, at: 0, 0x5555)
    node.store(.dram).failNextAccesses = 1
    // Migrate page 21 (flash frame 5) into DRAM frame 1 with remap: the destination fails.
    node.control.writeDmaSource(.init(rawValue: 1 << 24 | 5))
    node.control.writeDmaDestination(.init(rawValue: 0 << 24 | 1))
    node.control.writeDmaLength(.init(rawValue: 4096))
    node.control.writeDmaControl(.init(rawValue: 1 << 24 | 21))  // REMAP, PAGE 21
    var push = TierControlRegisters.DmaSubmit()
    push.push = true
    node.control.writeDmaSubmit(push)
    var entry: UInt32 = 0
    for _ in 0..<100 where entry >> 31 == 0 {
      node.hal.wait(cycles: 100)
      entry = node.control.readCompletionEntry().rawValue
    }
    XCTAssertEqual(entry, 1 << 31 | 2 << 16, "VALID, DESTINATION_ERROR, descriptor 0")
    XCTAssertEqual(node.store(.dram).failedAccesses, 1)
    XCTAssertEqual(node.store(.dram).word(frame: 1, at: 0), 0x1111, "the failed write stored nothing")
    node.control.writeMapIndex(.init(rawValue: 21))
    XCTAssertEqual(node.control.readMapEntry().rawValue, 1 << 31 | 1 << 24 | 5, "page 21 still flash frame 5")
    XCTAssertEqual(node.hal.read32(base + (21 << 12)), 0x5555, "and its data where it was")
  }

  func testTheTierManagerPromotesAHotFlashPageIntoDRAMWithItsData() throws {
    let (node, _, base) = try mappedNode()
    // Free two DRAM frames (pages 14 and 15 unmapped) so that a promotion needs no victim.
    for page: UInt32 in [14, 15] {
      var index = TierControlRegisters.MapIndex()
      index.page = page
      node.control.writeMapIndex(index)
      node.control.writeMapWrite(TierControlRegisters.MapWrite())
    }
    let settings = TierManagerSettings(epochCycles: 20_000, promotionsPerEpoch: 4)
    var manager = try TierManager(hal: node.hal, baseAddress: node.tierRegisters, frames: node.frames, settings: settings)
    var policy = HotListPolicy(pageCount: 128, hotThreshold: 2)
    manager.start(policy)
    // Page 30 is flash frame 14; the host writes a pattern into it and touches it again and again.
    let page: UInt64 = 30
    for word in 0..<4 { node.hal.write32(base + page << 12 + UInt64(word * 8), 0xF1A5_0000 | UInt32(word)) }
    for _ in 0..<6 { _ = node.hal.read32(base + page << 12) }
    XCTAssertEqual(node.store(.flash).word(frame: 14, at: 2) & 0xFFFF_FFFF, 0xF1A5_0002)
    // The epoch ends; the manager drains the hot list, submits the copy and takes its completion.
    node.hal.wait(cycles: 20_000 + 200)
    manager.service(&policy)
    XCTAssertTrue(manager.finishCopies(&policy, timeoutCycles: 500_000))
    XCTAssertEqual(manager.statistics.promotions, 1)
    XCTAssertEqual(manager.statistics.failedCopies, 0)
    // The map says DRAM now, the DRAM frame holds the data, and the host reads it from there.
    var index = TierControlRegisters.MapIndex()
    index.page = UInt32(page)
    node.control.writeMapIndex(index)
    let entry = node.control.readMapEntry()
    XCTAssertTrue(entry.valid)
    XCTAssertEqual(entry.tier, 0, "DRAM")
    XCTAssertTrue([14, 15].contains(entry.frame), "one of the two free DRAM frames")
    for word in 0..<4 {
      XCTAssertEqual(node.store(.dram).word(frame: Int(entry.frame), at: word) & 0xFFFF_FFFF, UInt64(0xF1A5_0000 | word), "word \(word) copied")
      XCTAssertEqual(node.hal.read32(base + page << 12 + UInt64(word * 8)), 0xF1A5_0000 | UInt32(word))
    }
    XCTAssertEqual(node.hal.faults, [])
  }
}
