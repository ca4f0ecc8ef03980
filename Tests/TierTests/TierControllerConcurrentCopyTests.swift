import Foundation
import HDL
import Simulation
import SimulationTesting
import TierModel
import XCTest

/// The migration stress with several descriptors in flight: the controller built with three DMA
/// lanes (DMA_IN_FLIGHT 3), Verilated with three test stores, and the transaction-level model
/// with `maxInFlight: 3`, given the same operations. Up to three migrations of distinct pages are
/// outstanding at once; while they copy, the host writes the pages being moved (such a write waits
/// for its page's flip while the other lanes go on copying), reads them and touches other pages.
/// Two copies in 16 meet a failing source or destination (one such copy in flight at a time). Completions are posted in finishing
/// order, which depends on each side's timing, so they are matched by descriptor index: every
/// descriptor's status, every response (status and data) and the final map must equal the
/// model's, and every read must equal a shadow memory that knows nothing of tiers.
///
/// STRATA_TIER_MIGRATIONS sets how many migrations must succeed (default 4,000: the issue's
/// 10,000 run in TierControllerStressTests, one lane).
final class TierControllerConcurrentCopyTests: SimulationTestCase {
  static let lanes = 3
  static let migrations = Int(ProcessInfo.processInfo.environment["STRATA_TIER_MIGRATIONS"] ?? "") ?? 4_000
  static let shape = TierShape(pageShift: 12, pageCount: 64, counterWidth: 16, maxInFlight: lanes, hotListSize: 64,
                               descriptorRingSize: 8, completionRingSize: 8)

  func testSeveralMigrationsInFlightWithConcurrentWritesLoseNothing() throws {
    let compiled = try CompiledModel.load(try Design(top: TierControllerSystemTests.systemTop(shape: Self.shape)))
    let model = ProcessInfo.processInfo.environment["STRATA_TRACE"] == "1" ? try self.model(compiled) : try Model(compiled)
    let rtl = try ControllerDriver(model)
    var tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: Self.lanes,
                                 descriptorRingSize: 8, completionRingSize: 8,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    model.reset()
    try rtl.waitForMapReady()
    var rng = SplitMix64(seed: seed)
    var shadow = WordShadow()
    var mismatches: [String] = []
    func note(_ s: @autoclosure () -> String) { if mismatches.count < 20 { mismatches.append(s() + " (cycle \(model.cycle))") } }
    func code(_ s: MemoryStatus) -> UInt64 { s == .ok ? 0 : s == .pageFault ? 1 : s == .storeError ? 2 : 3 }
    func write(_ r: TierRegister, _ value: UInt32) throws { try rtl.write(r, value); tlm.write(r, value) }
    func access(_ request: MemoryRequest) throws {
      let got = try rtl.access(request), expected = tlm.access(request)
      let a = request.address
      if got.status != code(expected.status) { note("access to \(a): RTL status \(got.status), model \(expected.status)") }
      guard expected.status == .ok else { return }
      if request.isWrite {
        shadow.write(a, request.data[0], byteEnables: request.byteEnables[0])
      } else {
        let want = shadow[a]
        if expected.data != [want] { note("model read \(a): \(expected.data), shadow \(String(want, radix: 16))") }
        if got.data != want { note("RTL read \(a): \(String(got.data, radix: 16)), shadow \(String(want, radix: 16))") }
      }
    }
    func anyAddress(on page: Int? = nil) -> UInt64 { UInt64((page ?? Int(rng.next() % 64)) * 4096 + Int(rng.next() % 512) * 8) }
    func byteEnables() -> UInt8 { rng.next() % 4 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : 0xFF }

    var location: [FrameAddress] = (0..<64).map { p in p < 16 ? FrameAddress(.dram, p) : p < 40 ? FrameAddress(.flash, p - 16) : FrameAddress(.disk, p - 40) }
    var free: [Tier: [Int]] = [.dram: [], .flash: Array(24..<32), .disk: Array(24..<64)]
    for page in 0..<64 {
      try write(.mapIndex, UInt32(page))
      try write(.mapWrite, PageEntry(location[page]).encoded)
    }
    struct Outstanding { let page: Int; let from: FrameAddress; let to: FrameAddress; let failing: FrameAddress? }
    var outstanding: [Int: Outstanding] = [:]  // by descriptor index
    var modelStatus: [Int: UInt32] = [:]
    var rtlHead: UInt32 = 0, modelHead: UInt32 = 0
    var submitted = 0, moved = 0, failed = 0, writesToMovingPages = 0, mostAtOnce = 0
    var failingStores: Set<[UInt8]> = []
    var retired = 0, mostInTheEngine = 0  // descriptors taken by the RTL engine and not yet posted

    /// Takes every completion the model has posted, recording its status by descriptor index.
    func drainModel() {
      while tlm.read(.completionTail) != modelHead {
        let entry = tlm.read(.completionEntry)
        modelStatus[Int(entry & 0xFFFF)] = entry >> 16 & 0xF
        modelHead = (modelHead + 1) % 8
        tlm.write(.completionHead, modelHead)
      }
    }
    /// Takes the RTL's next completion and settles its descriptor's bookkeeping.
    func retireOne() throws {
      try rtl.waitForCompletion(head: rtlHead)
      let entry = try rtl.read(.completionEntry)
      rtlHead = (rtlHead + 1) % 8
      retired += 1
      try rtl.write(.completionHead, rtlHead)
      let index = Int(entry & 0xFFFF), status = entry >> 16 & 0xF
      guard let copy = outstanding.removeValue(forKey: index) else { return note("RTL completed descriptor \(index), which is not in flight") }
      drainModel()
      while modelStatus[index] == nil { tlm.idle(until: tlm.clock + 1_000); drainModel() }
      if modelStatus.removeValue(forKey: index) != status { note("descriptor \(index): RTL status \(status), model's differs") }
      if let f = copy.failing {
        try rtl.failFrame(nil, of: f.tier)
        tlm.withStore(f.tier) { $0.faultyFrames = [] }
      }
      if status == 0 {
        free[copy.from.tier]!.append(copy.from.frame)
        location[copy.page] = copy.to
        moved += 1
      } else {
        free[copy.to.tier]!.append(copy.to.frame)
        failed += 1
      }
    }

    let start = Date()
    while moved < Self.migrations && mismatches.isEmpty {
      if outstanding.count == Self.lanes { try retireOne(); continue }
      let busyPages = Set(outstanding.values.map(\.page))
      let page = Int(rng.next() % 64)
      let tier = Tier.allCases[Int(rng.next() % 3)]
      guard !busyPages.contains(page), var frames = free[tier], !frames.isEmpty else {
        if !outstanding.isEmpty && rng.next() % 4 == 0 { try retireOne() }
        continue
      }
      let frame = frames.remove(at: Int(rng.next() % UInt64(frames.count)))
      free[tier] = frames
      let from = location[page], to = FrameAddress(tier, frame)
      // One failing copy at a time (a test store fails one frame).
      let anyFailing = outstanding.values.contains { $0.failing != nil }
      let failing: FrameAddress? = anyFailing ? nil : submitted % 16 == 5 ? from : submitted % 16 == 13 ? to : nil
      if let f = failing {
        try rtl.failFrame(f.frame, of: f.tier)
        tlm.withStore(f.tier) { $0.faultyFrames = [f.frame] }
        failingStores.insert([f.tier.rawValue, f == from ? 0 : 1])
      }
      let descriptor = DMADescriptor.migrate(page: page, from: from, to: to, pageSize: 4096)
      for (r, w) in zip([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl], descriptor.words) { try write(r, w) }
      try write(.dmaSubmit, 1)
      outstanding[submitted] = Outstanding(page: page, from: from, to: to, failing: failing)
      submitted += 1
      mostAtOnce = max(mostAtOnce, outstanding.count)
      // While the copies run: reads and writes of the pages being moved and of others.
      let moving = outstanding.values.map(\.page)
      for _ in 0..<(1 + Int(rng.next() % 2)) {
        switch rng.next() % 4 {
        case 0: try access(.read(anyAddress(on: moving[Int(rng.next() % UInt64(moving.count))])))
        case 1: try access(.read(anyAddress()))
        case 2: try access(.write(anyAddress(), [rng.next()], byteEnables: [byteEnables()]))
        default: break
        }
        try access(.write(anyAddress(on: moving[Int(rng.next() % UInt64(moving.count))]), [rng.next()], byteEnables: [byteEnables()]))
        writesToMovingPages += 1
      }
      let taken = Int(try rtl.read(.dmaHead)), posted = retired + Int((try rtl.read(.completionTail) + 8 - rtlHead) % 8)
      mostInTheEngine = max(mostInTheEngine, taken - posted)
      if submitted % 4 == 0, !shadow.written.isEmpty { try access(.read(shadow.written[Int(rng.next() % UInt64(shadow.written.count))])) }
    }
    while !outstanding.isEmpty && mismatches.isEmpty { try retireOne() }
    for page in 0..<64 {
      try write(.mapIndex, UInt32(page))
      let got = try rtl.read(.mapEntry), expected = tlm.read(.mapEntry)
      if got != expected { note("page \(page): RTL entry \(String(got, radix: 16)), model \(String(expected, radix: 16))") }
      if expected != PageEntry(location[page]).encoded { note("page \(page): model entry \(String(expected, radix: 16)), test expects \(location[page])") }
    }
    for a in shadow.written where mismatches.isEmpty { try access(.read(a)) }
    print("tier concurrent stress: \(moved) migrations (\(failed) failed copies), up to \(mostAtOnce) outstanding "
      + "(\(mostInTheEngine) copying at once in the RTL), "
      + "\(writesToMovingPages) writes to pages being moved, \(model.cycle) cycles in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")

    XCTAssertEqual(mismatches, [], "[seed \(seed)]")
    XCTAssertEqual(mostAtOnce, Self.lanes, "as many migrations outstanding as the engine has lanes")
    XCTAssertEqual(mostInTheEngine, Self.lanes, "the RTL engine copied as many descriptors at once as it has lanes")
    XCTAssertGreaterThan(failed, Self.migrations / 20)
    XCTAssertEqual(failingStores.count, 6, "every tier's store failing as a source and as a destination")
  }
}
