import HDL

/// The DMA engine of the memory-tier controller: a descriptor ring, one copy at a time streamed
/// from the source store's read channel into the destination store's write channel at up to a
/// beat a cycle, remap-on-completion by the migration rule, and a completion ring. The RTL of the
/// DMA side of `TierModel.TierController` with one descriptor in flight.
///
/// Registers (from the register block): the staged descriptor (`desc_*`, as DMA_SOURCE,
/// DMA_DESTINATION, DMA_LENGTH, DMA_CONTROL) is queued while `push` (DMA_SUBMIT.PUSH) is 1, and
/// `push_done` acknowledges in the same cycle; a full ring ignores the push, a tier code 3
/// refuses it with `error_set`. `dma_head`/`dma_tail` count descriptors taken and submitted
/// (modulo 2^16); `completion_entry` is the completion at `completion_head` with VALID in bit 31.
///
/// A descriptor is taken when the completion ring has room. It is checked as the model checks it
/// (BAD_DESCRIPTOR: length 0, not whole beats, over a page, a frame outside its tier; with REMAP a
/// length other than a page, a page outside the space, or an entry not VALID, MIGRATING or not at
/// the source), using `map_entry`, the entry of `map_page` as of the previous clock edge (the
/// request path's forwarding read port). With REMAP the engine marks the page MIGRATING
/// (`hw_write_*`), waits while `busy_write` names the page, copies, flips the entry to the
/// destination (or clears MIGRATING after an error), and waits while `busy` names the page before
/// posting the completion, after which firmware may reuse the old frame. From marking to flipping,
/// `migrating_valid`/`migrating_page` name the page, so that firmware's map writes to it are ignored.
///
/// Store channels per tier (`<tier>_rd_*`: request with frame and beats, data beats with `last`
/// and `error`; `<tier>_wr_*`: request, data beats with strobes, one acknowledgement with
/// `error`). Copies start at word 0 of both frames. A source error (its error beat is its last)
/// turns the rest of the destination burst into beats with strobe 0, so nothing more is written;
/// the status is SOURCE_ERROR (1), or DESTINATION_ERROR (2) when the acknowledgement has `error`.
public func tierDMAEngine(pageShift: Int = 12, pageCount: Int, frames: [Int], descriptorRingSize: Int = 16,
                          completionRingSize: Int = 16, lanes: Int = 1, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let shift = min(max(pageShift, 12), 31)
  let pages = min(max(pageCount, 2), 1 << 24)
  let tierFrames = frames.count == 3 ? frames.map { min(max($0, 1), 1 << 24) } : [1, 1, 1]
  let ringSlots = max(descriptorRingSize, 2), completionSlots = max(completionRingSize, 2)
  let laneCount = min(max(lanes, 1), 8)
  return Module("tier_dma", parameters: ["pages": pageCount, "shift": pageShift, "dram": tierFrames[0], "flash": tierFrames[1],
                                         "disk": tierFrames[2], "ring": descriptorRingSize, "done": completionRingSize,
                                         "lanes": lanes]) { m in
    m.require(pageCount >= 2 && pageCount <= 1 << 24, "tierDMAEngine: pageCount \(pageCount) is outside 2...16777216", file: file, line: line)
    m.require(pageShift >= 12 && pageShift <= 31, "tierDMAEngine: pageShift \(pageShift) is outside 12...31", file: file, line: line)
    m.require(frames.count == 3 && frames.allSatisfy { (1...(1 << 24)).contains($0) },
              "tierDMAEngine: frames \(frames) must give DRAM, flash and disk 1...16777216 frames each", file: file, line: line)
    for (name, size) in [("descriptorRingSize", descriptorRingSize), ("completionRingSize", completionRingSize)] {
      m.require(size >= 2 && size <= 128 && size & (size - 1) == 0,
                "tierDMAEngine: \(name) \(size) must be a power of two in 2...128 (indices wrap at the size)", file: file, line: line)
    }
    m.require((1...8).contains(lanes), "tierDMAEngine: lanes \(lanes) is outside 1...8 (descriptors copying at once)", file: file, line: line)
    let wordsPerPage = 1 << (shift - 3)
    let beatBits = bitsToHold(wordsPerPage)
    let pageBits = bitsToIndex(pages)
    let ringBits = bitsToIndex(ringSlots), doneBits = bitsToIndex(completionSlots)

    let descSource = m.input("desc_source", width: 26)
    let descDestination = m.input("desc_destination", width: 26)
    let descLength = m.input("desc_length", width: 32)
    let descControl = m.input("desc_control", width: 26)
    let push = m.input("push")
    let pushDone = m.output("push_done")
    let dmaHead = m.output("dma_head", width: 16)
    let dmaTail = m.output("dma_tail", width: 16)
    let completionHead = m.input("completion_head", width: 16)
    let completionTail = m.output("completion_tail", width: 16)
    let completionEntry = m.output("completion_entry", width: 32)
    let doneSet = m.output("done_set")
    let errorSet = m.output("error_set")
    let mapPage = m.output("map_page", width: pageBits)
    let mapEntry = m.input("map_entry", width: 32)
    let hwWrite = (valid: m.output("hw_write_valid"), ready: m.input("hw_write_ready"),
                   page: m.output("hw_write_page", width: pageBits), entry: m.output("hw_write_entry", width: 32))
    let migratingValid = m.output("migrating_valid", width: laneCount)
    let migratingPage = m.output("migrating_page", width: laneCount * pageBits)
    let busy = m.input("busy")
    let busyWrite = m.input("busy_write")
    let busyPage = m.input("busy_page", width: pageBits)
    let stores = ["dram", "flash", "disk"].map { CopyPort(m, $0, beatBits: beatBits) }

    let ring = m.memory("descriptors", depth: ringSlots, width: 110)
    let done = m.memory("completions", depth: completionSlots, width: 20)
    let submitted = m.register("submitted", width: 16)
    let taken = m.register("taken", width: 16)
    let doneTail = m.register("done_tail", width: doneBits)
    let all = (0..<laneCount).map { CopyLane(m, laneCount == 1 ? "" : "lane\($0)_", beatBits: beatBits) }
    let any = { (f: (CopyLane) -> Signal) in anyLane(all, f) }
    let owned = { (owns: (CopyLane) -> Signal, value: (CopyLane) -> Signal) in ownedBy(all, owns, value) }

    // The ring, and what the engine is looking at.
    let slot = ring[taken[0..<ringBits]]
    let queued = m.wire("queued", width: 16)
    let doneCount = m.wire("done_count", width: doneBits)
    let room = m.wire("room")
    queued <== submitted - taken
    doneCount <== doneTail - completionHead[0..<doneBits]
    // Every busy lane will post a completion: it holds a slot of the ring already.
    let busyLanes = all.map { (!$0.state.isIn(.idle)).zeroExtended(to: doneBits + 4) }.reduce(Signal.zero(width: doneBits + 4), +)
    room <== doneCount.zeroExtended(to: doneBits + 4) + busyLanes < completionSlots - 1
    // One lane checks and marks at a time, so two descriptors for one page cannot both pass the check.
    let checking = any { $0.state.isIn(.check) || $0.state.isIn(.mark) }
    let takeable = queued != 0 && room && !checking
    var earlierIdle = Signal.low
    for lane in all {
      lane.take = takeable && lane.state.isIn(.idle) && !earlierIdle
      earlierIdle = earlierIdle || lane.state.isIn(.idle)
    }
    // The map's engine port: the slot's page while a lane may take it, the checking lane's page.
    let slotPage = slot[84..<84 + pageBits]
    mapPage <== all.reduce(mux(any { $0.state.isIn(.idle) }, slotPage, all[0].page[0..<pageBits])) {
      mux($1.state.isIn(.check), $1.page[0..<pageBits], $0)
    }
    if doneBits < 16 {
      let unusedHeadBits = m.wire("unused_completion_head_bits", width: 16 - doneBits)
      unusedHeadBits <== completionHead[doneBits..<16]
    }
    let unusedEntryBits = m.wire("unused_map_entry_bits", width: 4)
    unusedEntryBits <== mapEntry[26..<30]

    // Channels: a lane owns its source's read channel and its destination's write channel from
    // its request to its acknowledgement; a lane wanting them waits while another owns either, and
    // for earlier lanes that want one of them too.
    let owning = { (l: CopyLane) in l.state.isIn(.request) || l.state.isIn(.stream) || l.state.isIn(.acknowledge) }
    for (i, lane) in all.enumerated() {
      lane.checks(pageCount: pages, shift: shift, tierFrames: tierFrames, mapEntry: mapEntry)
      lane.wants = (lane.state.isIn(.check) && !lane.bad && !lane.remap) || (lane.state.isIn(.quiet) && !(busyWrite && busyPage == lane.page[0..<pageBits]))
        || lane.state.isIn(.channels)
      var blocked = Signal.low
      for (j, other) in all.enumerated() where j != i {
        let shares = other.sourceTier == lane.sourceTier || other.destinationTier == lane.destinationTier
        blocked = blocked || (owning(other) && shares)
        if j < i { blocked = blocked || (other.wants && shares) }
      }
      lane.start = lane.wants && !blocked
    }

    // The copy: each lane's source data beats become its destination data beats.
    for lane in all {
      lane.connect(stores)
    }
    for (t, store) in stores.enumerated() {
      let reads = { (l: CopyLane) in owning(l) && l.sourceTier == t }
      let writes = { (l: CopyLane) in owning(l) && l.destinationTier == t }
      store.readValid <== any { $0.state.isIn(.request) && !$0.readSent && $0.sourceTier == t }
      store.readFrame <== owned(reads) { $0.sourceFrame }
      store.readBeats <== owned(reads) { $0.beats }
      store.readDataReady <== any { $0.state.isIn(.stream) && $0.sourceTier == t && !$0.sourceFailed && $0.dstReady }
      store.writeValid <== any { $0.state.isIn(.request) && !$0.writeSent && $0.destinationTier == t }
      store.writeFrame <== owned(writes) { $0.destinationFrame }
      store.writeBeats <== owned(writes) { $0.beats }
      store.writeDataValid <== any { $0.state.isIn(.stream) && $0.destinationTier == t && ($0.sourceFailed || $0.srcValid) }
      store.writeData <== owned(writes) { mux($0.sourceFailed, Signal.zero(width: 64), $0.srcData) }
      store.writeStrobe <== owned(writes) { mux($0.sourceFailed || $0.srcError, Signal.zero(width: 8), Signal.ones(width: 8)) }
      store.ackReady <== any { $0.state.isIn(.acknowledge) && $0.destinationTier == t }
    }

    // Map writes (mark, then flip or unmark), one lane at a time: the first that asks.
    var earlierWrites = Signal.low
    for lane in all {
      let asks = lane.state.isIn(.mark) || lane.state.isIn(.settle)
      lane.mapGranted = asks && !earlierWrites && hwWrite.ready
      earlierWrites = earlierWrites || asks
    }
    hwWrite.valid <== any { $0.state.isIn(.mark) || $0.state.isIn(.settle) }
    let writer = { (l: CopyLane) in l.state.isIn(.mark) || l.state.isIn(.settle) }
    hwWrite.page <== all.reversed().dropFirst().reduce(all.last!.page[0..<pageBits]) { mux(writer($1), $1.page[0..<pageBits], $0) }
    hwWrite.entry <== all.reversed().dropFirst().reduce(all.last!.mapWriteEntry) { mux(writer($1), $1.mapWriteEntry, $0) }
    let moving: [DMAState] = [.mark, .quiet, .channels, .request, .stream, .acknowledge, .settle]
    migratingValid <== concat(all.reversed().map { l in l.remap && moving.dropFirst().reduce(l.state.isIn(moving[0])) { $0 || l.state.isIn($1) } })
    migratingPage <== concat(all.reversed().map { $0.page[0..<pageBits] })

    // Completions, in finishing order: one lane posts a cycle, the first that is done.
    var earlierPosts = Signal.low
    for lane in all {
      lane.posts = lane.state.isIn(.complete) && !earlierPosts
      earlierPosts = earlierPosts || lane.state.isIn(.complete)
    }
    let posting = earlierPosts
    let posted = { (f: (CopyLane) -> Signal) in all.reversed().dropFirst().reduce(f(all.last!)) { mux($1.state.isIn(.complete), f($1), $0) } }
    let postedOK = posted { $0.status == 0 }

    // Registers' side.
    let refused = push && (descSource[24..<26] == 3 || descDestination[24..<26] == 3)
    let accepted = push && !refused && queued != ringSlots - 1
    pushDone <== push
    dmaHead <== taken
    dmaTail <== submitted
    completionTail <== doneTail.zeroExtended(to: 16)
    let headSlot = done[completionHead[0..<doneBits]]
    completionEntry <== mux(doneCount == 0, Signal.zero(width: 32),
                            concat(Signal.high, Signal.zero(width: 11), headSlot))
    doneSet <== posting && postedOK && posted { $0.interrupt }
    errorSet <== (posting && !postedOK) || refused

    when(accepted) {
      ring[submitted[0..<ringBits]] <== concat(descControl, descLength, descDestination, descSource)
      submitted <== submitted + 1
    }
    when(any { $0.take }) {
      taken <== taken + 1
    }
    when(posting) {
      done[doneTail] <== posted { concat($0.status.zeroExtended(to: 4), $0.index) }
      doneTail <== doneTail + 1
    }
    for lane in all {
      lane.run(slot: slot, taken: taken, busy: busy, busyPage: busyPage, pageBits: pageBits)
    }
  }
}

/// One copy in flight: a descriptor's registers and the state machine that checks it, marks its
/// page, streams it and completes it. The engine drives `take`, `start`, `mapGranted`, `posts`.
final class CopyLane {
  let m: ModuleBuilder
  let state: FSM<DMAState>
  let index, source, destination, length, control: Signal
  let readSent, writeSent, left, sourceFailed, status: Signal
  let beatBits: Int
  var take = Signal.low, start = Signal.low, wants = Signal.low, mapGranted = Signal.low, posts = Signal.low, bad = Signal.low
  var srcValid = Signal.low, srcError = Signal.low, srcData = Signal.zero(width: 64), dstReady = Signal.low
  var dstAckValid = Signal.low, dstAckError = Signal.low, readAccepted = Signal.low, writeAccepted = Signal.low
  var beatOut = Signal.low

  init(_ m: ModuleBuilder, _ prefix: String, beatBits: Int) {
    self.m = m
    self.beatBits = beatBits
    state = m.fsm("\(prefix)dma_state", DMAState.self, initial: .idle)
    index = m.register("\(prefix)cur_index", width: 16)
    source = m.register("\(prefix)cur_source", width: 26)
    destination = m.register("\(prefix)cur_destination", width: 26)
    length = m.register("\(prefix)cur_length", width: 32)
    control = m.register("\(prefix)cur_control", width: 26)
    readSent = m.register("\(prefix)read_sent")
    writeSent = m.register("\(prefix)write_sent")
    left = m.register("\(prefix)beats_left", width: beatBits)
    sourceFailed = m.register("\(prefix)source_failed")
    status = m.register("\(prefix)status", width: 2)
    prefix_ = prefix
  }
  private let prefix_: String

  var page: Signal { control[0..<24] }
  var remap: Signal { control[24] }
  var interrupt: Signal { control[25] }
  var sourceTier: Signal { source[24..<26] }
  var sourceFrame: Signal { source[0..<24] }
  var destinationTier: Signal { destination[24..<26] }
  var destinationFrame: Signal { destination[0..<24] }
  var beats: Signal { length[3..<3 + beatBits] }
  var mapWriteEntry: Signal {
    mux(state.isIn(.mark), concat(Signal.constant(0b11_0000, width: 6), source),
        concat(Signal.constant(0b10_0000, width: 6), mux(status == 0, destination, source)))
  }

  /// BAD_DESCRIPTOR as the model decides it, from the registers and the map's engine port.
  @StatementBuilder
  func checks(pageCount pages: Int, shift: Int, tierFrames: [Int], mapEntry: Signal) -> [Statement] {
    let lengthOK = length != 0 && length[0..<3] == 0 && length <= 1 << shift
    let pageInSpace = pages >= 1 << 24 ? Signal.high : page < pages
    let remapOK = length == 1 << shift && pageInSpace && mapEntry[31] && !mapEntry[30] && mapEntry[0..<26] == source
    let wire = m.wire("\(prefix_)bad")
    wire <== !lengthOK || !fits(sourceTier, sourceFrame, tierFrames) || !fits(destinationTier, destinationFrame, tierFrames) || (remap && !remapOK)
    bad = wire
  }

  /// The lane's view of its source's read channel and its destination's write channel.
  @StatementBuilder
  func connect(_ stores: [CopyPort]) -> [Statement] {
    let src = { (f: (CopyPort) -> Signal) in select(self.sourceTier, stores.map(f) + [Signal.low]) }
    let dst = { (f: (CopyPort) -> Signal) in select(self.destinationTier, stores.map(f) + [Signal.low]) }
    srcValid = src(\.readDataValid)
    srcError = src(\.readDataError)
    srcData = select(sourceTier, stores.map(\.readData) + [Signal.zero(width: 64)])
    dstReady = dst(\.writeDataReady)
    dstAckValid = dst(\.ackValid)
    dstAckError = dst(\.ackError)
    readAccepted = src(\.readReady)
    writeAccepted = dst(\.writeReady)
    let out = m.wire("\(prefix_)beat_out")
    out <== state.isIn(.stream) && (sourceFailed || srcValid) && dstReady
    beatOut = out
    let unusedLast = m.wire("unused_\(prefix_)last")
    unusedLast <== src(\.readDataLast)
  }

  @StatementBuilder
  func run(slot: Signal, taken: Signal, busy: Signal, busyPage: Signal, pageBits: Int) -> [Statement] {
    let pageWanted = busyPage == page[0..<pageBits]
    switchOn(state.state) {
      state.on(.idle) {
        when(take) {
          source <== slot[0..<26]
          destination <== slot[26..<52]
          length <== slot[52..<84]
          control <== slot[84..<110]
          index <== taken
          state.goto(.check)
        }
      }
      state.on(.check) {
        readSent <== false
        writeSent <== false
        sourceFailed <== false
        left <== beats
        when(bad) {
          status <== 3
          state.goto(.complete)
        }.elseWhen(remap) {
          state.goto(.mark)
        }.elseWhen(start) {
          state.goto(.request)
        }.otherwise {
          state.goto(.channels)
        }
      }
      state.on(.mark) {
        when(mapGranted) { state.goto(.quiet) }
      }
      state.on(.quiet) {
        when(start) { state.goto(.request) }.elseWhen(wants) { state.goto(.channels) }
      }
      state.on(.channels) {
        when(start) { state.goto(.request) }
      }
      state.on(.request) {
        let readDone = readSent || readAccepted
        let writeDone = writeSent || writeAccepted
        readSent <== readDone
        writeSent <== writeDone
        when(readDone && writeDone) { state.goto(.stream) }
      }
      state.on(.stream) {
        when(beatOut) {
          left <== left - 1
          when(!sourceFailed && srcError) { sourceFailed <== true }
          when(left == 1) { state.goto(.acknowledge) }
        }
      }
      state.on(.acknowledge) {
        when(dstAckValid) {
          status <== mux(sourceFailed, Signal.constant(1, width: 2), mux(dstAckError, Signal.constant(2, width: 2), Signal.zero(width: 2)))
          state.state <== mux(remap, state.constant(.settle), state.constant(.complete))
        }
      }
      state.on(.settle) {
        when(mapGranted) { state.goto(.release) }
      }
      state.on(.release) {
        when(!(busy && pageWanted)) { state.goto(.complete) }
      }
      state.on(.complete) {
        when(posts) { state.goto(.idle) }
      }
    }
  }
}

/// 1 when `f` holds for some lane.
private func anyLane(_ lanes: [CopyLane], _ f: (CopyLane) -> Signal) -> Signal {
  lanes.dropFirst().reduce(f(lanes[0])) { $0 || f($1) }
}

/// `value` of the lane for which `owns` holds (at most one does), lane 0's when none does.
private func ownedBy(_ lanes: [CopyLane], _ owns: (CopyLane) -> Signal, _ value: (CopyLane) -> Signal) -> Signal {
  lanes.dropFirst().reduce(value(lanes[0])) { mux(owns($1), value($1), $0) }
}

/// 1 when `frame` lies inside tier `tier` (tier code 3 never fits).
private func fits(_ tier: Signal, _ frame: Signal, _ frames: [Int]) -> Signal {
  select(tier, frames.map { $0 >= 1 << 24 ? Signal.high : frame < $0 } + [Signal.low])
}

enum DMAState: CaseIterable, Equatable {
  case idle, check, mark, quiet, channels, request, stream, acknowledge, settle, release, complete
}

/// One store's channels as the DMA engine sees them: a read channel (`<tier>_rd_req_*`,
/// `<tier>_rd_data_*`) and a write channel (`<tier>_wr_req_*`, `<tier>_wr_data_*`, `<tier>_wr_ack_*`).
struct CopyPort {
  let readValid, readReady, readFrame, readBeats: Signal
  let readDataValid, readDataReady, readData, readDataLast, readDataError: Signal
  let writeValid, writeReady, writeFrame, writeBeats: Signal
  let writeDataValid, writeDataReady, writeData, writeStrobe: Signal
  let ackValid, ackReady, ackError: Signal

  init(_ m: ModuleBuilder, _ tier: String, beatBits: Int) {
    readValid = m.output("\(tier)_rd_req_valid")
    readReady = m.input("\(tier)_rd_req_ready")
    readFrame = m.output("\(tier)_rd_req_frame", width: 24)
    readBeats = m.output("\(tier)_rd_req_beats", width: beatBits)
    readDataValid = m.input("\(tier)_rd_data_valid")
    readDataReady = m.output("\(tier)_rd_data_ready")
    readData = m.input("\(tier)_rd_data", width: 64)
    readDataLast = m.input("\(tier)_rd_data_last")
    readDataError = m.input("\(tier)_rd_data_error")
    writeValid = m.output("\(tier)_wr_req_valid")
    writeReady = m.input("\(tier)_wr_req_ready")
    writeFrame = m.output("\(tier)_wr_req_frame", width: 24)
    writeBeats = m.output("\(tier)_wr_req_beats", width: beatBits)
    writeDataValid = m.output("\(tier)_wr_data_valid")
    writeDataReady = m.input("\(tier)_wr_data_ready")
    writeData = m.output("\(tier)_wr_data", width: 64)
    writeStrobe = m.output("\(tier)_wr_data_strobe", width: 8)
    ackValid = m.input("\(tier)_wr_ack_valid")
    ackReady = m.output("\(tier)_wr_ack_ready")
    ackError = m.input("\(tier)_wr_ack_error")
  }
}
