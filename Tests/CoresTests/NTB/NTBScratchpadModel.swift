import Cores

extension NTBReferenceModel {
  /// The scratchpads of two NTB functions joined by their crosslink, written from docs/switch.md
  /// ("Scratchpads") in plain Swift, independently of the RTL: each side owns its SCRATCHPAD_n;
  /// the peer writes it through PEER_SCRATCHPAD_n (only the byte lanes it strobes) and reads it
  /// there across the link (ntb_peer_spad_read); with the link down a peer write is not sent and
  /// a peer read answers all ones, both setting PEER_OP_DROPPED.
  ///
  /// Operations are applied in the order the owner sees them, so a test that uses this model
  /// lets each posted peer write land before the next operation.
  struct Scratchpads {
    /// `pads[side][n]`: side's own SCRATCHPAD_n.
    private(set) var pads: [[UInt32]]
    /// EVENT_STATUS.PEER_OP_DROPPED of each side.
    private(set) var dropped = [false, false]
    var up = false

    init(count: Int) { pads = [[UInt32]](repeating: [UInt32](repeating: 0, count: count), count: 2) }

    /// `side` writes its own SCRATCHPAD_n.
    mutating func write(_ side: Int, _ n: Int, _ value: UInt32, strobe: UInt8 = 0xF) {
      pads[side][n] = Self.merge(pads[side][n], value, strobe)
    }

    /// `side` writes PEER_SCRATCHPAD_n: the other side's SCRATCHPAD_n.
    mutating func writePeer(_ side: Int, _ n: Int, _ value: UInt32, strobe: UInt8 = 0xF) {
      guard up else { dropped[side] = true; return }
      pads[1 - side][n] = Self.merge(pads[1 - side][n], value, strobe)
    }

    func read(_ side: Int, _ n: Int) -> UInt32 { pads[side][n] }

    /// `side` reads PEER_SCRATCHPAD_n.
    mutating func readPeer(_ side: Int, _ n: Int) -> UInt32 {
      guard up else { dropped[side] = true; return 0xFFFF_FFFF }
      return pads[1 - side][n]
    }

    mutating func clearDropped(_ side: Int) { dropped[side] = false }

    /// `old` with the bytes `strobe` selects taken from `new` (bit k: byte k).
    static func merge(_ old: UInt32, _ new: UInt32, _ strobe: UInt8) -> UInt32 {
      var mask: UInt32 = 0
      for k in 0..<4 where strobe >> UInt8(k) & 1 == 1 { mask |= 0xFF << UInt32(8 * k) }
      return old & ~mask | new & mask
    }
  }
}
