/// The tiering policy: promote what the hot lists show hot, demote what they stopped showing.
///
/// - Heat: each page's hot-list counts, cooled every epoch by `heat >> coolingShift` (HeMem
///   and MEMTIS cool their counters by halving), so heat follows the recent access rate and
///   forgets old phases.
/// - Promotion: the hottest listed pages outside DRAM move in, into free DRAM frames first;
///   when DRAM is full a listed page displaces the coldest DRAM page only if its heat beats the
///   victim's by a margin (`heat > 5/4 × victim + promotionMargin`), so pages of similar heat do not
///   swap back and forth. A listed page on disk that does not make it into DRAM moves to flash:
///   into a free frame, or in place of a flash page with no heat left (found by a clock hand
///   over the pages), which goes to disk: one disk access costs about what the two copies do.
/// - Rate limit: at most the manager's promotion budget per epoch (`TierManagerSettings`).
/// - Hysteresis: a page promoted into DRAM is not chosen as a victim for `protectionEpochs`
///   epochs, however cold it looks meanwhile.
/// - Demotion: a victim goes to flash while flash has a free frame, else to disk. DRAM is never
///   emptied ahead of need: a victim leaves only to make room for a hotter page, and that page
///   takes the victim's frame when the copy is done (`TierMove.exchange`).
///
/// State: 12 bytes per page (heat, the epoch it was last listed, the epoch it was promoted).
public struct HotListPolicy: TierPolicy {
  public let hotThreshold: UInt32
  public let protectionEpochs: Int
  /// Each epoch a page's heat loses heat >> coolingShift (1: halves, 2: keeps three quarters).
  public let coolingShift: UInt32
  /// A page displaces a DRAM victim only when its heat exceeds 5/4 of the victim's plus this
  /// margin, so that two copies are not spent on pages of about the same heat.
  public let promotionMargin: UInt32
  var heat: [UInt32]
  var heatEpoch: [Int32]
  /// Epoch + 1 of the page's last promotion into DRAM; 0 when never.
  var promotedIn: [Int32]
  /// Where the search for a cold flash page goes on.
  var flashHand: UInt32 = 0

  /// The defaults are the settings of the cluster benchmark (BENCHMARKS.md): listed from 2
  /// accesses an epoch, heat keeping 7/8 of itself per epoch, protection for 4 epochs.
  public init(pageCount: UInt32, hotThreshold: UInt32 = 2, protectionEpochs: Int = 4, coolingShift: UInt32 = 3,
              promotionMargin: UInt32 = 4) {
    self.hotThreshold = hotThreshold
    self.protectionEpochs = protectionEpochs
    self.coolingShift = max(1, coolingShift)
    self.promotionMargin = promotionMargin
    heat = [UInt32](repeating: 0, count: Int(pageCount))
    heatEpoch = [Int32](repeating: 0, count: Int(pageCount))
    promotedIn = [Int32](repeating: 0, count: Int(pageCount))
  }

  /// `page`'s heat as of `epoch`: cooled once per epoch since it was last listed.
  public func heat(of page: UInt32, at epoch: Int) -> UInt32 {
    var h = heat[Int(page)]
    var age = epoch - Int(heatEpoch[Int(page)])
    while age > 0 && h > 0 {
      h -= max(1, h >> coolingShift)
      age -= 1
    }
    return h
  }

  /// True while `page` is protected from demotion after its promotion.
  public func isProtected(_ page: UInt32, at epoch: Int) -> Bool {
    let promoted = Int(promotedIn[Int(page)])
    return promoted > 0 && epoch - (promoted - 1) < protectionEpochs
  }

  public mutating func plan(epoch: Int, hot: [HotPage], placement: TierPlacement) -> [TierMove] {
    for h in hot {
      heat[Int(h.page)] = heat(of: h.page, at: epoch) &+ h.count
      heatEpoch[Int(h.page)] = Int32(epoch)
    }
    var candidates: [UInt32] = []
    for h in hot where !placement.isMoving(h.page) {
      if let at = placement.location(of: h.page), at.tier != .dram { candidates.append(h.page) }
    }
    candidates.sort { heat[Int($0)] != heat[Int($1)] ? heat[Int($0)] > heat[Int($1)] : $0 < $1 }

    var moves: [TierMove] = []
    var budget = placement.promotionBudget
    var freeDRAM = placement.freeFrames(.dram)
    var freeFlash = placement.freeFrames(.flash)
    var victims = self.victims(at: epoch, placement).makeIterator()
    var nextVictim = victims.next()
    for page in candidates where budget > 0 {
      let h = heat[Int(page)]
      if freeDRAM > 0 {
        moves.append(.move(page: page, to: .dram))
        freeDRAM -= 1
      } else if let victim = nextVictim, h > heat(of: victim, at: epoch) * 5 / 4 + promotionMargin {
        let target: MemoryTier = freeFlash > 0 ? .flash : .disk
        if target == .flash { freeFlash -= 1 }
        moves.append(.exchange(page: page, victim: victim, victimTo: target))
        nextVictim = victims.next()
      } else {
        // Not into DRAM: off the disk at least, into free flash or in place of a cold flash page.
        guard placement.location(of: page)?.tier == .disk else { continue }
        if freeFlash > 0 {
          moves.append(.move(page: page, to: .flash))
          freeFlash -= 1
        } else if let victim = coldFlashPage(at: epoch, placement) {
          moves.append(.exchange(page: page, victim: victim, victimTo: .disk))
        } else {
          continue
        }
        budget -= 1
        continue
      }
      promotedIn[Int(page)] = Int32(epoch + 1)
      budget -= 1
    }
    return moves
  }

  /// The next flash page, in clock order over page numbers, with no heat left; nil when a
  /// whole turn finds none.
  mutating func coldFlashPage(at epoch: Int, _ placement: TierPlacement) -> UInt32? {
    for _ in 0..<placement.pageCount {
      let page = flashHand
      flashHand = flashHand + 1 == placement.pageCount ? 0 : flashHand + 1
      if placement.location(of: page)?.tier == .flash, !placement.isMoving(page), heat(of: page, at: epoch) == 0 {
        return page
      }
    }
    return nil
  }

  /// DRAM pages that may be demoted, coldest first (ties: lower frame first).
  func victims(at epoch: Int, _ placement: TierPlacement) -> [UInt32] {
    var out: [(page: UInt32, heat: UInt32)] = []
    for frame in 0..<placement.frames[0] {
      guard let page = placement.dramResident(frame), !placement.isMoving(page),
            placement.location(of: page)?.tier == .dram, !isProtected(page, at: epoch) else { continue }
      out.append((page, heat(of: page, at: epoch)))
    }
    // A stable sort keeps frame order among equals.
    return stableSorted(out) { $0.heat < $1.heat }.map { $0.page }
  }
}

/// Insertion order among equal elements is kept (merge sort), so plans do not depend on the
/// standard library's sort algorithm.
func stableSorted<T>(_ items: [T], by less: (T, T) -> Bool) -> [T] {
  if items.count < 2 { return items }
  let mid = items.count / 2
  let left = stableSorted(Array(items[..<mid]), by: less), right = stableSorted(Array(items[mid...]), by: less)
  var out: [T] = []
  out.reserveCapacity(items.count)
  var i = 0, j = 0
  while i < left.count && j < right.count {
    if less(right[j], left[i]) { out.append(right[j]); j += 1 } else { out.append(left[i]); i += 1 }
  }
  out += left[i...]
  out += right[j...]
  return out
}
