/// A storage tier behind the tier controller, fastest first. The raw value is the 2-bit TIER
/// code of page-map entries and DMA descriptors (docs/tier.md, "The address space").
public enum MemoryTier: UInt32, CaseIterable {
  case dram = 0
  case flash = 1
  case disk = 2

  /// True when `self` serves accesses faster than `other`.
  public func isFaster(than other: MemoryTier) -> Bool { rawValue < other.rawValue }
}

/// One page-sized frame of a tier.
public struct TierFrame: Equatable {
  public var tier: MemoryTier
  public var index: UInt32

  public init(_ tier: MemoryTier, _ index: UInt32) {
    self.tier = tier
    self.index = index
  }

  /// FRAME in bits 23:0, TIER in bits 25:24, as page-map entries and descriptors hold it.
  public var encoded: UInt32 { tier.rawValue << 24 | index & 0xFF_FFFF }
}

/// One hot-list entry decoded: a page of the unified space (the hotness unit counts whole pages)
/// and how many tracked requests it had in the epoch.
public struct HotPage: Equatable {
  public var page: UInt32
  public var count: UInt32

  public init(page: UInt32, count: UInt32) {
    self.page = page
    self.count = count
  }
}
