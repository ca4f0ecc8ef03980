import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The whole controller under Icarus through its register bus and request port, next to the
/// transaction-level model given the same register accesses: every register read returns the
/// same value and the interrupt line agrees. (No store answers here: the accesses are page
/// faults and the descriptors are refused before copying; the store-side behaviour is checked
/// block by block.)
final class TierControllerRegisterTests: XCTestCase {
  struct Script {
    var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
    var reads: [(row: Int, register: TierRegister, expected: UInt32, irq: Bool)] = []
    var tlm: TierController
    let addressWidth: Int

    mutating func idle(_ cycles: Int = 3) {
      for _ in 0..<cycles { rows.append(["rst": v(1, 0), "mmio_valid": v(1, 0), "req_valid": v(1, 0)]) }
    }

    mutating func write(_ register: TierRegister, _ value: UInt32) {
      rows.append(["rst": v(1, 0), "mmio_valid": v(1, 1), "mmio_write": v(1, 1), "mmio_address": v(addressWidth, register.rawValue),
                   "mmio_wdata": v(32, UInt64(value)), "mmio_strobe": v(4, 0xF)])
      tlm.write(register, value)
      idle()
    }

    mutating func read(_ register: TierRegister) {
      reads.append((rows.count, register, tlm.read(register), tlm.interruptLine))
      rows.append(["rst": v(1, 0), "mmio_valid": v(1, 1), "mmio_write": v(1, 0), "mmio_address": v(addressWidth, register.rawValue)])
      idle()
    }

    /// A one-beat read on the request port. To an unmapped page no store is involved; to a mapped
    /// one the request waits for a store that never answers, after the hotness unit has seen it.
    mutating func access(_ address: UInt64, status: MemoryStatus = .pageFault) {
      rows.append(["rst": v(1, 0), "req_valid": v(1, 1), "req_write": v(1, 0), "req_address": v(64, address), "req_beats": v(10, 1),
                   "rsp_ready": v(1, 1)])
      XCTAssertEqual(tlm.access(.read(address)).status, status)
      idle(6)
    }

    func v(_ width: Int, _ value: UInt64) -> BitVector { BitVector(width: width, unsigned: value) }
  }

  func testRegistersAgreeWithTheTransactionLevelModel() throws {
    let shape = TierControllerLintTests.shape
    let design = try Design(top: tierController(shape: shape, frames: [16, 32, 64]))
    let tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: 1,
                                 descriptorRingSize: 8, completionRingSize: 4,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    XCTAssertEqual(tlm.shape, shape)
    var s = Script(tlm: tlm, addressWidth: try tierControllerRegisters(shape: shape).addressWidth)
    s.idle()
    for r in [TierRegister.id, .capability, .pageCount, .ringSizes, .interruptEnable, .hotControl, .hotThreshold, .hotEpochCycles,
              .hotFillThreshold, .hotStatus, .hotTail, .dmaHead, .dmaTail, .completionTail, .completionEntry] { s.read(r) }

    // The map clears itself after reset, one entry a cycle; MAP_WRITE is refused meanwhile.
    s.idle(shape.pageCount)
    s.read(.mapControl)
    s.read(.mapExtent)
    // Firmware writes the whole map: pages 0–15 in DRAM, 16–47 in flash, the rest on disk, page 9 unmapped.
    for page in 0..<64 {
      let entry = page == 9 ? PageEntry.unmapped
        : PageEntry(page < 16 ? FrameAddress(.dram, page) : page < 48 ? FrameAddress(.flash, page - 16) : FrameAddress(.disk, page - 48))
      s.write(.mapIndex, UInt32(page))
      s.write(.mapWrite, entry.encoded | (page == 20 ? PageEntry.migratingBit : 0))  // firmware cannot set MIGRATING
    }
    for page in [0, 9, 15, 20, 47, 63] {
      s.write(.mapIndex, UInt32(page))
      s.read(.mapEntry)
      s.read(.mapWrite)
    }
    s.read(.mapExtent)

    // A page fault, reported and acknowledged.
    s.write(.interruptEnable, 0x1F)
    s.access(9 * 4096 + 16)
    for r in [TierRegister.interruptStatus, .faultAddressLow, .faultAddressHigh, .faultInfo] { s.read(r) }
    s.access(9 * 4096 + 24)
    s.read(.faultInfo)
    s.write(.interruptStatus, 1)
    s.read(.interruptStatus)

    // Descriptors refused: a length that is not whole beats, a remap whose page is elsewhere, a tier code 3.
    for d in [DMADescriptor(from: FrameAddress(.dram, 1), to: FrameAddress(.disk, 5), length: 12),
              .migrate(page: 30, from: FrameAddress(.flash, 3), to: FrameAddress(.disk, 40), pageSize: 4096)] {
      for (r, w) in zip([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl], d.words) { s.write(r, w) }
      s.write(.dmaSubmit, 1)
      s.tlm.idle(until: s.tlm.clock + 100)
      s.idle(10)
      for r in [TierRegister.dmaHead, .dmaTail, .completionTail, .completionEntry, .interruptStatus] { s.read(r) }
    }
    s.write(.completionHead, 1)
    s.read(.completionEntry)
    s.write(.interruptStatus, 0x1F)
    s.write(.dmaSource, 3 << 24)
    s.write(.dmaSubmit, 1)
    s.read(.dmaTail)
    s.read(.interruptStatus)

    // The hotness unit's settings, and RESET.
    s.write(.hotThreshold, 7)
    s.write(.hotEpochCycles, 5_000)
    s.write(.hotFillThreshold, 3)
    s.write(.hotControl, HotControlBits.enable | HotControlBits.reset | HotControlBits.trackWrites | 9 << 8 | 2 << 16)
    for r in [TierRegister.hotControl, .hotThreshold, .hotEpochCycles, .hotFillThreshold, .hotStatus, .hotHead, .hotTail, .hotEntryLow] {
      s.read(r)
    }

    // The path reports what it looks up to the hotness unit: one read of page 3 is that epoch's hot list.
    s.write(.hotThreshold, 1)
    s.write(.hotEpochCycles, 100)
    s.write(.hotFillThreshold, 1)
    s.write(.interruptStatus, 0x1F)
    s.write(.hotControl, HotControlBits.enable | HotControlBits.reset | HotControlBits.trackReads | 12 << 8)
    s.access(3 * 4096 + 8, status: .ok)
    s.tlm.idle(until: s.tlm.clock + 300)
    s.idle(300)
    for r in [TierRegister.hotTail, .hotEntryLow, .hotEntryHigh, .hotStatus, .interruptStatus] { s.read(r) }
    XCTAssertEqual(s.reads.last(where: { $0.register == .hotEntryLow })?.expected, 3 << 16 | 1, "unit 3, count 1")

    let out = try IcarusSimulation(design).run(s.rows)
    var wrong: [String] = []
    for read in s.reads {
      let got = out[read.row]["mmio_rdata"].map { UInt32($0.words[0]) }
      if got != read.expected { wrong.append("\(read.register): \(got.map { String($0, radix: 16) } ?? "x") but the model reads \(String(read.expected, radix: 16))") }
      let irq = out[read.row]["irq"].map { !$0.isZero }
      if irq != read.irq { wrong.append("irq at the read of \(read.register): \(String(describing: irq)), the model's \(read.irq)") }
    }
    XCTAssertEqual(wrong, [String]())
    XCTAssertGreaterThanOrEqual(s.reads.count, 50)
    XCTAssertEqual(s.tlm.completionRing.count, 1, "the second refusal is still in the completion ring")
  }
}
