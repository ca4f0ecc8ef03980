/// A PCI function's address on the configuration bus: bus, device (0...31), function (0...7).
public struct BDF: Equatable, Hashable, Comparable, Sendable {
  public var bus: UInt8
  public var device: UInt8
  public var function: UInt8

  public init(bus: UInt8, device: UInt8, function: UInt8) {
    precondition(device < 32 && function < 8, "a device number is 0...31 and a function 0...7")
    self.bus = bus
    self.device = device
    self.function = function
  }

  /// The 16-bit Routing ID of configuration TLPs (bus[15:8], device[7:3], function[2:0]).
  public var routingID: UInt16 {
    UInt16(bus) << 8 | UInt16(device) << 3 | UInt16(function)
  }

  public static func < (a: BDF, b: BDF) -> Bool { a.routingID < b.routingID }
}

/// The completion status of a configuration request (PCIe Base 4.0 §2.2.9, Table 2-34).
public enum CompletionStatus: UInt8, Equatable, Sendable {
  /// Successful Completion (SC).
  case successful = 0
  /// Unsupported Request (UR): nothing at that BDF, or no bridge claims the bus.
  case unsupportedRequest = 1
  /// Configuration Request Retry Status (CRS): the function is still initialising.
  case configurationRetry = 2
  /// Completer Abort (CA).
  case completerAbort = 4
}

/// A configuration read's completion: its status and, when successful, the data.
public struct ConfigurationRead: Equatable, Sendable {
  public var status: CompletionStatus
  public var value: UInt32

  public init(status: CompletionStatus, value: UInt32) {
    self.status = status
    self.value = value
  }
}

/// How the firmware reaches configuration space: one 32-bit CfgRd/CfgWr at a BDF and
/// dword-aligned register offset, with the first-DW byte enables of the request, answered by a
/// completion. On the node this is the switch's configuration-request registers reached through
/// the `HAL`; in tests it is a Swift model of configuration spaces.
///
/// Type 0 or Type 1 is not the caller's concern: the completer (root port or switch) issues
/// Type 0 on its own bus and Type 1 beyond, and bridges convert per their bus numbers.
public protocol ConfigurationAccess: AnyObject {
  /// Reads the dword at `offset` (a multiple of 4, below 4096). Bytes not enabled read as 0.
  func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead
  /// Writes `value` to the dword at `offset`; only bytes whose bit is set in `byteEnables` change.
  func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus
  /// Lets `cycles` clock cycles pass (the back-off between retries of a CRS-completed request).
  func wait(cycles: UInt64)
}

extension ConfigurationAccess {
  /// Reads the whole dword at `offset`.
  public func read32(_ bdf: BDF, offset: UInt16) -> ConfigurationRead {
    read32(bdf, offset: offset, byteEnables: 0xF)
  }
}
