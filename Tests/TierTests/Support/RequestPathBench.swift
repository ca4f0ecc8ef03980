import TierModel

/// The world around the request path, in Swift: a requester, three backing stores with
/// latencies and faulty frames, firmware writing the map, and a DMA engine's migrations
/// (marking, waiting for committed writes, copying, flipping) done by hand. Every component is
/// Moore: its outputs come from its state, so a cycle's inputs are known before the path's
/// outputs; it reacts to those outputs at the clock edge.
struct RequestPathBench {
  struct Request { var write: Bool, address: UInt64, beats: Int, data: [UInt64], strobes: [UInt8] }
  struct Job { var write: Bool, frame: Int, word: Int, beats: Int, collected: [(UInt64, UInt8)] = [], readyAt = Int.max, sent = 0 }

  let pageShift = 12, pageCount: Int, frames = [16, 32, 64], latency = [2, 9, 23]
  var rng: SplitMix64
  var now = 0
  var path: RequestPathModel
  // Requester.
  var requests: [Request] = []
  /// Requests still to make; each is drawn when it is about to be offered.
  var remaining = 0
  var offering = false
  var wdataQueue: [(UInt64, UInt8)] = []
  var wdataOffering = false
  var outstanding: [Request] = []
  /// Where each outstanding request was sent (nil until a store took it).
  var servedAt: [(tier: Int, frame: Int)?] = []
  var responseBeats: [(data: UInt64, status: Int)] = []
  var rspReady = false
  // Stores: memory by (tier, frame, word); faulty frames fail every access.
  var memory: [[Int: UInt64]] = [[:], [:], [:]]
  var faulty: [Set<Int>] = [[], [], []]
  var jobs: [Job?] = [nil, nil, nil]
  var storeReady = [false, false, false]
  var storeWdataReady = [false, false, false]
  // The map as the bench knows it, and free frames.
  var location: [(tier: Int, frame: Int)?]
  var free: [[Int]] = [[], [], []]
  var faultPending = false
  // Control: initialising the map, firmware writes, migrations.
  enum Control { case initialise(Int), idle, quiesce, firmwareIndex(page: Int, entry: UInt32), firmwareWrite(page: Int, entry: UInt32),
                      mark(page: Int, to: (Int, Int)), waitQuiet(page: Int, to: (Int, Int)), hold(page: Int, to: (Int, Int), until: Int),
                      flip(page: Int, to: (Int, Int)), release(page: Int, from: (tier: Int, frame: Int)) }
  var control = Control.initialise(0)
  var viewPage = 0
  // Results.
  var shadow: [UInt64: UInt64] = [:]
  var problems: [String] = []
  var completed = 0, migrations = 0, stalledCycles = 0, pageFaults = 0, storeErrors = 0, badRequests = 0

  init(pageCount: Int = 64, requests count: Int, seed: UInt64) {
    self.pageCount = pageCount
    rng = SplitMix64(seed: seed)
    path = RequestPathModel(pageShift: pageShift, pageCount: pageCount)
    location = (0..<pageCount).map { (p: Int) -> (tier: Int, frame: Int)? in
      if p < 16 { return (0, p) }
      if p < 48 { return (1, p - 16) }
      return (2, p - 48)
    }
    free = [[], [], Array(16..<64)]
    faulty = [[3], [7], [20]]
    remaining = count
  }

  mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

  mutating func randomRequest() -> Request {
    let write = chance(50)
    var page = Int(rng.next() % UInt64(pageCount + 2))  // now and then past the space
    switch control {  // half the requests during a migration go to the page being moved
    case .mark(let moving, _), .waitQuiet(let moving, _), .hold(let moving, _, _), .flip(let moving, _):
      if chance(50) { page = moving }
    default: break
    }
    let beats = chance(3) ? 0 : Int(rng.next() % 4) + 1
    var word = Int(rng.next() % 512)
    if !chance(3) { word = min(word, 512 - max(beats, 1)) }  // now and then crossing the page
    var address = UInt64(page << pageShift + word * 8)
    if chance(2) { address += 4 }
    let data = write ? (0..<beats).map { _ in rng.next() } : []
    let strobes = write ? (0..<beats).map { _ in chance(70) ? 0xFF : UInt8(truncatingIfNeeded: rng.next()) } : []
    return Request(write: write, address: address, beats: beats, data: data, strobes: strobes)
  }

  /// This cycle's inputs, from the components' state.
  mutating func inputs() -> Inputs {
    var i = Inputs()
    let tiers = RequestPathModel.tiers
    if offering, let r = requests.first {
      i["req_valid"] = 1; i["req_write"] = r.write ? 1 : 0; i["req_address"] = r.address; i["req_beats"] = UInt64(r.beats)
    }
    if wdataOffering, let (data, strobe) = wdataQueue.first {
      i["wdata_valid"] = 1; i["wdata_data"] = data; i["wdata_strobe"] = UInt64(strobe)
    }
    i["rsp_ready"] = rspReady ? 1 : 0
    for t in 0..<3 {
      i["\(tiers[t])_req_ready"] = storeReady[t] ? 1 : 0
      i["\(tiers[t])_wdata_ready"] = storeWdataReady[t] ? 1 : 0
      guard let job = jobs[t], now >= job.readyAt else { continue }
      let failing = faulty[t].contains(job.frame)
      i["\(tiers[t])_rsp_valid"] = 1
      i["\(tiers[t])_rsp_error"] = failing ? 1 : 0
      i["\(tiers[t])_rsp_last"] = job.write || failing || job.sent == job.beats - 1 ? 1 : 0
      if !job.write && !failing { i["\(tiers[t])_rsp_data"] = memory[t][job.frame * 512 + job.word + job.sent] ?? 0 }
    }
    i["page_fault_pending"] = faultPending ? 1 : 0
    i["map_view_page"] = UInt64(viewPage)
    i["engine_page"] = UInt64((viewPage * 7 + now) % pageCount)  // any page: the port is only read
    switch control {
    case .initialise(let page):
      let l = location[page]!
      i["hw_write_valid"] = 1; i["hw_write_page"] = UInt64(page); i["hw_write_entry"] = encode(l, migrating: false)
    case .firmwareWrite(let page, let entry):
      i["fw_write_valid"] = 1; i["fw_write_page"] = UInt64(page); i["fw_write_entry"] = UInt64(entry)
    case .mark(let page, _):
      i["hw_write_valid"] = 1; i["hw_write_page"] = UInt64(page); i["hw_write_entry"] = encode(location[page]!, migrating: true)
      i["migrating_valid"] = 1; i["migrating_page"] = UInt64(page)
    case .waitQuiet(let page, _), .hold(let page, _, _):
      i["migrating_valid"] = 1; i["migrating_page"] = UInt64(page)
    case .flip(let page, let to):
      i["hw_write_valid"] = 1; i["hw_write_page"] = UInt64(page); i["hw_write_entry"] = encode(to, migrating: false)
      i["migrating_valid"] = 1; i["migrating_page"] = UInt64(page)
    default: break
    }
    return i
  }

  func encode(_ l: (tier: Int, frame: Int), migrating: Bool) -> UInt64 {
    1 << 31 | (migrating ? 1 << 30 : 0) | UInt64(l.tier) << 24 | UInt64(l.frame)
  }

  /// The clock edge for the bench: react to this cycle's path outputs.
  mutating func edge(_ i: Inputs, _ o: [String: UInt64]) {
    let tiers = RequestPathModel.tiers
    if i.bit("req_valid") && o["req_ready"] == 1 {
      let r = requests.removeFirst()
      outstanding.append(r)
      servedAt.append(nil)
      for b in 0..<r.beats where r.write { wdataQueue.append((r.data[b], r.strobes[b])) }
      offering = false
    }
    if i.bit("wdata_valid") && o["wdata_ready"] == 1 { wdataQueue.removeFirst(); wdataOffering = false }
    if o["rsp_valid"] == 1 && rspReady {
      responseBeats.append((o["rsp_data"]!, Int(o["rsp_status"]!)))
      if o["rsp_last"] == 1 { complete() }
    }
    if o["page_fault"] == 1 { faultPending = true } else if faultPending && chance(5) { faultPending = false }
    if path.state == .lookup && path.curWrite && path.entryMigrating { stalledCycles += 1 }
    for t in 0..<3 {
      if o["\(tiers[t])_req_valid"] == 1 && storeReady[t] {
        let write = o["\(tiers[t])_req_write"] == 1
        servedAt[servedAt.count - 1] = (t, Int(o["\(tiers[t])_req_frame"]!))
        jobs[t] = Job(write: write, frame: Int(o["\(tiers[t])_req_frame"]!), word: Int(o["\(tiers[t])_req_word"]!),
                      beats: Int(o["\(tiers[t])_req_beats"]!), readyAt: write ? Int.max : now + latency[t])
      }
      if o["\(tiers[t])_wdata_valid"] == 1 && storeWdataReady[t], var job = jobs[t] {
        job.collected.append((o["\(tiers[t])_wdata_data"]!, UInt8(o["\(tiers[t])_wdata_strobe"]!)))
        if job.collected.count == job.beats { job.readyAt = now + latency[t] }
        jobs[t] = job
      }
      if i.bit("\(tiers[t])_rsp_valid") && o["\(tiers[t])_rsp_ready"] == 1, var job = jobs[t] {
        if i.bit("\(tiers[t])_rsp_last") {
          if job.write && !faulty[t].contains(job.frame) {
            for (b, (data, strobe)) in job.collected.enumerated() {
              let key = job.frame * 512 + job.word + b
              memory[t][key] = merge(memory[t][key] ?? 0, data, strobe)
            }
          }
          jobs[t] = nil
        } else {
          job.sent += 1
          jobs[t] = job
        }
      }
    }
    stepControl(o)
    now += 1
    // Moore outputs for the next cycle.
    if !offering && remaining > 0 && mayOffer && chance(70) {
      requests.append(randomRequest())
      remaining -= 1
      offering = true
    }
    if !wdataOffering && !wdataQueue.isEmpty { wdataOffering = chance(80) }
    rspReady = chance(80)
    for t in 0..<3 {
      storeReady[t] = jobs[t] == nil && chance(80)
      storeWdataReady[t] = (jobs[t].map { $0.write && $0.collected.count < $0.beats } ?? false) && chance(75)
    }
  }

  /// Requests wait while the map is initialised and while firmware changes it.
  var mayOffer: Bool {
    switch control {
    case .initialise, .quiesce, .firmwareIndex, .firmwareWrite: return false
    default: return true
    }
  }

  mutating func stepControl(_ o: [String: UInt64]) {
    switch control {
    case .initialise(let page):
      control = page + 1 < pageCount ? .initialise(page + 1) : .idle
    case .idle:
      viewPage = Int(rng.next() % UInt64(pageCount))
      if chance(1) {
        control = .quiesce
      } else if chance(20) {
        let page = Int(rng.next() % UInt64(pageCount))
        let tier = Int(rng.next() % 3)
        guard location[page] != nil, path.map[page].map({ $0 >> 27 & 1 == 1 }) == true, let frame = free[tier].popLast() else { return }
        control = .mark(page: page, to: (tier, frame))
      }
    case .quiesce:
      if path.state == .idle && !offering && outstanding.isEmpty {
        // Firmware unmaps a page or maps it back where it was.
        let page = Int(rng.next() % UInt64(pageCount))
        let entry = location[page].map { UInt32(encode($0, migrating: false)) }
        let mapped = path.map[page].map { $0 >> 27 & 1 == 1 } ?? false
        viewPage = page
        control = .firmwareIndex(page: page, entry: mapped ? 0 : entry ?? 0)
      }
    case .firmwareIndex(let page, let entry):
      control = .firmwareWrite(page: page, entry: entry)
    case .firmwareWrite:
      control = .idle
    case .mark(let page, let to):
      if o["hw_write_ready"] == 1 { control = .waitQuiet(page: page, to: to) }
    case .waitQuiet(let page, let to):
      guard !(o["busy_write"] == 1 && Int(o["busy_page"]!) == page) else { return }
      let from = location[page]!
      for w in 0..<512 { memory[to.0][to.1 * 512 + w] = memory[from.tier][from.frame * 512 + w] }
      control = .hold(page: page, to: to, until: now + Int(rng.next() % 40))
    case .hold(let page, let to, let until):
      if now >= until { control = .flip(page: page, to: to) }
    case .flip(let page, let to):
      guard o["hw_write_ready"] == 1 else { return }
      let from = location[page]!
      location[page] = to
      migrations += 1
      control = .release(page: page, from: from)
    case .release(let page, let from):
      // A read of the old frame may still be in flight; the frame is free once it is not.
      guard !(o["busy"] == 1 && Int(o["busy_page"]!) == page) else { return }
      free[from.tier].append(from.frame)
      control = .idle
    }
  }

  /// Checks a whole response against the shadow memory and the bench's own map.
  mutating func complete() {
    let r = outstanding.removeFirst()
    let served = servedAt.removeFirst()
    let beats = responseBeats
    responseBeats = []
    completed += 1
    let status = beats.last!.status
    let page = Int(r.address >> UInt64(pageShift))
    let malformed = path.malformed(address: r.address, beats: r.beats)
    switch status {
    case 3: badRequests += 1
      if !malformed { problems.append("request \(completed): refused as malformed: \(r)") }
      return
    case 1: pageFaults += 1
      if path.map[page].map({ $0 >> 27 & 1 == 1 }) == true { problems.append("request \(completed): page fault on mapped page \(page)") }
      return
    case 2: storeErrors += 1
      if let l = served, faulty[l.tier].contains(l.frame) { return }
      problems.append("request \(completed): store error but served by a healthy frame \(String(describing: served))")
      return
    default: break
    }
    if malformed { problems.append("request \(completed): malformed but served: \(r)") }
    // A read may be served from the source of a migration that flipped since; a write may not.
    if r.write, let l = served, let now = location[page], l != now {
      problems.append("request \(completed): write went to \(l) but page \(page) is at \(now)")
    }
    if r.write {
      for b in 0..<r.beats {
        let a = r.address + UInt64(8 * b)
        shadow[a] = merge(shadow[a] ?? 0, r.data[b], r.strobes[b])
      }
    } else {
      let got = beats.map(\.data)
      let want = (0..<r.beats).map { shadow[r.address + UInt64(8 * $0)] ?? 0 }
      if got != want { problems.append("request \(completed): read \(got) at \(r.address), shadow says \(want)") }
    }
  }

  func merge(_ old: UInt64, _ data: UInt64, _ strobe: UInt8) -> UInt64 {
    var mask: UInt64 = 0
    for byte in 0..<8 where strobe >> byte & 1 == 1 { mask |= 0xFF << UInt64(8 * byte) }
    return old & ~mask | data & mask
  }
}
