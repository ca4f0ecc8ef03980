import Foundation
import HDL
import Simulation
import SimulationTesting
import TierModel
import XCTest

/// The issue's migration stress on the RTL: the whole controller with three stores, Verilated and
/// driven closed-loop as firmware and a host would, next to the transaction-level model given the
/// same operations. Migrations between random free frames of every tier; while each copies, the
/// host reads the page and writes it (random words, values and byte enables) and touches other
/// pages; one copy in 32 meets a failing source or destination. Every response (status and data),
/// every completion and the final map must equal the model's, and every read must equal a shadow
/// memory that knows nothing of tiers (the model is checked against it too).
///
/// STRATA_TIER_MIGRATIONS sets how many migrations must succeed (default the issue's 10,000,
/// about 7 s of simulation, see docs/tier.md). The run is long, so it is traced only with
/// STRATA_TRACE=1.
final class TierControllerStressTests: SimulationTestCase {
  static let migrations = Int(ProcessInfo.processInfo.environment["STRATA_TIER_MIGRATIONS"] ?? "") ?? 10_000

  func testMigrationsWithConcurrentWritesLoseNothing() throws {
    let compiled = try CompiledModel.load(try Design(top: TierControllerSystemTests.systemTop()))
    let model = ProcessInfo.processInfo.environment["STRATA_TRACE"] == "1" ? try self.model(compiled) : try Model(compiled)
    let rtl = try ControllerDriver(model)
    var tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: 1,
                                 descriptorRingSize: 8, completionRingSize: 4,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    model.reset()
    try rtl.waitForMapReady()
    var rng = SplitMix64(seed: seed)
    var shadow = WordShadow()
    var mismatches: [String] = []
    var checkedReads = 0
    func note(_ s: @autoclosure () -> String) { if mismatches.count < 20 { mismatches.append(s() + " (cycle \(model.cycle))") } }
    func code(_ s: MemoryStatus) -> UInt64 { s == .ok ? 0 : s == .pageFault ? 1 : s == .storeError ? 2 : 3 }

    func write(_ r: TierRegister, _ value: UInt32) throws { try rtl.write(r, value); tlm.write(r, value) }
    func read(_ r: TierRegister) throws -> UInt32 {
      let got = try rtl.read(r), expected = tlm.read(r)
      if got != expected { note("\(r): RTL \(String(got, radix: 16)), model \(String(expected, radix: 16))") }
      return expected
    }
    func access(_ request: MemoryRequest) throws {
      let got = try rtl.access(request)
      let expected = tlm.access(request)
      let a = request.address
      if got.status != code(expected.status) { note("access to \(a): RTL status \(got.status), model \(expected.status)") }
      guard expected.status == .ok else { return }
      if request.isWrite {
        shadow.write(a, request.data[0], byteEnables: request.byteEnables[0])
      } else {
        checkedReads += 1
        let want = shadow[a]
        if expected.data != [want] { note("model read \(a): \(expected.data), shadow \(String(want, radix: 16))") }
        if got.data != want { note("RTL read \(a): \(String(got.data, radix: 16)), shadow \(String(want, radix: 16))") }
      }
    }
    func anyAddress(on page: Int? = nil) -> UInt64 { UInt64((page ?? Int(rng.next() % 64)) * 4096 + Int(rng.next() % 512) * 8) }
    func byteEnables() -> UInt8 { rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : 0xFF }

    // Pages 0–15 in DRAM, 16–39 in flash, 40–63 on disk; the other frames are free.
    var location: [FrameAddress] = (0..<64).map { p in p < 16 ? FrameAddress(.dram, p) : p < 40 ? FrameAddress(.flash, p - 16) : FrameAddress(.disk, p - 40) }
    var free: [Tier: [Int]] = [.dram: [], .flash: Array(24..<32), .disk: Array(24..<64)]
    for page in 0..<64 {
      try write(.mapIndex, UInt32(page))
      try write(.mapWrite, PageEntry(location[page]).encoded)
    }
    var head: UInt32 = 0
    var moved = 0, failed = 0, writesToMovingPages = 0, writesThatWaited = 0
    var failingStores: Set<[UInt8]> = []  // [tier, 0 source / 1 destination]
    var pairs: Set<[UInt8]> = []
    let start = Date()
    while moved < Self.migrations {
      let page = Int(rng.next() % 64)
      let tier = Tier.allCases[Int(rng.next() % 3)]
      guard var frames = free[tier], !frames.isEmpty else { continue }
      let frame = frames.remove(at: Int(rng.next() % UInt64(frames.count)))
      let from = location[page], to = FrameAddress(tier, frame)
      let n = moved + failed
      let failing: FrameAddress? = n % 32 == 11 ? from : n % 32 == 27 ? to : nil
      if let f = failing {
        try rtl.failFrame(f.frame, of: f.tier)
        tlm.withStore(f.tier) { $0.faultyFrames = [f.frame] }
        failingStores.insert([f.tier.rawValue, f == from ? 0 : 1])
      }
      let descriptor = DMADescriptor.migrate(page: page, from: from, to: to, pageSize: 4096)
      for (r, w) in zip([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl], descriptor.words) { try write(r, w) }
      try write(.dmaSubmit, 1)
      // While it copies: reads of the page and elsewhere, then writes to the page (the first may
      // land before the engine marks the page and be copied; the others wait for the flip).
      for _ in 0..<(1 + Int(rng.next() % 3)) {
        switch rng.next() % 4 {
        case 0: try access(.read(anyAddress(on: page)))
        case 1: try access(.read(anyAddress()))
        case 2: try access(.write(anyAddress(), [rng.next()], byteEnables: [byteEnables()]))
        default: break
        }
        try access(.write(anyAddress(on: page), [rng.next()], byteEnables: [byteEnables()]))
        writesToMovingPages += 1
        if rtl.lastAccessCycles > 400 { writesThatWaited += 1 }  // longer than any access: it waited for the copy
      }
      try rtl.waitForCompletion(head: head)
      while tlm.read(.completionTail) == head { tlm.idle(until: tlm.clock + 1_000) }
      let status = try read(.completionEntry) >> 16 & 0xF
      head = (head + 1) % 4
      try write(.completionHead, head)
      if let f = failing {
        try rtl.failFrame(nil, of: f.tier)
        tlm.withStore(f.tier) { $0.faultyFrames = [] }
      }
      if status == 0 {
        free[tier] = frames
        free[from.tier]!.append(from.frame)
        location[page] = to
        moved += 1
        pairs.insert([from.tier.rawValue, to.tier.rawValue])
      } else {
        failed += 1
      }
      // Now and then a word written earlier, anywhere.
      if n % 4 == 0, !shadow.written.isEmpty { try access(.read(shadow.written[Int(rng.next() % UInt64(shadow.written.count))])) }
      if !mismatches.isEmpty { break }
    }
    // The final map, then every word ever written, read back through the port.
    for page in 0..<64 {
      try write(.mapIndex, UInt32(page))
      _ = try read(.mapEntry)
    }
    for a in shadow.written where mismatches.isEmpty { try access(.read(a)) }
    let seconds = Date().timeIntervalSince(start)
    print("tier stress: \(moved) migrations (\(failed) failed copies), \(writesToMovingPages) writes to pages being moved "
      + "(\(writesThatWaited) waited for the flip), \(failingStores.count) kinds of failing store, "
      + "\(checkedReads) reads checked, \(model.cycle) cycles in \(String(format: "%.1f", seconds)) s")

    XCTAssertEqual(mismatches, [], "[seed \(seed)]")
    XCTAssertEqual(tlm.pageMap.map(\.location), location, "the model moved what the test expected")
    XCTAssertGreaterThanOrEqual(writesToMovingPages, Self.migrations, "at least one write to every page being moved")
    XCTAssertGreaterThan(writesThatWaited, Self.migrations / 2, "writes that found the page MIGRATING and waited")
    XCTAssertGreaterThan(failed, Self.migrations / 20)
    XCTAssertEqual(failingStores.count, 6, "every tier's store failing as a source and as a destination")
    XCTAssertEqual(pairs.count, 9, "migrations between every pair of tiers, DRAM to DRAM included")
  }
}
