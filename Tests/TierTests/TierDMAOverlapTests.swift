import Foundation
import HDL
import Simulation
import SimulationTesting
import TierModel
import XCTest

/// What several DMA lanes buy, measured on the Verilated controller with three test stores (a
/// beat a cycle once a burst has started; `latency` cycles before a read's first beat and after a
/// write's last). The same descriptors run on a one-lane and a three-lane controller; the wall
/// time runs from the first DMA_SUBMIT to the last completion, firmware polling COMPLETION_TAIL.
/// A lane owns its source's read channel and its destination's write channel for the whole copy,
/// so copies that share a channel run one after another whatever the lane count, and copies on
/// disjoint channels overlap. scripts/bench/tier prints the figures (BENCHMARKS.md) and sets
/// STRATA_TIER_BENCH=1, which adds stores of 200 cycles' latency (two more Verilator builds).
final class TierDMAOverlapTests: SimulationTestCase {
  static func shape(lanes: Int) -> TierShape {
    TierShape(pageShift: 12, pageCount: 64, counterWidth: 16, maxInFlight: lanes, hotListSize: 64, descriptorRingSize: 8, completionRingSize: 8)
  }

  /// Cycles for `copies` (plain page copies) from the first submission to the last completion.
  func wallCycles(_ copies: [DMADescriptor], lanes: Int, storeLatency: Int) throws -> Int {
    let compiled = try CompiledModel.load(try Design(top: TierControllerSystemTests.systemTop(shape: Self.shape(lanes: lanes), storeLatency: storeLatency)))
    let model = try Model(compiled)
    let rtl = try ControllerDriver(model)
    model.reset()
    var submitted = 0, completed = 0
    var head: UInt32 = 0
    var start = 0
    while completed < copies.count {
      if submitted < copies.count, submitted - Int(try rtl.read(.dmaHead)) < 7 {
        if submitted == 0 { start = model.cycle }
        for (r, w) in zip([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl], copies[submitted].words) { try rtl.write(r, w) }
        try rtl.write(.dmaSubmit, 1)
        submitted += 1
      } else if try rtl.read(.completionTail) != head {
        let status = try rtl.read(.completionEntry) >> 16 & 0xF
        XCTAssertEqual(status, 0, "copy \(completed) on \(lanes) lanes")
        head = (head + 1) % 8
        try rtl.write(.completionHead, head)
        completed += 1
      } else {
        model.step(7)
      }
    }
    return model.cycle - start
  }

  func testCopiesOnDisjointChannelsOverlapAndCopiesOnOneChannelDoNot() throws {
    let n = 12
    // DRAM → flash, flash → disk, disk → DRAM in turn: three copies at a time touch six distinct channels.
    let rotating = (0..<n).map { k in
      [DMADescriptor(from: FrameAddress(.dram, k), to: FrameAddress(.flash, k), length: 4096),
       DMADescriptor(from: FrameAddress(.flash, 16 + k), to: FrameAddress(.disk, k), length: 4096),
       DMADescriptor(from: FrameAddress(.disk, 32 + k), to: FrameAddress(.dram, k), length: 4096)][k % 3]
    }
    let flashToDisk = (0..<n).map { k in DMADescriptor(from: FrameAddress(.flash, k), to: FrameAddress(.disk, k), length: 4096) }
    var lines: [String] = []
    let latencies = ProcessInfo.processInfo.environment["STRATA_TIER_BENCH"] == "1" ? [5, 200] : [5]
    for latency in latencies {
      let one = try wallCycles(rotating, lanes: 1, storeLatency: latency), three = try wallCycles(rotating, lanes: 3, storeLatency: latency)
      let oneSame = try wallCycles(flashToDisk, lanes: 1, storeLatency: latency), threeSame = try wallCycles(flashToDisk, lanes: 3, storeLatency: latency)
      lines.append("dma_overlap latency \(latency): \(n) copies rotating DRAM→flash→disk→DRAM: 1 lane \(one) cycles, 3 lanes \(three) "
        + "(\(String(format: "%.2f", Double(one) / Double(three)))×); \(n) copies flash→disk: 1 lane \(oneSame), 3 lanes \(threeSame) "
        + "(\(String(format: "%.2f", Double(oneSame) / Double(threeSame)))×)")
      // Three copies on disjoint channels at a time: well over twice as fast.
      XCTAssertLessThan(Double(three), Double(one) / 2.5, "latency \(latency)")
      // One channel pair: the lanes cannot overlap the copies, and must not slow them down.
      XCTAssertLessThanOrEqual(Double(threeSame), Double(oneSame) * 1.02, "latency \(latency)")
      if latency == 5 {
        let rate = Double(n * 512) / Double(three)
        lines.append("dma_lanes_beats_per_cycle: \(String(format: "%.3f", rate)) (3 lanes, \(n) rotating copies of 512 beats in \(three) cycles)")
        XCTAssertGreaterThanOrEqual(rate, 2.5, "three lanes move close to three beats a cycle between stores that keep up")
      }
    }
    for line in lines { print(line) }
  }
}
