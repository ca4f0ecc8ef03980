/// The link as `ntb_link_is_up` reports it: up or not, and the crosslink's speed and width.
public struct NTBLinkState: Equatable {
  /// Crosslink up and both sides enabled.
  public var isUp: Bool
  /// The peer's own enable, as it last announced it.
  public var peerEnabled: Bool
  /// PCIe generation as in the Link Status register: 1 = 2.5 GT/s ... 5 = 32 GT/s (NTB_SPEED_GEN1...).
  public var speed: Int
  /// Lanes (NTB_WIDTH_1...).
  public var width: Int

  public init(isUp: Bool, peerEnabled: Bool, speed: Int, width: Int) {
    self.isUp = isUp
    self.peerEnabled = peerEnabled
    self.speed = speed
    self.width = width
  }
}

/// `ntb_mw_get_align`: what a memory window's translation must respect.
public struct NTBWindowAlignment: Equatable {
  /// Translated addresses are multiples of this.
  public var addressAlignment: UInt64
  /// Sizes are multiples of this.
  public var sizeAlignment: UInt64
  /// The largest size.
  public var maximumSize: UInt64

  public init(addressAlignment: UInt64, sizeAlignment: UInt64, maximumSize: UInt64) {
    self.addressAlignment = addressAlignment
    self.sizeAlignment = sizeAlignment
    self.maximumSize = maximumSize
  }
}

/// `ntb_msg_read_sts`: which inbound messages wait, which outbound ones the peer still holds,
/// and which sends were refused. Bit n of each is message register n.
public struct NTBMessageStatus: Equatable {
  public var inbound: UInt32
  public var outboundFull: UInt32
  public var refused: UInt32

  public init(inbound: UInt32, outboundFull: UInt32, refused: UInt32) {
    self.inbound = inbound
    self.outboundFull = outboundFull
    self.refused = refused
  }
}
