import Firmware
import TierModel

/// What one trace did under a policy on the transaction-level model.
public struct TraceResult {
  public var accesses = 0
  public var latencyCycles = 0
  public var dramHits = 0
  public var statistics = TierManagerStatistics()

  public init() {}

  public var meanLatency: Double { Double(latencyCycles) / Double(max(1, accesses)) }
  public var dramHitRatio: Double { Double(dramHits) / Double(max(1, accesses)) }
}

/// Plays `trace` on the model behind `hal` one access at a time (each starts when the previous
/// completed, as `Evaluator.run` does) and services the manager after each, as firmware polling
/// between host accesses would. A write stores the page number in its word.
public func runTrace<P: TierPolicy>(_ trace: [TraceAccess], hal: TierModelHAL, manager: inout TierManager<TierModelHAL>,
                                    policy: inout P, afterEach: ((Int, MemoryResponse) -> Void)? = nil) -> TraceResult {
  var result = TraceResult()
  let shift = UInt64(hal.controller.timing.pageShift), beat = UInt64(hal.controller.timing.beatBytes)
  for (i, a) in trace.enumerated() {
    let address = UInt64(a.page) << shift + UInt64(a.word) * beat
    let r = hal.controller.access(a.isWrite ? .write(address, [UInt64(a.page)]) : .read(address))
    result.accesses += 1
    result.latencyCycles += r.latency
    if r.servedBy?.tier == .dram { result.dramHits += 1 }
    afterEach?(i, r)
    manager.service(&policy)
  }
  result.statistics = manager.statistics
  return result
}
