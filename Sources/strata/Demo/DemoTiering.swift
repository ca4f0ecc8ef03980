import Board
import Cores
import Firmware
import FirmwareSimulation
import Foundation
import TierFirmwareSupport
import TierModel

/// The demo's tiering workload, on node 0's RTL tier controller (`TierWorkload`): the firmware's
/// `TierManager` with `HotListPolicy` through node 0's `SimulatedHAL`, host reads and writes
/// through its root complex into the tier function's BAR 0, backing stores timed from the board
/// file. Then the same trace and policy on the transaction-level model of the same machine, for
/// comparison (it is exact about the policy, not about the RTL's timing).
///
/// The machine: the first `pages` (at most 64) pages of the map, a quarter of them in DRAM
/// frames, flash and disk with room to spare; a hot set of half the DRAM frames taking 90% of
/// the accesses, which moves once halfway.
enum DemoTiering {
  struct Outcome {
    var rtl: TierWorkload.Outcome
    var model: TraceResult?
    var text: String
  }

  static let accesses = 2_000, phases = 2

  static func machine(_ board: Board) -> (pages: Int, frames: [UInt32], hotPages: Int) {
    let pages = min(board.tiers.mappedPages, 64)
    let dram = max(pages / 4, 1)
    return (pages, [UInt32(dram), UInt32(pages / 2), UInt32(pages / 2)], max(dram / 2, 1))
  }

  static func settings() -> TierManagerSettings { TierManagerSettings(epochCycles: 10_000, promotionsPerEpoch: 4) }

  static func run(_ world: World, tree: DeviceTree?, seed: UInt64 = 1) -> Outcome {
    let board = world.board
    let (pages, frames, hotPages) = machine(board)
    let trace = TraceGenerator.movingHotSet(pages: pages, hotPages: hotPages, phases: phases, count: accesses, seed: seed)
    let workload = TierWorkload(pages: pages, frames: frames, trace: trace, settings: settings(), seed: seed)
    var rtl = TierWorkload.Outcome()
    let started = Date()
    if let node = world.nodes.first, let space = tree?.functions.first(where: { $0.classCode == 0x05_8000 })?.bars.first(where: { $0.index == 0 })?.address {
      rtl = workload.run(on: node, registers: board.management.mmioBase + UInt64(NodeAddressMap.tierController.lowerBound), space: space)
    } else {
      rtl.failure = "node 0's enumeration found no tier function with a BAR 0"
    }
    let seconds = Date().timeIntervalSince(started)
    let model = onModel(board, pages: pages, frames: frames, trace: trace)

    let s = rtl.statistics
    let hotSet = "a hot set of \(hotPages) page\(hotPages == 1 ? "" : "s") that moves \(phases - 1) time\(phases == 2 ? "" : "s")"
    let failed = s.failedCopies > 0 ? ", \(s.failedCopies) failed copies" : ""
    let ratio = String(format: "%.3f", rtl.dramHitRatio)
    let simulated = String(format: "%.1f s", seconds)
    var lines: [String] = []
    lines.append("tiering (on the RTL: node 0's tier controller under the firmware's TierManager and HotListPolicy, host accesses through its root complex):")
    lines.append("  \(rtl.accesses) accesses (\(rtl.reads) reads, \(rtl.writes) writes of 32 bits) over \(pages) pages "
                 + "(frames: \(frames[0]) DRAM, \(frames[1]) flash, \(frames[2]) disk), \(hotSet)")
    lines.append("  migrations: \(s.promotions) promotions, \(s.demotions) demotions by DMA (\(s.bytesMigrated / 1024) KiB) "
                 + "in \(s.epochs) epochs of \(settings().epochCycles) cycles\(failed)")
    lines.append("  fast-tier (DRAM) hit ratio: \(ratio) (host accesses served by DRAM \(rtl.servedBy[0]), flash \(rtl.servedBy[1]), "
                 + "disk \(rtl.servedBy[2]), counted at the stores)")
    lines.append("  data checked: \(rtl.checkedReads) reads against a shadow of the writes, \(rtl.mismatches) mismatch\(rtl.mismatches == 1 ? "" : "es")")
    lines.append("  \(rtl.cycles) cycles (\(time(rtl.cycles, board))) after \(rtl.setupCycles) cycles of page-map set-up "
                 + "(the controller cleared its \(rtl.mapPages) entries after reset; the manager read back \(rtl.pagesScanned), MAP_EXTENT); "
                 + "simulated in \(simulated)")
    if let failure = rtl.failure { lines.append("  FAILED: \(failure)") }
    if let model {
      let modelRatio = String(format: "%.3f", model.dramHitRatio)
      lines.append("  the same trace and policy on the transaction-level model: \(model.statistics.promotions) promotions, "
                   + "\(model.statistics.demotions) demotions, DRAM hit ratio \(modelRatio)")
    }
    return Outcome(rtl: rtl, model: model, text: lines.joined(separator: "\n"))
  }

  /// What went wrong in the RTL run, one line each; empty when it did what it should.
  static func failures(_ outcome: Outcome) -> [String] {
    var out: [String] = []
    if let failure = outcome.rtl.failure { out.append("tiering: \(failure)") }
    if outcome.rtl.mismatches > 0 { out.append("tiering: \(outcome.rtl.mismatches) reads differed from what was written") }
    return out
  }

  /// `trace` on the transaction-level model with the board's tier timing, `pages` pages mapped in
  /// order over `frames`, the same manager settings and policy.
  static func onModel(_ board: Board, pages: Int, frames: [UInt32], trace: [TraceAccess]) -> TraceResult? {
    let tiers = board.tiers
    func spec(_ t: TierSpec, _ frames: UInt32) -> StoreSpec {
      StoreSpec(size: Int(frames) * tiers.pageSize, readLatencyNs: t.readLatencyNs, writeLatencyNs: t.writeLatencyNs, bandwidthMBps: t.bandwidthMBps)
    }
    let timing = TierTiming(pageSize: tiers.pageSize, timeScale: tiers.timeScale, clockMHz: board.clockMHz,
                            dram: spec(tiers.dram, frames[0]), flash: spec(tiers.flash, frames[1]), disk: spec(tiers.disk, frames[2]))
    do {
      var controller = try TierController(timing: timing, pageCount: pages, maxInFlight: tiers.dmaLanes,
                                          hotness: HotnessUnit(counterCapacity: 4_096, hotListSize: 256))
      controller.mapInOrder()
      let hal = TierModelHAL(controller: controller)
      var manager = try TierManager(hal: hal, baseAddress: hal.baseAddress, frames: frames, settings: settings())
      var policy = HotListPolicy(pageCount: UInt32(pages))
      manager.start(policy)
      return runTrace(trace, hal: hal, manager: &manager, policy: &policy)
    } catch {
      return nil
    }
  }

  static func time(_ cycles: UInt64, _ board: Board) -> String {
    String(format: "%.1f µs", Double(cycles) / Double(board.clockMHz))
  }
}
