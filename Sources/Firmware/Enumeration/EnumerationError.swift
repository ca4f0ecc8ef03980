/// Why enumeration stopped. Nothing is left half-assigned silently: resource assignment is
/// computed whole before any BAR or window is written, so an exhaustion error leaves every BAR
/// as sizing restored it and every window closed.
public enum EnumerationError: Error, Equatable, Sendable {
  /// The bridge at `bridge` needs a secondary bus number but `lastBus` is already used.
  case busNumbersExhausted(bridge: BDF, lastBus: UInt8)
  /// The resources below the root need `needed` bytes of `space` (with alignment) but the
  /// aperture has `available`.
  case addressSpaceExhausted(space: AddressSpace, needed: UInt64, available: UInt64)
  /// A configuration read of a function that answered before completed with `status`.
  case configurationReadFailed(BDF, offset: UInt16, status: CompletionStatus)
  /// A configuration write completed with `status`.
  case configurationWriteFailed(BDF, offset: UInt16, status: CompletionStatus)
  /// A function kept answering CRS to a request after its vendor ID was read.
  case retryBudgetExhausted(BDF, offset: UInt16)
  /// An option is out of range (the memory aperture must lie below 4 GiB, and so on).
  case invalidOptions(reason: String)

  public enum AddressSpace: Equatable, Sendable {
    /// 32-bit non-prefetchable memory.
    case memory
    /// 64-bit prefetchable memory.
    case prefetchableMemory
  }
}

extension EnumerationError: CustomStringConvertible {
  public var description: String {
    switch self {
    case .busNumbersExhausted(let bridge, let last):
      return "no bus number left for the secondary bus of bridge \(bridge.text): bus \(last) is the last in range; widen the bus range (options.buses) or remove a bridge"
    case .addressSpaceExhausted(let space, let needed, let available):
      let name = space == .memory ? "non-prefetchable memory" : "prefetchable memory"
      return "the devices need \(needed) bytes of \(name) (aligned) but the aperture has \(available); enlarge the aperture or remove devices"
    case .configurationReadFailed(let bdf, let offset, let status):
      return "configuration read of \(bdf.text) at offset \(offset) completed with status \(status.rawValue) (1 UR, 4 CA)"
    case .configurationWriteFailed(let bdf, let offset, let status):
      return "configuration write of \(bdf.text) at offset \(offset) completed with status \(status.rawValue) (1 UR, 4 CA)"
    case .retryBudgetExhausted(let bdf, let offset):
      return "\(bdf.text) still answers Configuration Retry Status at offset \(offset) after the retry budget; raise options.retryTimeoutCycles"
    case .invalidOptions(let reason):
      return "invalid enumeration options: \(reason)"
    }
  }
}

extension BDF {
  /// "bb:dd.f" in hexadecimal, as lspci prints it.
  public var text: String {
    hex2(bus) + ":" + hex2(device) + "." + String(function)
  }
}

func hex2(_ v: UInt8) -> String {
  let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
  return String(digits[Int(v >> 4)]) + String(digits[Int(v & 0xF)])
}
