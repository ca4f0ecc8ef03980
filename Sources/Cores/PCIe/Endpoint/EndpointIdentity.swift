/// One memory Base Address Register of a Type 0 function (PCIe Base Specification 6.3,
/// §7.5.1.2.1): its size, whether it decodes 64-bit addresses (and so takes two BAR slots),
/// and whether it is prefetchable.
public struct BARSpec: Sendable, Equatable {
  /// Bytes the BAR claims: a power of two, at least 4 KiB (the specification's recommended
  /// minimum, so a BAR never shares a page), at most 2 GiB for a 32-bit BAR and 2^62 for a 64-bit one.
  public var bytes: UInt64
  public var is64Bit: Bool
  public var prefetchable: Bool

  public init(bytes: UInt64, is64Bit: Bool = false, prefetchable: Bool = false) {
    self.bytes = bytes
    self.is64Bit = is64Bit
    self.prefetchable = prefetchable
  }

  /// Address bits below the BAR's base: log2(bytes).
  public var offsetBits: Int { bytes.trailingZeroBitCount }
  /// BAR registers (DWs at 0x10...0x24) it occupies.
  public var slots: Int { is64Bit ? 2 : 1 }
  /// The read-only low bits of its first DW: memory space (bit 0 = 0), Type (bits 2:1, 00b
  /// 32-bit, 10b 64-bit), Prefetchable (bit 3).
  public var typeBits: UInt32 { (is64Bit ? 0b100 : 0) | (prefetchable ? 0b1000 : 0) }
}

/// The constants of a PCI Express endpoint function's Type 0 configuration space.
public struct EndpointIdentity: Sendable {
  public var vendorID: Int
  public var deviceID: Int
  public var revisionID: Int
  /// Base class, sub-class and programming interface, 24 bits (0x058000: memory controller, other).
  public var classCode: Int
  public var subsystemVendorID: Int
  public var subsystemID: Int
  /// The memory BARs in slot order from BAR0; a 64-bit BAR takes two slots, six slots in all.
  public var bars: [BARSpec]
  /// Largest payload the function accepts, a power of two in 128...4096 bytes (Max_Payload_Size Supported).
  public var maxPayloadBytes: Int
  /// Link speed as the Link Capabilities encode it: 1 = 2.5 GT/s ... 5 = 32 GT/s.
  public var maxLinkSpeed: Int
  /// Lanes: 1, 2, 4, 8 or 16.
  public var maxLinkWidth: Int

  public init(vendorID: Int, deviceID: Int, revisionID: Int = 0, classCode: Int = 0x05_80_00, subsystemVendorID: Int? = nil,
              subsystemID: Int = 0, bars: [BARSpec], maxPayloadBytes: Int = 256, maxLinkSpeed: Int = 3, maxLinkWidth: Int = 4) {
    self.vendorID = vendorID
    self.deviceID = deviceID
    self.revisionID = revisionID
    self.classCode = classCode
    self.subsystemVendorID = subsystemVendorID ?? vendorID
    self.subsystemID = subsystemID
    self.bars = bars
    self.maxPayloadBytes = maxPayloadBytes
    self.maxLinkSpeed = maxLinkSpeed
    self.maxLinkWidth = maxLinkWidth
  }

  /// The slot (0...5, the BAR register at 0x10 + 4 × slot) where each BAR of `bars` starts.
  public var barSlots: [Int] {
    var next = 0
    return bars.map { bar in defer { next += bar.slots }; return next }
  }
}
