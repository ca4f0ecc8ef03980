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
