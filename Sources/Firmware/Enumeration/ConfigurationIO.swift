/// Configuration reads and writes of a function that is known to be present: a CRS
/// completion is retried with the enumeration's back-off, any other failure is an error.
struct ConfigurationIO<Access: ConfigurationAccess> {
  let access: Access
  let options: EnumerationOptions

  func read(_ bdf: BDF, _ offset: UInt16) throws(EnumerationError) -> UInt32 {
    var backOff = BackOff(options: options)
    while true {
      let r = access.read32(bdf, offset: offset)
      switch r.status {
      case .successful: return r.value
      case .configurationRetry:
        guard backOff.wait(access) else { throw .retryBudgetExhausted(bdf, offset: offset) }
      default: throw .configurationReadFailed(bdf, offset: offset, status: r.status)
      }
    }
  }

  func write(_ bdf: BDF, _ offset: UInt16, _ value: UInt32, byteEnables: UInt8 = 0xF)
    throws(EnumerationError)
  {
    var backOff = BackOff(options: options)
    while true {
      let status = access.write32(bdf, offset: offset, value, byteEnables: byteEnables)
      switch status {
      case .successful: return
      case .configurationRetry:
        guard backOff.wait(access) else { throw .retryBudgetExhausted(bdf, offset: offset) }
      default: throw .configurationWriteFailed(bdf, offset: offset, status: status)
      }
    }
  }
}

/// Exponential back-off with a budget: waits of d, 2d, 4d, ... cycles while the total stays
/// within `retryTimeoutCycles` (Linux pci_bus_wait_crs doubles from 1 ms up to its timeout).
struct BackOff {
  private var delay: UInt64
  private var waited: UInt64 = 0
  private let budget: UInt64

  init(options: EnumerationOptions) {
    delay = options.retryInitialDelayCycles
    budget = options.retryTimeoutCycles
  }

  /// Waits the next delay and returns true, or returns false when it would exceed the budget.
  mutating func wait<Access: ConfigurationAccess>(_ access: Access) -> Bool {
    guard budget - waited >= delay else { return false }
    access.wait(cycles: delay)
    waited += delay
    delay = delay > UInt64.max / 2 ? UInt64.max : delay * 2
    return true
  }
}
