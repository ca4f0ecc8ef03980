import TierModel

/// The world around the DMA engine: firmware submitting descriptors and taking completions,
/// the page map (read one edge late, like the request path's forwarding port; writes refused now
/// and then), accesses of the request path that keep pages busy, and three stores with separate
/// read and write channels, latencies and faulty frames. Moore components, as in `RequestPathBench`.
struct DMAEngineBench {
  struct ReadJob { var frame: Int, beats: Int, readyAt: Int, sent = 0 }
  struct WriteJob { var frame: Int, beats: Int, collected: [(UInt64, UInt8)] = [], readyAt = Int.max }

  let frames = [16, 32, 64], pageCount = 40
  /// Ideal stores answer after a cycle and are always ready, nothing else gets in the way:
  /// the engine's own copy rate.
  let ideal: Bool
  var latency: [Int] { ideal ? [1, 1, 1] : [1, 7, 19] }
  var rng: SplitMix64
  var now = 0
  var engine: DMAEngineModel
  var toSubmit: [DMADescriptor]
  var submitting = false
  var completionHead = 0
  var completions: [(descriptor: Int, status: Int)] = []
  var map: [UInt64]
  var mapPageQ = 0
  var hwReady = true
  var busy = (on: false, write: false, page: 0, until: 0)
  var memory: [[Int: UInt64]] = [[:], [:], [:]]
  var faulty: [Set<Int>] { ideal ? [[], [], []] : [[3], [30], [50]] }
  var reads: [ReadJob?] = [nil, nil, nil]
  var writes: [WriteJob?] = [nil, nil, nil]
  var readReady = [false, false, false], writeReady = [false, false, false], writeDataReady = [false, false, false]
  var waitedForBusy = 0

  init(descriptors: [DMADescriptor], seed: UInt64, ringSize: Int = 8, doneSize: Int = 4, ideal: Bool = false) {
    self.ideal = ideal
    rng = SplitMix64(seed: seed)
    engine = DMAEngineModel(pageCount: pageCount, frames: frames, ringSize: ringSize, doneSize: doneSize)
    toSubmit = descriptors
    map = (0..<pageCount).map { (p: Int) -> UInt64 in
      let location: UInt64 = p < 16 ? UInt64(p) : 1 << 24 | UInt64(p - 16)
      return 1 << 31 | location
    }
    for (tier, count) in [(0, 16), (1, 24)] {
      for frame in 0..<count { for word in 0..<512 { memory[tier][frame * 512 + word] = DMAEngineBench.pattern(tier, frame, word) } }
    }
  }

  static func pattern(_ tier: Int, _ frame: Int, _ word: Int) -> UInt64 {
    UInt64(tier + 1) << 56 | UInt64(frame) << 32 | UInt64(word) << 8 | 0x5A
  }

  mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }

  func inputs() -> Inputs {
    var i = Inputs()
    let tiers = DMAEngineModel.tiers
    if submitting, let d = toSubmit.first {
      i["push"] = 1
      i["desc_source"] = UInt64(d.words[0]); i["desc_destination"] = UInt64(d.words[1])
      i["desc_length"] = UInt64(d.words[2]); i["desc_control"] = UInt64(d.words[3])
    }
    i["completion_head"] = UInt64(completionHead)
    i["map_entry"] = map[mapPageQ]
    i["hw_write_ready"] = hwReady ? 1 : 0
    if busy.on { i["busy"] = 1; i["busy_write"] = busy.write ? 1 : 0 }
    i["busy_page"] = UInt64(busy.page)
    for t in 0..<3 {
      i["\(tiers[t])_rd_req_ready"] = readReady[t] ? 1 : 0
      i["\(tiers[t])_wr_req_ready"] = writeReady[t] ? 1 : 0
      i["\(tiers[t])_wr_data_ready"] = writeDataReady[t] ? 1 : 0
      if let job = reads[t], now >= job.readyAt {
        let failing = faulty[t].contains(job.frame)
        i["\(tiers[t])_rd_data_valid"] = 1
        i["\(tiers[t])_rd_data_error"] = failing ? 1 : 0
        i["\(tiers[t])_rd_data_last"] = failing || job.sent == job.beats - 1 ? 1 : 0
        i["\(tiers[t])_rd_data"] = failing ? 0 : memory[t][job.frame * 512 + job.sent] ?? 0
      }
      if let job = writes[t], now >= job.readyAt {
        i["\(tiers[t])_wr_ack_valid"] = 1
        i["\(tiers[t])_wr_ack_error"] = faulty[t].contains(job.frame) ? 1 : 0
      }
    }
    return i
  }

  mutating func edge(_ i: Inputs, _ o: [String: UInt64]) {
    let tiers = DMAEngineModel.tiers
    if i.bit("push") { toSubmit.removeFirst(); submitting = false }
    if o["completion_entry"]! >> 31 == 1 && (ideal || chance(60)) {
      let e = o["completion_entry"]!
      completions.append((Int(e & 0xFFFF), Int(e >> 16 & 0xF)))
      completionHead = (completionHead + 1) & 0xFFFF
    }
    if o["hw_write_valid"] == 1 && hwReady { map[Int(o["hw_write_page"]!)] = o["hw_write_entry"]! }
    if let page = o["map_page"] { mapPageQ = Int(page) }
    if (engine.state == .quiet || engine.state == .release) && busy.on && UInt64(busy.page) == engine.page { waitedForBusy += 1 }
    for t in 0..<3 {
      if o["\(tiers[t])_rd_req_valid"] == 1 && readReady[t] {
        reads[t] = ReadJob(frame: Int(o["\(tiers[t])_rd_req_frame"]!), beats: Int(o["\(tiers[t])_rd_req_beats"]!), readyAt: now + latency[t])
      }
      if i.bit("\(tiers[t])_rd_data_valid") && o["\(tiers[t])_rd_data_ready"] == 1, var job = reads[t] {
        if i.bit("\(tiers[t])_rd_data_last") { reads[t] = nil } else { job.sent += 1; reads[t] = job }
      }
      if o["\(tiers[t])_wr_req_valid"] == 1 && writeReady[t] {
        writes[t] = WriteJob(frame: Int(o["\(tiers[t])_wr_req_frame"]!), beats: Int(o["\(tiers[t])_wr_req_beats"]!))
      }
      if o["\(tiers[t])_wr_data_valid"] == 1 && writeDataReady[t], var job = writes[t] {
        job.collected.append((o["\(tiers[t])_wr_data"]!, UInt8(o["\(tiers[t])_wr_data_strobe"]!)))
        if job.collected.count == job.beats { job.readyAt = now + latency[t] }
        writes[t] = job
      }
      if i.bit("\(tiers[t])_wr_ack_valid") && o["\(tiers[t])_wr_ack_ready"] == 1, let job = writes[t] {
        if !faulty[t].contains(job.frame) {
          for (b, (data, strobe)) in job.collected.enumerated() {
            var mask: UInt64 = 0
            for byte in 0..<8 where strobe >> byte & 1 == 1 { mask |= 0xFF << UInt64(8 * byte) }
            let key = job.frame * 512 + b
            memory[t][key] = (memory[t][key] ?? 0) & ~mask | data & mask
          }
        }
        writes[t] = nil
      }
    }
    now += 1
    // Moore outputs for the next cycle.
    // The engine has not taken this edge yet: count the push it is taking now.
    let queuedAfter = engine.queued + (i.bit("push") ? 1 : 0)
    if !submitting && !toSubmit.isEmpty && queuedAfter < engine.ringSize - 1 { submitting = ideal || chance(30) }
    hwReady = ideal || chance(80)
    if busy.on && now >= busy.until { busy.on = false }
    if !busy.on && !ideal && chance(8) {
      let page = engine.state != .idle && chance(60) ? Int(engine.page) : Int(rng.next() % UInt64(pageCount))
      busy = (true, chance(50), page, now + Int(rng.next() % 6) + 1)
    }
    for t in 0..<3 {
      readReady[t] = reads[t] == nil && (ideal || chance(70))
      writeReady[t] = writes[t] == nil && (ideal || chance(70))
      writeDataReady[t] = (writes[t].map { $0.collected.count < $0.beats } ?? false) && (ideal || chance(90))
    }
  }
}
