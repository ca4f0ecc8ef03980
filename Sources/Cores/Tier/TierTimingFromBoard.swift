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
  /// The controller a board's `tiers` section describes: its page size, as many pages as the
  /// tiers hold frames (at most 2^24, the width of page numbers), 16-bit hotness counts, one
  /// descriptor in flight (the RTL engine's), a 256-entry hot list and 16-slot DMA rings.
  public init(board: Board) {
    let tiers = board.tiers
    let frames = [tiers.dram, tiers.flash, tiers.disk].reduce(0) { $0 + $1.size / tiers.pageSize }
    self.init(pageShift: tiers.pageSize.trailingZeroBitCount, pageCount: min(frames, 1 << 24), counterWidth: 16, maxInFlight: 1,
              hotListSize: 256, descriptorRingSize: 16, completionRingSize: 16)
  }
}

/// Where the tier controller's registers sit in a node's management window: `mmio_base` +
/// 0x8000, clear of the system controller's block at `mmio_base` (the first 32 KiB are left to
/// it and the switch's registers).
public let tierRegistersOffset: UInt64 = 0x8000

/// The tier controller's register map for a board: `TierShape(board:)` at `mmio_base` + `tierRegistersOffset`.
public func tierControllerRegisters(board: Board) throws -> RegisterMap {
  try tierControllerRegisters(shape: TierShape(board: board), baseAddress: board.management.mmioBase + tierRegistersOffset)
}
