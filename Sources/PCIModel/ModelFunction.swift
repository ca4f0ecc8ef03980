import Firmware

/// One PCI function's configuration space, modelled from the specifications independently of
/// the firmware: 4 KiB of registers, a write mask per byte (read-only bits keep their value)
/// and a write-one-to-clear mask per byte.
///
/// Sources: PCI Local Bus 3.0 §6.1-6.2.5 (Type 0 header, BAR size masks and type bits),
/// PCI-to-PCI Bridge Architecture 1.2 §3.2 (Type 1 header: bus numbers, I/O, memory and
/// prefetchable windows with 1 MiB granularity, 64-bit prefetchable marker 1h), PCI Express
/// Base 4.0 §7.5.1 (the headers as PCIe uses them) and §7.5.3 (PCI Express Capability:
/// Device/Port Type, Max_Payload_Size Supported, Max_Payload_Size in Device Control).
public final class ModelFunction {
  public enum BAR: Equatable, Sendable {
    case memory32(size: UInt64, prefetchable: Bool = false)
    case memory64(size: UInt64, prefetchable: Bool = false)
    case io(size: UInt64)

    public var size: UInt64 {
      switch self {
      case .memory32(let s, _), .memory64(let s, _), .io(let s): return s
      }
    }
    var slots: Int { if case .memory64 = self { return 2 } else { return 1 } }
  }

  public enum PortType: UInt8, Sendable {
    case endpoint = 0x0, rootPort = 0x4, upstreamPort = 0x5, downstreamPort = 0x6, pcieToPCIBridge = 0x7
  }

  public let name: String
  public internal(set) var space = [UInt8](repeating: 0, count: 4096)
  var writable = [UInt8](repeating: 0, count: 4096)
  var writeOneToClear = [UInt8](repeating: 0, count: 4096)
  /// BAR specifications by slot (the lower slot of a 64-bit BAR).
  public private(set) var bars: [Int: BAR] = [:]
  public let isBridge: Bool
  public let portType: PortType?
  /// The bus behind a bridge.
  public let secondary: ModelBus?
  /// Until this cycle every request completes with Configuration Request Retry Status.
  public var readyAtCycle: UInt64 = 0
  /// BAR writes of all ones made while memory or I/O decode was on (sizing must turn it off).
  public private(set) var sizingWithDecodeOn: [UInt16] = []

  public static let expressCapabilityOffset = 0x50
  /// The Revision ID of every modelled function (topology files do not set one).
  public static let revisionID: UInt8 = 1

  /// A Type 0 endpoint. `maxPayloadSupported` in bytes (nil: conventional PCI, no PCIe capability).
  public init(_ name: String, vendor: UInt16 = 0x1D1D, device: UInt16 = 0x0001, classCode: UInt32 = 0x058000,
       bars: [Int: BAR] = [:], maxPayloadSupported: Int? = 512) {
    self.name = name
    isBridge = false
    portType = maxPayloadSupported == nil ? nil : .endpoint
    secondary = nil
    identify(vendor: vendor, device: device, classCode: classCode, headerType: 0)
    for (slot, bar) in bars { install(bar, at: slot) }
    if let m = maxPayloadSupported { addExpressCapability(.endpoint, maxPayloadSupported: m) }
  }

  /// A Type 1 bridge to `secondary`. `prefetchable`: .bits64 (marker 1h, upper dwords
  /// writable), .bits32 (marker 0h) or .none (the window registers read 0).
  public init(_ name: String, bridge port: PortType?, to secondary: ModelBus, prefetchable: PrefetchableWindow = .bits64,
       bars: [Int: BAR] = [:], maxPayloadSupported: Int = 512, vendor: UInt16 = 0x1D1D, device: UInt16 = 0x0100) {
    self.name = name
    isBridge = true
    portType = port
    self.secondary = secondary
    identify(vendor: vendor, device: device, classCode: 0x060400, headerType: 1)
    for (slot, bar) in bars { install(bar, at: slot) }
    // Bus numbers: primary, secondary, subordinate read/write; latency timer read-only 0.
    writable[0x18] = 0xFF; writable[0x19] = 0xFF; writable[0x1A] = 0xFF
    // I/O base and limit: 16-bit decode, bits 7:4 writable.
    writable[0x1C] = 0xF0; writable[0x1D] = 0xF0
    // Secondary status: error bits RW1C; start with Received Master Abort set, as probing leaves it.
    writeOneToClear[0x1F] = 0xF9
    space[0x1F] = 0x20
    // Memory base and limit: address bits 31:20 in bits 15:4.
    writable[0x20] = 0xF0; writable[0x21] = 0xFF; writable[0x22] = 0xF0; writable[0x23] = 0xFF
    switch prefetchable {
    case .none: break
    case .bits32, .bits64:
      writable[0x24] = 0xF0; writable[0x25] = 0xFF; writable[0x26] = 0xF0; writable[0x27] = 0xFF
      if prefetchable == .bits64 {
        space[0x24] = 0x01; space[0x26] = 0x01
        for i in 0x28..<0x30 { writable[i] = 0xFF }
      }
    }
    if let port { addExpressCapability(port, maxPayloadSupported: maxPayloadSupported) }
  }

  public enum PrefetchableWindow: Sendable { case none, bits32, bits64 }

  private func identify(vendor: UInt16, device: UInt16, classCode: UInt32, headerType: UInt8) {
    store16(0x00, vendor)
    store16(0x02, device)
    space[0x08] = Self.revisionID
    space[0x09] = UInt8(truncatingIfNeeded: classCode)
    space[0x0A] = UInt8(truncatingIfNeeded: classCode >> 8)
    space[0x0B] = UInt8(truncatingIfNeeded: classCode >> 16)
    space[0x0E] = headerType
    // Command: I/O space, memory space, bus master writable. Status: error bits RW1C.
    writable[0x04] = 0x07
    writeOneToClear[0x07] = 0xF9
  }

  private func install(_ bar: BAR, at slot: Int) {
    bars[slot] = bar
    let offset = 0x10 + 4 * slot
    let mask = ~(bar.size - 1)
    switch bar {
    case .io:
      store32(offset, 0x1, mask: UInt32(truncatingIfNeeded: mask) & ~0x3)
    case .memory32(_, let p):
      store32(offset, p ? 0x8 : 0x0, mask: UInt32(truncatingIfNeeded: mask) & ~0xF)
    case .memory64(_, let p):
      store32(offset, (p ? 0x8 : 0x0) | 0x4, mask: UInt32(truncatingIfNeeded: mask) & ~0xF)
      store32(offset + 4, 0, mask: UInt32(truncatingIfNeeded: mask >> 32))
    }
  }

  /// A power-management capability at 0x40 (so the list walk has a step) then the PCI Express
  /// Capability at 0x50.
  private func addExpressCapability(_ port: PortType, maxPayloadSupported: Int) {
    space[0x06] |= 0x10  // Status: capabilities list
    space[0x34] = 0x40
    space[0x40] = 0x01; space[0x41] = 0x50
    let c = Self.expressCapabilityOffset
    space[c] = 0x10; space[c + 1] = 0x00
    store16(c + 2, 0x0002 | UInt16(port.rawValue) << 4)
    store32(c + 4, UInt32(maxPayloadSupported.trailingZeroBitCount - 7), mask: 0)
    writable[c + 8] = 0xE0  // Device Control: Max_Payload_Size
  }

  public var isMultiFunction: Bool {
    get { space[0x0E] & 0x80 != 0 }
    set { space[0x0E] = newValue ? space[0x0E] | 0x80 : space[0x0E] & 0x7F }
  }

  public func load32(_ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(space[offset + $1]) << (8 * $1) }
  }

  public func write(_ offset: Int, _ value: UInt32, byteEnables: UInt8) {
    let isBAR = (0x10..<(isBridge ? 0x18 : 0x28)).contains(offset)
    if isBAR && value == 0xFFFF_FFFF && load32(0x04) & 0x3 != 0 { sizingWithDecodeOn.append(UInt16(offset)) }
    for i in 0..<4 where byteEnables & (1 << i) != 0 {
      let v = UInt8(truncatingIfNeeded: value >> (8 * i))
      let at = offset + i
      space[at] = (space[at] & ~writable[at]) | (v & writable[at])
      space[at] &= ~(v & writeOneToClear[at])
    }
  }

  private func store16(_ offset: Int, _ value: UInt16) {
    space[offset] = UInt8(truncatingIfNeeded: value)
    space[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
  }

  private func store32(_ offset: Int, _ value: UInt32, mask: UInt32) {
    for i in 0..<4 {
      space[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i))
      writable[offset + i] = UInt8(truncatingIfNeeded: mask >> (8 * i))
    }
  }

  // Decoded registers, for the checks.

  public var busNumbers: (primary: UInt8, secondary: UInt8, subordinate: UInt8) { (space[0x18], space[0x19], space[0x1A]) }
  public var memoryDecodeOn: Bool { space[0x04] & 0x2 != 0 }

  /// The memory BAR at `slot` as the registers hold it: [base, base + size - 1].
  public func barRange(_ slot: Int) -> AddressWindow? {
    guard let bar = bars[slot] else { return nil }
    let offset = 0x10 + 4 * slot
    var base = UInt64(load32(offset) & ~0xF)
    switch bar {
    case .io: return nil
    case .memory32: break
    case .memory64: base |= UInt64(load32(offset + 4)) << 32
    }
    return AddressWindow(base: base, limit: base + bar.size - 1)
  }

  /// The memory window (nil when base > limit), PCI-to-PCI Bridge 1.2 §3.2.5.8.
  public var memoryWindow: AddressWindow? {
    let r = load32(0x20)
    let base = UInt64(r & 0xFFF0) << 16
    let limit = UInt64((r >> 16) & 0xFFF0) << 16 | 0xF_FFFF
    return base <= limit ? AddressWindow(base: base, limit: limit) : nil
  }

  /// The prefetchable window (nil when base > limit), §3.2.5.9-10.
  public var prefetchableWindow: AddressWindow? {
    // Not implemented: the registers are read-only zero and nothing is decoded (§3.2.5.9).
    guard writable[0x24] != 0 else { return nil }
    let r = load32(0x24)
    var base = UInt64(r & 0xFFF0) << 16
    var limit = UInt64((r >> 16) & 0xFFF0) << 16 | 0xF_FFFF
    if r & 0xF == 1 {
      base |= UInt64(load32(0x28)) << 32
      limit |= UInt64(load32(0x2C)) << 32
    }
    return base <= limit ? AddressWindow(base: base, limit: limit) : nil
  }

  public var maxPayload: Int { 128 << Int((space[Self.expressCapabilityOffset + 8] >> 5) & 0x7) }
}

/// A bus: devices by number, functions by number. A link below a root or downstream port
/// carries device 0 only (PCIe Base 4.0 §7.3.1): configuration requests to others get UR.
public final class ModelBus {
  public private(set) var slots: [UInt8: [UInt8: ModelFunction]] = [:]
  public internal(set) var onlyDeviceZero = false

  public init(_ devices: [(device: UInt8, function: UInt8, ModelFunction)] = []) {
    for d in devices { attach(d.device, d.function, d.2) }
  }

  public func attach(_ device: UInt8, _ function: UInt8 = 0, _ f: ModelFunction) {
    slots[device, default: [:]][function] = f
    if let functions = slots[device], functions.count > 1 {
      for g in functions.values { g.isMultiFunction = true }
    }
    if let port = f.portType, port == .rootPort || port == .downstreamPort { f.secondary?.onlyDeviceZero = true }
  }

  public var functions: [ModelFunction] {
    slots.keys.sorted().flatMap { d in slots[d]!.keys.sorted().map { slots[d]![$0]! } }
  }
}
