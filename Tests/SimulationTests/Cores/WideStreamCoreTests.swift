import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// Every FIFO shape and skid buffer width of `StreamCoreHarness` (1-bit to 256-bit words, both
/// FIFO storage styles, custom thresholds) through the wide stream BFMs, against the same
/// references as the narrow 100k-cycle tests: every output every cycle, no loss or duplication,
/// the producer protocol. These replace the Icarus random-traffic tests that CoresTests had for
/// the same shapes.
final class WideStreamCoreTests: SimulationTestCase {
  static let cycles = 20_000

  private func randomWord(width: Int, _ random: inout SimulationRandom) -> BitVector {
    BitVector(width: width, words: (0..<(width + 63) / 64).map { _ in random.next() }).resized(to: width)
  }

  /// One FIFO of the harness with its BFMs, reference and checks.
  private final class FIFOLane {
    let shape: StreamCoreHarness.FIFOShape
    let driver: WideStreamDriver, monitor: WideStreamMonitor
    let scoreboard: Scoreboard<BitVector>
    let check = CycleChecker()
    let count: OutputPort, full: OutputPort, empty: OutputPort, almostFull: OutputPort, almostEmpty: OutputPort
    let enqReady: OutputPort, deqValid: OutputPort, deqData: OutputPort
    var reference: FIFOReference<BitVector>
    var words: SimulationRandom
    var sawFull = false, sawEmptyAfterFull = false

    init(_ shape: StreamCoreHarness.FIFOShape, model: Model, test: WideStreamCoreTests) throws {
      self.shape = shape
      let lane = shape.lane
      driver = try WideStreamDriver(model, prefix: "\(lane)_enq", random: test.random("\(lane) enq"))
      monitor = try WideStreamMonitor(model, prefix: "\(lane)_deq", random: test.random("\(lane) deq"))
      scoreboard = Scoreboard("\(lane)_deq_data", format: { "0x" + $0.hex })
      count = try model.output("\(lane)_count")
      full = try model.output("\(lane)_full")
      empty = try model.output("\(lane)_empty")
      almostFull = try model.output("\(lane)_almost_full")
      almostEmpty = try model.output("\(lane)_almost_empty")
      enqReady = try model.output("\(lane)_enq_ready")
      deqValid = try model.output("\(lane)_deq_valid")
      deqData = try model.output("\(lane)_deq_data")
      reference = FIFOReference(depth: shape.depth, almostFull: shape.almostFull, almostEmpty: shape.almostEmpty,
                                firstWordFallThrough: shape.firstWordFallThrough)
      words = test.random("\(lane) words")
    }

    var name: String {
      "fifo \(shape.lane) (depth \(shape.depth), width \(shape.width), \(shape.firstWordFallThrough ? "fall-through" : "block RAM"))"
    }
  }

  func testEveryFIFOShapeUnderRandomTrafficAndBackpressure() throws {
    let model = try self.model(try StreamCoreHarness.design.get())
    let lanes = try StreamCoreHarness.fifoShapes.map { try FIFOLane($0, model: model, test: self) }
    watch("FIFO f2 (256-bit, fall-through)", "f2_enq", "f2_deq")
    watch("FIFO f6 (256-bit, block RAM)", "f6_enq", "f6_deq")
    // Phases of filling and draining, so every FIFO is seen full and then empty.
    let phases: [(valid: Probability, ready: Probability)] = [(0.8, 0.35), (0.35, 0.8), (1.0, 1.0), (0.6, 0.6)]

    model.reset()
    cycles: for cycle in 0..<Self.cycles {
      for lane in lanes {
        if cycle % 1_000 == 0 { (lane.driver.validProbability, lane.monitor.readyProbability) = phases[cycle / 1_000 % phases.count] }
        if lane.driver.pending < 2 { try lane.driver.send(randomWord(width: lane.shape.width, &lane.words)) }
        lane.driver.drive()
        lane.monitor.drive()
      }
      model.settle()
      for lane in lanes {
        let expected = lane.reference.outputs(), check = lane.check
        check.equal("enq_ready", lane.enqReady.bool, expected.enqReady, cycle: cycle)
        check.equal("deq_valid", lane.deqValid.bool, expected.deqValid, cycle: cycle)
        check.equal("count", lane.count.uint64, UInt64(expected.count), cycle: cycle)
        check.equal("full", lane.full.bool, expected.full, cycle: cycle)
        check.equal("empty", lane.empty.bool, expected.empty, cycle: cycle)
        check.equal("almost_full", lane.almostFull.bool, expected.almostFull, cycle: cycle)
        check.equal("almost_empty", lane.almostEmpty.bool, expected.almostEmpty, cycle: cycle)
        if let head = expected.deqData {
          let shown = lane.deqData.value
          check.require(shown == head, cycle: cycle, "deq_data: expected 0x\(head.hex), got 0x\(shown.hex)")
        }
        lane.sawFull = lane.sawFull || expected.full
        lane.sawEmptyAfterFull = lane.sawEmptyAfterFull || (lane.sawFull && expected.empty)

        let pushed = lane.driver.observe(), popped = lane.monitor.observe(cycle: cycle)
        if pushed { lane.scoreboard.expect(lane.driver.acceptedData) }
        if popped { lane.scoreboard.observe(lane.monitor.data, cycle: cycle) }
        lane.reference.clock(pushed: pushed ? lane.driver.acceptedData : nil, popped: popped)
      }
      // Stop at the first mismatch, so the failure picture is drawn around it.
      if lanes.contains(where: { $0.check.firstMismatch != nil }) { break cycles }
      model.step()
    }
    for lane in lanes {
      XCTAssertNil(lane.check.firstMismatch, lane.name)
      XCTAssertNil(lane.scoreboard.verdict(allowingOutstanding: true), lane.name)
      XCTAssertEqual(lane.scoreboard.outstanding, lane.reference.count, "\(lane.name): the words inside are the ones not yet read")
      XCTAssertNil(lane.monitor.protocolViolation, lane.name)
      XCTAssertTrue(lane.sawFull && lane.sawEmptyAfterFull, "\(lane.name): the traffic filled and drained it")
      XCTAssertGreaterThan(lane.scoreboard.matched, Self.cycles / 4, "\(lane.name): enough words moved to mean something")
    }
  }

  func testEverySkidBufferWidthUnderRandomTrafficAndBackpressure() throws {
    let model = try self.model(try StreamCoreHarness.design.get())
    watch("skid s2 (256-bit)", "s2_enq", "s2_deq")
    let pressures: [(valid: Probability, ready: Probability)] = [(0.5, 0.5), (0.9, 0.3), (0.3, 0.9), (1.0, 1.0)]
    struct Lane {
      let name: String, width: Int
      let driver: WideStreamDriver, monitor: WideStreamMonitor
      let enqValid: OutputPort, enqData: OutputPort, deqReady: OutputPort
      let enqReady: OutputPort, deqValid: OutputPort, deqData: OutputPort
      let scoreboard: Scoreboard<BitVector>
    }
    let lanes = try StreamCoreHarness.skidWidths.map { skid in
      Lane(name: "skid buffer \(skid.lane) (width \(skid.width))", width: skid.width,
           driver: try WideStreamDriver(model, prefix: "\(skid.lane)_enq", random: random("\(skid.lane) enq")),
           monitor: try WideStreamMonitor(model, prefix: "\(skid.lane)_deq", random: random("\(skid.lane) deq")),
           enqValid: try model.output("\(skid.lane)_enq_valid"), enqData: try model.output("\(skid.lane)_enq_data"),
           deqReady: try model.output("\(skid.lane)_deq_ready"), enqReady: try model.output("\(skid.lane)_enq_ready"),
           deqValid: try model.output("\(skid.lane)_deq_valid"), deqData: try model.output("\(skid.lane)_deq_data"),
           scoreboard: Scoreboard("\(skid.lane)_deq_data", format: { "0x" + $0.hex }))
    }
    var references = [SkidBufferReference<BitVector>](repeating: SkidBufferReference(), count: lanes.count)
    var words = random("words")
    let checks = lanes.map { _ in CycleChecker() }

    model.reset()
    cycles: for cycle in 0..<Self.cycles {
      for lane in lanes {
        if cycle % 1_000 == 0 { (lane.driver.validProbability, lane.monitor.readyProbability) = pressures[cycle / 1_000 % pressures.count] }
        if lane.driver.pending < 2 { try lane.driver.send(randomWord(width: lane.width, &words)) }
        lane.driver.drive()
        lane.monitor.drive()
      }
      model.settle()
      for (index, lane) in lanes.enumerated() {
        let check = checks[index]
        check.equal("enq_ready", lane.enqReady.bool, references[index].enqReady, cycle: cycle)
        check.equal("deq_valid", lane.deqValid.bool, references[index].deqValid, cycle: cycle)
        if let word = references[index].main {
          let shown = lane.deqData.value
          check.require(shown == word, cycle: cycle, "deq_data: expected 0x\(word.hex), got 0x\(shown.hex)")
        }
        let offered: BitVector? = lane.enqValid.bool ? lane.enqData.value : nil
        let taken = lane.driver.observe(), delivered = lane.monitor.observe(cycle: cycle)
        if taken { lane.scoreboard.expect(lane.driver.acceptedData) }
        if delivered { lane.scoreboard.observe(lane.monitor.data, cycle: cycle) }
        references[index].clock(offered: offered, deqReady: lane.deqReady.bool)
      }
      if checks.contains(where: { $0.firstMismatch != nil }) { break cycles }
      model.step()
    }
    for (index, lane) in lanes.enumerated() {
      XCTAssertNil(checks[index].firstMismatch, lane.name)
      XCTAssertNil(lane.scoreboard.verdict(allowingOutstanding: true), lane.name)
      XCTAssertEqual(lane.scoreboard.outstanding, references[index].held, lane.name)
      XCTAssertNil(lane.monitor.protocolViolation, lane.name)
      XCTAssertGreaterThan(lane.scoreboard.matched, Self.cycles / 3, lane.name)
    }
  }

  /// The 64-bit BFMs refuse a wide stream and name the ones that carry it; the wide driver
  /// refuses a word that does not fit.
  func testWideStreamsNeedTheWideBFMs() throws {
    let model = try self.model(try StreamCoreHarness.design.get())
    XCTAssertThrowsError(try StreamDriver(model, prefix: "s2_enq", random: random("enq"))) { error in
      XCTAssertEqual(error as? SimulationError,
                     .portTooWideForBFM(port: "s2_enq_data", width: 256, bfm: "StreamDriver", alternative: "WideStreamDriver"))
    }
    XCTAssertThrowsError(try StreamMonitor(model, prefix: "s2_deq", random: random("deq"))) { error in
      XCTAssertTrue("\(error)".contains("use WideStreamMonitor"), "\(error)")
    }
    let driver = try WideStreamDriver(model, prefix: "s2_enq", random: random("enq"))
    let tooWide = BitVector(width: 257, words: [0, 0, 0, 0, 1])
    XCTAssertThrowsError(try driver.send(tooWide)) { error in
      XCTAssertEqual(error as? SimulationError, .valueTooWide(port: "s2_enq_data", width: 256, value: tooWide.description))
    }
    XCTAssertNoThrow(try driver.send(BitVector(width: 300, words: [5])), "a wider vector whose value fits is taken")
  }
}
