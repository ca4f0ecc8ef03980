/// The memory-tier controller as a transaction-level model: the reference the RTL is checked
/// against, and a fast model for firmware policy studies (same registers, same hot lists,
/// latencies in simulated cycles).
///
/// Requests are served one at a time in arrival order on the memory port; each is linearised at
/// the cycle it is accepted (DMA copies read their source when they start and write their
/// destination when they finish). Time only moves forward: `access` starts at `clock`, and
/// `idle(until:)` lets time pass without requests.
///
/// The migration rule (see docs/tier.md): while a descriptor with remap-on-completion copies a
/// page, the page's entry is marked migrating and a write to that page waits until the
/// descriptor completes; it then goes wherever the map points (the new frame after a successful
/// copy, the old one after a failed one). Reads are served from the source, which no write can
/// change during the copy, so the copy equals the page's content at the moment of the flip.
public struct TierController: Sendable {
  public let timing: TierTiming
  /// Pages of the unified address space (at most 2^24).
  public let pageCount: Int
  public internal(set) var stores: [BackingStore]
  public internal(set) var pageMap: [PageEntry]
  /// MAP_EXTENT: one more than the highest page mapped since the last clear; every page at or
  /// above it is unmapped (remaps move only mapped pages, which lie below it).
  public internal(set) var mapExtent = 0
  public var hotness: HotnessUnit
  /// Descriptors submitted and not yet started, each with its index and submission cycle.
  public internal(set) var descriptorRing: Ring<(index: Int, descriptor: DMADescriptor, submitted: Int)>
  public internal(set) var completionRing: Ring<DMACompletion>
  /// How many descriptors may copy at once.
  public let maxInFlight: Int
  public internal(set) var inFlight: [InFlightCopy] = []
  /// The next cycle the memory port is free; requests start here.
  public internal(set) var clock = 0
  public internal(set) var interruptStatus = InterruptCauses()
  public var interruptEnable = InterruptCauses()
  /// The first unacknowledged page fault: its address, whether it was a write, and whether more
  /// faults happened before PAGE_FAULT was acknowledged.
  public internal(set) var faultAddress: UInt64 = 0
  public internal(set) var faultWasWrite = false
  public internal(set) var moreFaults = false
  /// Descriptors submitted since reset (the index of the next one).
  public internal(set) var submittedCount = 0
  public internal(set) var bytesCopied = 0
  /// Holding writes to migrating pages is the rule; turning it off exists only to show that the
  /// tests catch the lost writes it prevents.
  var stallsWritesToMigratingPages = true
  /// Register-side state (staged descriptor, map index); see TierController+Registers.
  var registerState = RegisterState()

  public struct InFlightCopy: Sendable {
    public var index: Int
    public var descriptor: DMADescriptor
    public var started: Int
    public var finishes: Int
    var status: DMAStatus
    var snapshot: [UInt64]
  }

  /// A controller with every page unmapped. `pageCount` defaults to every frame of every tier,
  /// capped at 2^24. Throws `TierModelError` listing every parameter it cannot take.
  public init(timing: TierTiming, pageCount: Int? = nil, maxInFlight: Int = 4, descriptorRingSize: Int = 16,
              completionRingSize: Int = 16, hotness: HotnessUnit = HotnessUnit()) throws(TierModelError) {
    let limit = 1 << PageEntry.frameBits
    var problems = timing.problems()
    let frames = Tier.allCases.map { timing.frames($0) }
    let pages = pageCount ?? min(frames.reduce(0, +), limit)
    if !(1...limit).contains(pages) {
      problems.append("pageCount \(pages) is outside 1...\(limit) (page numbers are 24 bits in map entries and MAP_INDEX); use fewer pages or larger ones")
    }
    if !(1...15).contains(maxInFlight) { problems.append("maxInFlight \(maxInFlight) is outside 1...15 (CAPABILITY.DMA_IN_FLIGHT is 4 bits)") }
    if !(2...255).contains(descriptorRingSize) { problems.append("descriptorRingSize \(descriptorRingSize) is outside 2...255 (RING_SIZES.DESCRIPTORS is 8 bits)") }
    if !(2...255).contains(completionRingSize) { problems.append("completionRingSize \(completionRingSize) is outside 2...255 (RING_SIZES.COMPLETIONS is 8 bits)") }
    if !problems.isEmpty { throw TierModelError(problems: problems) }
    self.timing = timing
    self.pageCount = pages
    self.stores = Tier.allCases.map { BackingStore(tier: $0, frames: timing.frames($0), wordsPerPage: timing.wordsPerPage) }
    self.pageMap = Array(repeating: .unmapped, count: pages)
    self.hotness = hotness
    self.descriptorRing = Ring(size: descriptorRingSize)
    self.completionRing = Ring(size: completionRingSize)
    self.maxInFlight = maxInFlight
  }

  /// Maps every page in order: DRAM frames first, then flash, then disk, until pages or frames run out.
  public mutating func mapInOrder() {
    var page = 0
    for tier in Tier.allCases {
      for frame in 0..<stores[Int(tier.rawValue)].frames where page < pageCount {
        pageMap[page] = PageEntry(FrameAddress(tier, frame))
        page += 1
      }
    }
    mapExtent = max(mapExtent, page)
  }

  public func store(_ tier: Tier) -> BackingStore { stores[Int(tier.rawValue)] }

  /// Fault injection on a tier's backing store.
  public mutating func withStore(_ tier: Tier, _ change: (inout BackingStore) -> Void) {
    change(&stores[Int(tier.rawValue)])
  }

  public var interruptLine: Bool { interruptStatus.rawValue & interruptEnable.rawValue != 0 }

  // MARK: the memory port

  /// Serves one request, starting at `clock`, and moves `clock` to its completion.
  @discardableResult
  public mutating func access(_ request: MemoryRequest) -> MemoryResponse {
    let accepted = clock
    advance(to: accepted)
    if malformation(of: request) != nil {
      clock = accepted + 1
      return MemoryResponse(status: .badRequest, data: [], accepted: accepted, completed: clock, servedBy: nil)
    }
    let page = Int(request.address >> UInt64(timing.pageShift))
    var entry = pageMap[page]
    var start = accepted + timing.lookupCycles
    guard entry.valid else {
      recordPageFault(request)
      clock = start
      return MemoryResponse(status: .pageFault, data: [], accepted: accepted, completed: start, servedBy: nil)
    }
    if let push = hotness.observe(address: request.address, isWrite: request.isWrite) {
      if push.dropped { interruptStatus.insert(.hotOverflow) }
      if push.reachedLevel { interruptStatus.insert(.hotLevel) }
    }
    if request.isWrite && entry.migrating && stallsWritesToMigratingPages,
       let copy = inFlight.first(where: { $0.descriptor.remapOnCompletion && $0.descriptor.page == page }) {
      advance(to: copy.finishes)
      start = max(start, copy.finishes)
      entry = pageMap[page]
    }
    let location = entry.location
    let tier = Int(location.tier.rawValue)
    let fails = stores[tier].accessFails(frame: location.frame)
    let transfer = timing.transferCycles(location.tier, bytes: request.beats * timing.beatBytes)
    let begin = max(start, stores[tier].busyUntil)
    stores[tier].busyUntil = begin + transfer
    let latency = request.isWrite ? timing.writeLatency(location.tier) : timing.readLatency(location.tier)
    clock = begin + latency + transfer
    if fails {
      return MemoryResponse(status: .storeError, data: [], accepted: accepted, completed: clock, servedBy: location)
    }
    let firstWord = Int(request.address & UInt64(timing.pageSize - 1)) / timing.beatBytes
    var data: [UInt64] = []
    for beat in 0..<request.beats {
      if request.isWrite {
        stores[tier].write(frame: location.frame, at: firstWord + beat, request.data[beat], byteEnables: request.byteEnables[beat])
      } else {
        data.append(stores[tier].word(frame: location.frame, at: firstWord + beat))
      }
    }
    return MemoryResponse(status: .ok, data: data, accepted: accepted, completed: clock, servedBy: location)
  }

  /// Why a request cannot be served, or nil.
  public func malformation(of r: MemoryRequest) -> String? {
    let beat = UInt64(timing.beatBytes)
    if r.beats < 1 { return "a burst has at least one beat" }
    if r.address % beat != 0 { return "address \(r.address) is not aligned to the \(beat)-byte beat" }
    if r.isWrite && (r.data.count != r.beats || r.byteEnables.count != r.beats) { return "a write carries one word and one byte-enable mask per beat" }
    let page = r.address >> UInt64(timing.pageShift)
    if page >= UInt64(pageCount) { return "address \(r.address) is past the unified space (\(pageCount) pages)" }
    let end = r.address + UInt64(r.beats) * beat - 1
    if end >> UInt64(timing.pageShift) != page { return "the burst at \(r.address) crosses a page boundary" }
    return nil
  }

  mutating func recordPageFault(_ request: MemoryRequest) {
    if interruptStatus.contains(.pageFault) {
      moreFaults = true
    } else {
      faultAddress = request.address
      faultWasWrite = request.isWrite
      moreFaults = false
      interruptStatus.insert(.pageFault)
    }
  }

  /// Software acknowledges interrupt causes (INTERRUPT_STATUS is write-one-to-clear).
  public mutating func acknowledge(_ causes: InterruptCauses) {
    interruptStatus.subtract(causes)
  }

  /// Lets time pass to `cycle` without requests (DMA copies and epochs progress).
  public mutating func idle(until cycle: Int) {
    advance(to: cycle)
    clock = max(clock, cycle)
  }

  // MARK: the page map

  /// Firmware writes an entry (register MAP_ENTRY). The MIGRATING bit is the hardware's: it is
  /// ignored in the value written, and a write to a page being migrated is ignored, so a remap
  /// in flight cannot be undone halfway.
  public mutating func writeMapEntry(page: Int, _ entry: PageEntry) {
    guard page < pageCount, !pageMap[page].migrating else { return }
    var e = entry
    e.migrating = false
    pageMap[page] = e
    if e.valid { mapExtent = max(mapExtent, page + 1) }
  }

  /// MAP_CONTROL.CLEAR: every entry unmapped at once (the RTL takes a cycle per page and holds
  /// requests meanwhile). A remap in flight still lands when its copy completes, as in the RTL:
  /// clear with the DMA engine idle.
  public mutating func clearMap() {
    pageMap = Array(repeating: .unmapped, count: pageCount)
    mapExtent = 0
  }

  // MARK: the DMA engine

  /// Queues a descriptor at `clock`; false when the descriptor ring is full.
  @discardableResult
  public mutating func submit(_ descriptor: DMADescriptor) -> Bool {
    advance(to: clock)
    guard descriptorRing.push((submittedCount, descriptor, clock)) else { return false }
    submittedCount += 1
    startQueuedCopies(at: clock)
    return true
  }

  /// Runs every event (copy completions, epoch ends) up to and including `cycle`, in time order.
  mutating func advance(to cycle: Int) {
    while true {
      let nextCopy = inFlight.indices.min { inFlight[$0].finishes < inFlight[$1].finishes }
      let copyTime = nextCopy.map { inFlight[$0].finishes } ?? Int.max
      let epochTime = hotness.config.enabled && !hotness.config.alwaysOn && hotness.config.epochCycles > 0 ? hotness.epochEnd : Int.max
      let next = min(copyTime, epochTime)
      if next > cycle { break }
      if copyTime <= epochTime, let i = nextCopy {
        finish(inFlight.remove(at: i))
        startQueuedCopies(at: copyTime)
      } else {
        let epoch = hotness.endEpoch()
        if epoch.reachedLevel { interruptStatus.insert(.hotLevel) }
        if epoch.dropped > 0 { interruptStatus.insert(.hotOverflow) }
      }
    }
  }

  /// Starts queued descriptors while a copy slot and a completion slot are free.
  mutating func startQueuedCopies(at now: Int) {
    while inFlight.count < maxInFlight, completionRing.count + inFlight.count < completionRing.size - 1,
          let (index, d, submitted) = descriptorRing.front {
      descriptorRing.head += 1
      start(index: index, d, at: max(now, submitted))
    }
  }

  mutating func start(index: Int, _ d: DMADescriptor, at now: Int) {
    var status = DMAStatus.ok
    let beat = timing.beatBytes
    let wellFormed = d.length > 0 && d.length % beat == 0 && d.length <= timing.pageSize
      && d.source.frame < store(d.source.tier).frames && d.destination.frame < store(d.destination.tier).frames
    if !wellFormed { status = .badDescriptor }
    if status == .ok && d.remapOnCompletion {
      let fits = d.length == timing.pageSize && d.page < pageCount
      let entry = fits ? pageMap[d.page] : .unmapped
      if !fits || !entry.valid || entry.migrating || entry.location != d.source { status = .badDescriptor }
    }
    if status == .badDescriptor {
      inFlight.append(InFlightCopy(index: index, descriptor: d, started: now, finishes: now + 1, status: status, snapshot: []))
      return
    }
    let src = Int(d.source.tier.rawValue), dst = Int(d.destination.tier.rawValue)
    if stores[src].accessFails(frame: d.source.frame) { status = .sourceError }
    else if stores[dst].accessFails(frame: d.destination.frame) { status = .destinationError }
    let readTime = timing.transferCycles(d.source.tier, bytes: d.length)
    let writeTime = timing.transferCycles(d.destination.tier, bytes: d.length)
    let begin = max(now, stores[src].busyUntil, stores[dst].busyUntil)
    let busy = src == dst ? readTime + writeTime : max(readTime, writeTime)
    stores[src].busyUntil = begin + busy
    stores[dst].busyUntil = begin + busy
    let finishes = begin + timing.readLatency(d.source.tier) + busy + timing.writeLatency(d.destination.tier)
    if d.remapOnCompletion { pageMap[d.page].migrating = true }
    let words = d.length / beat
    let snapshot = status == .ok ? Array(stores[src].page(d.source.frame).prefix(words)) : []
    inFlight.append(InFlightCopy(index: index, descriptor: d, started: now, finishes: finishes, status: status, snapshot: snapshot))
  }

  mutating func finish(_ copy: InFlightCopy) {
    let d = copy.descriptor
    if copy.status == .ok {
      stores[Int(d.destination.tier.rawValue)].setPage(d.destination.frame, copy.snapshot, words: copy.snapshot.count)
      bytesCopied += d.length
      if d.remapOnCompletion { pageMap[d.page] = PageEntry(d.destination) }
      if d.interruptOnCompletion { interruptStatus.insert(.dmaDone) }
    } else {
      if d.remapOnCompletion && copy.status != .badDescriptor { pageMap[d.page].migrating = false }
      interruptStatus.insert(.dmaError)
    }
    completionRing.push(DMACompletion(descriptor: copy.index, status: copy.status, cycle: copy.finishes))
  }
}

/// The controller's interrupt causes, one bit each in INTERRUPT_STATUS and INTERRUPT_ENABLE.
public struct InterruptCauses: OptionSet, Sendable {
  public let rawValue: UInt32
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// An access found its page unmapped; FAULT_ADDRESS holds the address.
  public static let pageFault = InterruptCauses(rawValue: 1 << 0)
  /// A descriptor with INTERRUPT set completed without error.
  public static let dmaDone = InterruptCauses(rawValue: 1 << 1)
  /// A descriptor completed with an error.
  public static let dmaError = InterruptCauses(rawValue: 1 << 2)
  /// The hot list holds at least HOT_FILL_THRESHOLD entries.
  public static let hotLevel = InterruptCauses(rawValue: 1 << 3)
  /// An epoch's hot unit was dropped because the hot list was full.
  public static let hotOverflow = InterruptCauses(rawValue: 1 << 4)
}
