import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import XCTest

/// A ping-pong in the manner of Linux's drivers/ntb/test/ntb_pingpong.c, with both nodes'
/// firmware running on one model: each side, on its doorbell interrupt, reads the count the
/// peer left in its scratchpad 0, clears the doorbell, writes count + 1 to the peer's
/// scratchpad 0 and rings the next doorbell bit (the bit shifted by one, wrapping over all
/// valid bits). The reference: round r rings bit r mod 64 and carries count r.
final class NTBPingPongTests: SimulationTestCase {
  /// One node's ping-pong firmware as a step function (see `interleave`).
  final class PingPong {
    let driver: NTBDriver<SimulatedHAL>
    let rounds: Int
    /// (doorbells seen, scratchpad count read) at each interrupt this side took.
    var seen: [(bits: UInt64, count: UInt32)] = []
    var roundTripCycles: [UInt64] = []
    private var lastRing: UInt64?
    var failure: NTBError?

    init(driver: NTBDriver<SimulatedHAL>, rounds: Int) {
      self.driver = driver
      self.rounds = rounds
    }

    /// Serves the peer: `(bit, count)` of the ring to send.
    func ring(bit: Int, count: UInt32) {
      do {
        try driver.writePeerScratchpad(0, count)
        try driver.ringPeer(1 << UInt64(bit))
        lastRing = driver.hal.cycles
      } catch { failure = error }
    }

    /// Done once this side has taken its share of the rounds.
    func step() -> Bool {
      if failure != nil || seen.count * 2 >= rounds { return true }
      // Idle: wait a little for the doorbell's vector, then let the other node run.
      guard driver.hal.waitForInterrupt(lines: 1, timeoutCycles: 4) != 0 else { return false }
      do {
        let bits = driver.readDoorbells()
        let count = try driver.readScratchpad(0)
        try driver.clearDoorbells(bits)
        seen.append((bits, count))
        if let lastRing { roundTripCycles.append(driver.hal.cycles - lastRing) }
        if Int(count) + 1 < rounds {
          ring(bit: (bits.trailingZeroBitCount + 1) % driver.doorbellCount, count: count + 1)
        }
      } catch { failure = error }
      return seen.count * 2 >= rounds
    }
  }

  func run(rounds: Int, linkLatency: Int) throws -> [PingPong] {
    let nodes = try ntbNodes(linkLatency: linkLatency)
    let drivers = try nodes.bootBoth()
    let sides = drivers.map { PingPong(driver: $0, rounds: rounds) }
    sides[0].ring(bit: 0, count: 0)
    let ran = interleave(maxRounds: rounds * 200, sides.map { side in { side.step() } })
    XCTAssertNotNil(ran, "the ping-pong stalled after \(sides[0].seen.count + sides[1].seen.count) of \(rounds) rounds")
    for side in sides { XCTAssertNil(side.failure) }
    XCTAssertEqual(nodes.hals[0].faults + nodes.hals[1].faults, [])
    return sides
  }

  func checkAgainstReference(_ sides: [PingPong], rounds: Int) {
    // B takes the even rounds, A the odd ones.
    for (node, side) in sides.enumerated() {
      let expected = stride(from: 1 - node, to: rounds, by: 2).map { r in (UInt64(1) << UInt64(r % 64), UInt32(r)) }
      XCTAssertEqual(side.seen.map(\.bits), expected.map(\.0), "node \(node)'s doorbells")
      XCTAssertEqual(side.seen.map(\.count), expected.map(\.1), "node \(node)'s scratchpad counts")
    }
  }

  func testADoorbellBitWalksAllSixtyFourBitsTwiceWithTheCountCarried() throws {
    let rounds = 128
    let sides = try run(rounds: rounds, linkLatency: 0)
    checkAgainstReference(sides, rounds: rounds)
  }

  func testThePingPongHoldsWithLinkLatency() throws {
    let rounds = 70
    let sides = try run(rounds: rounds, linkLatency: 5)
    checkAgainstReference(sides, rounds: rounds)
    // Each round trip crosses the link twice: it cannot be shorter than 2 × 5 cycles.
    let fastest = sides.flatMap(\.roundTripCycles).min() ?? 0
    XCTAssertGreaterThanOrEqual(fastest, 10)
  }
}
