/// A ping-pong in the manner of Linux's drivers/ntb/test/ntb_pingpong.c, as one node's firmware
/// step function: on its doorbell interrupt (vector 0) a side reads the count the peer left in
/// its scratchpad 0, clears the doorbell, writes count + 1 to the peer's scratchpad 0 and rings
/// the next doorbell bit (shifted by one, wrapping over the valid bits). Round r thus rings bit
/// r mod doorbells and carries count r; the game ends after `rounds` rings.
public final class NTBPingPong<H: HAL> {
  public let driver: NTBDriver<H>
  public let rounds: Int
  /// Doorbells and count seen at each interrupt this side took, in order.
  public private(set) var seenDoorbells: [UInt64] = []
  public private(set) var seenCounts: [UInt32] = []
  /// Cycles from this side's ring to its next interrupt: a round trip through the peer's firmware.
  public private(set) var roundTripCycles: [UInt64] = []
  public private(set) var failure: NTBError?
  /// Cycles an idle step waits for the interrupt before it returns.
  public var idleWait: UInt64 = 4
  var lastRing: UInt64?

  public init(driver: NTBDriver<H>, rounds: Int) {
    self.driver = driver
    self.rounds = rounds
  }

  /// Rings `bit` with `count` in the peer's scratchpad 0 (the first side serves with 0, 0).
  public func ring(bit: Int, count: UInt32) {
    do throws(NTBError) {
      try driver.writePeerScratchpad(0, count)
      try driver.ringPeer(1 << UInt64(bit))
      lastRing = driver.hal.cycles
    } catch { failure = error }
  }

  /// Whether this side has taken its share of the rounds (or failed).
  public var finished: Bool { failure != nil || 2 * seenCounts.count >= rounds }

  /// One turn: waits up to `idleWait` cycles for the interrupt, answers it; returns `finished`.
  public func step() -> Bool {
    if finished { return true }
    guard driver.hal.waitForInterrupt(lines: 1, timeoutCycles: idleWait) != 0 else { return false }
    return serve()
  }

  /// Answers the doorbells this function holds, if any, without waiting: for a node whose
  /// interrupt line is shared by several NTB functions (the node's system controller), which
  /// asks each function in turn. Returns `finished`.
  @discardableResult
  public func serve() -> Bool {
    if finished { return true }
    do throws(NTBError) {
      let bits = driver.readDoorbells()
      guard bits != 0 else { return finished }
      let count = try driver.readScratchpad(0)
      try driver.clearDoorbells(bits)
      seenDoorbells.append(bits)
      seenCounts.append(count)
      if let lastRing { roundTripCycles.append(driver.hal.cycles - lastRing) }
      if Int(count) + 1 < rounds { ring(bit: (bits.trailingZeroBitCount + 1) % driver.doorbellCount, count: count + 1) }
    } catch { failure = error }
    return finished
  }
}
