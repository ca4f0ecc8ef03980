/// The baseline: LRU at the granularity the hardware offers. The hotness unit runs with a
/// threshold of 1, so each epoch's hot list is the set of pages touched in it (an accessed bit
/// per page, as CLOCK would sample). Every touched page outside DRAM is promoted (promote on
/// touch, as a cache fills on a miss), in hot-list order, into a free DRAM frame or into the
/// frame of the least recently touched DRAM page (ties: lower frame first), which is demoted to
/// flash while flash has a free frame, else to disk. Pages touched in the epoch just ended are
/// never victims. It obeys the same promotion rate limit as every policy under the manager.
///
/// State: 4 bytes per page (the epoch of its last touch).
public struct LRUPolicy: TierPolicy {
  public let hotThreshold: UInt32 = 1
  /// Epoch + 1 of the page's last listed touch; 0 when never.
  var lastTouch: [Int32]

  public init(pageCount: UInt32) {
    lastTouch = [Int32](repeating: 0, count: Int(pageCount))
  }

  public mutating func plan(epoch: Int, hot: [HotPage], placement: TierPlacement) -> [TierMove] {
    for h in hot { lastTouch[Int(h.page)] = Int32(epoch + 1) }
    var victims: [(page: UInt32, touched: Int32)] = []
    for frame in 0..<placement.frames[0] {
      guard let page = placement.dramResident(frame), !placement.isMoving(page),
            placement.location(of: page)?.tier == .dram, lastTouch[Int(page)] < Int32(epoch + 1) else { continue }
      victims.append((page, lastTouch[Int(page)]))
    }
    victims = stableSorted(victims) { $0.touched < $1.touched }
    var moves: [TierMove] = []
    var budget = placement.promotionBudget
    var freeDRAM = placement.freeFrames(.dram)
    var freeFlash = placement.freeFrames(.flash)
    var nextVictim = 0
    for h in hot where budget > 0 && !placement.isMoving(h.page) {
      guard let at = placement.location(of: h.page), at.tier != .dram else { continue }
      if freeDRAM > 0 {
        moves.append(.move(page: h.page, to: .dram))
        freeDRAM -= 1
      } else if nextVictim < victims.count {
        let target: MemoryTier = freeFlash > 0 ? .flash : .disk
        if target == .flash { freeFlash -= 1 }
        moves.append(.exchange(page: h.page, victim: victims[nextVictim].page, victimTo: target))
        nextVictim += 1
      } else {
        break
      }
      budget -= 1
    }
    return moves
  }
}
