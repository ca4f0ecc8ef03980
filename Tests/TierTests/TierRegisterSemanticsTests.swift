import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The access semantics of every register of the controller's blocks (page map and request path,
/// hotness unit, DMA engine, interrupts) on the RTL under Icarus, against the generated register
/// map and the transaction-level model: reset values, read-only registers that ignore writes,
/// write-one-to-clear and write-one-to-set bits, and byte strobes. The strobe rule is APB's
/// (AMBA APB Protocol Specification, IHI 0024C, §3.1.1 "Write strobes": PSTRB[n] enables byte
/// lane n), so the model is given the whole-word write a strobed write amounts to: unstrobed
/// bytes of a RW register keep their value, and unstrobed bits of a W1C/W1S register act as 0.
final class TierRegisterSemanticsTests: XCTestCase {
  static let shape = TierControllerLintTests.shape

  /// One Icarus run: rows of inputs, and the reads to check in them.
  struct Script {
    var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
    var reads: [(row: Int, register: TierRegister, expected: UInt32, irq: Bool, why: String)] = []
    var tlm: TierController
    let map: RegisterMap

    mutating func idle(_ cycles: Int = 3) {
      for _ in 0..<cycles { rows.append(["rst": v(1, 0), "mmio_valid": v(1, 0), "req_valid": v(1, 0)]) }
    }

    /// A write with byte enables `strobe`; the model gets the whole word it amounts to.
    mutating func write(_ register: TierRegister, _ value: UInt32, strobe: UInt8 = 0xF) {
      writeRTLOnly(register, value, strobe: strobe)
      var lanes: UInt32 = 0
      for lane in 0..<4 where (strobe >> UInt8(lane)) & 1 == 1 { lanes |= UInt32(0xFF) << UInt32(8 * lane) }
      let old: UInt32 = tlm.read(register)
      let fields = map.register(named: Self.mapName(register))!.fields
      // RW fields keep their unstrobed bytes; W1C/W1S bits not strobed act as written 0.
      let readWrite = fields.filter { $0.access == .readWrite }.reduce(UInt32(0)) { $0 | $1.mask }
      if strobe != 0 { tlm.write(register, (old & readWrite & ~lanes) | (value & lanes)) }
      idle()
    }

    /// One cycle of a write on the RTL alone, no idle after it (`write` adds the model's side;
    /// the map clear's steps are given to the model by the test itself).
    mutating func writeRTLOnly(_ register: TierRegister, _ value: UInt32, strobe: UInt8 = 0xF) {
      rows.append(["rst": v(1, 0), "mmio_valid": v(1, 1), "mmio_write": v(1, 1), "mmio_address": v(map.addressWidth, register.rawValue),
                   "mmio_wdata": v(32, UInt64(value)), "mmio_strobe": v(4, UInt64(strobe))])
    }

    mutating func read(_ register: TierRegister, expecting expected: UInt32? = nil, _ why: String = "") {
      reads.append((rows.count, register, expected ?? tlm.read(register), tlm.interruptLine, why))
      rows.append(["rst": v(1, 0), "mmio_valid": v(1, 1), "mmio_write": v(1, 0), "mmio_address": v(map.addressWidth, register.rawValue)])
      idle()
    }

    /// A one-beat read of an unmapped page: a page fault, no store involved.
    mutating func fault(page: Int, word: Int) {
      let address = UInt64(page * 4096 + word * 8)
      rows.append(["rst": v(1, 0), "req_valid": v(1, 1), "req_write": v(1, 0), "req_address": v(64, address), "req_beats": v(10, 1),
                   "rsp_ready": v(1, 1)])
      XCTAssertEqual(tlm.access(.read(address)).status, .pageFault)
      idle(6)
    }

    /// Lets a submitted descriptor be taken and refused on both.
    mutating func settle() {
      tlm.idle(until: tlm.clock + 100)
      idle(10)
    }

    func v(_ width: Int, _ value: UInt64) -> BitVector { BitVector(width: width, unsigned: value) }

    static func mapName(_ register: TierRegister) -> String {
      String(describing: register).reduce(into: "") { out, c in
        if c.isUppercase { out += "_" }
        out += c.uppercased()
      }
    }
  }

  func makeScript() throws -> Script {
    let tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: 1,
                                 descriptorRingSize: 8, completionRingSize: 4,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    XCTAssertEqual(tlm.shape, Self.shape)
    return Script(tlm: tlm, map: try tierControllerRegisters(shape: Self.shape))
  }

  func run(_ s: Script) throws {
    let design = try Design(top: tierController(shape: Self.shape, frames: [16, 32, 64]))
    let out = try IcarusSimulation(design).run(s.rows)
    var wrong: [String] = []
    for read in s.reads {
      let got = out[read.row]["mmio_rdata"].map { UInt32($0.words[0]) }
      if got != read.expected {
        wrong.append("\(read.register) \(read.why): \(got.map { String($0, radix: 16) } ?? "x"), expected \(String(read.expected, radix: 16))")
      }
      let irq = out[read.row]["irq"].map { !$0.isZero }
      if irq != read.irq { wrong.append("irq at the read of \(read.register): \(String(describing: irq)), the model's \(read.irq)") }
    }
    XCTAssertEqual(wrong, [String]())
  }

  /// After reset every register reads the reset value its fields have in the map (hardware
  /// values read 0: no fault, empty rings, the map cleared), as the model does; MAP_CONTROL.CLEAR
  /// reads 1 while the map clears itself.
  func testEveryRegisterReadsItsResetValue() throws {
    var s = try makeScript()
    s.idle(1)
    s.read(.mapControl, expecting: s.map.register(named: "MAP_CONTROL")!.resetValue, "just after reset")
    XCTAssertEqual(s.map.register(named: "MAP_CONTROL")!.resetValue, 1)
    s.idle(Self.shape.pageCount)
    for register in TierRegister.allCases {
      let reset = s.map.register(named: Script.mapName(register))!
      let expected = register == .mapControl ? 0 : reset.resetValue
      XCTAssertEqual(s.tlm.read(register), expected, "the model's \(register) after reset")
      s.read(register, expecting: expected, "after reset")
    }
    XCTAssertEqual(s.reads.count, TierRegister.allCases.count + 1)
    try run(s)
  }

  /// Every register written with random values and random byte strobes, in random order, with
  /// page faults and refused descriptors raising interrupt causes; every register read back after
  /// each write equals the model's, and so does the interrupt line. Writes that need a store
  /// (a descriptor that would copy, an access to a mapped page) are left out: no store is attached.
  func testRandomWritesWithByteStrobesFollowEachFieldsAccessType() throws {
    var s = try makeScript()
    s.idle(Self.shape.pageCount + 2)
    var rng = SplitMix64(seed: 12)
    var strobes: Set<UInt8> = []
    var written: Set<TierRegister> = []
    // MAP_CONTROL (a clear takes PAGE_COUNT cycles in the RTL, none in the model) is checked by
    // TierMapClearTests; HOT_CONTROL.RESET below; ring heads only where they point into the ring.
    let candidates = TierRegister.allCases.filter { $0 != .mapControl && $0 != .hotHead }
    for step in 0..<200 {
      let register = candidates[Int(rng.next() % UInt64(candidates.count))]
      let strobe = UInt8(rng.next() % 16)
      var value = UInt32(truncatingIfNeeded: rng.next())
      switch register {
      case .hotControl: value &= ~HotControlBits.reset
      case .hotEpochCycles: value |= 0x0101_0101  // every epoch longer than the drain of 16 counters
      case .mapIndex where rng.next() % 2 == 0: value %= 128  // pages, and indices just past the space
      case .completionHead:
        // Consume one completion (or none): the head stays within the ring.
        let head = s.tlm.read(.completionHead), tail = s.tlm.read(.completionTail)
        value = head == tail ? head : (head + 1) % UInt32(Self.shape.completionRingSize)
      case .dmaSubmit:
        // Only descriptors the engine refuses: a length that is not whole beats.
        if s.tlm.read(.dmaLength) % 8 == 0 { s.write(.dmaLength, UInt32(truncatingIfNeeded: rng.next()) | 1) }
      default: break
      }
      s.write(register, value, strobe: strobe)
      if register == .dmaSubmit { s.settle() }
      strobes.insert(strobe)
      written.insert(register)
      if step % 3 == 0, let page = (0..<64).map({ ($0 + step) % 64 }).first(where: { !s.tlm.pageMap[$0].valid }) {
        s.fault(page: page, word: step % 512)
      }
      s.read(register, "after writing \(String(value, radix: 16)) with strobe \(String(strobe, radix: 2)) (step \(step))")
      if step % 40 == 39 {
        for r in TierRegister.allCases where r != .mapControl { s.read(r, "at step \(step)") }
      }
    }
    XCTAssertEqual(strobes.count, 16, "every strobe pattern")
    XCTAssertEqual(written, Set(candidates), "every register written")
    XCTAssertGreaterThan(s.tlm.pageMap.filter(\.valid).count, 0, "MAP_WRITE mapped pages")
    XCTAssertGreaterThan(s.tlm.read(.dmaTail), 0, "descriptors were submitted (and refused)")
    try run(s)
  }

  /// The bits hardware acknowledges, and the W1C bits hardware sets, with and without their byte
  /// strobed: HOT_CONTROL.RESET, DMA_SUBMIT.PUSH, MAP_CONTROL.CLEAR and WRITE_REFUSED,
  /// INTERRUPT_STATUS; MAP_INDEX past the space names no page (its MAP_ENTRY reads 0, MAP_WRITE
  /// is ignored), as in the model.
  func testRequestBitsAndWriteOneToClearBitsActOnlyWhenStrobed() throws {
    var s = try makeScript()
    s.idle(Self.shape.pageCount + 2)
    s.write(.interruptEnable, 0x1F)
    s.write(.mapIndex, 5)
    s.write(.mapWrite, PageEntry(FrameAddress(.flash, 7)).encoded)
    s.fault(page: 9, word: 3)
    s.write(.dmaSource, 3 << 24)
    s.write(.dmaSubmit, 1)
    s.settle()
    s.read(.interruptStatus, expecting: 0b101, "PAGE_FAULT and DMA_ERROR")
    s.write(.interruptStatus, 0x1F, strobe: 0b1110)
    s.read(.interruptStatus, expecting: 0b101, "W1C with byte 0 not strobed clears nothing")
    s.write(.interruptStatus, 0xFFFF_FF01, strobe: 0b0001)
    s.read(.interruptStatus, expecting: 0b100, "W1C of PAGE_FAULT alone")

    // DMA_SUBMIT.PUSH: queued only when byte 0 is strobed.
    s.write(.dmaLength, 12)
    s.write(.dmaSource, 1)
    s.write(.dmaSubmit, 1, strobe: 0b1110)
    s.settle()
    s.read(.dmaTail, expecting: 0, "PUSH not strobed")
    s.write(.dmaSubmit, 1, strobe: 0b0001)
    s.settle()
    s.read(.dmaTail, expecting: 1, "PUSH strobed")
    s.read(.completionEntry, expecting: 0x8003_0000, "descriptor 0 refused: 12 bytes are not whole beats")

    // HOT_CONTROL: settings stay as strobed; RESET empties the list only when strobed.
    s.write(.hotThreshold, 1)
    s.write(.hotEpochCycles, 100)
    s.write(.hotControl, HotControlBits.enable | HotControlBits.reset | HotControlBits.trackReads | 12 << 8)
    s.write(.hotControl, 0xFFFF_FFFF, strobe: 0b0100)
    s.read(.hotControl, "DOWNSAMPLE_SHIFT written alone (byte 2)")
    s.write(.hotControl, HotControlBits.enable | HotControlBits.trackReads | 12 << 8, strobe: 0b0101)
    s.read(.hotControl, "back to no downsampling")

    // MAP_CONTROL: CLEAR only when strobed; a MAP_WRITE during the clear sets WRITE_REFUSED, which
    // only a strobed 1 acknowledges.
    s.write(.mapControl, 1, strobe: 0b1110)
    s.read(.mapControl, expecting: 0, "CLEAR not strobed")
    s.read(.mapEntry, expecting: PageEntry(FrameAddress(.flash, 7)).encoded, "page 5 still mapped")
    s.writeRTLOnly(.mapControl, 1, strobe: 0b0001)
    s.tlm.clearMap()
    s.idle(2)
    s.read(.mapControl, expecting: 1, "CLEAR strobed: clearing")
    s.writeRTLOnly(.mapWrite, PageEntry(FrameAddress(.dram, 2)).encoded)
    s.idle(Self.shape.pageCount)
    s.read(.mapControl, expecting: 0b10, "done; WRITE_REFUSED")
    s.read(.mapEntry, expecting: 0, "the refused write stored nothing")
    s.write(.mapControl, 0b10, strobe: 0b1110)
    s.read(.mapControl, expecting: 0b10, "WRITE_REFUSED kept: byte 0 not strobed")
    s.write(.mapControl, 0b10, strobe: 0b0001)
    s.read(.mapControl, expecting: 0, "acknowledged")

    // MAP_INDEX past PAGE_COUNT names no page: MAP_ENTRY reads 0 and MAP_WRITE stores nothing
    // (the RTL's map has 2^6 entries: index 64 + 5 must not reach page 5).
    s.write(.mapIndex, 5)
    s.write(.mapWrite, PageEntry(FrameAddress(.disk, 9)).encoded)
    s.write(.mapIndex, 64 + 5)
    s.read(.mapEntry, expecting: 0, "no page 69")
    s.write(.mapWrite, PageEntry(FrameAddress(.dram, 1)).encoded)
    s.write(.mapIndex, 5)
    s.read(.mapEntry, expecting: PageEntry(FrameAddress(.disk, 9)).encoded, "page 5 untouched by the write to index 69")
    s.read(.mapExtent, expecting: 6)
    try run(s)
  }
}
