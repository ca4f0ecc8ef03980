/// The management firmware's entry, called by the start-up code with a stack, .bss zeroed
/// and .data in place. It enumerates the PCIe hierarchy and leaves the outcome in the system
/// controller's SCRATCH register for a debugger or the lab: the number of functions found,
/// or 0xE000_0000 | error number when enumeration failed.
@_cdecl("strata_main")
public func strataMain() {
  let hal = BoardHAL(systemController: BoardLayout.mmioBase)
  let access = ECAMConfigurationAccess(base: BoardLayout.ecamBase, timer: hal)
  var options = EnumerationOptions()
  options.rootMaxPayload = BoardLayout.maxPayloadBytes
  // CRS back-off from 1 µs up to the 1 s a function may take after reset (PCIe Base 4.0
  // §6.6.1), in cycles of the system controller's counter (the board's clock_mhz).
  options.retryInitialDelayCycles = UInt64(BoardLayout.clockMHz)
  options.retryTimeoutCycles = UInt64(BoardLayout.clockMHz) * 1_000_000
  let scratch = BoardLayout.mmioBase + 0x08
  do {
    let tree = try enumerate(access, options: options)
    hal.write32(scratch, UInt32(tree.functions.count))
  } catch {
    hal.write32(scratch, 0xE000_0000 | error.number)
  }
}

extension EnumerationError {
  /// A small number per case for a register (the text needs a console the board lacks).
  var number: UInt32 {
    switch self {
    case .busNumbersExhausted: return 1
    case .addressSpaceExhausted: return 2
    case .configurationReadFailed: return 3
    case .configurationWriteFailed: return 4
    case .retryBudgetExhausted: return 5
    case .invalidOptions: return 6
    }
  }
}
