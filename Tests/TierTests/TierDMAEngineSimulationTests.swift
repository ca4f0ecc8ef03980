import Cores
import HDL
import TierModel
import Toolchain
import XCTest

/// The DMA engine's RTL under Icarus, cycle by cycle against `DMAEngineModel` in a bench of
/// Swift stores, map and request-path activity; the outcome (completions, final map, every
/// frame's data) against the transaction-level model running the same descriptors.
final class TierDMAEngineSimulationTests: XCTestCase {
  /// Descriptors meant for the bench's machine (DRAM 16, flash 32, disk 64 frames; pages 0–15
  /// in DRAM, 16–39 in flash): migrations between free frames of every tier, plain copies of
  /// random lengths, and bad ones; faulty frames DRAM 3, flash 30 and disk 50 fail copies.
  static func descriptors(count: Int, seed: UInt64) -> [DMADescriptor] {
    var rng = SplitMix64(seed: seed)
    var location = (0..<40).map { p in p < 16 ? FrameAddress(.dram, p) : FrameAddress(.flash, p - 16) }
    var free: [Tier: [Int]] = [.dram: [], .flash: Array(24..<32), .disk: Array(0..<64)]
    let faulty: [Tier: Int] = [.dram: 3, .flash: 30, .disk: 50]
    var out: [DMADescriptor] = []
    while out.count < count {
      let roll = rng.next() % 10
      let page = Int(rng.next() % 40)
      if roll < 6 {
        let tier = Tier.allCases[Int(rng.next() % 3)]
        guard var frames = free[tier], !frames.isEmpty else { continue }
        let frame = frames.remove(at: Int(rng.next() % UInt64(frames.count)))
        let from = location[page], to = FrameAddress(tier, frame)
        out.append(.migrate(page: page, from: from, to: to, pageSize: 4096, interrupt: roll == 0))
        if faulty[from.tier] == from.frame || faulty[tier] == frame { continue }  // fails: nothing moves
        free[tier] = frames
        free[from.tier]!.append(from.frame)
        location[page] = to
      } else if roll < 8 {
        let tier = Tier.allCases[Int(rng.next() % 3)]
        guard let frame = free[tier]?.first else { continue }
        let length = (Int(rng.next() % 512) + 1) * 8
        out.append(DMADescriptor(from: location[page], to: FrameAddress(tier, frame), length: length, interruptOnCompletion: true))
      } else if roll == 8 {
        out.append(DMADescriptor(from: location[page], to: FrameAddress(.disk, 1), length: 12))
      } else {
        let wrong = FrameAddress(location[page].tier, (location[page].frame + 1) % 16)
        out.append(.migrate(page: page, from: wrong, to: FrameAddress(.dram, 20), pageSize: 4096))  // frame outside DRAM
      }
    }
    return out
  }

  /// Runs the bench until every descriptor has completed, then the RTL on the same inputs under
  /// Icarus, and fails at the first cycle where an output differs from the model's.
  func simulate(_ list: [DMADescriptor], seed: UInt64, ideal: Bool = false) throws -> (bench: DMAEngineBench, cycles: Int, firstPush: Int) {
    let design = try Design(top: tierDMAEngine(pageCount: 40, frames: [16, 32, 64], descriptorRingSize: 8, completionRingSize: 4))
    let widths = Dictionary(uniqueKeysWithValues: design.topPorts.map { ($0.name, $0.width) })
    let outputs = Set(design.topPorts.filter { $0.direction == .output }.map(\.name))
    var bench = DMAEngineBench(descriptors: list, seed: seed, ideal: ideal)
    var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
    var expected: [[String: UInt64]] = [[:]]
    var cycles = 0
    var firstPush: Int?
    while (bench.completions.count < list.count) && cycles < 100_000 {
      let i = bench.inputs()
      let o = bench.engine.outputs(i)
      if i.bit("push") && firstPush == nil { firstPush = cycles }
      var row = ["rst": BitVector(width: 1, value: 0)]
      for (name, width) in widths where name != "clk" && name != "rst" && !outputs.contains(name) {
        row[name] = BitVector(width: width, unsigned: i[name])
      }
      rows.append(row)
      expected.append(o)
      bench.edge(i, o)
      bench.engine.edge(i)
      cycles += 1
    }
    let actual = try IcarusSimulation(design).run(rows)
    var mismatch: String?
    outer: for (cycle, (got, want)) in zip(actual, expected).enumerated() {
      for (port, value) in want.sorted(by: { $0.key < $1.key }) {
        let wanted = BitVector(width: widths[port]!, unsigned: value)
        if got[port] != wanted {
          mismatch = "cycle \(cycle): `\(port)` is \(got[port].map { "\($0)" } ?? "x/z") but the model says \(wanted)"
          break outer
        }
      }
    }
    XCTAssertNil(mismatch)
    return (bench, cycles, firstPush ?? 0)
  }

  func testCycleAccurateAgainstTheModelAndTheSameOutcomeAsTheTransactionLevelModel() throws {
    let seed: UInt64 = 5
    let list = Self.descriptors(count: 36, seed: seed)
    let (bench, cycles, _) = try simulate(list, seed: seed)
    XCTAssertEqual(bench.completions.count, list.count, "every descriptor completed within \(cycles) cycles")
    XCTAssertGreaterThan(bench.waitedForBusy, 0, "the engine waited for accesses to the page it moves")

    // The transaction-level model, one descriptor in flight, the same machine, data and faults.
    var timing = TierTiming.defaults(dramPages: 16, flashPages: 32, diskPages: 64)
    timing.lookupCycles = 2
    var tlm = try TierController(timing: timing, pageCount: 40, maxInFlight: 1, descriptorRingSize: 8, completionRingSize: 4)
    tlm.mapInOrder()
    for page in 0..<40 {
      let l = tlm.pageMap[page].location
      let words = (0..<512).map { DMAEngineBench.pattern(Int(l.tier.rawValue), l.frame, $0) }
      for w in 0..<512 { tlm.access(.write(UInt64(page * 4096 + w * 8), [words[w]])) }
    }
    for (tier, frame) in [(Tier.dram, 3), (.flash, 30), (.disk, 50)] { tlm.withStore(tier) { $0.faultyFrames = [frame] } }
    var tlmCompletions: [(Int, Int)] = []
    var tainted = Set<[Int]>()
    for d in list {
      XCTAssertTrue(tlm.submit(d))
      tlm.idle(until: tlm.clock + 100_000)
      let c = tlm.drainCompletions()
      tlmCompletions += c.map { ($0.descriptor, Int($0.status.rawValue)) }
      for done in c where done.status == .sourceError || done.status == .destinationError {
        tainted.insert([Int(d.destination.tier.rawValue), d.destination.frame])  // a failed copy may leave part of its data
      }
      if c.first?.status == .ok { tainted.remove([Int(d.destination.tier.rawValue), d.destination.frame]) }
    }
    XCTAssertEqual(bench.completions.map { "\($0.descriptor):\($0.status)" }, tlmCompletions.map { "\($0.0):\($0.1)" })
    XCTAssertEqual(Set(tlmCompletions.map(\.1)), [0, 1, 2, 3], "every status occurred")
    XCTAssertEqual(bench.map.map { PageEntry(encoded: UInt32($0)) }, tlm.pageMap, "final map")
    var differing: [String] = []
    for tier in Tier.allCases {
      for frame in 0..<timing.frames(tier) where !tainted.contains([Int(tier.rawValue), frame]) {
        for word in 0..<512 where bench.memory[Int(tier.rawValue)][frame * 512 + word] ?? 0 != tlm.store(tier).word(frame: frame, at: word) {
          differing.append("\(tier) frame \(frame) word \(word)")
          break
        }
      }
    }
    XCTAssertEqual(differing, [String](), "frames whose data differ")

    print("dma: \(cycles) cycles, \(list.count) descriptors, statuses \(tlmCompletions.map(\.1)), waited for busy pages \(bench.waitedForBusy) cycles")
  }

  /// The copy rate with stores that keep up (ready, a cycle of latency): 16 page copies, half of
  /// them migrations with remap, one at a time. Prints the benchmark's `dma_beats_per_cycle`.
  func testCopyRateWithStoresThatKeepUp() throws {
    var list: [DMADescriptor] = []
    for k in 0..<8 {
      list.append(.migrate(page: k, from: FrameAddress(.dram, k), to: FrameAddress(.flash, 24 + k), pageSize: 4096))
      list.append(DMADescriptor(from: FrameAddress(.flash, k), to: FrameAddress(.disk, k), length: 4096))
    }
    let (bench, cycles, firstPush) = try simulate(list, seed: 1, ideal: true)
    XCTAssertEqual(bench.completions.map(\.status), Array(repeating: 0, count: 16))
    let rate = Double(16 * 512) / Double(cycles - firstPush)
    XCTAssertGreaterThanOrEqual(rate, 0.95, "the issue's goal")
    print("dma_beats_per_cycle: \((rate * 1000).rounded() / 1000) (16 copies of 512 beats in \(cycles - firstPush) cycles, one at a time)")
  }
}
