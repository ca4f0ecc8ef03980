/// Configuration access for enumerating a node's switch: every request passes through, except
/// that a bridge's bus numbers cleared to 0 (enumeration clears each bridge it finds, as Linux
/// does, so stale numbers claim nothing) are parked at bus 0xFF instead.
///
/// Why: the switch routes an ID-routed TLP to a downstream port whose secondary ≤ bus ≤
/// subordinate without checking that the bus is inside its upstream bridge's range, so a
/// cleared bridge (0, 0) claims bus 0: the completions for the configuration requester
/// (bus 0, device 31, function 7) that arrive while a sibling bridge is still cleared go to
/// that sibling's link and are lost. Parked at 0xFF, a bridge claims only the last bus number,
/// which enumeration hands out last and these switches never reach.
public final class ParkedBusNumbers<Inner: ConfigurationAccess>: ConfigurationAccess {
  public let inner: Inner

  public init(_ inner: Inner) { self.inner = inner }

  public func read32(_ bdf: BDF, offset: UInt16, byteEnables: UInt8) -> ConfigurationRead {
    inner.read32(bdf, offset: offset, byteEnables: byteEnables)
  }

  public func write32(_ bdf: BDF, offset: UInt16, _ value: UInt32, byteEnables: UInt8) -> CompletionStatus {
    // Primary, Secondary and Subordinate Bus Number (Type 1 header 0x18, bytes 0-2) all written 0.
    let clearsBusNumbers = offset == 0x18 && byteEnables & 0b0111 == 0b0111 && value & 0xFF_FFFF == 0
    return inner.write32(bdf, offset: offset, clearsBusNumbers ? value | 0xFF_FF00 : value, byteEnables: byteEnables)
  }

  public func wait(cycles: UInt64) { inner.wait(cycles: cycles) }
}
