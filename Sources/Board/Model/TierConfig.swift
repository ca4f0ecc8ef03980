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

extension TierSpec {
  /// A tier's latencies and bandwidth.
  public struct Figures: Equatable, Sendable {
    public var readLatencyNs: Int
    public var writeLatencyNs: Int
    public var bandwidthMBps: Int
  }

  /// What a tier has when its board entry leaves a figure out, from public figures (the same as
  /// `TierTiming.defaults` in TierModel, and the devkit board's): DRAM about 100 ns (The Next
  /// Platform, "Just How Bad Is CXL Memory Latency?"), 12,800 MB/s (one DDR4-1600 64-bit channel).
  public static let publicDRAM = Figures(readLatencyNs: 100, writeLatencyNs: 100, bandwidthMBps: 12_800)
  /// NAND flash: about 80 µs for a 4 KiB read (AnandTech's Intel P3700 QD1 figure, 77.9 µs), a
  /// 500 µs page program, 2,000 MB/s.
  public static let publicFlash = Figures(readLatencyNs: 80_000, writeLatencyNs: 500_000, bandwidthMBps: 2_000)
  /// A 7200 rpm disk: about 8 ms seek plus 4 ms rotation (WD Ultrastar DC HC310: 7.4–8.2 ms seek,
  /// 4.16 ms rotational latency), 200 MB/s sustained.
  public static let publicDisk = Figures(readLatencyNs: 12_000_000, writeLatencyNs: 12_000_000, bandwidthMBps: 200)
}

extension TierSpec.Figures {
  static let dram = TierSpec.publicDRAM
  static let flash = TierSpec.publicFlash
  static let disk = TierSpec.publicDisk
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

  /// Bytes per page when a board file does not say (`page_size` absent).
  public static let defaultPageSize = 4096
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
