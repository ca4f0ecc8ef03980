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
  /// Bytes of the unified address space the page map covers (`tiers.mapped_size`): a whole
  /// number of pages, 2 to 2^24 of them. The map is on-chip memory of one entry per page, so
  /// this, not the tiers' capacity, is what the controller's BAR exposes.
  public var mappedSize: Int
  /// Descriptors the DMA engine copies at once (`tiers.dma_lanes`), 1...8.
  public var dmaLanes: Int

  /// Pages the map covers when a board file does not say (`mapped_size` absent): 16384 entries
  /// of 28 bits, a 56 KiB on-chip memory.
  public static let defaultMappedPages = 16384
  /// The most pages a map can cover: page numbers and frames are 24 bits.
  public static let maxMappedPages = 1 << 24
  /// DMA lanes when a board file does not say.
  public static let defaultDMALanes = 1

  /// `mappedSize` nil means `defaultMappedPages` pages.
  public init(pageSize: Int, timeScale: Int, dram: TierSpec, flash: TierSpec, disk: TierSpec,
              mappedSize: Int? = nil, dmaLanes: Int = TierConfig.defaultDMALanes) {
    self.pageSize = pageSize
    self.timeScale = timeScale
    self.dram = dram
    self.flash = flash
    self.disk = disk
    self.mappedSize = mappedSize ?? pageSize * Self.defaultMappedPages
    self.dmaLanes = dmaLanes
  }

  /// Pages of the unified address space (`mappedSize / pageSize`).
  public var mappedPages: Int { mappedSize / max(pageSize, 1) }
}
