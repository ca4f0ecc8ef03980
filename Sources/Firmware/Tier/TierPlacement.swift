/// Where every page is, as the firmware knows it: a shadow of the controller's page map kept
/// exact by the manager (it wrote the map at boot and every change since is one of its own
/// descriptors), the free frames, and which DRAM frame holds which page. Policies read it to
/// plan; only the manager changes it. About 4 bytes per page and 4 per DRAM frame.
public struct TierPlacement {
  public let pageCount: UInt32
  /// Frames of each tier, indexed by `MemoryTier.rawValue`.
  public let frames: [UInt32]
  /// Per page: the location's encoding (FRAME 23:0, TIER 25:24), MOVING (30: a descriptor of
  /// ours copies it), VALID (31).
  var entries: [UInt32]
  /// Per DRAM frame: the page it holds or is being filled with, or `noPage`.
  var dramResidents: [UInt32]
  public internal(set) var pools: FramePools
  /// Promotions the manager may still submit in the current epoch (the rate limit).
  public internal(set) var promotionBudget: Int = 0

  static let validBit: UInt32 = 1 << 31
  static let movingBit: UInt32 = 1 << 30
  public static let noPage = UInt32.max

  /// Where `page` lives, or nil when it is not mapped.
  public func location(of page: UInt32) -> TierFrame? {
    let e = entries[Int(page)]
    guard e & Self.validBit != 0, let tier = MemoryTier(rawValue: e >> 24 & 3) else { return nil }
    return TierFrame(tier, e & 0xFF_FFFF)
  }

  /// True while a descriptor of the manager copies `page`; a policy leaves such pages alone.
  public func isMoving(_ page: UInt32) -> Bool { entries[Int(page)] & Self.movingBit != 0 }

  public func freeFrames(_ tier: MemoryTier) -> Int { pools.count(tier) }

  /// The page in DRAM frame `frame` (also while it is being copied in), or nil.
  public func dramResident(_ frame: UInt32) -> UInt32? {
    let p = dramResidents[Int(frame)]
    return p == Self.noPage ? nil : p
  }

  mutating func setLocation(_ page: UInt32, _ frame: TierFrame) {
    entries[Int(page)] = frame.encoded | Self.validBit
  }

  mutating func setMoving(_ page: UInt32, _ moving: Bool) {
    if moving { entries[Int(page)] |= Self.movingBit } else { entries[Int(page)] &= ~Self.movingBit }
  }
}

/// One change a policy asks for. The manager finds the frames, submits the descriptors (with
/// remap-on-completion) and keeps the placement exact.
public enum TierMove: Equatable {
  /// Move `page` into a free frame of `tier` (skipped when that tier has none).
  case move(page: UInt32, to: MemoryTier)
  /// Make room for `page` in the tier `victim` is in: move `victim` into a free frame of
  /// `victimTo`, and once that copy has completed move `page` into the frame `victim` left.
  case exchange(page: UInt32, victim: UInt32, victimTo: MemoryTier)
}

/// A tiering policy: it sees each epoch's hot list and the placement and answers with moves.
/// It touches no hardware, so the same type runs against the RTL (through the HAL on the
/// Verilated model), the transaction-level model, and the board.
public protocol TierPolicy {
  /// The count per epoch from which the hotness unit lists a page (HOT_THRESHOLD).
  var hotThreshold: UInt32 { get }
  /// Plans after epoch `epoch` (0-based) ended with `hot` listed. A move that raises a page to a
  /// faster tier is a promotion; the manager submits at most `placement.promotionBudget` of them
  /// this epoch and skips the rest.
  mutating func plan(epoch: Int, hot: [HotPage], placement: TierPlacement) -> [TierMove]
}
