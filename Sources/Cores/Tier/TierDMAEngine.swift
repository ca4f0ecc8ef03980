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
                          completionRingSize: Int = 16, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let shift = min(max(pageShift, 12), 31)
  let pages = min(max(pageCount, 2), 1 << 24)
  let tierFrames = frames.count == 3 ? frames.map { min(max($0, 1), 1 << 24) } : [1, 1, 1]
  let ringSlots = max(descriptorRingSize, 2), completionSlots = max(completionRingSize, 2)
  return Module("tier_dma", parameters: ["pages": pageCount, "shift": pageShift, "dram": tierFrames[0], "flash": tierFrames[1],
                                         "disk": tierFrames[2], "ring": descriptorRingSize, "done": completionRingSize]) { m in
    m.require(pageCount >= 2 && pageCount <= 1 << 24, "tierDMAEngine: pageCount \(pageCount) is outside 2...16777216", file: file, line: line)
    m.require(pageShift >= 12 && pageShift <= 31, "tierDMAEngine: pageShift \(pageShift) is outside 12...31", file: file, line: line)
    m.require(frames.count == 3 && frames.allSatisfy { (1...(1 << 24)).contains($0) },
              "tierDMAEngine: frames \(frames) must give DRAM, flash and disk 1...16777216 frames each", file: file, line: line)
    for (name, size) in [("descriptorRingSize", descriptorRingSize), ("completionRingSize", completionRingSize)] {
      m.require(size >= 2 && size <= 128 && size & (size - 1) == 0,
                "tierDMAEngine: \(name) \(size) must be a power of two in 2...128 (indices wrap at the size)", file: file, line: line)
    }
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
    let migratingValid = m.output("migrating_valid")
    let migratingPage = m.output("migrating_page", width: pageBits)
    let busy = m.input("busy")
    let busyWrite = m.input("busy_write")
    let busyPage = m.input("busy_page", width: pageBits)
    let stores = ["dram", "flash", "disk"].map { CopyPort(m, $0, beatBits: beatBits) }

    let ring = m.memory("descriptors", depth: ringSlots, width: 110)
    let done = m.memory("completions", depth: completionSlots, width: 20)
    let submitted = m.register("submitted", width: 16)
    let taken = m.register("taken", width: 16)
    let doneTail = m.register("done_tail", width: doneBits)
    let state = m.fsm("dma_state", DMAState.self, initial: .idle)
    let index = m.register("cur_index", width: 16)
    let source = m.register("cur_source", width: 26)
    let destination = m.register("cur_destination", width: 26)
    let length = m.register("cur_length", width: 32)
    let control = m.register("cur_control", width: 26)
    let readSent = m.register("read_sent")
    let writeSent = m.register("write_sent")
    let left = m.register("beats_left", width: beatBits)
    let sourceFailed = m.register("source_failed")
    let status = m.register("status", width: 2)

    // The ring, and what the engine is looking at.
    let slot = ring[taken[0..<ringBits]]
    let queued = m.wire("queued", width: 16)
    let doneCount = m.wire("done_count", width: doneBits)
    let room = m.wire("room")
    queued <== submitted - taken
    doneCount <== doneTail - completionHead[0..<doneBits]
    room <== doneCount < completionSlots - 1
    let take = state.isIn(.idle) && queued != 0 && room
    let page = control[0..<24]
    let remap = control[24]
    let interrupt = control[25]
    let sourceTier = source[24..<26], sourceFrame = source[0..<24]
    let destinationTier = destination[24..<26], destinationFrame = destination[0..<24]
    mapPage <== mux(state.isIn(.idle), slot[84..<84 + pageBits], page[0..<pageBits])
    if doneBits < 16 {
      let unusedHeadBits = m.wire("unused_completion_head_bits", width: 16 - doneBits)
      unusedHeadBits <== completionHead[doneBits..<16]
    }

    // Checks.
    let lengthOK = length != 0 && length[0..<3] == 0 && length <= 1 << shift
    let pageInSpace = pages >= 1 << 24 ? Signal.high : page < pages
    let remapOK = length == 1 << shift && pageInSpace && mapEntry[31] && !mapEntry[30] && mapEntry[0..<26] == source
    let bad = m.wire("bad")
    bad <== !lengthOK || !fits(sourceTier, sourceFrame, tierFrames) || !fits(destinationTier, destinationFrame, tierFrames) || (remap && !remapOK)
    let unusedEntryBits = m.wire("unused_map_entry_bits", width: 4)
    unusedEntryBits <== mapEntry[26..<30]

    // The copy: source data beats become destination data beats.
    let src = { (f: (CopyPort) -> Signal) in select(sourceTier, stores.map(f) + [Signal.low]) }
    let srcValid = src(\.readDataValid), srcLast = src(\.readDataLast), srcError = src(\.readDataError)
    let srcData = select(sourceTier, stores.map(\.readData) + [Signal.zero(width: 64)])
    let dstReady = select(destinationTier, stores.map(\.writeDataReady) + [Signal.low])
    let dstAckValid = select(destinationTier, stores.map(\.ackValid) + [Signal.low])
    let dstAckError = select(destinationTier, stores.map(\.ackError) + [Signal.low])
    let readAccepted = select(sourceTier, stores.map(\.readReady) + [Signal.low])
    let writeAccepted = select(destinationTier, stores.map(\.writeReady) + [Signal.low])
    let streaming = state.isIn(.stream)
    let beatOut = m.wire("beat_out")
    beatOut <== streaming && (sourceFailed || srcValid) && dstReady
    let unusedLast = m.wire("unused_last")
    unusedLast <== srcLast
    let beats = length[3..<3 + beatBits]
    for (t, store) in stores.enumerated() {
      let isSource = sourceTier == t, isDestination = destinationTier == t
      store.readValid <== state.isIn(.request) && !readSent && isSource
      store.readFrame <== sourceFrame
      store.readBeats <== beats
      store.readDataReady <== streaming && isSource && !sourceFailed && dstReady
      store.writeValid <== state.isIn(.request) && !writeSent && isDestination
      store.writeFrame <== destinationFrame
      store.writeBeats <== beats
      store.writeDataValid <== streaming && isDestination && (sourceFailed || srcValid)
      store.writeData <== mux(sourceFailed, Signal.zero(width: 64), srcData)
      store.writeStrobe <== mux(sourceFailed || srcError, Signal.zero(width: 8), Signal.ones(width: 8))
      store.ackReady <== state.isIn(.acknowledge) && isDestination
    }

    // Map writes: mark, then flip or unmark.
    let ok = status == 0
    hwWrite.valid <== state.isIn(.mark) || state.isIn(.settle)
    hwWrite.page <== page[0..<pageBits]
    hwWrite.entry <== mux(state.isIn(.mark), concat(Signal.constant(0b11_0000, width: 6), source),
                          concat(Signal.constant(0b10_0000, width: 6), mux(ok, destination, source)))
    let pageWanted = busyPage == page[0..<pageBits]
    let moving = [DMAState.mark, .quiet, .request, .stream, .acknowledge, .settle].map { state.isIn($0) }
    migratingValid <== remap && moving.dropFirst().reduce(moving[0]) { $0 || $1 }
    migratingPage <== page[0..<pageBits]

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
    let completing = state.isIn(.complete)
    doneSet <== completing && ok && interrupt
    errorSet <== (completing && !ok) || refused

    when(accepted) {
      ring[submitted[0..<ringBits]] <== concat(descControl, descLength, descDestination, descSource)
      submitted <== submitted + 1
    }

    switchOn(state.state) {
      state.on(.idle) {
        when(take) {
          source <== slot[0..<26]
          destination <== slot[26..<52]
          length <== slot[52..<84]
          control <== slot[84..<110]
          index <== taken
          taken <== taken + 1
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
        }.otherwise {
          state.goto(.request)
        }
      }
      state.on(.mark) {
        when(hwWrite.ready) { state.goto(.quiet) }
      }
      state.on(.quiet) {
        when(!(busyWrite && pageWanted)) { state.goto(.request) }
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
        when(hwWrite.ready) { state.goto(.release) }
      }
      state.on(.release) {
        when(!(busy && pageWanted)) { state.goto(.complete) }
      }
      state.on(.complete) {
        done[doneTail] <== concat(status.zeroExtended(to: 4), index)
        doneTail <== doneTail + 1
        state.goto(.idle)
      }
    }
  }
}

/// 1 when `frame` lies inside tier `tier` (tier code 3 never fits).
private func fits(_ tier: Signal, _ frame: Signal, _ frames: [Int]) -> Signal {
  select(tier, frames.map { $0 >= 1 << 24 ? Signal.high : frame < $0 } + [Signal.low])
}

enum DMAState: CaseIterable, Equatable {
  case idle, check, mark, quiet, request, stream, acknowledge, settle, release, complete
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
