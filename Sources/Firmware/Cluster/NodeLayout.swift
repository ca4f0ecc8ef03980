/// Where a node's blocks sit in its management processor's address map: the board's
/// management window from `mmio_base` (the layout of Cores' `NodeAddressMap`, which the
/// firmware cannot import; FirmwareSimulationTests checks the two agree) and its RAM.
public struct NodeLayout: Equatable {
  /// The board's `management.mmio_base`: the system controller's registers.
  public var mmioBase: UInt64
  /// The board's `management.ram_base` and `ram_size`: the core's own RAM.
  public var ramBase: UInt64
  public var ramSize: UInt64
  /// The board's `clock_mhz`: cycles to nanoseconds in reports.
  public var clockMHz: Int

  public init(mmioBase: UInt64, ramBase: UInt64, ramSize: UInt64, clockMHz: Int) {
    self.mmioBase = mmioBase
    self.ramBase = ramBase
    self.ramSize = ramSize
    self.clockMHz = clockMHz
  }

  /// The system controller (`systemControlRegisters`).
  public var systemControl: UInt64 { mmioBase }
  /// The PCIe switch's management registers (`switchManagementRegisters`).
  public var pcieSwitch: UInt64 { mmioBase + 0x2000 }
  /// NTB port `j`'s registers (`ntbRegisters`): 64 KiB each from 0x10000.
  public func ntb(_ j: Int) -> UInt64 { mmioBase + 0x1_0000 * UInt64(j + 1) }
  /// NTB ports the window has room for.
  public static var maxNTBPorts: Int { 15 }
}

/// The system controller's registers the cluster firmware uses (Cores/Registers/SystemControlRegisters.swift).
enum SystemControlRegister {
  static let node: UInt64 = 0x0C
  static let interruptStatus: UInt64 = 0x10
  static let interruptEnable: UInt64 = 0x14
  /// INTERRUPT_STATUS/ENABLE.DOORBELL: any NTB port raises any vector.
  static let doorbell: UInt32 = 1 << 0
}

/// The PCI identity of a node's NTB endpoints (Cores: `nodeNTBVendorID`, `nodeNTBDeviceID`,
/// class 0x068000 "other bridge").
public enum NodeNTBIdentity {
  public static var vendorID: UInt16 { 0x1AB4 }
  public static var deviceID: UInt16 { 0x5A02 }
  public static var classCode: UInt32 { 0x06_8000 }
}
