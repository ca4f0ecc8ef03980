// scripts/bench/cluster, the tiering-policy part: the firmware's HotListPolicy and the LRU
// baseline, each run by the firmware's TierManager over the transaction-level model, on every
// trace generator, next to the best static placement computed offline on the same trace.
// Ends with `policy_vs_static_best: X` and `policy_vs_lru: Y` (the worst traces).
//
// Usage: strata-bench-cluster-policy [accesses per trace (1000000)] [pages in use (8192)] [seed (2)]
//        [epoch cycles (200000)]
import Firmware
import Foundation
import TierFirmwareSupport
import TierModel

let arguments = CommandLine.arguments
let accesses = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let pages = arguments.count > 2 ? Int(arguments[2]) ?? 8_192 : 8_192
let seed = arguments.count > 3 ? UInt64(arguments[3]) ?? 2 : 2
let epochCycles = arguments.count > 4 ? UInt32(arguments[4]) ?? 200_000 : 200_000
let promotionsPerEpoch = 128
/// LRU promotes on every touch, so a generous rate limit makes it thrash: it is run at each of
/// these limits and its best result on each trace is the one compared.
let lruLimits = [16, 32, 64, 128]

// The devkit board's speeds (boards/devkit.yaml: 250 MHz, time scale 1000) on a small machine.
let frames = [1_024, 8_192, 65_536]
let timing = TierTiming.defaults(timeScale: 1000, clockMHz: 250, dramPages: frames[0], flashPages: frames[1], diskPages: frames[2])

/// The same hardware for every run: every page mapped in order (DRAM, flash, then disk), one
/// DMA copy at a time as the RTL, 4,096 hotness counters and an 8,192-entry hot list.
func machine() throws -> TierModelHAL {
  var c = try TierController(timing: timing, pageCount: pages, maxInFlight: 1,
                             hotness: HotnessUnit(counterCapacity: 4_096, hotListSize: 8_192))
  c.mapInOrder()
  return TierModelHAL(controller: c)
}

func run<P: TierPolicy>(_ trace: [TraceAccess], _ policy: P, limit: Int) throws -> TraceResult {
  var policy = policy
  let hal = try machine()
  var manager = try TierManager(hal: hal, baseAddress: hal.baseAddress, frames: frames.map(UInt32.init),
                                settings: TierManagerSettings(epochCycles: epochCycles, promotionsPerEpoch: limit))
  manager.start(policy)
  return runTrace(trace, hal: hal, manager: &manager, policy: &policy)
}

let traces: [(String, [TraceAccess])] = [
  ("Zipf 0.9", TraceGenerator.zipf(pages: pages, theta: 0.9, count: accesses, seed: seed)),
  ("Zipf 0.99", TraceGenerator.zipf(pages: pages, theta: 0.99, count: accesses, seed: seed)),
  ("GUPS hot set (512 pages, 90%)", TraceGenerator.gupsHotSet(pages: pages, hotPages: 512, count: accesses, seed: seed)),
  ("moving hot set (512 pages, 4 phases)", TraceGenerator.movingHotSet(pages: pages, hotPages: 512, phases: 4, count: accesses, seed: seed)),
  ("sequential scan", TraceGenerator.sequentialScan(pages: pages, passes: max(1, accesses / pages))),
]

func f1(_ x: Double) -> String { String(format: "%.1f", x) }
func f3(_ x: Double) -> String { String(format: "%.3f", x) }
func mb(_ bytes: UInt64) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

print("== tiering policy: \(accesses) accesses per trace over \(pages) pages (seed \(seed)); DRAM \(frames[0]), flash \(frames[1]), disk \(frames[2]) frames")
print("   epochs of \(epochCycles) cycles; HotListPolicy at \(promotionsPerEpoch) promotions per epoch, LRU at its best of \(lruLimits)")
print("   mean access latency in cycles (DRAM hit ratio)")
print("| trace | static best | HotListPolicy | LRU (limit) | policy / static | policy / LRU | migrated: policy | LRU |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
var worstStatic = (ratio: 0.0, trace: ""), worstLRU = (ratio: 0.0, trace: "")
let started = Date()
for (name, trace) in traces {
  let bound = Evaluator.staticPlacement(trace, timing: timing, frames: frames)
  let policy = try run(trace, HotListPolicy(pageCount: UInt32(pages)), limit: promotionsPerEpoch)
  var lru = (result: TraceResult(), limit: 0)
  for limit in lruLimits {
    let r = try run(trace, LRUPolicy(pageCount: UInt32(pages)), limit: limit)
    if lru.limit == 0 || r.meanLatency < lru.result.meanLatency { lru = (r, limit) }
  }
  let vsStatic = policy.meanLatency / bound.meanLatency, vsLRU = policy.meanLatency / lru.result.meanLatency
  if vsStatic > worstStatic.ratio { worstStatic = (vsStatic, name) }
  if vsLRU > worstLRU.ratio { worstLRU = (vsLRU, name) }
  print("| \(name) | \(f1(bound.meanLatency)) (\(f3(bound.hitRatio))) | \(f1(policy.meanLatency)) (\(f3(policy.dramHitRatio))) "
    + "| \(f1(lru.result.meanLatency)) (\(f3(lru.result.dramHitRatio)), \(lru.limit)) | \(f3(vsStatic)) | \(f3(vsLRU)) "
    + "| \(mb(policy.statistics.bytesMigrated)) | \(mb(lru.result.statistics.bytesMigrated)) |")
}
print(String(format: "(%.1f s)", Date().timeIntervalSince(started)))
print("worst against the static bound: \(worstStatic.trace); worst against LRU: \(worstLRU.trace)")
print("policy_vs_static_best: \(f3(worstStatic.ratio))")
print("policy_vs_lru: \(f3(worstLRU.ratio))")
