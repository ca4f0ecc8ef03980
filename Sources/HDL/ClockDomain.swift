/// The clock and reset that registers are updated by.
public struct ClockDomain {
  public enum ResetKind: String, Sendable { case synchronous, asynchronous }

  public let clock: Signal
  public let reset: Signal?
  public let resetKind: ResetKind
  /// True when the reset is asserted at 0 (for example `rst_n`).
  public let resetActiveLow: Bool

  public init(clock: Signal, reset: Signal?, resetKind: ResetKind = .synchronous, resetActiveLow: Bool = false) {
    self.clock = clock
    self.reset = reset
    self.resetKind = resetKind
    self.resetActiveLow = resetActiveLow
  }

  /// Identity for grouping registers into one `always` block.
  var key: String {
    "\(clock.node.name ?? "?")|\(reset?.node.name ?? "-")|\(resetKind.rawValue)|\(resetActiveLow)"
  }
}
