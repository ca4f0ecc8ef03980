/// The baseline: LRU at the granularity the hardware offers. The hotness unit runs with a
/// threshold of 1, so each epoch's hot list is the set of pages touched in it (an accessed bit
/// per page, as CLOCK would sample). Recency is the order of hot lists and, within one, of
/// first touch (the order the unit allocated its counters). Every touched page outside DRAM is
/// promoted (promote on touch, as a cache fills on a miss), in hot-list order, into a free DRAM
/// frame or into the frame of the least recently touched DRAM page (never touched: lower frame
/// first), which is demoted to flash while flash has a free frame, else to disk. Pages touched
/// in the epoch just ended are never victims. It obeys the same promotion rate limit as every policy under the manager.
///
/// State: 4 bytes per page (when it was last touched).
public struct LRUPolicy: TierPolicy {
  public let hotThreshold: UInt32 = 1
  /// The page's last listed touch as a running count of hot-list entries; 0 when never.
  var lastTouch: [UInt32]
  var touches: UInt32 = 0

  public init(pageCount: UInt32) {
    lastTouch = [UInt32](repeating: 0, count: Int(pageCount))
  }

  public mutating func plan(epoch: Int, hot: [HotPage], placement: TierPlacement) -> [TierMove] {
    let epochBegan = touches
    for h in hot {
      touches += 1
      lastTouch[Int(h.page)] = touches
    }
    var victims: [(page: UInt32, touched: UInt32)] = []
    for frame in 0..<placement.frames[0] {
      guard let page = placement.dramResident(frame), !placement.isMoving(page),
            placement.location(of: page)?.tier == .dram, lastTouch[Int(page)] <= epochBegan else { continue }
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
