/// Runs a trace through the transaction-level model under a policy and sets the result beside
/// two offline bounds computed on the same trace.
public enum Evaluator {
  public struct Report: Sendable, CustomStringConvertible {
    public var accesses: Int
    public var meanLatencyCycles: Double
    /// Accesses served by DRAM.
    public var dramHitRatio: Double
    public var bytesMigrated: Int
    /// The best static placement: pages ranked by access count fill DRAM, then flash, then disk.
    public var staticHitRatio: Double
    public var staticMeanLatencyCycles: Double
    /// Belady's MIN for a DRAM of the same number of frames (demand placement, free migration).
    public var beladyHitRatio: Double

    public var description: String {
      """
      accesses \(accesses)
      policy:  mean latency \(Int(meanLatencyCycles.rounded())) cycles, DRAM hit ratio \(fixed3(dramHitRatio)), migrated \(bytesMigrated) bytes
      static:  mean latency \(Int(staticMeanLatencyCycles.rounded())) cycles, DRAM hit ratio \(fixed3(staticHitRatio))
      Belady:  DRAM hit ratio \(fixed3(beladyHitRatio))
      """
    }
  }

  /// Runs `trace` (page, word, read/write) through `controller`, calling `service` after every
  /// access so the policy sees completions and hot lists as soon as they exist.
  public static func run(_ trace: [TraceAccess], on controller: inout TierController,
                         service: (inout TierController) -> Void) -> Report {
    var latency = 0
    var dramHits = 0
    let initiallyInDRAM = controller.pageMap.indices.filter { controller.pageMap[$0].valid && controller.pageMap[$0].location.tier == .dram }
    let copiedBefore = controller.bytesCopied
    let shift = UInt64(controller.timing.pageShift), beat = UInt64(controller.timing.beatBytes)
    for a in trace {
      let address = UInt64(a.page) << shift + UInt64(a.word) * beat
      let r = controller.access(a.isWrite ? .write(address, [UInt64(a.page)]) : .read(address))
      latency += r.latency
      if r.servedBy?.tier == .dram { dramHits += 1 }
      service(&controller)
    }
    let frames = Tier.allCases.map { controller.timing.frames($0) }
    let bound = staticPlacement(trace, timing: controller.timing, frames: frames)
    let n = Double(max(1, trace.count))
    return Report(accesses: trace.count, meanLatencyCycles: Double(latency) / n, dramHitRatio: Double(dramHits) / n,
                  bytesMigrated: controller.bytesCopied - copiedBefore, staticHitRatio: bound.hitRatio,
                  staticMeanLatencyCycles: bound.meanLatency, beladyHitRatio: beladyHitRatio(trace, capacity: frames[0], initiallyResident: initiallyInDRAM))
  }

  /// The best static placement when every access costs its tier's latency and migration is
  /// free: rank pages by count and fill the tiers fastest first (an exchange argument: swapping
  /// a less-accessed page into a faster frame never lowers the total cost).
  public static func staticPlacement(_ trace: [TraceAccess], timing: TierTiming, frames: [Int]) -> (hitRatio: Double, meanLatency: Double) {
    var reads: [Int: Int] = [:], writes: [Int: Int] = [:]
    for a in trace {
      if a.isWrite { writes[a.page, default: 0] += 1 } else { reads[a.page, default: 0] += 1 }
    }
    let pages = Set(reads.keys).union(writes.keys).sorted {
      let ca = reads[$0, default: 0] + writes[$0, default: 0], cb = reads[$1, default: 0] + writes[$1, default: 0]
      return ca != cb ? ca > cb : $0 < $1
    }
    var total = 0, dramHits = 0, rank = 0
    for tier in Tier.allCases {
      let t = Int(tier.rawValue)
      let beatCycles = timing.transferCycles(tier, bytes: timing.beatBytes)
      for page in pages.dropFirst(rank).prefix(frames[t]) {
        let r = reads[page, default: 0], w = writes[page, default: 0]
        total += r * (timing.lookupCycles + timing.readLatency(tier) + beatCycles)
        total += w * (timing.lookupCycles + timing.writeLatency(tier) + beatCycles)
        if tier == .dram { dramHits += r + w }
      }
      rank += frames[t]
    }
    let n = Double(max(1, trace.count))
    return (Double(dramHits) / n, Double(total) / n)
  }

  /// Belady's MIN: on a miss with the cache full, evict the page whose next use is farthest.
  /// O(n log n) with next-use indices and a max-heap with lazy deletion. `initiallyResident`
  /// pages start in the cache (a policy starts with pages already in DRAM; without them the
  /// bound would not hold). Any policy that may also move pages ahead of their use can be turned
  /// into a demand policy with no more misses, so MIN bounds every policy's DRAM hit ratio.
  public static func beladyHitRatio(_ trace: [TraceAccess], capacity: Int, initiallyResident: [Int] = []) -> Double {
    guard !trace.isEmpty, capacity > 0 else { return 0 }
    var nextUse = [Int](repeating: Int.max, count: trace.count)
    var seen: [Int: Int] = [:]
    for i in stride(from: trace.count - 1, through: 0, by: -1) {
      nextUse[i] = seen[trace[i].page] ?? Int.max
      seen[trace[i].page] = i
    }
    var resident: [Int: Int] = [:]  // page -> its next use
    var heap = MaxHeap()
    for page in initiallyResident.prefix(capacity) {
      let first = seen[page] ?? Int.max
      resident[page] = first
      heap.push((first, page))
    }
    var hits = 0
    for (i, a) in trace.enumerated() {
      if resident[a.page] != nil {
        hits += 1
      } else if resident.count == capacity {
        while let top = heap.pop() {
          if resident[top.page] == top.next {
            resident[top.page] = nil
            break
          }
        }
      }
      resident[a.page] = nextUse[i]
      heap.push((nextUse[i], a.page))
    }
    return Double(hits) / Double(trace.count)
  }
}

/// A binary max-heap of (next use, page), ordered by next use.
struct MaxHeap {
  var items: [(next: Int, page: Int)] = []

  mutating func push(_ item: (next: Int, page: Int)) {
    items.append(item)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      if items[parent].next >= items[i].next { break }
      items.swapAt(parent, i)
      i = parent
    }
  }

  mutating func pop() -> (next: Int, page: Int)? {
    guard let top = items.first else { return nil }
    let last = items.removeLast()
    if !items.isEmpty {
      items[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1, r = l + 1
        var largest = i
        if l < items.count && items[l].next > items[largest].next { largest = l }
        if r < items.count && items[r].next > items[largest].next { largest = r }
        if largest == i { break }
        items.swapAt(i, largest)
        i = largest
      }
    }
    return top
  }
}

/// A ratio in 0...1 with three decimals ("0.065"), without Foundation's formatter.
func fixed3(_ x: Double) -> String {
  let thousandths = Int((x * 1000).rounded())
  let fraction = String(thousandths % 1000)
  return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
