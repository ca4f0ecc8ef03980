import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The skid buffer core against `SkidBufferReference` for 100k cycles under random valid and
/// ready, then at full throughput: no word lost or duplicated, one word per cycle when neither
/// side stalls.
final class SkidBufferSimulationTests: SimulationTestCase {
  func testSkidBufferUnderRandomBackpressureAndAtFullThroughput() throws {
    let width = 24
    let model = try self.model(try Design(top: skidBuffer(width: width)))
    let driver = try StreamDriver(model, prefix: "enq", random: random("enq"))
    let monitor = try StreamMonitor(model, prefix: "deq", random: random("deq"))
    let enqValid = try model.output("enq_valid"), enqData = try model.output("enq_data"), deqReady = try model.output("deq_ready")
    let enqReady = try model.output("enq_ready"), deqValid = try model.output("deq_valid"), deqData = try model.output("deq_data")
    let scoreboard = Scoreboard<UInt64>("deq_data")
    let check = CycleChecker()
    var reference = SkidBufferReference<UInt64>()
    var words = random("words")
    let randomCycles = 100_000, fullSpeedCycles = 20_000
    let pressures: [(valid: Probability, ready: Probability)] = [(0.5, 0.5), (0.9, 0.4), (0.4, 0.9), (0.8, 0.8)]
    var acceptedAtFullSpeed = 0

    model.reset()
    for cycle in 0..<randomCycles + fullSpeedCycles {
      if cycle < randomCycles, cycle % 10_000 == 0 {
        (driver.validProbability, monitor.readyProbability) = pressures[cycle / 10_000 % pressures.count]
      } else if cycle == randomCycles {
        (driver.validProbability, monitor.readyProbability) = (.always, .always)
      }
      if driver.pending < 2 { try driver.send(words.next() & 0xff_ffff) }
      driver.drive()
      monitor.drive()
      model.settle()

      check.equal("enq_ready", enqReady.bool, reference.enqReady, cycle: cycle)
      check.equal("deq_valid", deqValid.bool, reference.deqValid, cycle: cycle)
      if let word = reference.main { check.equal("deq_data", deqData.uint64, word, cycle: cycle) }

      let offered: UInt64? = enqValid.bool ? enqData.uint64 : nil
      let taken = driver.observe(), delivered = monitor.observe(cycle: cycle)
      if taken { scoreboard.expect(driver.acceptedData) }
      if delivered { scoreboard.observe(monitor.data, cycle: cycle) }
      if cycle >= randomCycles + 10, taken { acceptedAtFullSpeed += 1 }
      reference.clock(offered: offered, deqReady: deqReady.bool)
      model.step()
    }
    XCTAssertNil(check.firstMismatch)
    XCTAssertNil(scoreboard.verdict(allowingOutstanding: true))
    XCTAssertEqual(scoreboard.outstanding, reference.held, "the words still inside are exactly the ones not yet delivered")
    XCTAssertNil(monitor.protocolViolation)
    XCTAssertEqual(acceptedAtFullSpeed, fullSpeedCycles - 10, "full throughput: a word every cycle once the pipe is primed")
  }
}
