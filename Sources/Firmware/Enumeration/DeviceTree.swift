/// An inclusive address range [base, limit].
public struct AddressWindow: Equatable, Sendable {
  public var base: UInt64
  public var limit: UInt64

  public init(base: UInt64, limit: UInt64) {
    self.base = base
    self.limit = limit
  }

  public var size: UInt64 { limit &- base &+ 1 }

  public func contains(_ other: AddressWindow) -> Bool {
    other.base >= base && other.limit <= limit
  }

  public func overlaps(_ other: AddressWindow) -> Bool {
    base <= other.limit && other.base <= limit
  }
}

/// One Base Address Register as sizing found it, with the address enumeration gave it.
public struct BaseAddressRegister: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    case memory32
    /// A 64-bit memory BAR; it also occupies the next BAR slot (the upper dword).
    case memory64
    /// An I/O BAR: sized and reported, never assigned (I/O decode stays off).
    case io
  }

  /// BAR slot number, 0...5 (a 64-bit BAR's lower slot).
  public var index: Int
  public var kind: Kind
  public var isPrefetchable: Bool
  public var size: UInt64
  /// The assigned base address; nil for I/O BARs.
  public var address: UInt64?

  public init(index: Int, kind: Kind, isPrefetchable: Bool, size: UInt64, address: UInt64? = nil) {
    self.index = index
    self.kind = kind
    self.isPrefetchable = isPrefetchable
    self.size = size
    self.address = address
  }

  /// The occupied range, once assigned.
  public var range: AddressWindow? {
    address.map { AddressWindow(base: $0, limit: $0 &+ size &- 1) }
  }
}

/// A bridge's bus numbers and forwarding windows (Type 1 header).
public struct BridgeConfiguration: Equatable, Sendable {
  public var primaryBus: UInt8
  public var secondaryBus: UInt8
  public var subordinateBus: UInt8
  /// The non-prefetchable memory window (32-bit); nil when closed (base > limit).
  public var memoryWindow: AddressWindow?
  /// The prefetchable memory window; nil when closed or not implemented.
  public var prefetchableWindow: AddressWindow?
  /// The bridge implements a 64-bit prefetchable window (PCI-to-PCI Bridge 1.2 §3.2.5.10).
  public var hasPrefetchable64: Bool

  public init(primaryBus: UInt8, secondaryBus: UInt8, subordinateBus: UInt8,
              memoryWindow: AddressWindow? = nil, prefetchableWindow: AddressWindow? = nil,
              hasPrefetchable64: Bool) {
    self.primaryBus = primaryBus
    self.secondaryBus = secondaryBus
    self.subordinateBus = subordinateBus
    self.memoryWindow = memoryWindow
    self.prefetchableWindow = prefetchableWindow
    self.hasPrefetchable64 = hasPrefetchable64
  }
}

/// One PCI function found by enumeration.
public struct PCIFunction: Equatable, Sendable {
  public var bdf: BDF
  public var vendorID: UInt16
  public var deviceID: UInt16
  /// Base class, sub-class and programming interface (bits 23:0).
  public var classCode: UInt32
  public var revision: UInt8
  /// Header layout, bits 6:0 of the Header Type register: 0 endpoint, 1 PCI-to-PCI bridge.
  public var headerLayout: UInt8
  public var isMultiFunction: Bool
  /// Index in `DeviceTree.functions` of the bridge above, nil on the root bus.
  public var parent: Int?
  public var bars: [BaseAddressRegister]
  public var bridge: BridgeConfiguration?
  /// Device/Port Type from the PCI Express Capability; nil for conventional PCI functions.
  public var portType: UInt8?
  /// Max_Payload_Size Supported and the value programmed, in bytes (nil without a PCIe capability).
  public var maxPayloadSupported: Int?
  public var maxPayload: Int?
  /// Offset of the PCI Express Capability, 0 when absent.
  var expressCapability: UInt16

  public var isBridge: Bool { headerLayout == 1 }
}

/// The result of enumeration: every function in discovery order (depth first), and the
/// functions that kept answering CRS past the retry budget (treated as absent, as Linux does).
public struct DeviceTree: Equatable, Sendable {
  public var functions: [PCIFunction]
  public var notReady: [BDF]
  /// The highest bus number in use.
  public var lastBus: UInt8

  public func function(at bdf: BDF) -> PCIFunction? {
    functions.first { $0.bdf == bdf }
  }

  /// Indices of the functions directly below the bridge at `index` (nil: the root bus).
  public func children(of index: Int?) -> [Int] {
    functions.indices.filter { functions[$0].parent == index }
  }
}
