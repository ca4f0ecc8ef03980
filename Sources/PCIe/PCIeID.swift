/// A PCI Express function's identity on its hierarchy: bus, device and function number,
/// carried in TLP headers as 16 bits `bus[15:8] device[7:3] function[2:0]` (PCIe Base
/// Specification 6.3, §2.2.4.2, "Requester ID" / "Completer ID").
public struct PCIeID: Hashable, Sendable, CustomStringConvertible {
  /// The 16-bit value as it appears in a header.
  public let rawValue: UInt16

  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// The ID of `bus:device.function`. Device numbers above 31 and function numbers above 7
  /// do not fit the 16-bit field and trap: they are programming errors, not input.
  public init(bus: UInt8, device: UInt8, function: UInt8) {
    precondition(device < 32, "PCIe device number \(device) does not fit in 5 bits (0...31)")
    precondition(function < 8, "PCIe function number \(function) does not fit in 3 bits (0...7)")
    self.rawValue = UInt16(bus) << 8 | UInt16(device) << 3 | UInt16(function)
  }

  public var bus: UInt8 { UInt8(rawValue >> 8) }
  public var device: UInt8 { UInt8(rawValue >> 3 & 0x1F) }
  public var function: UInt8 { UInt8(rawValue & 0x7) }

  /// `bb:dd.f` in hexadecimal, as `lspci` prints it.
  public var description: String {
    hex(bus, digits: 2) + ":" + hex(device, digits: 2) + "." + String(function)
  }
}

/// `value` in lowercase hexadecimal, zero-padded to `digits`.
func hex<T: BinaryInteger>(_ value: T, digits: Int) -> String {
  let text = String(value, radix: 16)
  return String(repeating: "0", count: max(0, digits - text.count)) + text
}
