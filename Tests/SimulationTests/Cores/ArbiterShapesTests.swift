import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// Every arbiter shape of `ArbiterHarness` under random packets and backpressure, through the
/// wide stream BFMs, with the checks of `ArbiterSimulationTests` (which runs the 4-requester
/// shape for 100k cycles): grant and merged stream against `ArbiterReference` every cycle,
/// whole packets in order per requester, the grant held until `last`, and no requester waiting
/// through more than N-1 grants to others, a bound reached under this load. These replace the
/// Icarus random-traffic test that CoresTests had for the same shapes.
final class ArbiterShapesTests: SimulationTestCase {
  static let cycles = 20_000

  /// A beat as the scoreboards compare it.
  struct Beat: Equatable, CustomStringConvertible {
    let data: BitVector, last: Bool
    var description: String { "0x\(data.hex)\(last ? " (last)" : "")" }
  }

  private final class Lane {
    let name: String, n: Int, width: Int
    let drivers: [WideStreamDriver]
    let monitor: WideStreamMonitor
    let scoreboards: [Scoreboard<Beat>]
    let grant: OutputPort, grantIndex: OutputPort
    let outValid: OutputPort, outData: OutputPort, outLast: OutputPort, outReady: OutputPort
    let offeredData: [OutputPort], offeredLast: [OutputPort]
    let check = CycleChecker()
    var reference: ArbiterReference
    var stimulus: SimulationRandom
    var waitedThrough: [Int], midPacket: [Bool]
    var deliveringFrom: Int?
    var longestWait = 0

    init(lane: String, requesters n: Int, width: Int, model: Model, test: ArbiterShapesTests) throws {
      name = "arbiter \(lane) (\(n) requesters, \(width) bits)"
      self.n = n
      self.width = width
      drivers = try (0..<n).map {
        try WideStreamDriver(model, prefix: "\(lane)_in\($0)", validProbability: 0.6, random: test.random("\(lane) in\($0)"))
      }
      monitor = try WideStreamMonitor(model, prefix: "\(lane)_out", readyProbability: 0.7, random: test.random("\(lane) out"))
      scoreboards = (0..<n).map { Scoreboard<Beat>("\(lane)_in\($0) beats") }
      grant = try model.output("\(lane)_grant")
      grantIndex = try model.output("\(lane)_grant_index")
      outValid = try model.output("\(lane)_out_valid")
      outData = try model.output("\(lane)_out_data")
      outLast = try model.output("\(lane)_out_last")
      outReady = try model.output("\(lane)_out_ready")
      offeredData = try (0..<n).map { try model.output("\(lane)_in\($0)_data") }
      offeredLast = try (0..<n).map { try model.output("\(lane)_in\($0)_last") }
      reference = ArbiterReference(requesters: n)
      stimulus = test.random("\(lane) packets")
      waitedThrough = Array(repeating: 0, count: n)
      midPacket = Array(repeating: false, count: n)
    }

    func drive() throws {
      for driver in drivers where driver.pending < 2 {
        let beats = Int(stimulus.next() % 4) + 1
        for beat in 0..<beats {
          let words = (0..<(width + 63) / 64).map { _ in stimulus.next() }
          try driver.send(BitVector(width: width, words: words).resized(to: width), last: beat == beats - 1)
        }
      }
      for driver in drivers { driver.drive() }
      monitor.drive()
    }

    /// After settling: the checks of this cycle, then the reference's edge.
    func observe(cycle: Int) {
      let requests = drivers.map(\.offering)
      let expected = reference.current(requests: requests)
      check.equal("grant", grant.uint64, expected.granted ? 1 << UInt64(expected.index) : 0, cycle: cycle)
      if expected.granted { check.equal("grant_index", grantIndex.uint64, UInt64(expected.index), cycle: cycle) }
      check.equal("out_valid", outValid.bool, requests[expected.index], cycle: cycle)
      if requests[expected.index] {
        let shown = outData.value, offered = offeredData[expected.index].value
        check.require(shown == offered, cycle: cycle, "out_data: expected 0x\(offered.hex), got 0x\(shown.hex)")
        check.equal("out_last", outLast.bool, offeredLast[expected.index].bool, cycle: cycle)
      }

      var taken = [Bool](repeating: false, count: n)
      for i in 0..<n where drivers[i].observe() {
        taken[i] = true
        scoreboards[i].expect(Beat(data: drivers[i].acceptedData, last: drivers[i].acceptedLast))
        midPacket[i] = !drivers[i].acceptedLast
      }
      if monitor.observe(cycle: cycle) {
        let from = Int(grantIndex.uint64)
        check.require(from < n && taken[from], cycle: cycle, "out delivered a beat but requester \(from) (grant_index) did not see it taken")
        check.require(deliveringFrom == nil || deliveringFrom == from, cycle: cycle,
                      "a beat of requester \(from) arrived inside a packet of requester \(deliveringFrom ?? -1)")
        deliveringFrom = monitor.last ? nil : from
        if from < n { scoreboards[from].observe(Beat(data: monitor.data, last: monitor.last), cycle: cycle) }
      }
      check.require(taken.filter { $0 }.count <= 1, cycle: cycle, "two requesters' beats were taken in one cycle")

      let fired = outValid.bool && outReady.bool
      if let winner = reference.clock(requests: requests, outFired: fired, outLast: outLast.bool) {
        check.require(waitedThrough[winner] <= n - 1, cycle: cycle,
                      "requester \(winner) waited through \(waitedThrough[winner]) grants to others (at most \(n - 1) allowed)")
        longestWait = max(longestWait, waitedThrough[winner])
        waitedThrough[winner] = 0
        for i in 0..<n where requests[i] && !midPacket[i] && i != winner { waitedThrough[i] += 1 }
      }
    }
  }

  func testEveryShapeUnderRandomPacketsAndBackpressure() throws {
    let model = try self.model(try ArbiterHarness.design.get())
    let lanes = try ArbiterHarness.shapes.map { try Lane(lane: $0.lane, requesters: $0.requesters, width: $0.width, model: model, test: self) }
    watch("arbiter a3 (5 x 256 bits)", "a3_in0", "a3_in1", "a3_in2", "a3_in3", "a3_in4", "a3_out", "a3_grant")

    model.reset()
    cycles: for cycle in 0..<Self.cycles {
      for lane in lanes { try lane.drive() }
      model.settle()
      for lane in lanes { lane.observe(cycle: cycle) }
      // Stop at the first mismatch, so the failure picture is drawn around it.
      if lanes.contains(where: { $0.check.firstMismatch != nil }) { break cycles }
      model.step()
    }
    for lane in lanes {
      XCTAssertNil(lane.check.firstMismatch, lane.name)
      for scoreboard in lane.scoreboards {
        XCTAssertNil(scoreboard.verdict(allowingOutstanding: true), lane.name)
        XCTAssertLessThanOrEqual(scoreboard.outstanding, 1, "\(lane.name) \(scoreboard.name): at most the beat on offer is in flight")
        XCTAssertGreaterThan(scoreboard.matched, Self.cycles / (4 * lane.n), "\(lane.name) \(scoreboard.name): every requester was served")
      }
      XCTAssertNil(lane.monitor.protocolViolation, lane.name)
      XCTAssertEqual(lane.longestWait, lane.n - 1, "\(lane.name): the N-1 bound is reached under this load, never passed")
    }
  }
}
