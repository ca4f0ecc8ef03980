import Cores
import Firmware
import FirmwareSimulation
import SimulationTesting
import XCTest

/// `SimulatedHAL` on the two management ports of a Verilated `ntbPair`, with raw register
/// offsets from `NTBLayout` (no driver): what an access costs, what waiting does, what a
/// failed access returns, and that two nodes on one model are deterministic.
final class SimulatedHALTests: SimulationTestCase {
  typealias L = NTBLayout
  let base = NTBPairNodes.registerBase

  func testARegisterAccessTakesOneCycleOnAZeroWaitStateBlock() throws {
    let nodes = try ntbNodes()
    let hal = nodes.hals[0]
    let before = hal.cycles
    hal.write32(base + L.scratchpad(3), 0x5A5A_0003)
    XCTAssertEqual(hal.cycles - before, 1, "the NTB register block answers in the cycle valid rises (docs/switch.md)")
    XCTAssertEqual(hal.read32(base + L.scratchpad(3)), 0x5A5A_0003)
    XCTAssertEqual(hal.cycles - before, 2)
    XCTAssertEqual(hal.read64(base + L.scratchpad(2)) >> 32, 0x5A5A_0003, "64 bits: low word first")
    XCTAssertEqual(hal.registerAccesses, 4)
    XCTAssertEqual(hal.faults, [])
  }

  func testWaitingForAnInterruptReturnsTheRaisedLinesOrZeroAfterTheTimeout() throws {
    let nodes = try ntbNodes()
    let (a, b) = (nodes.hals[0], nodes.hals[1])
    let before = a.cycles
    XCTAssertEqual(a.waitForInterrupt(lines: 0xF, timeoutCycles: 50), 0)
    XCTAssertEqual(a.cycles - before, 50)
    a.write32(base + L.linkControl, 1)
    b.write32(base + L.linkControl, 1)
    let enabled = a.cycles
    XCTAssertEqual(a.waitForInterrupt(lines: 0xE, timeoutCycles: 30), 0, "the link change is on vector 0, not asked for")
    XCTAssertEqual(a.waitForInterrupt(lines: 0xF, timeoutCycles: 100), 1)
    XCTAssertLessThan(a.cycles - enabled, 100)
    a.wait(cycles: 7)
    XCTAssertEqual(b.cycles, a.cycles, "one clock for every node on the model")
  }

  func testAnAccessNothingAnswersReadsAllOnesAndIsRecorded() throws {
    let nodes = try ntbNodes()
    let hal = nodes.hals[0]
    // Below the RAM, outside the registers: a memory read into the NTB function, which no
    // window claims, so it completes with Unsupported Request.
    XCTAssertEqual(hal.read32(0x1000), 0xFFFF_FFFF)
    XCTAssertEqual(hal.faults.count, 1)
    XCTAssertTrue(hal.faults[0].contains("0x1000") && hal.faults[0].contains("status UR"), hal.faults[0])
    let bare = try SimulatedHAL(system: nodes.system, mmio: "b_mmio", registers: base..<(base + 0x2000))
    XCTAssertEqual(bare.read32(0x8000_0000), 0xFFFF_FFFF)
    XCTAssertTrue(bare.faults.first?.contains("no register or PCIe side decodes it") ?? false)
  }

  func testAMissingPortIsNamed() throws {
    let nodes = try ntbNodes()
    XCTAssertThrowsError(try SimulatedHAL(system: nodes.system, mmio: "c_mmio", registers: 0..<0x2000)) { error in
      XCTAssertTrue("\(error)".contains("c_mmio_valid"), "\(error)")
    }
  }

  /// Both nodes' firmware, as step functions, trade scratchpad values; two runs on fresh
  /// models give the same accesses in the same cycles.
  func testTwoNodesOnOneModelRunTheSameWayTwice() throws {
    func run() throws -> [String] {
      let nodes = try ntbNodes(linkLatency: 5)
      var trace: [String] = []
      for hal in nodes.hals { hal.write32(base + L.linkControl, 1) }
      nodes.system.step(20)
      var sent = [0, 0], seen = [UInt32](repeating: 0, count: 2)
      let steps = (0..<2).map { n -> () -> Bool in
        {
          let hal = nodes.hals[n]
          if sent[n] < 10 {
            sent[n] += 1
            hal.write32(self.base + L.peerScratchpad(n), UInt32(100 * n + sent[n]))
          }
          let value = hal.read32(self.base + L.scratchpad(1 - n))
          if value != seen[n] {
            seen[n] = value
            trace.append("node \(n) cycle \(hal.cycles): \(value)")
          }
          return seen[n] == UInt32(100 * (1 - n) + 10)
        }
      }
      XCTAssertNotNil(interleave(maxRounds: 100, steps))
      return trace
    }
    let first = try run(), second = try run()
    XCTAssertEqual(first, second)
    XCTAssertEqual(first.filter { $0.hasPrefix("node 0") }.last?.hasSuffix(": 110"), true, "node 0 saw node 1's last value")
  }
}
