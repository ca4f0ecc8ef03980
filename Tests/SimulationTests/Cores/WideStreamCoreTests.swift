import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The FIFO and the skid buffer carrying words wider than 64 bits (a 256-bit TLP beat) and at
/// the narrow extreme (1 bit), through the wide stream BFMs, against the same references as the
/// narrow tests: every output every cycle, no loss or duplication. (These replace the Icarus
/// random-traffic tests of CoresTests for these shapes.)
final class WideStreamCoreTests: SimulationTestCase {
  static let cycles = 20_000

  private func randomWord(width: Int, _ random: inout SimulationRandom) -> BitVector {
    BitVector(width: width, words: (0..<(width + 63) / 64).map { _ in random.next() }).resized(to: width)
  }

  func testFallThroughFIFOOf256BitWords() throws {
    try fifoRun(depth: 3, width: 256, almostFull: 2, almostEmpty: 1, firstWordFallThrough: true)
  }

  func testBlockRAMFIFOOf256BitWords() throws {
    try fifoRun(depth: 3, width: 256, almostFull: 3, almostEmpty: 0, firstWordFallThrough: false)
  }

  func testTwoDeepFIFOOfOneBitWords() throws {
    try fifoRun(depth: 2, width: 1, almostFull: 1, almostEmpty: 1, firstWordFallThrough: true)
  }

  private func fifoRun(depth: Int, width: Int, almostFull: Int, almostEmpty: Int, firstWordFallThrough: Bool) throws {
    let design = try Design(top: fifo(depth: depth, width: width, almostFull: almostFull, almostEmpty: almostEmpty,
                                      firstWordFallThrough: firstWordFallThrough))
    let model = try self.model(design)
    watch("enq (driven)", "enq")
    watch("deq (checked)", "deq")
    var words = random("words")
    let phases: [(valid: Probability, ready: Probability)] = [(0.8, 0.35), (0.35, 0.8), (1.0, 1.0), (0.6, 0.6)]
    let driver = try WideStreamDriver(model, prefix: "enq", random: random("enq"))
    let monitor = try WideStreamMonitor(model, prefix: "deq", random: random("deq"))
    let scoreboard = Scoreboard<BitVector>("deq_data", format: { "0x" + $0.hex })
    let check = CycleChecker()
    let count = try model.output("count"), full = try model.output("full"), empty = try model.output("empty")
    let almostFullFlag = try model.output("almost_full"), almostEmptyFlag = try model.output("almost_empty")
    let enqReady = try model.output("enq_ready"), deqValid = try model.output("deq_valid"), deqData = try model.output("deq_data")
    var reference = FIFOReference<BitVector>(depth: depth, almostFull: almostFull, almostEmpty: almostEmpty,
                                             firstWordFallThrough: firstWordFallThrough)
    var sawFull = false, sawEmptyAfterFull = false

    model.reset()
    for cycle in 0..<Self.cycles {
      if cycle % 1_000 == 0 { (driver.validProbability, monitor.readyProbability) = phases[cycle / 1_000 % phases.count] }
      if driver.pending < 2 { try driver.send(randomWord(width: width, &words)) }
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
      if let head = expected.deqData {
        let shown = deqData.value
        check.require(shown == head, cycle: cycle, "deq_data: expected 0x\(head.hex), got 0x\(shown.hex)")
      }
      sawFull = sawFull || expected.full
      sawEmptyAfterFull = sawEmptyAfterFull || (sawFull && expected.empty)

      let pushed = driver.observe(), popped = monitor.observe(cycle: cycle)
      if pushed { scoreboard.expect(driver.acceptedData) }
      if popped { scoreboard.observe(monitor.data, cycle: cycle) }
      reference.clock(pushed: pushed ? driver.acceptedData : nil, popped: popped)
      model.step()
      if check.firstMismatch != nil { break }  // the failure picture is drawn around the first mismatch
    }
    XCTAssertNil(check.firstMismatch)
    XCTAssertNil(scoreboard.verdict(allowingOutstanding: true))
    XCTAssertEqual(scoreboard.outstanding, reference.count, "words inside the FIFO at the end are the ones not yet read")
    XCTAssertNil(monitor.protocolViolation)
    XCTAssertTrue(sawFull && sawEmptyAfterFull, "the traffic filled and drained the FIFO")
    XCTAssertGreaterThan(scoreboard.matched, Self.cycles / 4, "enough words moved to mean something")
  }

  /// The 64-bit BFMs refuse a wide stream and name the ones that carry it; the wide driver
  /// refuses a word that does not fit.
  func testWideStreamsNeedTheWideBFMs() throws {
    let model = try self.model(try Design(top: skidBuffer(width: 256)))
    XCTAssertThrowsError(try StreamDriver(model, prefix: "enq", random: random("enq"))) { error in
      XCTAssertEqual(error as? SimulationError,
                     .portTooWideForBFM(port: "enq_data", width: 256, bfm: "StreamDriver", alternative: "WideStreamDriver"))
    }
    XCTAssertThrowsError(try StreamMonitor(model, prefix: "deq", random: random("deq"))) { error in
      XCTAssertTrue("\(error)".contains("use WideStreamMonitor"), "\(error)")
    }
    let driver = try WideStreamDriver(model, prefix: "enq", random: random("enq"))
    XCTAssertThrowsError(try driver.send(BitVector(width: 257, words: [0, 0, 0, 0, 1]))) { error in
      XCTAssertEqual(error as? SimulationError, .valueTooWide(port: "enq_data", width: 256, value: BitVector(width: 257, words: [0, 0, 0, 0, 1]).description))
    }
    XCTAssertNoThrow(try driver.send(BitVector(width: 300, words: [5])), "a wider vector whose value fits is taken")
  }

  func testSkidBufferOf256BitWords() throws {
    let width = 256
    let model = try self.model(try Design(top: skidBuffer(width: width)))
    let driver = try WideStreamDriver(model, prefix: "enq", random: random("enq"))
    let monitor = try WideStreamMonitor(model, prefix: "deq", random: random("deq"))
    let enqValid = try model.output("enq_valid"), enqData = try model.output("enq_data"), deqReady = try model.output("deq_ready")
    let enqReady = try model.output("enq_ready"), deqValid = try model.output("deq_valid"), deqData = try model.output("deq_data")
    let scoreboard = Scoreboard<BitVector>("deq_data", format: { "0x" + $0.hex })
    let check = CycleChecker()
    var reference = SkidBufferReference<BitVector>()
    var words = random("words")
    let pressures: [(valid: Probability, ready: Probability)] = [(0.5, 0.5), (0.9, 0.3), (0.3, 0.9), (1.0, 1.0)]

    model.reset()
    for cycle in 0..<Self.cycles {
      if cycle % 1_000 == 0 { (driver.validProbability, monitor.readyProbability) = pressures[cycle / 1_000 % pressures.count] }
      if driver.pending < 2 { try driver.send(randomWord(width: width, &words)) }
      driver.drive()
      monitor.drive()
      model.settle()

      check.equal("enq_ready", enqReady.bool, reference.enqReady, cycle: cycle)
      check.equal("deq_valid", deqValid.bool, reference.deqValid, cycle: cycle)
      if let word = reference.main {
        let shown = deqData.value
        check.require(shown == word, cycle: cycle, "deq_data: expected 0x\(word.hex), got 0x\(shown.hex)")
      }
      let offered: BitVector? = enqValid.bool ? enqData.value : nil
      let taken = driver.observe(), delivered = monitor.observe(cycle: cycle)
      if taken { scoreboard.expect(driver.acceptedData) }
      if delivered { scoreboard.observe(monitor.data, cycle: cycle) }
      reference.clock(offered: offered, deqReady: deqReady.bool)
      model.step()
    }
    XCTAssertNil(check.firstMismatch)
    XCTAssertNil(scoreboard.verdict(allowingOutstanding: true))
    XCTAssertEqual(scoreboard.outstanding, reference.held)
    XCTAssertNil(monitor.protocolViolation)
    XCTAssertGreaterThan(scoreboard.matched, Self.cycles / 3)
  }
}
