/// The firmware's side of tiering: it owns the controller's page map, free-frame pools, DMA
/// descriptor and completion rings and hot list, and carries out what a `TierPolicy` plans.
/// Written against `HAL` alone (through the accessors generated from the register map), so
/// the same code drives the RTL, the transaction-level model and the board.
///
/// Call `start(_:)` once, then `service(_:)` whenever the controller may have news (after an
/// interrupt, or periodically): it takes completions, and when an epoch has ended it drains the
/// hot list, asks the policy, and submits the moves.
public struct TierManager<H: HAL> {
  public let control: TierControl<H>
  public let settings: TierManagerSettings
  public private(set) var placement: TierPlacement
  public private(set) var statistics = TierManagerStatistics()
  /// Map entries read at start: MAP_EXTENT's pages (every page with a 1.0 controller).
  public let pagesScanned: UInt32
  let pageShift: UInt32
  let counterWidth: UInt32
  let hotListSize: UInt32
  let completionRingSize: UInt32
  /// Descriptors that may be outstanding at once: both rings hold size - 1 entries.
  let descriptorSlots: Int
  var pending: [PendingCopy] = []
  /// Promotions into frames their victims have left, waiting for promotion budget; kept in the
  /// order their demotions were submitted, not the order the DMA lanes finished them in, so
  /// the descriptors that follow do not depend on copy timing.
  var waiting: [(page: UInt32, frame: TierFrame, paidIn: Int, serial: Int)] = []
  /// Copies submitted so far (the next copy's `PendingCopy.serial`).
  var submittedCopies = 0
  /// Planned moves that did not fit in the descriptor ring yet; replaced by the next plan.
  var backlog: [TierMove] = []
  var hotHead: UInt32
  var completionHead: UInt32
  var epochStart: UInt64 = 0
  /// Index of the epoch in progress (epochs ended so far).
  var epoch = 0
  /// The epoch whose promotions `placement.promotionBudget` counts.
  var budgetEpoch = -1
  var started = false

  struct PendingCopy {
    var descriptor: UInt32
    var page: UInt32
    var from: TierFrame
    var to: TierFrame
    /// A page to move into `from` once this copy has succeeded, or `TierPlacement.noPage`.
    var then: UInt32
    /// The epoch whose budget paid for that promotion.
    var paidIn: Int
    /// Submission order.
    var serial: Int
  }

  /// Takes over the controller at `baseAddress`, whose tiers have `frames` frames (DRAM, flash,
  /// disk, from the board). Reads the page map to learn where pages are and which frames are
  /// free; refuses a map that maps a frame twice or outside its tier. Only the pages below
  /// MAP_EXTENT are read: the controller vouches that every page at or above it has been
  /// invalid since the map was last cleared (a controller before version 1.1 has no MAP_EXTENT:
  /// the whole map is read).
  public init(hal: H, baseAddress: UInt64, frames: [UInt32], settings: TierManagerSettings) throws(TierManagerError) {
    control = TierControl(bus: hal, baseAddress: baseAddress)
    self.settings = settings
    let id = control.readId()
    guard id.magic == 0x5452 else { throw .notATierController(baseAddress: baseAddress, id: id.rawValue) }
    guard frames.count == 3 else { throw .badSetting("frames must give DRAM, flash and disk frame counts (3 values), got \(frames.count)") }
    guard settings.epochCycles > 0 else { throw .badSetting("epochCycles must be at least 1") }
    guard settings.promotionsPerEpoch >= 0 else { throw .badSetting("promotionsPerEpoch cannot be negative") }
    let capability = control.readCapability()
    pageShift = capability.pageShift
    counterWidth = capability.counterWidth
    let rings = control.readRingSizes()
    hotListSize = rings.hotList
    completionRingSize = rings.completions
    descriptorSlots = Int(min(rings.descriptors, rings.completions)) - 1
    let pageCount = control.readPageCount().value
    let scanned = id.minor >= 1 ? min(control.readMapExtent().pages, pageCount) : pageCount
    pagesScanned = scanned

    var entries = [UInt32](repeating: 0, count: Int(pageCount))
    var owner: [[UInt32]] = frames.map { [UInt32](repeating: TierPlacement.noPage, count: Int($0)) }
    for page in 0..<scanned {
      var index = TierControlRegisters.MapIndex()
      index.page = page
      control.writeMapIndex(index)
      let e = control.readMapEntry()
      guard e.valid, let tier = MemoryTier(rawValue: e.tier) else { continue }
      let frame = TierFrame(tier, e.frame)
      if e.migrating { throw .pageMigratingAtStart(page: page) }
      guard frame.index < frames[Int(tier.rawValue)] else {
        throw .frameOutsideTier(page: page, frame: frame, frames: frames[Int(tier.rawValue)])
      }
      let first = owner[Int(tier.rawValue)][Int(frame.index)]
      if first != TierPlacement.noPage { throw .frameMappedTwice(frame: frame, firstPage: first, secondPage: page) }
      owner[Int(tier.rawValue)][Int(frame.index)] = page
      entries[Int(page)] = frame.encoded | TierPlacement.validBit
    }
    let used = owner.map { $0.map { $0 != TierPlacement.noPage } }
    placement = TierPlacement(pageCount: pageCount, frames: frames, entries: entries, dramResidents: owner[0],
                              pools: FramePools(frames: frames, used: used))
    // Completions and hot-list entries from before the manager are not its own: skip them.
    completionHead = control.readCompletionTail().index
    control.writeCompletionHead(.init(rawValue: completionHead))
    hotHead = control.readHotHead().index
  }

  /// Configures the hotness unit for `policy` (whole pages, reads and writes, the policy's
  /// threshold, the epoch length) and starts it with a RESET, which empties the hot list.
  public mutating func start<P: TierPolicy>(_ policy: P) {
    var threshold = TierControlRegisters.HotThreshold()
    threshold.count = policy.hotThreshold
    control.writeHotThreshold(threshold)
    var length = TierControlRegisters.HotEpochCycles()
    length.cycles = settings.epochCycles
    control.writeHotEpochCycles(length)
    control.writeHotFillThreshold(.init())
    var hot = TierControlRegisters.HotControl()
    hot.enable = true
    hot.reset = true
    hot.trackReads = true
    hot.trackWrites = true
    hot.unitShift = pageShift
    control.writeHotControl(hot)
    epochStart = control.bus.cycles
    hotHead = control.readHotTail().index  // RESET moved the tail to the head
    epoch = 0
    started = true
  }

  /// Takes completions; when an epoch has ended, drains the hot list and carries out `policy`'s plan.
  public mutating func service<P: TierPolicy>(_ policy: inout P) {
    takeCompletions()
    submitWaiting()
    carryOutBacklog()
    guard started else { return }
    let now = control.bus.cycles
    let length = UInt64(settings.epochCycles)
    guard now >= epochStart + UInt64(epoch + 1) * length + settings.hotListSettleCycles else { return }
    let ended = Int((now - settings.hotListSettleCycles - epochStart) / length) - 1
    epoch = ended + 1
    statistics.epochs = epoch
    let hot = drainHotList()
    refreshBudget()
    statistics.skippedMoves += backlog.count
    backlog = policy.plan(epoch: ended, hot: hot, placement: placement)
    carryOutBacklog()
  }

  /// Carries out planned moves in order while the descriptor ring has room (an exchange needs
  /// room for its second copy too); the rest wait for completions.
  mutating func carryOutBacklog() {
    var done = 0
    for move in backlog {
      let needed: Int
      if case .exchange = move { needed = 2 } else { needed = 1 }
      if pending.count + waiting.count + needed > descriptorSlots { break }
      carryOut(move)
      done += 1
    }
    backlog.removeFirst(done)
  }

  /// Services until no copy of the manager is outstanding, letting time pass in steps of
  /// `stepCycles`; false when `timeoutCycles` pass first.
  public mutating func finishCopies<P: TierPolicy>(_ policy: inout P, stepCycles: UInt64 = 256, timeoutCycles: UInt64 = 100_000_000) -> Bool {
    let deadline = control.bus.cycles + timeoutCycles
    while !pending.isEmpty || !waiting.isEmpty || !backlog.isEmpty {
      if control.bus.cycles >= deadline { return false }
      control.bus.wait(cycles: stepCycles)
      service(&policy)
    }
    return true
  }

  // MARK: carrying out moves

  mutating func carryOut(_ move: TierMove) {
    switch move {
    case let .move(page, tier):
      guard let from = movable(page), from.tier != tier, let to = placement.pools.take(tier) else {
        statistics.skippedMoves += 1
        return
      }
      if !submit(page: page, from: from, to: to) {
        placement.pools.give(to)
        statistics.skippedMoves += 1
      }
    case let .exchange(page, victim, victimTo):
      guard let pageFrom = movable(page), let victimFrom = movable(victim), victimFrom.tier != victimTo,
            victimFrom.tier.isFaster(than: pageFrom.tier), budgetLeft > 0, let to = placement.pools.take(victimTo) else {
        statistics.skippedMoves += 1
        return
      }
      // The promotion's budget is taken now, so an epoch never plans more than its limit; if the
      // promotion is submitted in a later epoch, that epoch pays for it again.
      placement.promotionBudget -= 1
      if !submit(page: victim, from: victimFrom, to: to, then: page, paidIn: budgetEpoch) {
        placement.promotionBudget += 1
        placement.pools.give(to)
        statistics.skippedMoves += 1
      }
    }
  }

  /// Where `page` is, if it is mapped and no copy of it is running.
  func movable(_ page: UInt32) -> TierFrame? {
    guard page < placement.pageCount, !placement.isMoving(page) else { return nil }
    return placement.location(of: page)
  }

  var budgetLeft: Int {
    mutating get {
      refreshBudget()
      return placement.promotionBudget
    }
  }

  /// Starts a new budget when the epoch by the clock has changed (the rate limit's window).
  mutating func refreshBudget() {
    let now = control.bus.cycles
    let current = now < epochStart ? 0 : Int((now - epochStart) / UInt64(settings.epochCycles))
    if current != budgetEpoch {
      budgetEpoch = current
      placement.promotionBudget = settings.promotionsPerEpoch
    }
  }

  /// Stages and pushes one remap-on-completion descriptor; false when the ring had no room or,
  /// for a promotion, the epoch's budget is spent. `paidIn`: for a promotion, the epoch whose
  /// budget already paid for it; for a demotion, the same for the promotion `then` that follows.
  mutating func submit(page: UInt32, from: TierFrame, to: TierFrame, then: UInt32 = TierPlacement.noPage,
                       paidIn: Int = -1) -> Bool {
    let promotion = to.tier.isFaster(than: from.tier)
    let prepaid = promotion && paidIn == budgetEpoch && paidIn >= 0
    guard pending.count < descriptorSlots, !promotion || prepaid || budgetLeft > 0 else { return false }
    let tail = control.readDmaTail().index
    control.writeDmaSource(.init(rawValue: from.encoded))
    control.writeDmaDestination(.init(rawValue: to.encoded))
    control.writeDmaLength(.init(rawValue: 1 << pageShift))
    var flags = TierControlRegisters.DmaControl()
    flags.page = page
    flags.remap = true
    control.writeDmaControl(flags)
    var push = TierControlRegisters.DmaSubmit()
    push.push = true
    control.writeDmaSubmit(push)
    // The RTL reads PUSH as 1 until the engine has taken the descriptor.
    var polls = 0
    while control.readDmaSubmit().push && polls < 1_000 { polls += 1 }
    guard control.readDmaTail().index != tail else { return false }
    if promotion && !prepaid { placement.promotionBudget -= 1 }
    pending.append(PendingCopy(descriptor: tail, page: page, from: from, to: to, then: then, paidIn: paidIn, serial: submittedCopies))
    submittedCopies += 1
    placement.setMoving(page, true)
    if to.tier == .dram { placement.dramResidents[Int(to.index)] = page }
    return true
  }

  // MARK: completions

  mutating func takeCompletions() {
    while true {
      let entry = control.readCompletionEntry()
      guard entry.valid else { return }
      completed(descriptor: entry.descriptor, ok: entry.statusValue == .ok)
      completionHead = (completionHead + 1) % completionRingSize
      control.writeCompletionHead(.init(rawValue: completionHead))
    }
  }

  mutating func completed(descriptor: UInt32, ok: Bool) {
    guard let i = pending.firstIndex(where: { $0.descriptor == descriptor }) else { return }
    let copy = pending.remove(at: i)
    placement.setMoving(copy.page, false)
    guard ok else {
      // The map and the data are as they were: the destination frame is free again.
      statistics.failedCopies += 1
      if copy.to.tier == .dram { placement.dramResidents[Int(copy.to.index)] = TierPlacement.noPage }
      placement.pools.give(copy.to)
      return
    }
    placement.setLocation(copy.page, copy.to)
    statistics.bytesMigrated += UInt64(1) << UInt64(pageShift)
    if copy.to.tier.isFaster(than: copy.from.tier) { statistics.promotions += 1 } else { statistics.demotions += 1 }
    if copy.from.tier == .dram { placement.dramResidents[Int(copy.from.index)] = TierPlacement.noPage }
    if copy.then != TierPlacement.noPage {
      if copy.from.tier == .dram { placement.dramResidents[Int(copy.from.index)] = copy.then }
      let next = waiting.firstIndex { $0.serial > copy.serial } ?? waiting.count
      waiting.insert((copy.then, copy.from, copy.paidIn, copy.serial), at: next)
    } else {
      placement.pools.give(copy.from)
    }
  }

  /// Moves the pages of exchanges into the frames their victims left; a page that has gone
  /// elsewhere meanwhile gives the frame back. One without budget waits for the next epoch.
  mutating func submitWaiting() {
    var still: [(page: UInt32, frame: TierFrame, paidIn: Int, serial: Int)] = []
    for w in waiting {
      guard let from = movable(w.page), w.frame.tier.isFaster(than: from.tier) else {
        if w.frame.tier == .dram { placement.dramResidents[Int(w.frame.index)] = TierPlacement.noPage }
        placement.pools.give(w.frame)
        statistics.skippedMoves += 1
        continue
      }
      refreshBudget()
      if !submit(page: w.page, from: from, to: w.frame, paidIn: w.paidIn) { still.append(w) }
    }
    waiting = still
  }

  // MARK: the hot list

  mutating func drainHotList() -> [HotPage] {
    var out: [HotPage] = []
    let tail = control.readHotTail().index
    let countMask = (UInt64(1) << UInt64(counterWidth)) - 1
    while hotHead != tail {
      let entry = UInt64(control.readHotEntryHigh().value) << 32 | UInt64(control.readHotEntryLow().value)
      let unit = entry >> UInt64(counterWidth)
      if unit < UInt64(placement.pageCount) { out.append(HotPage(page: UInt32(unit), count: UInt32(entry & countMask))) }
      hotHead = (hotHead + 1) % hotListSize
      var head = TierControlRegisters.HotHead()
      head.index = hotHead
      control.writeHotHead(head)
    }
    return out
  }
}
