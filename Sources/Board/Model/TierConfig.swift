/// One storage tier behind the memory-tier controller.
public struct TierSpec: Equatable, Sendable {
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

/// The memory-tier controller: one address space of pages backed by DRAM, flash and disk.
public struct TierConfig: Equatable, Sendable {
  /// Bytes per page, a power of two, at least 4 KiB.
  public var pageSize: Int
  /// Simulation divides every tier latency by this, so runs stay short; 1 means real time.
  public var timeScale: Int
  public var dram: TierSpec
  public var flash: TierSpec
  public var disk: TierSpec

  public init(pageSize: Int, timeScale: Int, dram: TierSpec, flash: TierSpec, disk: TierSpec) {
    self.pageSize = pageSize
    self.timeScale = timeScale
    self.dram = dram
    self.flash = flash
    self.disk = disk
  }
}
