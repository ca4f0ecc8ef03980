import HDL

/// The memory-tier controller's request path: the page map in on-chip memory, the memory
/// request port, one backing-store port per tier (DRAM, flash, disk), page-fault reporting and
/// the migration rule's write stall. One request at a time, in order, like the transaction-level
/// model (`TierModel.TierController`).
///
/// A request (`req_*`: write, 64-bit byte address, beats) is accepted in cycle t; the map is
/// read at that clock edge, and in cycle t + 1 the request goes to the store the entry names
/// (`<tier>_req_*` with frame, word within the page, beats): the map adds one cycle. Write data
/// beats (`wdata_*`, 64 bits with byte strobes) then pass to the store, which answers a write
/// with one beat (`error` set if it failed) and a read with beats up to one with `last`; the path
/// passes that answer to `rsp_*` with a status (0 ok, 1 page fault, 2 store error, 3 bad request),
/// the same codes as `TierModel.MemoryStatus`.
///
/// - A page whose entry is not VALID (or names tier code 3) is a page fault: one `rsp` beat with
///   status 1, a one-cycle `page_fault` pulse and, unless `page_fault_pending` (the unacknowledged
///   interrupt flag), the address and direction in `fault_address` / `fault_write`; otherwise
///   `fault_more` rises. A write's data beats are taken and dropped.
/// - A malformed request (address not 8-byte aligned, no beats, past the space, or crossing a
///   page) gets status 3 without touching the map or a store.
/// - The migration rule: a write to a page whose entry is MIGRATING waits in the lookup state,
///   re-reading the entry every cycle, and goes wherever the entry points once it is not.
///   `busy`/`busy_write`/`busy_page` say an access (a write) is committed to a store: after
///   marking a page the DMA engine waits for a committed write before reading the source, and
///   after flipping it waits for a committed access before releasing the old frame, whose
///   reuse would otherwise change data under a read still in flight.
///
/// The map has two writers: firmware (`fw_write_*`, from MAP_INDEX and MAP_WRITE: the MIGRATING
/// bit is dropped, and the write is ignored while a bit of `migrating_valid` names its page in the
/// matching slice of `migrating_page`: one bit and one page per DMA lane (`migratingLanes`), each
/// naming a page from marking it to flipping it) and the DMA engine
/// (`hw_write_*`, every bit, `hw_write_ready` low while firmware writes). `map_view_entry` is
/// the entry of `map_view_page` as of the previous clock edge (MAP_ENTRY), and `engine_entry`
/// that of `engine_page` (the DMA engine's checks). Every read port forwards a map write of the
/// previous cycle, so no reader sees an entry older than one edge.
///
/// The clear engine: while `clear_request` is high (MAP_CONTROL.CLEAR, set at reset and by
/// firmware) it writes one entry invalid per cycle, page 0 up to the last, and pulses
/// `clear_done` with the last, so a clear takes `pageCount` cycles. Meanwhile requests wait
/// (`req_ready` low; one already accepted finishes with the entry as it finds it), firmware
/// writes are refused (`fw_write_refused` pulses, for MAP_CONTROL.WRITE_REFUSED) and the DMA
/// engine's writes wait (`hw_write_ready` low). `map_extent` is one more than the highest page
/// firmware has written VALID since the last clear: every page at or above it is invalid (the
/// engine only remaps mapped pages, which lie below it).
public func tierRequestPath(pageShift: Int = 12, pageCount: Int, migratingLanes: Int = 1,
                            file: StaticString = #fileID, line: UInt = #line) -> Module {
  let pages = max(pageCount, 2)
  let shift = min(max(pageShift, 12), 31)
  let lanes = min(max(migratingLanes, 1), 8)
  return Module("tier_request_path", parameters: ["pages": pageCount, "shift": pageShift, "lanes": migratingLanes]) { m in
    m.require((1...8).contains(migratingLanes), "tierRequestPath: migratingLanes \(migratingLanes) is outside 1...8 (one per DMA lane)",
              file: file, line: line)
    m.require(pageCount >= 2 && pageCount <= 1 << 24, "tierRequestPath: pageCount \(pageCount) is outside 2...16777216 (entries hold 24-bit frames)",
              file: file, line: line)
    m.require(pageShift >= 12 && pageShift <= 31, "tierRequestPath: pageShift \(pageShift) is outside 12...31 (pages of 4 KiB to 2 GiB)",
              file: file, line: line)
    let wordsPerPage = 1 << (shift - 3)
    let wordBits = shift - 3
    let beatBits = bitsToHold(wordsPerPage)
    let pageBits = bitsToIndex(pages)

    let req = (valid: m.input("req_valid"), ready: m.output("req_ready"), write: m.input("req_write"),
               address: m.input("req_address", width: 64), beats: m.input("req_beats", width: beatBits))
    let wdata = (valid: m.input("wdata_valid"), ready: m.output("wdata_ready"), data: m.input("wdata_data", width: 64),
                 strobe: m.input("wdata_strobe", width: 8))
    let rsp = (valid: m.output("rsp_valid"), ready: m.input("rsp_ready"), data: m.output("rsp_data", width: 64),
               last: m.output("rsp_last"), status: m.output("rsp_status", width: 2))
    let stores = ["dram", "flash", "disk"].map { StorePort(m, $0, wordBits: wordBits, beatBits: beatBits) }
    let fwWrite = (valid: m.input("fw_write_valid"), page: m.input("fw_write_page", width: pageBits),
                   entry: m.input("fw_write_entry", width: 32))
    let hwWrite = (valid: m.input("hw_write_valid"), ready: m.output("hw_write_ready"),
                   page: m.input("hw_write_page", width: pageBits), entry: m.input("hw_write_entry", width: 32))
    let migratingValid = m.input("migrating_valid", width: lanes)
    let migratingPage = m.input("migrating_page", width: lanes * pageBits)
    let viewPage = m.input("map_view_page", width: pageBits)
    let viewEntry = m.output("map_view_entry", width: 32)
    let enginePage = m.input("engine_page", width: pageBits)
    let engineEntry = m.output("engine_entry", width: 32)
    let faultPending = m.input("page_fault_pending")
    let pageFault = m.output("page_fault")
    let faultAddress = m.output("fault_address", width: 64)
    let faultWrite = m.output("fault_write")
    let faultMore = m.output("fault_more")
    let observe = (valid: m.output("observe_valid"), address: m.output("observe_address", width: 64), write: m.output("observe_write"))
    let busy = m.output("busy")
    let busyWrite = m.output("busy_write")
    let busyPage = m.output("busy_page", width: pageBits)
    let clearRequest = m.input("clear_request")
    let clearDone = m.output("clear_done")
    let fwRefused = m.output("fw_write_refused")
    let mapExtent = m.output("map_extent", width: 25)

    // The map: entries of 28 bits (VALID 27, MIGRATING 26, TIER 25:24, FRAME 23:0); registers
    // and descriptors use the 32-bit form with MIGRATING at 30 and VALID at 31.
    let map = m.memory("page_map", depth: pages, width: 28)
    let state = m.fsm("path_state", PathState.self, initial: .idle)
    let curWrite = m.register("cur_write")
    let curAddress = m.register("cur_address", width: 64)
    let curBeats = m.register("cur_beats", width: beatBits)
    let curTier = m.register("cur_tier", width: 2)
    let beatsLeft = m.register("beats_left", width: beatBits)
    let status = m.register("status", width: 2)
    let fresh = m.register("fresh")
    let faultAddressQ = m.register("fault_address_q", width: 64)
    let faultWriteQ = m.register("fault_write_q")
    let faultMoreQ = m.register("fault_more_q")

    // Map writes, with the previous cycle's write remembered for forwarding.
    let writeValid = m.wire("map_write_valid")
    let writePage = m.wire("map_write_page", width: pageBits)
    let writeEntry = m.wire("map_write_entry", width: 28)
    let lastWriteValid = m.register("last_write_valid")
    let lastWritePage = m.register("last_write_page", width: pageBits)
    let lastWriteEntry = m.register("last_write_entry", width: 28)
    let fwAllowed = m.wire("fw_write_allowed")
    let clearPage = m.register("clear_page", width: pageBits)
    let extent = m.register("extent", width: pageBits + 1)

    // The two read ports: the lookup of the request in flight and firmware's view.
    let reqPage = req.address[shift..<64]
    let curPage = curAddress[shift..<shift + pageBits]
    let lookupAddress = m.wire("lookup_address", width: pageBits)
    let lookupAddressQ = m.register("lookup_address_q", width: pageBits)
    let viewPageQ = m.register("view_page_q", width: pageBits)
    let lookupRead = map.readSync(lookupAddress, name: "lookup_read")
    let viewRead = map.readSync(viewPage, name: "view_read")
    let enginePageQ = m.register("engine_page_q", width: pageBits)
    let engineRead = map.readSync(enginePage, name: "engine_read")
    let engineView = m.wire("engine_view", width: 28)
    enginePageQ <== enginePage
    engineView <== mux(lastWriteValid && lastWritePage == enginePageQ, lastWriteEntry, engineRead)
    engineEntry <== concat(engineView[27], engineView[26], Signal.zero(width: 4), engineView[0..<26])
    let entry = m.wire("entry", width: 28)
    let view = m.wire("view", width: 28)
    let forwardLookup = lastWriteValid && lastWritePage == lookupAddressQ
    let forwardView = lastWriteValid && lastWritePage == viewPageQ

    let entryValid = m.wire("entry_valid")
    let entryMigrating = m.wire("entry_migrating")
    let entryTier = m.wire("entry_tier", width: 2)
    let stall = m.wire("stall")
    let issue = m.wire("issue")
    let issued = m.wire("issued")
    let malformed = m.wire("malformed")

    lookupAddress <== mux(state.isIn(.idle), reqPage.truncated(to: pageBits), curPage)
    lookupAddressQ <== lookupAddress
    viewPageQ <== viewPage
    entry <== mux(forwardLookup, lastWriteEntry, lookupRead)
    view <== mux(forwardView, lastWriteEntry, viewRead)
    viewEntry <== concat(view[27], view[26], Signal.zero(width: 4), view[0..<26])
    entryTier <== entry[24..<26]
    entryValid <== entry[27] && entryTier != 3
    entryMigrating <== entry[26]

    // Firmware may not write the entry of the page the DMA engine is moving (the engine says
    // which, so the check does not depend on the map's content, undefined after reset).
    let moving = (0..<lanes).map { migratingValid[$0] && migratingPage[$0 * pageBits..<($0 + 1) * pageBits] == fwWrite.page }
    fwAllowed <== fwWrite.valid && !clearRequest && !moving.dropFirst().reduce(moving[0]) { $0 || $1 }
    fwRefused <== fwWrite.valid && clearRequest
    hwWrite.ready <== !fwWrite.valid && !clearRequest
    writeValid <== clearRequest || fwAllowed || hwWrite.valid
    writePage <== mux(clearRequest, clearPage, mux(fwWrite.valid, fwWrite.page, hwWrite.page))
    writeEntry <== mux(clearRequest, Signal.zero(width: 28),
                       mux(fwWrite.valid, concat(fwWrite.entry[31], Signal.low, fwWrite.entry[0..<26]),
                           concat(hwWrite.entry[31], hwWrite.entry[30], hwWrite.entry[0..<26])))

    // The clear engine walks the map one entry a cycle; the extent restarts with it.
    let lastPage = clearPage == pages - 1
    clearDone <== clearRequest && lastPage
    when(clearRequest) {
      clearPage <== mux(lastPage, Signal.zero(width: pageBits), clearPage + 1)
      extent <== 0
    }.elseWhen(fwAllowed && fwWrite.entry[31] && fwWrite.page.zeroExtended(to: pageBits + 1) >= extent) {
      extent <== fwWrite.page.zeroExtended(to: pageBits + 1) + 1
    }
    mapExtent <== extent.zeroExtended(to: 25)
    when(writeValid) { map[writePage] <== writeEntry }
    // Bits 29:26 of the 32-bit form are reserved; firmware cannot set MIGRATING.
    let unusedEntryBits = m.wire("unused_entry_bits", width: 9)
    unusedEntryBits <== concat(fwWrite.entry[26..<31], hwWrite.entry[26..<30])
    lastWriteValid <== writeValid
    lastWritePage <== writePage
    lastWriteEntry <== writeEntry

    // Request checks, on the request as it is offered.
    let word = req.address[3..<shift]
    let end = word.zeroExtended(to: beatBits + 1) + req.beats.zeroExtended(to: beatBits + 1)
    malformed <== req.address[0..<3] != 0 || req.beats == 0 || reqPage >= pageCount || end > wordsPerPage

    stall <== curWrite && entryMigrating
    issue <== state.isIn(.lookup) && entryValid && !stall
    issued <== issue && select(entryTier.truncated(to: 2), stores.map(\.reqReady) + [Signal.low])

    // Defaults; the states below override.
    req.ready <== state.isIn(.idle) && !clearRequest
    wdata.ready <== false
    rsp.valid <== false
    rsp.data <== 0
    rsp.last <== false
    rsp.status <== status
    pageFault <== false
    observe.valid <== state.isIn(.lookup) && fresh && entryValid
    observe.address <== curAddress
    observe.write <== curWrite
    faultAddress <== faultAddressQ
    faultWrite <== faultWriteQ
    faultMore <== faultMoreQ
    busy <== state.isIn(.sendWrite) || state.isIn(.acknowledge) || state.isIn(.readData) || issued
    busyWrite <== curWrite && busy
    busyPage <== curPage
    for (index, store) in stores.enumerated() {
      let lookingHere = entryTier == index
      let here = curTier == index
      store.reqValid <== issue && lookingHere
      store.reqWrite <== curWrite
      store.reqFrame <== entry[0..<24]
      store.reqWord <== curAddress[3..<shift]
      store.reqBeats <== curBeats
      store.wdataValid <== state.isIn(.sendWrite) && here && wdata.valid
      store.wdataData <== wdata.data
      store.wdataStrobe <== wdata.strobe
      store.rspReady <== (state.isIn(.acknowledge) || state.isIn(.readData)) && here && rsp.ready
      when((state.isIn(.acknowledge) || state.isIn(.readData)) && here) {
        rsp.valid <== store.rspValid
        rsp.data <== mux(state.isIn(.readData), store.rspData, 0)
        rsp.last <== store.rspLast || state.isIn(.acknowledge)
        rsp.status <== concat(store.rspError, Signal.low)  // 2: store error
      }
      when(state.isIn(.sendWrite) && here) { wdata.ready <== store.wdataReady }
    }

    switchOn(state.state) {
      state.on(.idle) {
        when(req.valid && !clearRequest) {
          curWrite <== req.write
          curAddress <== req.address
          curBeats <== req.beats
          beatsLeft <== req.beats
          fresh <== true
          when(malformed) {
            status <== 3
            state.goto(.fail)
          }.otherwise {
            status <== 0
            state.goto(.lookup)
          }
        }
      }
      state.on(.lookup) {
        fresh <== false
        when(!entryValid) {
          pageFault <== true
          when(faultPending) {
            faultMoreQ <== true
          }.otherwise {
            faultAddressQ <== curAddress
            faultWriteQ <== curWrite
            faultMoreQ <== false
          }
          status <== 1
          state.goto(.fail)
        }.elseWhen(issued) {
          curTier <== entryTier
          state.state <== mux(curWrite, state.constant(.sendWrite), state.constant(.readData))
        }
      }
      state.on(.sendWrite) {
        when(wdata.valid && wdata.ready) {
          beatsLeft <== beatsLeft - 1
          when(beatsLeft == 1) { state.goto(.acknowledge) }
        }
      }
      state.on(.acknowledge) {
        when(rsp.valid && rsp.ready) { state.goto(.idle) }
      }
      state.on(.readData) {
        when(rsp.valid && rsp.ready && rsp.last) { state.goto(.idle) }
      }
      state.on(.fail) {
        rsp.valid <== true
        rsp.last <== true
        when(rsp.ready) {
          state.state <== mux(curWrite && curBeats != 0, state.constant(.drain), state.constant(.idle))
        }
      }
      state.on(.drain) {
        wdata.ready <== true
        when(wdata.valid) {
          beatsLeft <== beatsLeft - 1
          when(beatsLeft == 1) { state.goto(.idle) }
        }
      }
    }
  }
}

enum PathState: CaseIterable, Equatable {
  case idle, lookup, sendWrite, acknowledge, readData, fail, drain
}

/// One backing-store port as the path sees it (`<tier>_req_*`, `<tier>_wdata_*`, `<tier>_rsp_*`).
struct StorePort {
  let reqValid, reqReady, reqWrite, reqFrame, reqWord, reqBeats: Signal
  let wdataValid, wdataReady, wdataData, wdataStrobe: Signal
  let rspValid, rspReady, rspData, rspLast, rspError: Signal

  init(_ m: ModuleBuilder, _ tier: String, wordBits: Int, beatBits: Int) {
    reqValid = m.output("\(tier)_req_valid")
    reqReady = m.input("\(tier)_req_ready")
    reqWrite = m.output("\(tier)_req_write")
    reqFrame = m.output("\(tier)_req_frame", width: 24)
    reqWord = m.output("\(tier)_req_word", width: wordBits)
    reqBeats = m.output("\(tier)_req_beats", width: beatBits)
    wdataValid = m.output("\(tier)_wdata_valid")
    wdataReady = m.input("\(tier)_wdata_ready")
    wdataData = m.output("\(tier)_wdata_data", width: 64)
    wdataStrobe = m.output("\(tier)_wdata_strobe", width: 8)
    rspValid = m.input("\(tier)_rsp_valid")
    rspReady = m.output("\(tier)_rsp_ready")
    rspData = m.input("\(tier)_rsp_data", width: 64)
    rspLast = m.input("\(tier)_rsp_last")
    rspError = m.input("\(tier)_rsp_error")
  }
}
