/// The management processor's view of hardware: everything the firmware does to the board goes
/// through this protocol. On the board an implementation does volatile loads and stores at the
/// addresses of the board's memory map; in tests `SimulatedHAL` turns each call into
/// cycle-accurate transactions on the node's management port of the Verilated model.
///
/// Firmware is synchronous and single-threaded, as on the real core. Drivers are generic over
/// `H: HAL` (Embedded Swift has no existentials of class-bound protocols with associated
/// behaviour to spare), and hold the HAL by reference, so the protocol is class-bound.
public protocol HAL: AnyObject {
  /// Reads the 32-bit register at `address` (4-byte aligned).
  func read32(_ address: UInt64) -> UInt32
  /// Writes the 32-bit register at `address` (4-byte aligned).
  func write32(_ address: UInt64, _ value: UInt32)
  /// Reads 64 bits at `address` (8-byte aligned): low word first, as two 32-bit accesses
  /// where the bus is 32 bits wide.
  func read64(_ address: UInt64) -> UInt64
  /// Writes 64 bits at `address` (8-byte aligned): low word first.
  func write64(_ address: UInt64, _ value: UInt64)
  /// Waits until one of the interrupt lines in `lines` is raised or `timeoutCycles` pass;
  /// returns the raised lines among `lines` (0 on timeout).
  func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32
  /// Lets `cycles` clock cycles pass.
  func wait(cycles: UInt64)
  /// Clock cycles since reset (the system controller's cycle counter on the board).
  var cycles: UInt64 { get }
}

extension HAL {
  public func read64(_ address: UInt64) -> UInt64 {
    UInt64(read32(address)) | UInt64(read32(address + 4)) << 32
  }

  public func write64(_ address: UInt64, _ value: UInt64) {
    write32(address, UInt32(truncatingIfNeeded: value))
    write32(address + 4, UInt32(truncatingIfNeeded: value >> 32))
  }
}
