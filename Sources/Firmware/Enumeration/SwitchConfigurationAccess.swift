/// Configuration requests through the switch's configuration-request registers on its
/// management port, reached through the `HAL` (the register layout of
/// `switchManagementRegisters`, Cores/PCIe/SwitchManagementRegisters.swift, version 1):
/// clear DONE, write the target and the data, set GO, poll DONE, read the outcome.
///
/// A request the switch timed out (no completion within CFG_TIMEOUT) reads as Unsupported
/// Request, as a root complex reports a master abort; so does an engine that never raises
/// DONE within `pollLimitCycles`.
///
/// When the requester takes a root port's place on the link to the switch's upstream port
/// (`linkBus`: the upstream bridge's primary bus, as on a node), only device 0 is on that
/// link, so a request for another device there is Unsupported Request without being issued, as
/// a downstream port does (PCIe Base 4.0 §7.3.1; Linux `only_one_child`). The switch's
/// completer does not look at the device number: without `linkBus` the upstream bridge answers
/// as all 32 devices of the bus.
public final class SwitchConfigurationAccess<H: HAL>: ConfigurationAccess {
  private let hal: H
  private let base: UInt64
  private let pollLimitCycles: UInt64
  private let linkBus: UInt8?

  /// `base`: where the switch's management registers sit in the management core's map.
  public init(hal: H, base: UInt64, pollLimitCycles: UInt64 = 1 << 20, linkBus: UInt8? = nil) {
    self.hal = hal
    self.base = base
    self.pollLimitCycles = pollLimitCycles
    self.linkBus = linkBus
  }

  public func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
    let status = issue(bdf, offset: offset, byteEnables: byteEnables, write: nil)
    guard status == .successful else { return ConfigurationRead(status: status, value: 0xFFFF_FFFF) }
    return ConfigurationRead(status: status, value: hal.read32(base + SwitchConfigurationRegister.readData))
  }

  public func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus {
    issue(bdf, offset: offset, byteEnables: byteEnables, write: value)
  }

  public func wait(cycles: UInt64) { hal.wait(cycles: cycles) }

  private func issue(_ bdf: BDF, offset: UInt16, byteEnables: UInt8, write: UInt32?) -> CompletionStatus {
    if bdf.bus == linkBus && bdf.device != 0 { return .unsupportedRequest }
    hal.write32(base + SwitchConfigurationRegister.status, SwitchConfigurationBit.done)
    hal.write32(base + SwitchConfigurationRegister.target, UInt32(bdf.routingID) | UInt32(offset >> 2) << 16)
    if let write { hal.write32(base + SwitchConfigurationRegister.writeData, write) }
    hal.write32(base + SwitchConfigurationRegister.control, UInt32(byteEnables & 0xF) | (write == nil ? 0 : SwitchConfigurationBit.isWrite) | SwitchConfigurationBit.go)
    let start = hal.cycles
    var status = hal.read32(base + SwitchConfigurationRegister.status)
    while status & SwitchConfigurationBit.done == 0 {
      if hal.cycles &- start > pollLimitCycles { return .unsupportedRequest }
      status = hal.read32(base + SwitchConfigurationRegister.status)
    }
    if status & SwitchConfigurationBit.timeout != 0 { return .unsupportedRequest }
    return CompletionStatus(rawValue: UInt8((status >> 4) & 0x7)) ?? .completerAbort
  }
}

/// Register offsets from the block's base (switch management register layout version 1).
enum SwitchConfigurationRegister {
  static let target: UInt64 = 0x04
  static let control: UInt64 = 0x08
  static let writeData: UInt64 = 0x0C
  static let readData: UInt64 = 0x10
  static let status: UInt64 = 0x14
}

enum SwitchConfigurationBit {
  static let isWrite: UInt32 = 1 << 8
  static let go: UInt32 = 1 << 31
  static let done: UInt32 = 1 << 1
  static let timeout: UInt32 = 1 << 2
}
