/// The request path (`tierRequestPath`) cycle by cycle, written from its documentation: the
/// reference its RTL is compared with under Icarus. Outputs are a function of the state and this
/// cycle's inputs; `edge` applies the clock edge.
struct RequestPathModel {
  enum State { case idle, lookup, sendWrite, acknowledge, readData, fail, drain }

  let pageShift: Int, pageCount: Int
  var wordsPerPage: Int { 1 << (pageShift - 3) }
  var pageMask: Int { (1 << indexBits(pageCount)) - 1 }

  var state = State.idle
  var curWrite = false, curAddress: UInt64 = 0, curBeats = 0, curTier = 0, beatsLeft = 0, status = 0, fresh = false
  var faultAddress: UInt64 = 0, faultWrite = false, faultMore = false
  /// Entries in the 28-bit form: VALID 27, MIGRATING 26, TIER 25:24, FRAME 23:0; nil until written.
  var map: [Int?]
  /// The pages the two read ports were given in the previous cycle: readers see the map after that edge.
  var lookupPageQ = 0, viewPageQ = 0, enginePageQ = 0

  init(pageShift: Int, pageCount: Int) {
    self.pageShift = pageShift
    self.pageCount = pageCount
    map = Array(repeating: nil, count: pageCount)
  }

  static let tiers = ["dram", "flash", "disk"]

  var curPage: Int { Int(curAddress >> UInt64(pageShift)) & pageMask }
  var entry: Int? { map[lookupPageQ] }
  var entryTier: Int { (entry ?? 0) >> 24 & 3 }
  var entryValid: Bool { (entry ?? 0) >> 27 & 1 == 1 && entryTier != 3 }
  var entryMigrating: Bool { (entry ?? 0) >> 26 & 1 == 1 }

  func issue(_ i: Inputs) -> (issue: Bool, issued: Bool) {
    let issue = state == .lookup && entryValid && !(curWrite && entryMigrating)
    let ready = entryTier < 3 && i.bit("\(Self.tiers[entryTier])_req_ready")
    return (issue, issue && ready)
  }

  func outputs(_ i: Inputs) -> [String: UInt64] {
    var o: [String: UInt64] = [:]
    let (issue, issued) = issue(i)
    let responding = state == .acknowledge || state == .readData
    let store = Self.tiers[curTier < 3 ? curTier : 0]
    o["req_ready"] = state == .idle ? 1 : 0
    o["wdata_ready"] = state == .sendWrite ? i["\(store)_wdata_ready"] : state == .drain ? 1 : 0
    if state == .fail {
      o["rsp_valid"] = 1; o["rsp_last"] = 1; o["rsp_status"] = UInt64(status); o["rsp_data"] = 0
    } else if responding {
      o["rsp_valid"] = i["\(store)_rsp_valid"]
      o["rsp_data"] = state == .readData ? i["\(store)_rsp_data"] : 0
      o["rsp_last"] = state == .acknowledge ? 1 : i["\(store)_rsp_last"]
      o["rsp_status"] = i.bit("\(store)_rsp_error") ? 2 : 0
    } else {
      o["rsp_valid"] = 0; o["rsp_last"] = 0; o["rsp_status"] = UInt64(status); o["rsp_data"] = 0
    }
    for (t, name) in Self.tiers.enumerated() {
      let valid = issue && entryTier == t
      o["\(name)_req_valid"] = valid ? 1 : 0
      if valid {
        o["\(name)_req_write"] = curWrite ? 1 : 0
        o["\(name)_req_frame"] = UInt64(entry! & 0xFF_FFFF)
        o["\(name)_req_word"] = (curAddress >> 3) & UInt64(wordsPerPage - 1)
        o["\(name)_req_beats"] = UInt64(curBeats)
      }
      let sending = state == .sendWrite && curTier == t && i.bit("wdata_valid")
      o["\(name)_wdata_valid"] = sending ? 1 : 0
      if sending { o["\(name)_wdata_data"] = i["wdata_data"]; o["\(name)_wdata_strobe"] = i["wdata_strobe"] }
      o["\(name)_rsp_ready"] = responding && curTier == t && i.bit("rsp_ready") ? 1 : 0
    }
    o["hw_write_ready"] = i.bit("fw_write_valid") ? 0 : 1
    if let view = map[viewPageQ] {
      o["map_view_entry"] = UInt64(view >> 27 & 1) << 31 | UInt64(view >> 26 & 1) << 30 | UInt64(view & 0x3FF_FFFF)
    }
    if let e = map[enginePageQ] {
      o["engine_entry"] = UInt64(e >> 27 & 1) << 31 | UInt64(e >> 26 & 1) << 30 | UInt64(e & 0x3FF_FFFF)
    }
    o["page_fault"] = state == .lookup && !entryValid ? 1 : 0
    o["fault_address"] = faultAddress
    o["fault_write"] = faultWrite ? 1 : 0
    o["fault_more"] = faultMore ? 1 : 0
    o["observe_valid"] = state == .lookup && fresh && entryValid ? 1 : 0
    let busy = state == .sendWrite || state == .acknowledge || state == .readData || issued
    o["busy"] = busy ? 1 : 0
    o["busy_write"] = curWrite && busy ? 1 : 0
    o["busy_page"] = UInt64(curPage)
    o["observe_address"] = curAddress
    o["observe_write"] = curWrite ? 1 : 0
    return o
  }

  func malformed(address: UInt64, beats: Int) -> Bool {
    let word = Int(address >> 3) & (wordsPerPage - 1)
    return address & 7 != 0 || beats == 0 || address >> UInt64(pageShift) >= UInt64(pageCount) || word + beats > wordsPerPage
  }

  mutating func edge(_ i: Inputs) {
    let o = outputs(i)
    let (_, issued) = issue(i)
    let nextLookupPage = state == .idle ? Int(i["req_address"] >> UInt64(pageShift)) & pageMask : curPage
    switch state {
    case .idle:
      if i.bit("req_valid") {
        curWrite = i.bit("req_write")
        curAddress = i["req_address"]
        curBeats = Int(i["req_beats"])
        beatsLeft = curBeats
        fresh = true
        let bad = malformed(address: curAddress, beats: curBeats)
        status = bad ? 3 : 0
        state = bad ? .fail : .lookup
      }
    case .lookup:
      fresh = false
      if !entryValid {
        if i.bit("page_fault_pending") { faultMore = true } else { faultAddress = curAddress; faultWrite = curWrite; faultMore = false }
        status = 1
        state = .fail
      } else if issued {
        curTier = entryTier
        state = curWrite ? .sendWrite : .readData
      }
    case .sendWrite:
      if i.bit("wdata_valid") && o["wdata_ready"] == 1 {
        beatsLeft -= 1
        if beatsLeft == 0 { state = .acknowledge }
      }
    case .acknowledge:
      if o["rsp_valid"] == 1 && i.bit("rsp_ready") { state = .idle }
    case .readData:
      if o["rsp_valid"] == 1 && i.bit("rsp_ready") && o["rsp_last"] == 1 { state = .idle }
    case .fail:
      if i.bit("rsp_ready") { state = curWrite && curBeats != 0 ? .drain : .idle }
    case .drain:
      if i.bit("wdata_valid") {
        beatsLeft -= 1
        if beatsLeft == 0 { state = .idle }
      }
    }
    // Map writes, after the state's decisions (which saw the map before this edge): firmware first, unless the engine names its page as migrating.
    if i.bit("fw_write_valid") {
      let page = Int(i["fw_write_page"])
      if !(i.bit("migrating_valid") && Int(i["migrating_page"]) == page) {
        let e = Int(i["fw_write_entry"])
        map[page] = (e >> 31 & 1) << 27 | e & 0x3FF_FFFF
      }
    } else if i.bit("hw_write_valid") {
      let e = Int(i["hw_write_entry"])
      map[Int(i["hw_write_page"])] = (e >> 31 & 1) << 27 | (e >> 30 & 1) << 26 | e & 0x3FF_FFFF
    }
    lookupPageQ = nextLookupPage
    viewPageQ = Int(i["map_view_page"])
    enginePageQ = Int(i["engine_page"])
  }
}

/// One cycle's input values by port name; ports not given are 0.
struct Inputs {
  var values: [String: UInt64] = [:]
  subscript(_ name: String) -> UInt64 {
    get { values[name] ?? 0 }
    set { values[name] = newValue }
  }
  func bit(_ name: String) -> Bool { self[name] & 1 == 1 }
}

func indexBits(_ n: Int) -> Int { n <= 2 ? 1 : Int.bitWidth - (n - 1).leadingZeroBitCount }
