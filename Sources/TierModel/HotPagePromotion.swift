/// A firmware tiering policy written against the registers only: promote the pages the hot
/// list reports into free DRAM frames, and keep `reserve` DRAM frames free (plus one for each
/// hot page that found none) by demoting, in clock order, DRAM pages that were not hot in the
/// latest epoch (TPP's idea: demote early so that promotions find room).
/// The hotness unit's unit is one page. A frame becomes free when the copy that leaves it
/// completes; a failed copy frees its destination instead.
public struct HotPagePromotion {
  public let reserve: Int
  var free: [[Int]] = [[], [], []]
  var residentOfDRAMFrame: [Int: Int] = [:]
  var lastHot: [Int: Int] = [:]
  var pending: [Int: DMADescriptor] = [:]
  var epoch = 0
  var clockHand = 0
  let dramFrames: Int
  let pageSize: Int

  /// Reads the whole map through the registers to learn where pages are and which frames are free.
  public init<Bus: TierRegisterBus>(bus: inout Bus, frames: [Tier: Int], reserve: Int) {
    self.reserve = reserve
    self.dramFrames = frames[.dram] ?? 0
    self.pageSize = 1 << Int(bus.read(.capability) & 0x1F)
    var used: [Set<Int>] = [[], [], []]
    for page in 0..<Int(bus.read(.pageCount)) {
      let e = bus.mapEntry(page: page)
      guard e.valid else { continue }
      used[Int(e.location.tier.rawValue)].insert(e.location.frame)
      if e.location.tier == .dram { residentOfDRAMFrame[e.location.frame] = page }
    }
    for tier in Tier.allCases {
      let t = Int(tier.rawValue)
      free[t] = (0..<(frames[tier] ?? 0)).filter { !used[t].contains($0) }.reversed()
    }
  }

  /// Bytes of the copies this policy asked for.
  public private(set) var bytesRequested = 0

  /// Handles completions and hot-list entries; call it whenever the controller may have news.
  public mutating func service<Bus: TierRegisterBus>(_ bus: inout Bus) {
    let counterWidth = Int(bus.read(.capability) >> 8 & 0x1F)
    for (index, status) in bus.drainCompletions() {
      guard let d = pending.removeValue(forKey: index) else { continue }
      if status == .ok {
        free[Int(d.source.tier.rawValue)].append(d.source.frame)
        if d.source.tier == .dram { residentOfDRAMFrame[d.source.frame] = nil }
        if d.destination.tier == .dram { residentOfDRAMFrame[d.destination.frame] = d.page }
      } else {
        free[Int(d.destination.tier.rawValue)].append(d.destination.frame)
        if d.destination.tier == .dram { residentOfDRAMFrame[d.destination.frame] = nil }
      }
    }
    let hot = bus.drainHotList()
    if hot.isEmpty { return }
    epoch += 1
    var unplaced = 0
    for entry in hot {
      let page = Int(entry >> UInt64(counterWidth))
      lastHot[page] = epoch
      let e = bus.mapEntry(page: page)
      guard e.valid, !e.migrating, e.location.tier != .dram else { continue }
      guard let frame = free[0].popLast() else {
        unplaced += 1
        continue
      }
      residentOfDRAMFrame[frame] = page  // reserved: not a demotion candidate
      if !request(&bus, .migrate(page: page, from: e.location, to: FrameAddress(.dram, frame), pageSize: pageSize)) {
        free[0].append(frame)
        residentOfDRAMFrame[frame] = nil
      }
    }
    demote(&bus, wanted: reserve + unplaced)
  }

  /// Demotes DRAM pages not hot in this epoch until `wanted` frames are free or on their way.
  mutating func demote<Bus: TierRegisterBus>(_ bus: inout Bus, wanted target: Int) {
    let leaving = pending.values.filter { $0.source.tier == .dram }.count
    var wanted = target - free[0].count - leaving
    var scanned = 0
    while wanted > 0 && scanned < 2 * dramFrames {
      let frame = clockHand
      clockHand = (clockHand + 1) % max(1, dramFrames)
      scanned += 1
      guard let page = residentOfDRAMFrame[frame], (lastHot[page] ?? 0) < epoch else { continue }
      let e = bus.mapEntry(page: page)
      guard e.valid, !e.migrating, e.location == FrameAddress(.dram, frame) else { continue }
      let target: Tier = free[1].isEmpty ? .disk : .flash
      guard let destination = free[Int(target.rawValue)].popLast() else { return }
      if request(&bus, .migrate(page: page, from: e.location, to: FrameAddress(target, destination), pageSize: pageSize)) {
        wanted -= 1
      } else {
        free[Int(target.rawValue)].append(destination)
        return
      }
    }
  }

  mutating func request<Bus: TierRegisterBus>(_ bus: inout Bus, _ d: DMADescriptor) -> Bool {
    let index = Int(bus.read(.dmaTail))
    guard bus.submit(d) else { return false }
    pending[index] = d
    bytesRequested += d.length
    return true
  }
}
