/// Configuration of the hotness unit, after the CXL r3.2 Hotness Monitoring Unit (CHMU)
/// configuration registers: tracked request types, unit size, threshold, epoch length,
/// downsampling factor, notification (fill) threshold.
public struct HotnessConfig: Equatable, Sendable {
  public var enabled = false
  public var trackReads = true
  public var trackWrites = true
  /// log2 of the unit size in bytes; the CHMU's smallest unit is 256 B (shift 8).
  public var unitShift = 12
  /// A unit is hot in an epoch when its count is at least this.
  public var threshold: UInt32 = 1
  /// Cycles per epoch.
  public var epochCycles = 10_000
  /// log2 of the downsampling factor: one in 2^downsampleShift tracked requests is counted.
  public var downsampleShift = 0
  /// Raise HOT_LEVEL when the hot list holds at least this many entries (0: never).
  public var fillThreshold = 0
  /// Always-on mode (the CHMU's other reporting mode): no epochs; a unit is pushed the moment
  /// its count reaches the threshold, and its counter is freed.
  public var alwaysOn = false

  public init() {}
}

/// The hotness unit, in epoch mode or always-on mode (`config.alwaysOn`, see `observe`). During an epoch every tracked request (a burst counts once)
/// adds one to the counter of its unit, the unit being the request's unified address shifted
/// right by `unitShift`. Counters are allocated in first-touch order from a table of
/// `counterCapacity`; a unit that finds the table full is not counted and sets
/// `countersExhausted` (the CHMU allows imprecision when counters run out). At the end of the
/// epoch each allocated counter at or above the threshold is pushed, in allocation order, as one
/// 64-bit entry (count in the low `counterWidth` bits, saturated; unit index above), then all
/// counters clear. A push into a full ring is dropped and sets `overflow`.
///
/// Downsampling is global and deterministic: of the tracked requests, those whose running
/// sequence number is a multiple of 2^downsampleShift are counted. With a factor of 1 the counts
/// are exact.
public struct HotnessUnit: Sendable {
  public var config = HotnessConfig()
  public let counterCapacity: Int
  public let counterWidth: Int
  /// The hot list; software moves its head.
  public var hotList: Ring<UInt64>
  /// Counters of this epoch in allocation order.
  public private(set) var counted: [(unit: UInt64, count: UInt32)] = []
  var slotOfUnit: [UInt64: Int] = [:]
  var sequence: UInt64 = 0
  /// The cycle at which the current epoch began.
  public private(set) var epochStart = 0
  public internal(set) var overflow = false
  public internal(set) var levelReached = false
  public internal(set) var countersExhausted = false

  public init(counterCapacity: Int = 256, counterWidth: Int = 16, hotListSize: Int = 256) {
    precondition(counterWidth > 0 && counterWidth < 64)
    self.counterCapacity = counterCapacity
    self.counterWidth = counterWidth
    self.hotList = Ring(size: hotListSize)
  }

  /// The hot-list entry for a unit and its count: count in bits counterWidth−1:0, unit above.
  public func entry(unit: UInt64, count: UInt32) -> UInt64 {
    let maxCount = (UInt64(1) << UInt64(counterWidth)) - 1
    return unit << UInt64(counterWidth) | min(UInt64(count), maxCount)
  }

  public func decode(_ entry: UInt64) -> (unit: UInt64, count: UInt32) {
    (entry >> UInt64(counterWidth), UInt32(entry & ((UInt64(1) << UInt64(counterWidth)) - 1)))
  }

  /// Clears counters, the hot list (its tail moves to its head) and the status flags, and starts
  /// an epoch at `now` (RESET).
  public mutating func reset(at now: Int) {
    counted.removeAll()
    slotOfUnit.removeAll()
    sequence = 0
    hotList.clear()
    overflow = false
    levelReached = false
    countersExhausted = false
    epochStart = now
  }

  /// Turns counting on or off; turning it on starts an epoch at `now`.
  public mutating func setEnabled(_ on: Bool, at now: Int) {
    if on && !config.enabled { epochStart = now }
    config.enabled = on
  }

  /// The end of the epoch in progress.
  public var epochEnd: Int { epochStart + config.epochCycles }

  /// What an always-on push did: whether the entry was dropped on a full list, and whether the
  /// list now holds at least the fill threshold.
  public struct Push: Equatable, Sendable {
    public let entry: UInt64
    public let dropped: Bool
    public let reachedLevel: Bool
  }

  /// Counts one request at unified byte `address`, made in the current epoch. In always-on
  /// mode, returns the push when the unit's count reaches the threshold: the entry goes to the
  /// list at once and the counter is freed, the table's last counter taking its slot (so the
  /// table stays a prefix, as the RTL keeps it).
  @discardableResult
  public mutating func observe(address: UInt64, isWrite: Bool) -> Push? {
    guard config.enabled, isWrite ? config.trackWrites : config.trackReads else { return nil }
    let mask = (UInt64(1) << UInt64(config.downsampleShift)) - 1
    let sampled = sequence & mask == 0
    sequence &+= 1
    guard sampled else { return nil }
    let unit = address >> UInt64(config.unitShift)
    let slot: Int
    if let found = slotOfUnit[unit] {
      slot = found
      if counted[slot].count < UInt32.max { counted[slot].count += 1 }
    } else if counted.count < counterCapacity {
      slot = counted.count
      slotOfUnit[unit] = slot
      counted.append((unit, 1))
    } else {
      countersExhausted = true
      return nil
    }
    guard config.alwaysOn, counted[slot].count >= config.threshold else { return nil }
    let e = entry(unit: unit, count: counted[slot].count)
    let dropped = !hotList.push(e)
    if dropped { overflow = true }
    let reachedLevel = config.fillThreshold > 0 && hotList.count >= config.fillThreshold
    if reachedLevel { levelReached = true }
    slotOfUnit[unit] = nil
    let last = counted.removeLast()
    if slot < counted.count {
      counted[slot] = last
      slotOfUnit[last.unit] = slot
    }
    return Push(entry: e, dropped: dropped, reachedLevel: reachedLevel)
  }

  /// Ends the epoch: pushes the hot units, clears the counters, starts the next epoch.
  /// Returns the entries pushed, how many were dropped on a full ring, and whether the hot list
  /// is at or above the fill threshold.
  @discardableResult
  public mutating func endEpoch() -> (pushed: [UInt64], dropped: Int, reachedLevel: Bool) {
    var pushed: [UInt64] = []
    var dropped = 0
    for (unit, count) in counted where count >= config.threshold {
      let e = entry(unit: unit, count: count)
      if hotList.push(e) { pushed.append(e) } else { dropped += 1 }
    }
    if dropped > 0 { overflow = true }
    let reachedLevel = config.fillThreshold > 0 && hotList.count >= config.fillThreshold
    if reachedLevel { levelReached = true }
    counted.removeAll()
    slotOfUnit.removeAll()
    epochStart += config.epochCycles
    return (pushed, dropped, reachedLevel)
  }
}
