import Board
import Cores
import Firmware
import FirmwareSimulation
import HDL
import Simulation
import SimulationTesting
import TierFirmwareSupport
import TierModel
import XCTest

/// Issue #7's promise for the firmware: a policy evaluated on the transaction-level model is
/// confirmed on the RTL. The firmware's `TierManager` with `HotListPolicy`, the same settings and
/// the same short trace, runs on the node's RTL tier controller (`SimulatedHAL` on the one-node
/// board's management port, the host's accesses through the switch into the tier function) and
/// on the model (`TierModelHAL`). Read off the register accesses on both (`DecisionRecorder`):
/// the same hot list every epoch, the same descriptors pushed (source, destination, length,
/// flags, in order), the same completions, and afterwards the same page map, entry by entry.
///
/// Epochs are lined up, not timed alike (the model's host accesses and register accesses take
/// other times than the RTL's): the manager is serviced only at fixed points, the same cycles
/// after its `start` on both. Round r plays its accesses inside epoch r, then time passes to the
/// epoch's end plus the hot list's settling time, the manager plans and submits once, and then
/// it is serviced once per batch of copies (when every copy it pushed has completed) until none
/// is left, before round r + 1's accesses, all inside epoch r + 1 (asserted, so a run that
/// would let timing into the decisions fails instead).
final class TierManagerOnRTLTests: SimulationTestCase {
  static let epochCycles: UInt32 = 12_000
  static let rounds = 4
  /// Frames mapped at boot (pages 0–13 DRAM, 14–41 flash, 42–93 disk): DRAM has two free frames,
  /// so the first promotions need no victim and later ones displace one; flash has four for victims.
  static let bootFrames: [UInt32] = [14, 28, 52]
  static let mappedPages = 94

  /// The board's tiers with time compressed a hundred times more (time_scale 100,000: a disk
  /// access is 30 cycles) and the disk streaming as fast as flash (2,000 MB/s), so that a round
  /// and its copies fit in one short epoch: what is compared is decisions, not time. The backing stores are Swift agents: the RTL model is the one
  /// NodeTierControllerTests builds.
  static func timing(_ board: Board) -> TierTiming {
    var timing = TierTiming(board: board)
    timing.timeScale = 100_000
    timing.disk.bandwidthMBps = 2_000
    return timing
  }

  /// Each round: four hot pages outside DRAM at boot, touched 5 to 9 times (enough to displace a
  /// cold DRAM page: heat > 5/4 × 0 + 4), and four warm pages touched exactly twice (listed at
  /// threshold 2, not at 3), shuffled; one access in four a write. Eight pages an epoch, fewer
  /// than the controller's 16 hotness counters.
  func trace() -> [[TraceAccess]] {
    var rng = random("trace")
    return (0..<Self.rounds).map { _ in
      let hot = Array(Array(Self.bootFrames[0]..<UInt32(Self.mappedPages)).shuffled(using: &rng).prefix(4))
      let warm = Array((0..<UInt32(Self.mappedPages)).filter { !hot.contains($0) }.shuffled(using: &rng).prefix(4))
      var pages: [UInt32] = []
      for page in hot { pages += Array(repeating: page, count: Int.random(in: 5...9, using: &rng)) }
      for page in warm { pages += [page, page] }
      return pages.shuffled(using: &rng).map {
        TraceAccess(page: Int($0), word: Int.random(in: 0..<512, using: &rng), isWrite: Int.random(in: 0..<4, using: &rng) == 0)
      }
    }
  }

  /// What one side did: the decisions, the page map after the last round (MAP_ENTRY of every
  /// page), the manager's statistics and what the host's reads returned.
  struct Run {
    var decisions: TierDecisions
    var map: [UInt32] = []
    var statistics = TierManagerStatistics()
    var reads: [UInt32] = []
  }

  /// Maps the boot frames, starts the manager and plays `rounds` through `host` (a write's value
  /// is given; a read returns what it read), servicing the manager only at the lined-up points.
  func run<H: HAL>(_ side: String, hal: H, registers: UInt64, frames: [UInt32], policy: HotListPolicy,
                   settings: TierManagerSettings, rounds: [[TraceAccess]], host: (TraceAccess, UInt32) -> UInt32?) throws -> Run {
    let recorder = DecisionRecorder(hal, registers: registers)
    let control = TierControl(bus: recorder, baseAddress: registers)
    XCTAssertEqual(control.mapPagesInOrder(frames: Self.bootFrames), UInt32(Self.mappedPages), "\(side): boot mapping")
    var manager = try TierManager(hal: recorder, baseAddress: registers, frames: frames, settings: settings)
    var policy = policy
    manager.start(policy)
    let start = recorder.cycles, length = UInt64(settings.epochCycles)
    var reads: [UInt32] = []
    recorder.recording = true
    for (r, accesses) in rounds.enumerated() {
      recorder.round = r
      for (i, access) in accesses.enumerated() {
        if let value = host(access, UInt32(r + 1) << 16 | UInt32(i)) { reads.append(value) }
      }
      let epochEnd = start + UInt64(r + 1) * length
      XCTAssertLessThan(recorder.cycles + 1_000, epochEnd, "\(side), round \(r): its copies and accesses fit in epoch \(r)")
      let serviceAt = epochEnd + settings.hotListSettleCycles + 16
      if serviceAt > recorder.cycles { recorder.wait(cycles: serviceAt - recorder.cycles) }
      manager.service(&policy)
      XCTAssertEqual(manager.statistics.epochs, r + 1, "\(side), round \(r): the manager saw epoch \(r) end")
      // Copies run in batches: the manager is serviced only when every copy it pushed is done, so
      // it takes each batch's completions at once, whichever DMA lane finished first.
      var batches = 0
      while recorder.outstanding > 0 && batches < 8 {
        XCTAssertTrue(waitForCopies(control, recorder.outstanding, limit: length / 4), "\(side), round \(r): a batch of copies finished")
        manager.service(&policy)
        batches += 1
      }
      XCTAssertTrue(manager.finishCopies(&policy, stepCycles: 1, timeoutCycles: 0), "\(side), round \(r): nothing left to do")
    }
    recorder.recording = false
    var out = Run(decisions: recorder.decisions, statistics: manager.statistics, reads: reads)
    for page in 0..<control.readPageCount().value {
      var index = TierControlRegisters.MapIndex()
      index.page = page
      control.writeMapIndex(index)
      out.map.append(control.readMapEntry().rawValue)
    }
    return out
  }

  /// Lets time pass until the completion ring holds `outstanding` entries (every copy the manager
  /// has pushed and not yet taken the completion of), looking every 64 cycles; false after `limit` cycles.
  func waitForCopies<H: HAL>(_ control: TierControl<H>, _ outstanding: Int, limit: UInt64) -> Bool {
    let deadline = control.bus.cycles + limit, size = control.readRingSizes().completions
    while Int((control.readCompletionTail().index &+ size &- control.readCompletionHead().index) % size) != outstanding {
      if control.bus.cycles >= deadline { return false }
      control.bus.wait(cycles: 64)
    }
    return true
  }

  /// The transaction-level model shaped as the board's controller (`TierShape(board:)`, the
  /// RTL's 16 hotness counters), timed by `timing`.
  static func modelHAL(_ board: Board, timing: TierTiming) throws -> TierModelHAL {
    let shape = TierShape(board: board)
    let controller = try TierController(timing: timing, pageCount: shape.pageCount, maxInFlight: shape.maxInFlight,
                                        descriptorRingSize: shape.descriptorRingSize, completionRingSize: shape.completionRingSize,
                                        hotness: HotnessUnit(counterCapacity: 16, counterWidth: shape.counterWidth, hotListSize: shape.hotListSize))
    return TierModelHAL(controller: controller)
  }

  func runOnModel(_ board: Board, policy: HotListPolicy, settings: TierManagerSettings, rounds: [[TraceAccess]], side: String = "model") throws -> Run {
    let hal = try Self.modelHAL(board, timing: Self.timing(board))
    return try run(side, hal: hal, registers: hal.baseAddress, frames: tierFrames(board: board).map(UInt32.init), policy: policy,
                   settings: settings, rounds: rounds) { access, value in
      let address = UInt64(access.page) << 12 + UInt64(access.word) * 8
      if access.isWrite {
        // The host's 32-bit write: the low four bytes of the word, as the tier function passes it on.
        hal.controller.access(.write(address, [UInt64(value)], byteEnables: [0x0F]))
        return nil
      }
      return UInt32(truncatingIfNeeded: hal.controller.access(.read(address)).data.first ?? UInt64(UInt32.max))
    }
  }

  static let policy = HotListPolicy(pageCount: 128, hotThreshold: 2)
  static let settings = TierManagerSettings(epochCycles: epochCycles, promotionsPerEpoch: 4)

  func testTheTierManagerDecidesTheSameOnTheNodesRTLAsOnTheModel() throws {
    let board = try OneNodeBoard.load()
    let model = try self.model(try Design(top: boardTop(board)))
    watch("mgmt0", "mgmt0")
    watch("host0 in", "host0_in")
    let node = try TierNode(model: model, board: board, timing: Self.timing(board))
    let tree = try node.enumerateThroughTheSwitch()
    let space = try XCTUnwrap(TierNode.spaceBase(tree), "BAR 0 of the tier function has an address")
    let rounds = trace()

    let onModel = try runOnModel(board, policy: Self.policy, settings: Self.settings, rounds: rounds)
    let onRTL = try run("RTL", hal: node.hal, registers: node.tierRegisters, frames: node.frames, policy: Self.policy,
                        settings: Self.settings, rounds: rounds) { access, value in
      let address = space + UInt64(access.page) << 12 + UInt64(access.word) * 8
      if access.isWrite {
        node.hal.write32(address, value)
        return nil
      }
      return node.hal.read32(address)
    }
    XCTAssertEqual(node.hal.faults, [])

    for r in 0..<Self.rounds {
      func of<T>(_ run: Run, _ list: KeyPath<TierDecisions, [[T]]>) -> [T] {
        r < run.decisions[keyPath: list].count ? run.decisions[keyPath: list][r] : []
      }
      XCTAssertEqual(of(onRTL, \.hotLists), of(onModel, \.hotLists), "epoch \(r): the hot list drained")
      XCTAssertEqual(of(onRTL, \.descriptors), of(onModel, \.descriptors), "epoch \(r): the descriptors pushed, in order")
      // Within a batch the two lanes may finish in either order (their copies take other cycles on
      // the two): the completions are compared as a set per epoch, descriptor and status.
      XCTAssertEqual(of(onRTL, \.completions).sorted { $0.raw < $1.raw }, of(onModel, \.completions).sorted { $0.raw < $1.raw },
                     "epoch \(r): the completions taken")
    }
    XCTAssertEqual(onRTL.map.count, 128)
    for (page, (rtl, tlm)) in zip(onRTL.map, onModel.map).enumerated() where rtl != tlm {
      XCTFail("page \(page): MAP_ENTRY 0x\(String(rtl, radix: 16)) on the RTL, 0x\(String(tlm, radix: 16)) on the model")
    }
    XCTAssertEqual(onRTL.statistics, onModel.statistics, "the manager's statistics")
    XCTAssertEqual(onRTL.reads, onModel.reads, "what the host read")

    // Not vacuous: epoch 0 lists the 8 pages and makes 4 promotions (the budget) out of 6 copies:
    // two into the free DRAM frames, two exchanges (a cold DRAM page to flash, then the hot page
    // into its frame); the warm pages wait (no budget left).
    XCTAssertEqual(onRTL.decisions.hotLists.first?.count, 8, "epoch 0: four hot and four warm pages listed")
    XCTAssertEqual(onRTL.decisions.descriptors.first?.count, 6, "epoch 0: 2 moves + 2 × (demotion, promotion)")
    XCTAssertGreaterThanOrEqual(onRTL.statistics.promotions, 4 * 2, "promotions over the rounds")
    XCTAssertEqual(onRTL.statistics.failedCopies, 0)

    // The comparison can fail: the model with one setting changed decides differently, and the
    // assertions above would name where (measured on the model alone; the RTL run is the one above).
    let threshold3 = try runOnModel(board, policy: HotListPolicy(pageCount: 128, hotThreshold: 3), settings: Self.settings,
                                    rounds: rounds, side: "model, threshold 3")
    XCTAssertNotEqual(threshold3.decisions.hotLists.first, onRTL.decisions.hotLists.first,
                      "HOT_THRESHOLD 3 leaves the twice-touched pages off epoch 0's hot list")
    let budget3 = try runOnModel(board, policy: Self.policy, settings: TierManagerSettings(epochCycles: Self.epochCycles, promotionsPerEpoch: 3),
                                 rounds: rounds, side: "model, 3 promotions an epoch")
    XCTAssertEqual(budget3.decisions.hotLists.first, onRTL.decisions.hotLists.first)
    XCTAssertNotEqual(budget3.decisions.descriptors.first, onRTL.decisions.descriptors.first,
                      "a budget of 3 promotions pushes other descriptors in epoch 0")
    print("TierManager on the node's RTL and on the model: \(onRTL.decisions.hotLists.joined().count) hot-list entries, "
          + "\(onRTL.decisions.descriptors.joined().count) descriptors, \(onRTL.decisions.completions.joined().count) completions "
          + "in \(Self.rounds) epochs, the same final map (\(onRTL.statistics.promotions) promotions, \(onRTL.statistics.demotions) demotions)")
  }
}
