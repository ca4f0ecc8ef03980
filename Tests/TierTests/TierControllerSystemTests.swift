import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The whole controller with three stores (written in the DSL) under Icarus, driven through its
/// registers and request port like firmware and a host would, next to the transaction-level
/// model given the same operations: the same data read back, the same completions, the same map,
/// across a migration with a write to the page in flight and a copy whose source fails.
final class TierControllerSystemTests: XCTestCase {
  static let frames = [16, 32, 64]

  /// The controller and its stores; every port of the controller's register bus and request
  /// port is the top's, and each store has a fault-injection input.
  static func systemTop(shape: TierShape = TierControllerLintTests.shape, storeLatency: Int = 5) -> Module {
    Module("tier_system", parameters: ["lanes": shape.maxInFlight, "latency": storeLatency]) { m in
      let controller = m.instance(tierController(shape: shape, frames: Self.frames), name: "controller")
      let stores = ["dram", "flash", "disk"].enumerated().map { t, name in (name, m.instance(testStore(frames: Self.frames[t], latency: storeLatency), name: "\(name)_store")) }
      let addressWidth = (try? tierControllerRegisters(shape: shape).addressWidth) ?? 8
      for (name, width) in [("mmio_valid", 1), ("mmio_write", 1), ("mmio_address", addressWidth), ("mmio_wdata", 32), ("mmio_strobe", 4),
                            ("req_valid", 1), ("req_write", 1), ("req_address", 64), ("req_beats", 10),
                            ("wdata_valid", 1), ("wdata_data", 64), ("wdata_strobe", 8), ("rsp_ready", 1)] {
        controller[name] <== m.input(name, width: width)
      }
      for (name, width) in [("mmio_ready", 1), ("mmio_rdata", 32), ("mmio_error", 1), ("irq", 1), ("req_ready", 1), ("wdata_ready", 1),
                            ("rsp_valid", 1), ("rsp_data", 64), ("rsp_last", 1), ("rsp_status", 2)] {
        m.output(name, width: width) <== controller[name]
      }
      for (name, store) in stores {
        store["fault_valid"] <== m.input("\(name)_fault_valid")
        store["fault_frame"] <== m.input("\(name)_fault_frame", width: 24)
        for port in ["req_valid", "req_write", "req_frame", "req_word", "req_beats", "wdata_valid", "wdata_data", "wdata_strobe", "rsp_ready",
                     "rd_req_valid", "rd_req_frame", "rd_req_beats", "rd_data_ready",
                     "wr_req_valid", "wr_req_frame", "wr_req_beats", "wr_data_valid", "wr_data", "wr_data_strobe", "wr_ack_ready"] {
          store[port] <== controller["\(name)_\(port)"]
        }
        for port in ["req_ready", "wdata_ready", "rsp_valid", "rsp_data", "rsp_last", "rsp_error",
                     "rd_req_ready", "rd_data_valid", "rd_data", "rd_data_last", "rd_data_error",
                     "wr_req_ready", "wr_data_ready", "wr_ack_valid", "wr_ack_error"] {
          controller["\(name)_\(port)"] <== store[port]
        }
      }
    }
  }

  struct Script {
    var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
    var registerReads: [(row: Int, register: TierRegister, expected: UInt32)] = []
    var dataReads: [(from: Int, to: Int, address: UInt64, expected: UInt64)] = []
    /// Every access's response as the model gives it (data only for reads).
    var responses: [(from: Int, to: Int, address: UInt64, status: MemoryStatus, data: UInt64?)] = []
    var tlm: TierController
    let addressWidth: Int
    // Inputs every cycle carries unless it says otherwise (the runner keeps a missing input's last value).
    var held: [String: BitVector] = ["rst": BitVector(width: 1, value: 0), "mmio_valid": BitVector(width: 1, value: 0),
                                     "req_valid": BitVector(width: 1, value: 0)]

    func v(_ width: Int, _ value: UInt64) -> BitVector { BitVector(width: width, unsigned: value) }

    mutating func cycle(_ row: [String: BitVector] = [:]) {
      rows.append(held.merging(row) { _, new in new })
    }
    mutating func idle(_ n: Int) { for _ in 0..<n { cycle() } }

    mutating func write(_ register: TierRegister, _ value: UInt32) {
      cycle(["mmio_valid": v(1, 1), "mmio_write": v(1, 1), "mmio_address": v(addressWidth, register.rawValue),
             "mmio_wdata": v(32, UInt64(value)), "mmio_strobe": v(4, 0xF)])
      tlm.write(register, value)
      idle(2)
    }

    mutating func read(_ register: TierRegister) {
      registerReads.append((rows.count, register, tlm.read(register)))
      cycle(["mmio_valid": v(1, 1), "mmio_write": v(1, 0), "mmio_address": v(addressWidth, register.rawValue)])
      idle(2)
    }

    /// A one-beat write, then `gap` cycles for it to finish (or to wait for a migration).
    mutating func store(_ address: UInt64, _ value: UInt64, gap: Int = 60) {
      held["wdata_valid"] = v(1, 1)
      held["wdata_data"] = v(64, value)
      held["wdata_strobe"] = v(8, 0xFF)
      responses.append((rows.count, rows.count + gap, address, tlm.access(.write(address, [value])).status, nil))
      cycle(["req_valid": v(1, 1), "req_write": v(1, 1), "req_address": v(64, address), "req_beats": v(10, 1)])
      idle(gap)
      held["wdata_valid"] = v(1, 0)
      idle(1)
    }

    /// A one-beat read; its data is looked for in the response within the next `gap` cycles.
    mutating func load(_ address: UInt64, gap: Int = 60) {
      let r = tlm.access(.read(address))
      if r.status == .ok { dataReads.append((rows.count, rows.count + gap, address, r.data.first ?? 0)) }
      responses.append((rows.count, rows.count + gap, address, r.status, r.data.first))
      cycle(["req_valid": v(1, 1), "req_write": v(1, 0), "req_address": v(64, address), "req_beats": v(10, 1)])
      idle(gap)
    }

    mutating func submit(_ d: DMADescriptor) {
      for (r, w) in zip([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl], d.words) { write(r, w) }
      write(.dmaSubmit, 1)
    }
  }

  func testMigrationsWithAWriteInFlightAndAFailingCopy() throws {
    let design = try Design(top: Self.systemTop())
    let shape = TierControllerLintTests.shape
    let tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: 1,
                                 descriptorRingSize: 8, completionRingSize: 4,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    var s = Script(tlm: tlm, addressWidth: try tierControllerRegisters(shape: shape).addressWidth)
    s.held["rsp_ready"] = s.v(1, 1)
    s.idle(2 + shape.pageCount)  // the map clears itself after reset, one entry a cycle
    // Pages 0–15 in DRAM, 16–47 in flash, 48–63 on disk.
    for page in 0..<64 {
      let at = page < 16 ? FrameAddress(.dram, page) : page < 48 ? FrameAddress(.flash, page - 16) : FrameAddress(.disk, page - 48)
      s.write(.mapIndex, UInt32(page))
      s.write(.mapWrite, PageEntry(at).encoded)
    }
    // Data in three pages, one per tier.
    for (i, page) in [2, 20, 50].enumerated() {
      for word in [0, 7, 511] { s.store(UInt64(page * 4096 + word * 8), 0x1000 * UInt64(i + 1) + UInt64(word)) }
    }
    // Migrate page 20 (flash frame 4) to disk frame 30. A write right behind the submission is
    // committed before the page is marked (the engine waits for it and copies it); a later one
    // finds the page MIGRATING and waits for the flip.
    s.submit(.migrate(page: 20, from: FrameAddress(.flash, 4), to: FrameAddress(.disk, 30), pageSize: 4096, interrupt: true))
    s.store(20 * 4096 + 7 * 8, 0xBEEF, gap: 30)
    let waitingWrite = s.rows.count
    s.store(20 * 4096 + 8 * 8, 0xCAFE, gap: 1_500)
    s.tlm.idle(until: s.tlm.clock + 10_000)
    for r in [TierRegister.completionEntry, .interruptStatus] { s.read(r) }
    s.write(.mapIndex, 20)
    s.read(.mapEntry)
    s.write(.completionHead, 1)
    // Migrate page 2 (DRAM frame 2) to flash frame 30 with the source failing: nothing moves.
    s.held["dram_fault_valid"] = s.v(1, 1)
    s.held["dram_fault_frame"] = s.v(24, 2)
    s.tlm.withStore(.dram) { $0.faultyFrames = [2] }
    s.submit(.migrate(page: 2, from: FrameAddress(.dram, 2), to: FrameAddress(.flash, 30), pageSize: 4096))
    s.idle(1_500)
    s.tlm.idle(until: s.tlm.clock + 10_000)
    s.held["dram_fault_valid"] = s.v(1, 0)
    s.tlm.withStore(.dram) { $0.faultyFrames = [] }
    for r in [TierRegister.completionEntry, .interruptStatus] { s.read(r) }
    s.write(.mapIndex, 2)
    s.read(.mapEntry)
    // Every word written, read back through the port.
    for page in [2, 20, 50] {
      for word in page == 20 ? [0, 7, 8, 511] : [0, 7, 511] { s.load(UInt64(page * 4096 + word * 8)) }
    }

    let out = try IcarusSimulation(design).run(s.rows)
    var wrong: [String] = []
    for r in s.registerReads {
      let got = out[r.row]["mmio_rdata"].map { UInt32($0.words[0]) }
      if got != r.expected { wrong.append("\(r.register): \(got.map { String($0, radix: 16) } ?? "x"), model \(String(r.expected, radix: 16))") }
    }
    for d in s.dataReads {
      let response = (d.from...d.to).first { out[$0]["rsp_valid"].map { !$0.isZero } ?? false }
      let got = response.flatMap { out[$0]["rsp_data"]?.words[0] }
      let status = response.flatMap { out[$0]["rsp_status"]?.words[0] }
      if got != d.expected || status != 0 {
        wrong.append("read of \(d.address): \(got.map { String($0, radix: 16) } ?? "none") (status \(String(describing: status))), model \(String(d.expected, radix: 16))")
      }
    }
    XCTAssertEqual(wrong, [String]())
    let answered = (waitingWrite...).first { out[$0]["rsp_valid"].map { !$0.isZero } ?? false }
    XCTAssertGreaterThan((answered ?? 0) - waitingWrite, 400, "the second write waited for most of the page copy")
    XCTAssertEqual(s.registerReads.first?.expected, 0x8000_0000, "the migration completed without error")
    XCTAssertEqual(s.dataReads.first { $0.address == 20 * 4096 + 56 }?.expected, 0xBEEF, "the committed write was copied")
    XCTAssertEqual(s.dataReads.first { $0.address == 20 * 4096 + 64 }?.expected, 0xCAFE, "the waiting write landed in the new frame")
    XCTAssertEqual(s.tlm.pageMap[20], PageEntry(FrameAddress(.disk, 30)))
    XCTAssertEqual(s.tlm.pageMap[2], PageEntry(FrameAddress(.dram, 2)))
  }

  /// Migrations between random free frames of every tier, each with a write to the page in
  /// flight, reads elsewhere, and now and then a failing source or destination; every response,
  /// every completion and the final map against the model.
  func testRandomMigrationsWithWritesInFlight() throws {
    let design = try Design(top: Self.systemTop())
    let shape = TierControllerLintTests.shape
    let tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: 1,
                                 descriptorRingSize: 8, completionRingSize: 4,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    var s = Script(tlm: tlm, addressWidth: try tierControllerRegisters(shape: shape).addressWidth)
    s.held["rsp_ready"] = s.v(1, 1)
    s.idle(2 + shape.pageCount)  // the map clears itself after reset, one entry a cycle
    var location: [FrameAddress] = (0..<64).map { p in p < 16 ? FrameAddress(.dram, p) : p < 40 ? FrameAddress(.flash, p - 16) : FrameAddress(.disk, p - 40) }
    var free: [Tier: [Int]] = [.dram: [], .flash: Array(24..<32), .disk: Array(24..<64)]
    for page in 0..<64 {
      s.write(.mapIndex, UInt32(page))
      s.write(.mapWrite, PageEntry(location[page]).encoded)
    }
    var rng = SplitMix64(seed: 9)
    var failures = 0
    var written: [UInt64] = []
    for migration in 0..<40 {
      let page = Int(rng.next() % 64)
      let tier = Tier.allCases[Int(rng.next() % 3)]
      guard var frames = free[tier], !frames.isEmpty else { continue }
      let frame = frames.remove(at: Int(rng.next() % UInt64(frames.count)))
      let from = location[page], to = FrameAddress(tier, frame)
      // One migration in eight has a failing source or destination.
      let failing: FrameAddress? = migration % 8 == 3 ? from : migration % 8 == 7 ? to : nil
      if let f = failing {
        s.held["\(["dram", "flash", "disk"][Int(f.tier.rawValue)])_fault_valid"] = s.v(1, 1)
        s.held["\(["dram", "flash", "disk"][Int(f.tier.rawValue)])_fault_frame"] = s.v(24, UInt64(f.frame))
        s.tlm.withStore(f.tier) { $0.faultyFrames = [f.frame] }
      }
      s.submit(.migrate(page: page, from: from, to: to, pageSize: 4096))
      let address = UInt64(page * 4096 + Int(rng.next() % 512) * 8)
      s.store(address, rng.next(), gap: 700)
      written.append(address)
      s.tlm.idle(until: s.tlm.clock + 10_000)
      s.read(.completionEntry)
      let status = s.registerReads.last!.expected >> 16 & 0xF
      s.write(.completionHead, UInt32((s.tlm.read(.completionHead) + 1) % 4))
      if let f = failing {
        s.held["\(["dram", "flash", "disk"][Int(f.tier.rawValue)])_fault_valid"] = s.v(1, 0)
        s.tlm.withStore(f.tier) { $0.faultyFrames = [] }
      }
      if status == 0 {
        free[tier] = frames
        free[from.tier]!.append(from.frame)
        location[page] = to
      } else {
        failures += 1
      }
      // The word just written, one written earlier, and one anywhere.
      s.load(address, gap: 40)
      s.load(written[Int(rng.next() % UInt64(written.count))], gap: 40)
      s.load(UInt64(Int(rng.next() % 64) * 4096 + Int(rng.next() % 512) * 8), gap: 40)
    }
    for page in 0..<64 {
      s.write(.mapIndex, UInt32(page))
      s.read(.mapEntry)
    }

    let out = try IcarusSimulation(design).run(s.rows)
    var wrong: [String] = []
    for r in s.registerReads {
      let got = out[r.row]["mmio_rdata"].map { UInt32($0.words[0]) }
      if got != r.expected { wrong.append("\(r.register) at \(r.row): \(got.map { String($0, radix: 16) } ?? "x"), model \(String(r.expected, radix: 16))") }
    }
    for r in s.responses {
      let response = (r.from...r.to).first { out[$0]["rsp_valid"].map { !$0.isZero } ?? false }
      let status = response.flatMap { out[$0]["rsp_status"]?.words[0] }
      let expectedStatus: UInt64 = r.status == .ok ? 0 : r.status == .pageFault ? 1 : r.status == .storeError ? 2 : 3
      let data = response.flatMap { out[$0]["rsp_data"]?.words[0] }
      if status != expectedStatus || (r.data != nil && r.status == .ok && data != r.data) {
        wrong.append("access at \(r.address) (row \(r.from)): status \(String(describing: status)) data \(String(describing: data)), model \(r.status) \(String(describing: r.data))")
      }
    }
    XCTAssertEqual(wrong, [String]())
    XCTAssertEqual(s.tlm.pageMap.map(\.location), location, "the model moved what the test expected")
    XCTAssertGreaterThan(failures, 2)
    XCTAssertGreaterThan(s.responses.filter { $0.data.map { $0 != 0 } ?? false }.count, 50, "reads that return written data")
    XCTAssertGreaterThan(40 - failures, 25)
  }
}
