/// A named range of the SPI NOR flash and what it holds.
public struct FlashRegion: Equatable, Sendable {
  public enum Role: String, CaseIterable, Equatable, Sendable {
    /// The first-stage loader that picks slot A or B.
    case boot
    /// The two firmware image slots, written alternately so a failed update can roll back.
    case slotA = "slot_a"
    case slotB = "slot_b"
    /// Persistent board settings.
    case config
    /// Anything else; the only role that may appear more than once.
    case data
  }

  public var name: String
  /// Byte offset from the start of the flash, 4 KiB aligned (the flash's erase sector).
  public var offset: Int
  /// Bytes, a non-zero multiple of 4 KiB.
  public var size: Int
  public var role: Role

  public init(name: String, offset: Int, size: Int, role: Role) {
    self.name = name
    self.offset = offset
    self.size = size
    self.role = role
  }

  /// One past the last byte.
  public var end: Int { offset + size }
}

/// The SPI NOR flash on the board and how it is divided.
public struct FlashLayout: Equatable, Sendable {
  /// Erase-sector size every region is aligned to.
  public static let sectorSize = 4096
  /// The most SPI NOR can address (4-byte addresses): sizes and offsets stay within it.
  public static let maximumSize = 1 << 32

  /// Part number, for people; nothing checks it.
  public var part: String?
  /// The 24-bit JEDEC ID (manufacturer, memory type, capacity) the flasher expects to read
  /// back before writing, or nil to skip the check.
  public var jedecID: UInt32?
  /// Bytes, a power of two, at most 4 GiB.
  public var size: Int
  /// Regions in file order; validation guarantees unique names, no overlaps, every region
  /// inside `size` and sector aligned, exactly one slot_a and one slot_b, at most one boot
  /// and one config.
  public var regions: [FlashRegion]

  public init(part: String?, jedecID: UInt32?, size: Int, regions: [FlashRegion]) {
    self.part = part
    self.jedecID = jedecID
    self.size = size
    self.regions = regions
  }

  public func region(named name: String) -> FlashRegion? {
    regions.first { $0.name == name }
  }

  /// The first region with `role` (the only one, except for `.data`).
  public func region(role: FlashRegion.Role) -> FlashRegion? {
    regions.first { $0.role == role }
  }
}
