import Foundation
import HDL
import Simulation
import SimulationTesting
import TierModel
import XCTest

/// The firmware policy `HotPagePromotion`, written against `TierRegisterBus`, run on the
/// Verilated controller (three test stores) and on the transaction-level model with the same
/// short trace: the hot lists it reads, the descriptors it submits and the final page map must
/// be the same on both (the issue's "evaluated on long traces on the model, confirmed on the
/// RTL on short ones").
///
/// Epochs are lined up, not timed alike: each round resets the hotness unit (an epoch starts
/// on both), plays its part of the trace (far shorter than an epoch on both, whose clocks run
/// at different speeds; the model's latencies are scaled down so that a disk access is 30
/// cycles), lets the epoch end, lets the policy act, and waits until its copies
/// are done.
final class HotPagePromotionOnRTLTests: SimulationTestCase {
  /// Registers on the Verilated controller; the first failure (a stuck bus) is kept for the test.
  struct RTLRegisterBus: TierRegisterBus {
    let driver: ControllerDriver
    var failure: Error?
    mutating func read(_ register: TierRegister) -> UInt32 {
      do { return try driver.read(register) } catch { failure = failure ?? error; return 0 }
    }
    mutating func write(_ register: TierRegister, _ value: UInt32) {
      do { try driver.write(register, value) } catch { failure = failure ?? error }
    }
  }

  /// Records what the policy does on a bus: the hot-list entries it reads and the descriptors it submits.
  struct RecordingBus<Base: TierRegisterBus>: TierRegisterBus {
    var base: Base
    var staged: [TierRegister: UInt32] = [:]
    var submitted: [[UInt32]] = []
    var hotLow: UInt32 = 0
    var hotEntries: [UInt64] = []
    var completions: [UInt32] = []
    mutating func read(_ register: TierRegister) -> UInt32 {
      let value = base.read(register)
      if register == .hotEntryLow { hotLow = value }
      if register == .completionEntry && value >> 31 == 1 { completions.append(value) }
      if register == .hotEntryHigh { hotEntries.append(UInt64(value) << 32 | UInt64(hotLow)) }
      return value
    }
    mutating func write(_ register: TierRegister, _ value: UInt32) {
      staged[register] = value
      if register == .dmaSubmit && value & 1 == 1 {
        submitted.append([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl].map { staged[$0] ?? 0 })
      }
      base.write(register, value)
    }
  }

  static let epochCycles: UInt32 = 20_000
  static let rounds = 5
  static let accessesPerRound = 60

  func testThePolicyDecidesTheSameOnTheRTLAsOnTheModel() throws {
    let compiled = try CompiledModel.load(try Design(top: TierControllerSystemTests.systemTop()))
    let model = try Model(compiled)
    var rtl = RecordingBus(base: RTLRegisterBus(driver: try ControllerDriver(model)))
    var tlm = RecordingBus(base: try TierController(timing: .defaults(timeScale: 100_000, dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64,
                                                    maxInFlight: 1, descriptorRingSize: 8, completionRingSize: 4,
                                                    hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64)))
    model.reset()
    try rtl.base.driver.waitForMapReady()
    // Pages 0–11 in DRAM (4 DRAM frames free), 12–35 in flash, 36–63 on disk.
    for page in 0..<64 {
      let location = page < 12 ? FrameAddress(.dram, page) : page < 36 ? FrameAddress(.flash, page - 12) : FrameAddress(.disk, page - 36)
      rtl.setMapEntry(page: page, PageEntry(location))
      tlm.setMapEntry(page: page, PageEntry(location))
    }
    for register in [(TierRegister.hotThreshold, UInt32(5)), (.hotEpochCycles, Self.epochCycles)] {
      rtl.write(register.0, register.1)
      tlm.write(register.0, register.1)
    }
    let frames: [Tier: Int] = [.dram: 16, .flash: 32, .disk: 64]
    var policyOnRTL = HotPagePromotion(bus: &rtl, frames: frames, reserve: 2)
    var policyOnModel = HotPagePromotion(bus: &tlm, frames: frames, reserve: 2)
    // Three fresh hot pages per round: up to three promotions and as many demotions, fewer than
    // the descriptor ring holds (a full ring would make the decisions depend on how far the
    // copies got while the policy ran, which differs between the two clocks).
    let trace = TraceGenerator.movingHotSet(pages: 64, hotPages: 3, phases: Self.rounds, count: Self.rounds * Self.accessesPerRound, seed: seed)
    let control = HotControlBits.enable | HotControlBits.trackReads | HotControlBits.trackWrites | UInt32(12) << UInt32(HotControlBits.unitShiftLow)
    let driver = rtl.base.driver

    for round in 0..<Self.rounds {
      // An epoch starts on both.
      rtl.write(.hotControl, control | HotControlBits.reset)
      tlm.write(.hotControl, control | HotControlBits.reset)
      let rtlStart = model.cycle, tlmStart = tlm.base.clock
      for (i, access) in trace[(round * Self.accessesPerRound)..<((round + 1) * Self.accessesPerRound)].enumerated() {
        let address = UInt64(access.page << 12 | access.word * 8)
        let request = access.isWrite ? MemoryRequest.write(address, [UInt64(round << 16 | i)]) : .read(address)
        let got = try driver.access(request)
        let expected = tlm.base.access(request)
        XCTAssertEqual(got.status, 0, "round \(round), access \(i) on the RTL")
        XCTAssertEqual(expected.status, .ok, "round \(round), access \(i) on the model")
        if !access.isWrite { XCTAssertEqual(got.data, expected.data.first, "round \(round), read \(i) of page \(access.page)") }
      }
      XCTAssertLessThan(model.cycle - rtlStart, Int(Self.epochCycles) / 2, "the RTL's round fits in its epoch")
      XCTAssertLessThan(tlm.base.clock - tlmStart, Int(Self.epochCycles) / 2, "the model's round fits in its epoch")
      // The epoch ends (the RTL drains its counters into the list within `counters + 1` cycles).
      model.step(rtlStart + Int(Self.epochCycles) + 64 - model.cycle)
      tlm.base.idle(until: tlmStart + Int(Self.epochCycles) + 1)
      policyOnRTL.service(&rtl)
      policyOnModel.service(&tlm)
      // Copies finish (a disk page is 5,120 cycles on the model, far less on the test stores);
      // the completion ring holds three, so the policy takes completions in between (with no
      // hot-list news it does nothing else).
      for _ in 0..<3 {
        model.step(20_000)
        tlm.base.idle(until: tlm.base.clock + 20_000)
        policyOnRTL.service(&rtl)
        policyOnModel.service(&tlm)
      }
      XCTAssertNil(rtl.base.failure)
      XCTAssertEqual(rtl.hotEntries, tlm.hotEntries, "round \(round): hot lists")
      XCTAssertEqual(rtl.submitted, tlm.submitted, "round \(round): descriptors")
    }
    let rtlMap = (0..<64).map { rtl.mapEntry(page: $0) }
    let tlmMap = (0..<64).map { tlm.mapEntry(page: $0) }
    XCTAssertEqual(rtlMap, tlmMap, "final map")
    XCTAssertEqual(rtl.submitted, tlm.submitted)
    XCTAssertGreaterThan(rtl.submitted.count, 2 * Self.rounds, "the trace must make the policy move pages")
    XCTAssertGreaterThan(rtlMap.filter { $0.location.tier == .dram }.count, 12 - 2, "pages were promoted")
    print("HotPagePromotion on RTL and model: \(rtl.hotEntries.count) hot-list entries, \(rtl.submitted.count) descriptors, same final map")
  }
}
