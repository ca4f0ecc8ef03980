import Board
import TierModel

extension TierTiming {
  /// The tiers, page size, time scale and clock of a board file, for the transaction-level model
  /// and the backing-store models.
  public init(board: Board, beatBytes: Int = 8) {
    func spec(_ t: TierSpec) -> StoreSpec {
      StoreSpec(size: t.size, readLatencyNs: t.readLatencyNs, writeLatencyNs: t.writeLatencyNs, bandwidthMBps: t.bandwidthMBps)
    }
    let tiers = board.tiers
    self.init(pageSize: tiers.pageSize, timeScale: tiers.timeScale, clockMHz: board.clockMHz, beatBytes: beatBytes,
              dram: spec(tiers.dram), flash: spec(tiers.flash), disk: spec(tiers.disk))
  }
}

extension TierShape {
  /// The controller a board's `tiers` section describes: its page size, `mapped_size` in pages
  /// (the page map's entries, on-chip memory), `dma_lanes` descriptors in flight, 16-bit hotness
  /// counts, a 256-entry hot list and 16-slot DMA rings.
  public init(board: Board) {
    let tiers = board.tiers
    self.init(pageShift: tiers.pageSize.trailingZeroBitCount, pageCount: tiers.mappedPages, counterWidth: 16,
              maxInFlight: tiers.dmaLanes, hotListSize: 256, descriptorRingSize: 16, completionRingSize: 16)
  }
}

/// Frames of each tier of a board (DRAM, flash, disk), as the DMA engine checks descriptors against.
public func tierFrames(board: Board) -> [Int] {
  let tiers = board.tiers
  return [tiers.dram, tiers.flash, tiers.disk].map { min($0.size / tiers.pageSize, 1 << 24) }
}

/// Where the tier controller's registers sit in a node's management window: `mmio_base` +
/// 0x8000, clear of the system controller's block at `mmio_base` (the first 32 KiB are left to
/// it and the switch's registers).
public let tierRegistersOffset: UInt64 = 0x8000

/// The tier controller's register map for a board: `TierShape(board:)` at `mmio_base` + `tierRegistersOffset`.
public func tierControllerRegisters(board: Board) throws -> RegisterMap {
  try tierControllerRegisters(shape: TierShape(board: board), baseAddress: board.management.mmioBase + tierRegistersOffset)
}
