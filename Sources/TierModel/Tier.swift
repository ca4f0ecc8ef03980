/// One storage tier behind the controller, fastest first. The raw value is the 2-bit TIER
/// code in page-map entries and DMA descriptors.
public enum Tier: UInt8, CaseIterable, Sendable, CustomStringConvertible {
  case dram = 0
  case flash = 1
  case disk = 2

  public var description: String {
    switch self {
    case .dram: return "DRAM"
    case .flash: return "flash"
    case .disk: return "disk"
    }
  }
}

/// Where a tier frame sits: a tier and a page-sized frame index within it.
public struct FrameAddress: Hashable, Sendable, CustomStringConvertible {
  public var tier: Tier
  public var frame: Int

  public init(_ tier: Tier, _ frame: Int) {
    self.tier = tier
    self.frame = frame
  }

  /// The 26-bit encoding shared by page-map entries and DMA descriptors: FRAME in bits 23:0,
  /// TIER in bits 25:24.
  public var encoded: UInt32 { UInt32(tier.rawValue) << 24 | UInt32(frame & 0xFF_FFFF) }

  /// Decodes `encoded`; nil for the unused tier code 3.
  public init?(encoded value: UInt32) {
    guard let tier = Tier(rawValue: UInt8(truncatingIfNeeded: value >> 24 & 0x3)) else { return nil }
    self.init(tier, Int(value & 0xFF_FFFF))
  }

  public var description: String { "\(tier) frame \(frame)" }
}

/// One page-map entry: where a page of the unified address space lives.
///
/// Encoded in 32 bits (register MAP_ENTRY and the on-chip map memory): FRAME 23:0, TIER 25:24,
/// MIGRATING 30, VALID 31.
public struct PageEntry: Equatable, Sendable {
  public var location: FrameAddress
  /// The page is mapped; an access to an invalid page is a page fault.
  public var valid: Bool
  /// A DMA descriptor with remap-on-completion is copying the page; writes to it wait.
  public var migrating: Bool

  public init(_ location: FrameAddress, valid: Bool = true, migrating: Bool = false) {
    self.location = location
    self.valid = valid
    self.migrating = migrating
  }

  public static let unmapped = PageEntry(FrameAddress(.dram, 0), valid: false)

  public static let frameBits = 24
  public static let migratingBit: UInt32 = 1 << 30
  public static let validBit: UInt32 = 1 << 31

  public var encoded: UInt32 {
    location.encoded | (migrating ? Self.migratingBit : 0) | (valid ? Self.validBit : 0)
  }

  /// Decodes a 32-bit entry; an entry with tier code 3 is decoded as invalid.
  public init(encoded value: UInt32) {
    if let location = FrameAddress(encoded: value) {
      self.init(location, valid: value & Self.validBit != 0, migrating: value & Self.migratingBit != 0)
    } else {
      self.init(FrameAddress(.dram, Int(value & 0xFF_FFFF)), valid: false, migrating: value & Self.migratingBit != 0)
    }
  }
}
