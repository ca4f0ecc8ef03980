import Foundation
import HDL
import Simulation
import SimulationTesting
import XCTest

/// A one-word buffer with a planted bug: it drops every fifth word it accepts.
enum LossySlot {
  enum Slot: CaseIterable { case empty, holding }

  /// With `enq_valid` and `deq_ready` held high, a correct slot takes a word every other cycle
  /// (bench cycles 0, 2, 4, ...) and shows it on `deq` the cycle after; this one never shows
  /// the fifth (taken at cycle 8), so `deq_valid` is 0 at bench cycle 9 where it should be 1.
  static let firstWrongCycle = 9

  static func design() throws -> Design {
    try Design(top: Module("lossy_slot") { m in
      let enq = m.port("enq", Stream(width: 8).flipped)
      let deq = m.port("deq", Stream(width: 8))
      let slot = m.fsm("slot", Slot.self, initial: .empty)
      let word = m.register("word", width: 8, reset: 0)
      let taken = m.register("taken", width: 3, reset: 0)
      enq.ready <== slot.isIn(.empty)
      deq.valid <== slot.isIn(.holding)
      deq.data <== word
      when(enq.fires) {
        word <== enq.data
        taken <== mux(taken == 4, Signal.constant(0, width: 3), taken + 1)
        when(taken != 4) { slot.goto(.holding) }
      }
      when(deq.fires) { slot.goto(.empty) }
    })
  }
}

/// Fails on purpose, to show what a failing cycle-accurate test leaves under artifacts/waves/.
/// It runs only when STRATA_WAVES_SAMPLE=1 (FailureArtifactTests starts it in a child process).
final class DeliberatelyFailingSampleTests: SimulationTestCase {
  func testLossySlotDeliversEveryWord() throws {
    try XCTSkipUnless(ProcessInfo.processInfo.environment["STRATA_WAVES_SAMPLE"] == "1",
                      "a deliberately failing sample; FailureArtifactTests runs it")
    let model = try self.model(try LossySlot.design())
    watch("enq (driven)", "enq")
    watch("deq (checked)", "deq")
    let enqValid = try model.input("enq_valid"), enqData = try model.input("enq_data")
    let deqReady = try model.input("deq_ready")
    let deqValid = try model.output("deq_valid"), deqData = try model.output("deq_data")
    let enqReady = try model.output("enq_ready")
    model.reset()
    var next: UInt64 = 0xa0
    var expected: [UInt64] = []
    for cycle in 0..<40 {
      enqValid.set(true)
      try enqData.set(next)
      deqReady.set(true)
      model.settle()
      // A correct one-word buffer: full every other cycle, showing the word it took.
      if cycle % 2 == 1 {
        XCTAssertTrue(deqValid.bool, "deq_valid at bench cycle \(cycle): word 0x\(String(expected.first ?? 0, radix: 16)) is missing")
        guard deqValid.bool else { return }
        XCTAssertEqual(deqData.uint64, expected.removeFirst())
      }
      if enqReady.bool { expected.append(next); next += 1 }
      model.step()
    }
  }
}
