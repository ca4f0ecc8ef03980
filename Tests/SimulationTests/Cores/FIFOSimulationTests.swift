import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The FIFO core (Sources/Cores/FIFO.swift) against `FIFOReference` for 100k cycles of random
/// words with random valid and ready patterns: order, occupancy, every flag, no loss or duplication.
final class FIFOSimulationTests: SimulationTestCase {
  static let cycles = 100_000

  func testFallThroughFIFOUnderRandomTrafficAndBackpressure() throws {
    try run(depth: 5, width: 16, almostFull: 4, almostEmpty: 1, firstWordFallThrough: true)
  }

  func testBlockRAMFIFOUnderRandomTrafficAndBackpressure() throws {
    try run(depth: 6, width: 12, almostFull: 5, almostEmpty: 2, firstWordFallThrough: false)
  }

  private func run(depth: Int, width: Int, almostFull: Int, almostEmpty: Int, firstWordFallThrough: Bool) throws {
    let design = try Design(top: fifo(depth: depth, width: width, almostFull: almostFull, almostEmpty: almostEmpty,
                                      firstWordFallThrough: firstWordFallThrough))
    let model = try self.model(design)
    var words = random("words")
    // Phases of different pressure so the FIFO spends time empty, full and in between.
    let phases: [(valid: Probability, ready: Probability)] = [(0.5, 0.5), (0.9, 0.3), (0.3, 0.9), (1.0, 1.0), (0.7, 0.7)]
    let driver = try StreamDriver(model, prefix: "enq", random: random("enq"))
    let monitor = try StreamMonitor(model, prefix: "deq", random: random("deq"))
    let scoreboard = Scoreboard<UInt64>("deq_data")
    let check = CycleChecker()
    let count = try model.output("count"), full = try model.output("full"), empty = try model.output("empty")
    let almostFullFlag = try model.output("almost_full"), almostEmptyFlag = try model.output("almost_empty")
    let enqReady = try model.output("enq_ready"), deqValid = try model.output("deq_valid"), deqData = try model.output("deq_data")
    var reference = FIFOReference<UInt64>(depth: depth, almostFull: almostFull, almostEmpty: almostEmpty,
                                  firstWordFallThrough: firstWordFallThrough)
    let mask: UInt64 = (1 << UInt64(width)) - 1

    model.reset()
    for cycle in 0..<Self.cycles {
      if cycle % (Self.cycles / 20) == 0 {
        (driver.validProbability, monitor.readyProbability) = phases[cycle / (Self.cycles / 20) % phases.count]
      }
      if driver.pending < 2 { try driver.send(words.next() & mask) }
      driver.drive()
      monitor.drive()
      model.settle()

      let expected = reference.outputs()
      check.equal("enq_ready", enqReady.bool, expected.enqReady, cycle: cycle)
      check.equal("deq_valid", deqValid.bool, expected.deqValid, cycle: cycle)
      check.equal("count", count.uint64, UInt64(expected.count), cycle: cycle)
      check.equal("full", full.bool, expected.full, cycle: cycle)
      check.equal("empty", empty.bool, expected.empty, cycle: cycle)
      check.equal("almost_full", almostFullFlag.bool, expected.almostFull, cycle: cycle)
      check.equal("almost_empty", almostEmptyFlag.bool, expected.almostEmpty, cycle: cycle)
      if let head = expected.deqData { check.equal("deq_data", deqData.uint64, head, cycle: cycle) }

      let pushed = driver.observe(), popped = monitor.observe(cycle: cycle)
      if pushed { scoreboard.expect(driver.acceptedData) }
      if popped { scoreboard.observe(monitor.data, cycle: cycle) }
      reference.clock(pushed: pushed ? driver.acceptedData : nil, popped: popped)
      model.step()
    }
    XCTAssertNil(check.firstMismatch)
    XCTAssertNil(scoreboard.verdict(allowingOutstanding: true))
    XCTAssertEqual(scoreboard.outstanding, reference.count, "words inside the FIFO at the end are the ones not yet read")
    XCTAssertNil(monitor.protocolViolation)
    XCTAssertGreaterThan(scoreboard.matched, Self.cycles / 4, "enough words moved to mean something")
  }
}
