/// Configuration-space register offsets and fields the enumeration uses.
///
/// Sources: PCI Local Bus Specification 3.0 §6.1-6.2 (Type 0 header, BARs), PCI-to-PCI Bridge
/// Architecture Specification 1.2 §3.2 (Type 1 header, windows), PCI Express Base
/// Specification 4.0 §7.5.1 (both headers as PCIe uses them) and §7.5.3 (PCI Express
/// Capability).
enum ConfigurationRegister {
  static let vendorAndDevice: UInt16 = 0x00
  static let commandAndStatus: UInt16 = 0x04
  static let classAndRevision: UInt16 = 0x08
  /// Cache line size, latency timer, header type (byte 2), BIST.
  static let headerTypeDword: UInt16 = 0x0C
  static let firstBAR: UInt16 = 0x10
  static let capabilitiesPointer: UInt16 = 0x34

  // Type 1 (bridge) header.
  /// Primary, secondary and subordinate bus numbers, secondary latency timer.
  static let busNumbers: UInt16 = 0x18
  /// I/O base and limit (low bytes), secondary status (high half).
  static let ioBaseLimitAndSecondaryStatus: UInt16 = 0x1C
  static let memoryBaseLimit: UInt16 = 0x20
  static let prefetchableBaseLimit: UInt16 = 0x24
  static let prefetchableBaseUpper: UInt16 = 0x28
  static let prefetchableLimitUpper: UInt16 = 0x2C
  static let ioBaseLimitUpper: UInt16 = 0x30
}

enum CommandBit {
  static let ioSpace: UInt32 = 1 << 0
  static let memorySpace: UInt32 = 1 << 1
  static let busMaster: UInt32 = 1 << 2
}

/// Status register bit 4: the function has a capabilities list.
let statusCapabilitiesList: UInt32 = 1 << (16 + 4)

/// PCI Express Capability (ID 0x10) fields, PCIe Base 4.0 §7.5.3.
enum PCIExpressCapability {
  static let id: UInt8 = 0x10
  /// Device/Port Type, bits 7:4 of the PCI Express Capabilities register (cap + 2).
  static let rootPort: UInt8 = 0x4
  static let downstreamSwitchPort: UInt8 = 0x6
  /// Device Capabilities (cap + 4): Max_Payload_Size Supported in bits 2:0.
  static let deviceCapabilities: UInt16 = 4
  /// Device Control (cap + 8): Max_Payload_Size in bits 7:5.
  static let deviceControl: UInt16 = 8
}

/// The vendor ID a root complex with CRS Software Visibility enabled returns for a read of
/// the Vendor ID register completed with CRS (PCIe Base 4.0 §2.3.2).
let crsVendorID: UInt32 = 0x0001

/// Bridge memory windows have 1 MiB granularity (PCI-to-PCI Bridge 1.2 §3.2.5.8-9).
let bridgeWindowGranule: UInt64 = 1 << 20
