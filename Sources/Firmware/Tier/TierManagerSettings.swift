/// How the tier manager runs the hotness unit and paces migrations.
public struct TierManagerSettings {
  /// Epoch length in controller cycles (HOT_EPOCH_CYCLES): the policy plans once per epoch.
  public var epochCycles: UInt32
  /// The promotion rate limit: at most this many copies to a faster tier are submitted in any
  /// one epoch (counted by submission time, windows aligned with the hotness unit's epochs).
  public var promotionsPerEpoch: Int
  /// Cycles after an epoch's end before its hot list is taken as complete: the RTL drains its
  /// counters into the list one a cycle (counters + 1 cycles), the model at once.
  public var hotListSettleCycles: UInt64

  public init(epochCycles: UInt32, promotionsPerEpoch: Int, hotListSettleCycles: UInt64 = 64) {
    self.epochCycles = epochCycles
    self.promotionsPerEpoch = promotionsPerEpoch
    self.hotListSettleCycles = hotListSettleCycles
  }
}

/// What the manager did, for reports and tests.
public struct TierManagerStatistics: Equatable {
  /// Epochs that have ended since the hotness unit was started.
  public var epochs = 0
  /// Completed copies to a faster tier, and to a slower one.
  public var promotions = 0
  public var demotions = 0
  /// Copies that completed with an error (the page stayed where it was).
  public var failedCopies = 0
  /// Moves the manager did not submit: no free frame, no promotion budget left, or a full ring.
  public var skippedMoves = 0
  public var bytesMigrated: UInt64 = 0

  public init() {}
}
