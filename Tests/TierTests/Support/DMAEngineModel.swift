/// The DMA engine (`tierDMAEngine`) cycle by cycle, written from its documentation: the
/// reference its RTL is compared with under Icarus.
struct DMAEngineModel {
  enum State { case idle, check, mark, quiet, request, stream, acknowledge, settle, release, complete }
  struct Descriptor { var source: UInt64, destination: UInt64, length: UInt64, control: UInt64 }

  let pageShift: Int, pageCount: Int, frames: [Int], ringSize: Int, doneSize: Int
  var pageMask: UInt64 { UInt64((1 << indexBits(pageCount)) - 1) }
  var beatMask: UInt64 { UInt64((1 << indexBits((1 << (pageShift - 3)) + 1)) - 1) }

  var ring: [Descriptor?]
  var done: [UInt64?]
  var submitted = 0, taken = 0, doneTail = 0
  var state = State.idle
  var index = 0, cur = Descriptor(source: 0, destination: 0, length: 0, control: 0)
  var readSent = false, writeSent = false, left = 0, sourceFailed = false, status = 0

  init(pageShift: Int = 12, pageCount: Int, frames: [Int], ringSize: Int, doneSize: Int) {
    self.pageShift = pageShift
    self.pageCount = pageCount
    self.frames = frames
    self.ringSize = ringSize
    self.doneSize = doneSize
    ring = Array(repeating: nil, count: ringSize)
    done = Array(repeating: nil, count: doneSize)
  }

  static let tiers = ["dram", "flash", "disk"]
  var queued: Int { (submitted - taken) & 0xFFFF }
  func doneCount(_ i: Inputs) -> Int { (doneTail - Int(i["completion_head"])) & (doneSize - 1) }
  var page: UInt64 { cur.control & 0xFF_FFFF }
  var remap: Bool { cur.control >> 24 & 1 == 1 }
  var sourceTier: Int { Int(cur.source >> 24 & 3) }
  var destinationTier: Int { Int(cur.destination >> 24 & 3) }
  var beats: UInt64 { cur.length >> 3 & beatMask }

  func refused(_ i: Inputs) -> Bool { i.bit("push") && (i["desc_source"] >> 24 & 3 == 3 || i["desc_destination"] >> 24 & 3 == 3) }
  func tierInput(_ i: Inputs, _ tier: Int, _ port: String) -> UInt64 { tier < 3 ? i["\(Self.tiers[tier])_\(port)"] : 0 }

  func bad(_ i: Inputs) -> Bool {
    let length = cur.length
    let lengthOK = length != 0 && length & 7 == 0 && length <= 1 << pageShift
    func fits(_ a: UInt64) -> Bool { Int(a >> 24 & 3) < 3 && Int(a & 0xFF_FFFF) < frames[Int(a >> 24 & 3)] }
    let entry = i["map_entry"]
    let remapOK = length == 1 << pageShift && page < UInt64(pageCount) && entry >> 31 & 1 == 1 && entry >> 30 & 1 == 0
      && entry & 0x3FF_FFFF == cur.source
    return !lengthOK || !fits(cur.source) || !fits(cur.destination) || (remap && !remapOK)
  }

  func outputs(_ i: Inputs) -> [String: UInt64] {
    var o: [String: UInt64] = [:]
    let count = doneCount(i)
    o["push_done"] = i["push"]
    o["dma_head"] = UInt64(taken)
    o["dma_tail"] = UInt64(submitted)
    o["completion_tail"] = UInt64(doneTail)
    o["completion_entry"] = count == 0 ? 0 : 1 << 31 | done[Int(i["completion_head"]) & (doneSize - 1)]!
    let completing = state == .complete
    o["done_set"] = completing && status == 0 && cur.control >> 25 & 1 == 1 ? 1 : 0
    o["error_set"] = (completing && status != 0) || refused(i) ? 1 : 0
    if state != .idle {
      o["map_page"] = page & pageMask
    } else if let slot = ring[taken & (ringSize - 1)] {
      o["map_page"] = slot.control & pageMask
    }
    let moving: Set<State> = [.mark, .quiet, .request, .stream, .acknowledge, .settle]
    o["migrating_valid"] = remap && moving.contains(state) ? 1 : 0
    o["migrating_page"] = page & pageMask
    o["hw_write_valid"] = state == .mark || state == .settle ? 1 : 0
    o["hw_write_page"] = page & pageMask
    o["hw_write_entry"] = state == .mark ? 0b11 << 30 | cur.source : 1 << 31 | (status == 0 ? cur.destination : cur.source)
    let streaming = state == .stream
    let srcValid = tierInput(i, sourceTier, "rd_data_valid") == 1
    let srcError = tierInput(i, sourceTier, "rd_data_error") == 1
    let dstReady = tierInput(i, destinationTier, "wr_data_ready") == 1
    for (t, name) in Self.tiers.enumerated() {
      let isSource = sourceTier == t, isDestination = destinationTier == t
      o["\(name)_rd_req_valid"] = state == .request && !readSent && isSource ? 1 : 0
      o["\(name)_rd_req_frame"] = cur.source & 0xFF_FFFF
      o["\(name)_rd_req_beats"] = beats
      o["\(name)_rd_data_ready"] = streaming && isSource && !sourceFailed && dstReady ? 1 : 0
      o["\(name)_wr_req_valid"] = state == .request && !writeSent && isDestination ? 1 : 0
      o["\(name)_wr_req_frame"] = cur.destination & 0xFF_FFFF
      o["\(name)_wr_req_beats"] = beats
      o["\(name)_wr_data_valid"] = streaming && isDestination && (sourceFailed || srcValid) ? 1 : 0
      o["\(name)_wr_data"] = sourceFailed ? 0 : tierInput(i, sourceTier, "rd_data")
      o["\(name)_wr_data_strobe"] = sourceFailed || srcError ? 0 : 0xFF
      o["\(name)_wr_ack_ready"] = state == .acknowledge && isDestination ? 1 : 0
    }
    return o
  }

  mutating func edge(_ i: Inputs) {
    let o = outputs(i)
    let pageWanted = i["busy_page"] == page & pageMask
    let take = queued != 0 && doneCount(i) < doneSize - 1  // before this edge's push
    if i.bit("push") && !refused(i) && queued != ringSize - 1 {
      ring[submitted & (ringSize - 1)] = Descriptor(source: i["desc_source"], destination: i["desc_destination"],
                                                    length: i["desc_length"], control: i["desc_control"])
      submitted = (submitted + 1) & 0xFFFF
    }
    switch state {
    case .idle:
      if take {
        cur = ring[taken & (ringSize - 1)]!
        index = taken
        taken = (taken + 1) & 0xFFFF
        state = .check
      }
    case .check:
      readSent = false
      writeSent = false
      sourceFailed = false
      left = Int(beats)
      if bad(i) { status = 3; state = .complete } else { state = remap ? .mark : .request }
    case .mark:
      if i.bit("hw_write_ready") { state = .quiet }
    case .quiet:
      if !(i.bit("busy_write") && pageWanted) { state = .request }
    case .request:
      let readDone = readSent || tierInput(i, sourceTier, "rd_req_ready") == 1
      let writeDone = writeSent || tierInput(i, destinationTier, "wr_req_ready") == 1
      readSent = readDone
      writeSent = writeDone
      if readDone && writeDone { state = .stream }
    case .stream:
      let dst = Self.tiers[min(destinationTier, 2)]
      if destinationTier < 3 && o["\(dst)_wr_data_valid"] == 1 && i.bit("\(dst)_wr_data_ready") {
        left -= 1
        if !sourceFailed && tierInput(i, sourceTier, "rd_data_error") == 1 { sourceFailed = true }
        if left == 0 { state = .acknowledge }
      }
    case .acknowledge:
      if tierInput(i, destinationTier, "wr_ack_valid") == 1 {
        status = sourceFailed ? 1 : tierInput(i, destinationTier, "wr_ack_error") == 1 ? 2 : 0
        state = remap ? .settle : .complete
      }
    case .settle:
      if i.bit("hw_write_ready") { state = .release }
    case .release:
      if !(i.bit("busy") && pageWanted) { state = .complete }
    case .complete:
      done[doneTail] = UInt64(status) << 16 | UInt64(index)
      doneTail = (doneTail + 1) & (doneSize - 1)
      state = .idle
    }
  }
}
