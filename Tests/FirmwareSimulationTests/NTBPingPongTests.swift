import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import XCTest

/// `NTBPingPong` (ntb_pingpong.c's game) with both nodes' firmware running on one model. The
/// reference: round r rings bit r mod 64 and carries count r; B takes the even rounds.
final class NTBPingPongTests: SimulationTestCase {
  typealias PingPong = NTBPingPong<SimulatedHAL>

  func run(rounds: Int, linkLatency: Int) throws -> [PingPong] {
    let nodes = try ntbNodes(linkLatency: linkLatency)
    let drivers = try nodes.bootBoth()
    let sides = drivers.map { PingPong(driver: $0, rounds: rounds) }
    sides[0].ring(bit: 0, count: 0)
    let ran = interleave(maxRounds: rounds * 200, sides.map { side in { side.step() } })
    XCTAssertNotNil(ran, "the ping-pong stalled after \(sides[0].seenCounts.count + sides[1].seenCounts.count) of \(rounds) rounds")
    for side in sides { XCTAssertNil(side.failure) }
    XCTAssertEqual(nodes.hals[0].faults + nodes.hals[1].faults, [])
    return sides
  }

  func checkAgainstReference(_ sides: [PingPong], rounds: Int) {
    // B takes the even rounds, A the odd ones.
    for (node, side) in sides.enumerated() {
      let expected = stride(from: 1 - node, to: rounds, by: 2).map { r in (UInt64(1) << UInt64(r % 64), UInt32(r)) }
      XCTAssertEqual(side.seenDoorbells, expected.map(\.0), "node \(node)'s doorbells")
      XCTAssertEqual(side.seenCounts, expected.map(\.1), "node \(node)'s scratchpad counts")
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
