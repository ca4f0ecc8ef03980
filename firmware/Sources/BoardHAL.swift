import _Volatile

/// The HAL on the board: volatile loads and stores at physical addresses, time and
/// interrupts from the system controller at the start of the MMIO region (its map is
/// `systemControlRegisters` in Sources/Cores/Registers).
///
/// `lines` in `waitForInterrupt` are INTERRUPT_STATUS bits; a line counts as raised when it is
/// pending and enabled in INTERRUPT_ENABLE, as the node's `irq` output is their OR (the
/// simulated HAL watches that output). The image polls: it installs no vector table, and a
/// core's WFI would need the board to wire `irq` to its interrupt controller.
final class BoardHAL: HAL {
  private let systemController: UInt64
  private static let interruptStatus: UInt64 = 0x10
  private static let interruptEnable: UInt64 = 0x14
  private static let cycleCountLow: UInt64 = 0x18
  private static let cycleCountHigh: UInt64 = 0x1C

  init(systemController: UInt64) {
    self.systemController = systemController
  }

  func read32(_ address: UInt64) -> UInt32 {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).load()
  }

  func write32(_ address: UInt64, _ value: UInt32) {
    VolatileMappedRegister<UInt32>(unsafeBitPattern: UInt(address)).store(value)
  }

  /// HIGH, LOW, HIGH again; a carry between the reads shows as a changed HIGH.
  var cycles: UInt64 {
    while true {
      let high = read32(systemController + Self.cycleCountHigh)
      let low = read32(systemController + Self.cycleCountLow)
      if read32(systemController + Self.cycleCountHigh) == high {
        return UInt64(high) << 32 | UInt64(low)
      }
    }
  }

  func wait(cycles count: UInt64) {
    let start = cycles
    while cycles &- start < count {}
  }

  func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 {
    let start = cycles
    repeat {
      let raised = read32(systemController + Self.interruptStatus) & read32(systemController + Self.interruptEnable) & lines
      if raised != 0 { return raised }
    } while cycles &- start < timeoutCycles
    return 0
  }
}
