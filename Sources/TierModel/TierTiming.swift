/// The speed of one backing store, as a board file gives it (see `Board.TierSpec`).
public struct StoreSpec: Equatable, Sendable {
  /// Capacity in bytes, a whole number of pages.
  public var size: Int
  public var readLatencyNs: Int
  public var writeLatencyNs: Int
  /// Sustained bandwidth in megabytes (10^6 bytes) per second.
  public var bandwidthMBps: Int

  public init(size: Int, readLatencyNs: Int, writeLatencyNs: Int, bandwidthMBps: Int) {
    self.size = size
    self.readLatencyNs = readLatencyNs
    self.writeLatencyNs = writeLatencyNs
    self.bandwidthMBps = bandwidthMBps
  }
}

/// Everything the model needs to turn bytes and tiers into cycles of the controller's clock.
public struct TierTiming: Equatable, Sendable {
  /// Bytes per page, a power of two.
  public var pageSize: Int
  /// Every latency is divided by this (the board's `time_scale`), so simulations stay short.
  public var timeScale: Int
  /// The controller's clock (the board's `clock_mhz`).
  public var clockMHz: Int
  /// Bytes per data beat on the request port and the backing-store ports.
  public var beatBytes: Int
  public var dram: StoreSpec
  public var flash: StoreSpec
  public var disk: StoreSpec
  /// Cycles the page-map lookup adds to every access (the RTL's goal is at most 2).
  public var lookupCycles: Int

  public init(pageSize: Int = 4096, timeScale: Int = 1, clockMHz: Int = 250, beatBytes: Int = 8,
              dram: StoreSpec, flash: StoreSpec, disk: StoreSpec, lookupCycles: Int = 2) {
    self.pageSize = pageSize
    self.timeScale = timeScale
    self.clockMHz = clockMHz
    self.beatBytes = beatBytes
    self.dram = dram
    self.flash = flash
    self.disk = disk
    self.lookupCycles = lookupCycles
  }

  /// The defaults of the issue, from public figures: DRAM about 100 ns (The Next Platform,
  /// "Just How Bad Is CXL Memory Latency?"); NAND flash about 80 µs for a 4 KiB read (AnandTech's
  /// Intel P3700 QD1 figure, 77.9 µs); a 7200 rpm disk about 8 ms seek plus 4 ms rotation
  /// (WD Ultrastar DC HC310: 7.4–8.2 ms seek, 4.16 ms rotational latency). These equal the
  /// devkit board's tiers.
  public static func defaults(pageSize: Int = 4096, timeScale: Int = 1000, clockMHz: Int = 250,
                              dramPages: Int = 65_536, flashPages: Int = 1 << 20, diskPages: Int = 1 << 24) -> TierTiming {
    TierTiming(
      pageSize: pageSize, timeScale: timeScale, clockMHz: clockMHz,
      dram: StoreSpec(size: dramPages * pageSize, readLatencyNs: 100, writeLatencyNs: 100, bandwidthMBps: 12_800),
      flash: StoreSpec(size: flashPages * pageSize, readLatencyNs: 80_000, writeLatencyNs: 500_000, bandwidthMBps: 2_000),
      disk: StoreSpec(size: diskPages * pageSize, readLatencyNs: 12_000_000, writeLatencyNs: 12_000_000, bandwidthMBps: 200))
  }

  /// What the model cannot take, each naming the setting and the fix (empty when all is well).
  public func problems() -> [String] {
    var out: [String] = []
    if pageSize < 4096 || pageSize & (pageSize - 1) != 0 { out.append("pageSize \(pageSize) must be a power of two of at least 4096 bytes") }
    if beatBytes != 8 { out.append("beatBytes \(beatBytes) must be 8: the ports carry 64-bit beats") }
    if timeScale < 1 { out.append("timeScale \(timeScale) must be at least 1 (1 is real time)") }
    if clockMHz < 1 { out.append("clockMHz \(clockMHz) must be at least 1") }
    for tier in Tier.allCases where pageSize >= 4096 {
      let s = spec(tier)
      if s.size < 0 || s.size % pageSize != 0 { out.append("\(tier): size \(s.size) is not a whole number of \(pageSize)-byte pages") }
      if s.size / pageSize > 1 << PageEntry.frameBits {
        out.append("\(tier): \(s.size / pageSize) frames exceed 16777216 (FRAME is 24 bits); use larger pages or a smaller tier")
      }
      if s.bandwidthMBps < 1 { out.append("\(tier): bandwidth \(s.bandwidthMBps) MB/s must be at least 1") }
      if s.readLatencyNs < 0 || s.writeLatencyNs < 0 { out.append("\(tier): latencies cannot be negative") }
    }
    return out
  }

  public func spec(_ tier: Tier) -> StoreSpec {
    switch tier {
    case .dram: return dram
    case .flash: return flash
    case .disk: return disk
    }
  }

  public func frames(_ tier: Tier) -> Int { spec(tier).size / pageSize }
  public var wordsPerPage: Int { pageSize / beatBytes }
  public var pageShift: Int { pageSize.trailingZeroBitCount }

  /// A latency in cycles after time scaling, rounded up, at least 1.
  public func latencyCycles(ns: Int) -> Int {
    max(1, ceilDiv(ns * clockMHz, 1000 * timeScale))
  }

  public func readLatency(_ tier: Tier) -> Int { latencyCycles(ns: spec(tier).readLatencyNs) }
  public func writeLatency(_ tier: Tier) -> Int { latencyCycles(ns: spec(tier).writeLatencyNs) }

  /// Cycles a tier needs to move `bytes` at its bandwidth (not time-scaled: bandwidth is a
  /// property of the link, and the RTL copies one beat per cycle at best), at least one cycle
  /// per beat.
  public func transferCycles(_ tier: Tier, bytes: Int) -> Int {
    max(ceilDiv(bytes, beatBytes), ceilDiv(bytes * clockMHz, spec(tier).bandwidthMBps))
  }
}

func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
