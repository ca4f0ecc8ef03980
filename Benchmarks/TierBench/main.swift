// scripts/bench/tier: figures of the memory-tier controller.
//   - the page map's added latency, measured on the request path's RTL under Icarus;
//   - the transaction-level model's speed on a long Zipf trace, with the hot-page policy;
//   - the evaluator on every trace generator, next to the two offline bounds;
// (The DMA copy rate is measured by a test on the RTL under Icarus; scripts/bench/tier runs it.)
// Ends with `key: value` lines: pagemap_added_cycles, tlm_accesses_per_second.
import Board
import Cores
import Foundation
import HDL
import TierModel
import Toolchain

let accesses = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000_000 : 2_000_000

/// Cycles from the cycle a read is accepted on `req` to the cycle it is offered to the DRAM store.
func pageMapAddedCycles() throws -> Int {
  let design = try Design(top: tierRequestPath(pageCount: 64))
  func bit(_ v: Bool) -> BitVector { BitVector(width: 1, value: v ? 1 : 0) }
  var rows: [[String: BitVector]] = [["rst": bit(true)]]
  // Map page 5 to DRAM frame 9, then offer a one-beat read of it with the store always ready.
  rows.append(["rst": bit(false), "hw_write_valid": bit(true), "hw_write_page": BitVector(width: 6, value: 5),
               "hw_write_entry": BitVector(width: 32, unsigned: 0x8000_0009)])
  rows.append(["hw_write_valid": bit(false), "dram_req_ready": bit(true), "req_valid": bit(true),
               "req_address": BitVector(width: 64, value: 5 << 12), "req_beats": BitVector(width: 10, value: 1)])
  for _ in 0..<6 { rows.append(["req_valid": bit(false)]) }
  let out = try IcarusSimulation(design).run(rows)
  guard let accepted = out.indices.first(where: { out[$0]["req_ready"]?.isZero == false && $0 == 2 }),
        let offered = out.indices.first(where: { out[$0]["dram_req_valid"]?.isZero == false }) else {
    throw ToolchainError.badOutput("the read never reached the DRAM port")
  }
  return offered - accepted
}

func timed<T>(_ body: () -> T) -> (T, Double) {
  let start = ContinuousClock.now
  let result = body()
  let d = ContinuousClock.now - start
  return (result, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
}

func controller(_ timing: TierTiming, pages: Int) throws -> (TierController, HotPagePromotion) {
  var c = try TierController(timing: timing, pageCount: pages, hotness: HotnessUnit(counterCapacity: 1024, hotListSize: 4096))
  c.mapInOrder()
  c.write(.hotThreshold, 4)
  c.write(.hotEpochCycles, 1_000_000)
  c.write(.hotControl, HotControlBits.enable | HotControlBits.trackReads | HotControlBits.trackWrites | 12 << 8)
  let frames = Dictionary(uniqueKeysWithValues: Tier.allCases.map { ($0, timing.frames($0)) })
  let policy = HotPagePromotion(bus: &c, frames: frames, reserve: 32)
  return (c, policy)
}

let board = try Board.load(path: Board.boardPath(named: "devkit"))
// The devkit's speeds; a small machine so that the trace's pages spill into flash and disk:
// 1,024 DRAM frames, 8,192 flash, 65,536 disk; 16,384 pages in use.
var timing = TierTiming(board: board)
timing.dram.size = 1_024 * timing.pageSize
timing.flash.size = 8_192 * timing.pageSize
timing.disk.size = 65_536 * timing.pageSize
let pages = 16_384

print("== page map latency on the RTL (Icarus)")
let added = try pageMapAddedCycles()
print("a read accepted in cycle t is offered to its store in cycle t + \(added)")

print("== transaction-level model: Zipf 0.99, \(accesses) accesses over \(pages) pages, hot-page policy")
let zipf = TraceGenerator.zipf(pages: pages, theta: 0.99, count: accesses, seed: 1)
var (c, policy) = try controller(timing, pages: pages)
// The model and the policy alone: the same loop as Evaluator.run, without the offline bounds.
let (dramHits, seconds) = timed { () -> Int in
  var hits = 0
  for a in zipf {
    let address = UInt64(a.page) << UInt64(timing.pageShift) + UInt64(a.word) * 8
    if c.access(a.isWrite ? .write(address, [UInt64(a.page)]) : .read(address)).servedBy?.tier == .dram { hits += 1 }
    policy.service(&c)
  }
  return hits
}
let rate = Double(accesses) / seconds
print("\(accesses) accesses in \(String(format: "%.2f", seconds)) s; DRAM hit ratio \(String(format: "%.3f", Double(dramHits) / Double(accesses))), \(c.bytesCopied) bytes migrated, \(c.clock) simulated cycles")
var (c2, policy2) = try controller(timing, pages: pages)
print(Evaluator.run(zipf, on: &c2) { policy2.service(&$0) })

print("== the evaluator on each trace (200,000 accesses)")
let n = 200_000
for (name, trace) in [
  ("zipf 0.9", TraceGenerator.zipf(pages: pages, theta: 0.9, count: n, seed: 2)),
  ("zipf 0.99", TraceGenerator.zipf(pages: pages, theta: 0.99, count: n, seed: 2)),
  ("gups hot set (512 pages, 90%)", TraceGenerator.gupsHotSet(pages: pages, hotPages: 512, count: n, seed: 2)),
  ("moving hot set (4 phases)", TraceGenerator.movingHotSet(pages: pages, hotPages: 512, phases: 4, count: n, seed: 2)),
  ("sequential scan", TraceGenerator.sequentialScan(pages: pages, passes: n / pages)),
] {
  var (c, policy) = try controller(timing, pages: pages)
  let r = Evaluator.run(trace, on: &c) { policy.service(&$0) }
  print("-- \(name)\n\(r)")
}

print("pagemap_added_cycles: \(added)")
print("tlm_accesses_per_second: \(Int(rate))")
