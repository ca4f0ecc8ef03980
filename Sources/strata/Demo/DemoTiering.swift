import Board
import Firmware
import Foundation
import TierFirmwareSupport
import TierModel

/// The demo's tiering workload: the firmware's `TierManager` with `HotListPolicy` (the code
/// that runs on the board) on the tier controller's transaction-level model, with the board's
/// tier latencies, a small machine (1,024 DRAM, 8,192 flash, 65,536 disk frames; 8,192 pages in
/// use) and a hot set of 512 pages that moves four times.
///
/// This is the seam where the node's RTL tier controller takes over once it is in the board
/// top: `run` is all the demo asks of it.
enum DemoTiering {
  struct Outcome {
    var accesses: Int
    var result: TraceResult
    /// DRAM hit ratio over the last quarter of each phase (after the policy has adapted).
    var settledHitRatio: Double
    var text: String
  }

  static let frames = [1_024, 8_192, 65_536]
  static let pages = 8_192, hotPages = 512, phases = 4, accesses = 200_000

  static func run(_ board: Board, seed: UInt64 = 1) -> Outcome {
    let tiers = board.tiers
    func spec(_ t: TierSpec, _ frames: Int) -> StoreSpec {
      StoreSpec(size: frames * tiers.pageSize, readLatencyNs: t.readLatencyNs, writeLatencyNs: t.writeLatencyNs, bandwidthMBps: t.bandwidthMBps)
    }
    let timing = TierTiming(pageSize: tiers.pageSize, timeScale: tiers.timeScale, clockMHz: board.clockMHz,
                            dram: spec(tiers.dram, frames[0]), flash: spec(tiers.flash, frames[1]), disk: spec(tiers.disk, frames[2]))
    let trace = TraceGenerator.movingHotSet(pages: pages, hotPages: hotPages, phases: phases, count: accesses, seed: seed)
    do {
      var controller = try TierController(timing: timing, pageCount: pages, maxInFlight: 1,
                                          hotness: HotnessUnit(counterCapacity: 4_096, hotListSize: 8_192))
      controller.mapInOrder()
      let hal = TierModelHAL(controller: controller)
      var manager = try TierManager(hal: hal, baseAddress: hal.baseAddress, frames: frames.map(UInt32.init),
                                    settings: TierManagerSettings(epochCycles: 200_000, promotionsPerEpoch: 128))
      var policy = HotListPolicy(pageCount: UInt32(pages))
      manager.start(policy)
      let phaseLength = accesses / phases
      var settled = (hits: 0, count: 0)
      let result = runTrace(trace, hal: hal, manager: &manager, policy: &policy) { i, response in
        guard i % phaseLength >= phaseLength * 3 / 4 else { return }
        settled.count += 1
        if response.servedBy?.tier == .dram { settled.hits += 1 }
      }
      let settledRatio = Double(settled.hits) / Double(max(settled.count, 1))
      let s = result.statistics
      let text = """
        tiering (the firmware's TierManager and HotListPolicy on the tier controller's transaction-level model, not the RTL: \
        the node's tier controller is not in the board top yet)
          \(accesses) accesses over \(pages) pages, a hot set of \(hotPages) pages that moves \(phases - 1) times
          migrations: \(s.promotions) promotions, \(s.demotions) demotions (\(String(format: "%.1f", Double(s.bytesMigrated) / 1e6)) MB) in \(s.epochs) epochs
          fast-tier (DRAM) hit ratio: \(String(format: "%.3f", result.dramHitRatio)) overall, \(String(format: "%.3f", settledRatio)) in the last quarter of each phase
          mean access latency: \(String(format: "%.1f", result.meanLatency)) cycles
        """
      return Outcome(accesses: accesses, result: result, settledHitRatio: settledRatio, text: text)
    } catch {
      return Outcome(accesses: 0, result: TraceResult(), settledHitRatio: 0, text: "tiering: the model refused the machine: \(error)")
    }
  }
}
