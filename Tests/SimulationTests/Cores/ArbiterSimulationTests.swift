import Cores
import HDL
import Simulation
import SimulationTesting
import XCTest

/// The round-robin arbiter core against `ArbiterReference` for 100k cycles of random packets
/// from every requester with random valid and ready: the grant and the merged stream match the
/// reference every cycle, each requester's beats arrive whole and in order, a packet keeps the
/// grant until its last beat, and no requester waits through more than N-1 grants to others.
final class ArbiterSimulationTests: SimulationTestCase {
  func testFourRequestersUnderRandomPacketsAndBackpressure() throws {
    let n = 4, width = 16, cycles = 100_000
    let model = try self.model(try Design(top: roundRobinArbiter(requesters: n, width: width)))
    let drivers = try (0..<n).map { try StreamDriver(model, prefix: "in\($0)", validProbability: 0.6, random: random("in\($0)")) }
    let monitor = try StreamMonitor(model, prefix: "out", readyProbability: 0.7, random: random("out"))
    let scoreboards = (0..<n).map { Scoreboard<UInt64>("in\($0) beats (data << 1 | last)") }
    let grant = try model.output("grant"), grantIndex = try model.output("grant_index")
    let outValid = try model.output("out_valid"), outData = try model.output("out_data"), outLast = try model.output("out_last")
    let outReady = try model.output("out_ready")
    // What each driver puts on its input, read back from the model's inputs.
    let offeredData = try (0..<n).map { try model.output("in\($0)_data") }
    let offeredLast = try (0..<n).map { try model.output("in\($0)_last") }
    let check = CycleChecker()
    var reference = ArbiterReference(requesters: n)
    var stimulus = random("packets")
    // Grants that went to others while each requester waited with its first beat on offer.
    var waitedThrough = [Int](repeating: 0, count: n)
    var midPacket = [Bool](repeating: false, count: n)
    var deliveringFrom: Int?  // the requester whose packet is on `out`, from its first beat to its last
    var requests = [Bool](repeating: false, count: n)
    var longestWait = 0

    model.reset()
    for cycle in 0..<cycles {
      for driver in drivers where driver.pending < 2 {
        let beats = Int(stimulus.next() % 4) + 1
        for beat in 0..<beats { try driver.send(stimulus.next() & 0xffff, last: beat == beats - 1) }
      }
      for driver in drivers { driver.drive() }
      monitor.drive()
      model.settle()

      for i in 0..<n { requests[i] = drivers[i].offering }
      let expected = reference.current(requests: requests)
      check.equal("grant", grant.uint64, expected.granted ? 1 << UInt64(expected.index) : 0, cycle: cycle)
      if expected.granted { check.equal("grant_index", grantIndex.uint64, UInt64(expected.index), cycle: cycle) }
      check.equal("out_valid", outValid.bool, requests[expected.index], cycle: cycle)
      if requests[expected.index] {
        check.equal("out_data", outData.uint64, offeredData[expected.index].uint64, cycle: cycle)
        check.equal("out_last", outLast.bool, offeredLast[expected.index].bool, cycle: cycle)
      }

      var taken = [Bool](repeating: false, count: n)
      for i in 0..<n where drivers[i].observe() {
        taken[i] = true
        scoreboards[i].expect(drivers[i].acceptedData << 1 | (drivers[i].acceptedLast ? 1 : 0))
        midPacket[i] = !drivers[i].acceptedLast
      }
      if monitor.observe(cycle: cycle) {
        let from = Int(grantIndex.uint64)
        check.require(taken[from], cycle: cycle, "out delivered a beat but requester \(from) (grant_index) did not see it taken")
        check.require(deliveringFrom == nil || deliveringFrom == from, cycle: cycle,
                      "a beat of requester \(from) arrived inside a packet of requester \(deliveringFrom ?? -1)")
        deliveringFrom = monitor.last ? nil : from
        scoreboards[from].observe(monitor.data << 1 | (monitor.last ? 1 : 0), cycle: cycle)
      }
      check.require(taken.filter { $0 }.count <= 1, cycle: cycle, "two requesters' beats were taken in one cycle")

      let fired = outValid.bool && outReady.bool
      if let winner = reference.clock(requests: requests, outFired: fired, outLast: outLast.bool) {
        check.require(waitedThrough[winner] <= n - 1, cycle: cycle,
                      "requester \(winner) waited through \(waitedThrough[winner]) grants to others (at most \(n - 1) allowed)")
        longestWait = max(longestWait, waitedThrough[winner])
        waitedThrough[winner] = 0
        // Everyone else offering the first beat of a packet (valid, once raised, stays raised) waited through this grant.
        for i in 0..<n where requests[i] && !midPacket[i] && i != winner { waitedThrough[i] += 1 }
      }
      model.step()
    }
    XCTAssertNil(check.firstMismatch)
    for scoreboard in scoreboards {
      XCTAssertNil(scoreboard.verdict(allowingOutstanding: true))
      XCTAssertLessThanOrEqual(scoreboard.outstanding, 1, "\(scoreboard.name): at most the beat on offer is still in flight")
      XCTAssertGreaterThan(scoreboard.matched, cycles / (4 * n), "\(scoreboard.name): every requester was served")
    }
    XCTAssertNil(monitor.protocolViolation)
    XCTAssertEqual(longestWait, n - 1, "under this load some requester waits the full N-1 grants (the bound is reached, not slack)")
  }
}
