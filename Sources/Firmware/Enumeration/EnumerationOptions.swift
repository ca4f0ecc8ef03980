/// What enumeration may use: bus numbers, address apertures, retry budget, payload limit.
public struct EnumerationOptions: Equatable, Sendable {
  /// The root bus number and the last bus number enumeration may hand out.
  public var rootBus: UInt8
  public var lastBus: UInt8
  /// Non-prefetchable memory for BARs and bridge memory windows; must lie below 4 GiB
  /// (a bridge's memory window is 32-bit).
  public var memoryAperture: AddressWindow
  /// Prefetchable memory for 64-bit prefetchable BARs; nil puts them in `memoryAperture`.
  public var prefetchableAperture: AddressWindow?
  /// The first back-off after a CRS completion; each further one doubles. Default: 1 µs at
  /// 250 MHz.
  public var retryInitialDelayCycles: UInt64
  /// The most cycles spent waiting on one function before it is given up as not ready.
  /// Default: 1 s at 250 MHz, the time a function may take after reset before it must answer
  /// other than CRS (PCIe Base 4.0 §6.6.1).
  public var retryTimeoutCycles: UInt64
  /// The root's Max_Payload_Size in bytes (the board's `switch.max_payload_bytes`).
  public var rootMaxPayload: Int
  public var payloadPolicy: PayloadPolicy

  /// How Max_Payload_Size is chosen (Linux drivers/pci/pci.c, pcie_bus_config).
  public enum PayloadPolicy: Equatable, Sendable {
    /// Each function gets the minimum of its own MPS Supported and every bridge's above it,
    /// capped by the root (Linux pci=pcie_bus_perf, pcie_write_mps).
    case pathMinimum
    /// Every function gets the minimum over the whole hierarchy (Linux pci=pcie_bus_safe),
    /// safe for peer-to-peer traffic.
    case fabricMinimum
  }

  public init(rootBus: UInt8 = 0, lastBus: UInt8 = 0xFF,
              memoryAperture: AddressWindow = AddressWindow(base: 0xC000_0000, limit: 0xEFFF_FFFF),
              prefetchableAperture: AddressWindow? = AddressWindow(base: 0x40_0000_0000, limit: 0x7F_FFFF_FFFF),
              retryInitialDelayCycles: UInt64 = 250, retryTimeoutCycles: UInt64 = 250_000_000,
              rootMaxPayload: Int = 256, payloadPolicy: PayloadPolicy = .pathMinimum) {
    self.rootBus = rootBus
    self.lastBus = lastBus
    self.memoryAperture = memoryAperture
    self.prefetchableAperture = prefetchableAperture
    self.retryInitialDelayCycles = retryInitialDelayCycles
    self.retryTimeoutCycles = retryTimeoutCycles
    self.rootMaxPayload = rootMaxPayload
    self.payloadPolicy = payloadPolicy
  }

  func validate() throws(EnumerationError) {
    guard rootBus <= lastBus else {
      throw .invalidOptions(reason: "rootBus \(rootBus) is above lastBus \(lastBus)")
    }
    guard memoryAperture.base <= memoryAperture.limit, memoryAperture.limit <= 0xFFFF_FFFF else {
      throw .invalidOptions(reason: "the memory aperture must be a non-empty range below 4 GiB (bridge memory windows are 32-bit)")
    }
    if let p = prefetchableAperture, p.base > p.limit {
      throw .invalidOptions(reason: "the prefetchable aperture is empty (base above limit)")
    }
    guard retryInitialDelayCycles > 0 else {
      throw .invalidOptions(reason: "retryInitialDelayCycles must be at least 1")
    }
    guard [128, 256, 512, 1024, 2048, 4096].contains(rootMaxPayload) else {
      throw .invalidOptions(reason: "rootMaxPayload \(rootMaxPayload) is not a power of two from 128 to 4096")
    }
  }
}
