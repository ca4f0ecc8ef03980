/// One NTB port of a node during the cluster boot: its driver, its ntb_pingpong game, its
/// transport once the game is over, and what it learnt about the node at the far end.
public final class ClusterPort<H: HAL> {
  public let index: Int
  public let driver: NTBDriver<H>
  /// The endpoint's place on the node's PCIe hierarchy.
  public let endpoint: BDF
  public let pingPong: NTBPingPong<H>
  public internal(set) var transport: NTBTransport<H>?
  /// The link as it was when it first came up.
  public internal(set) var link: NTBLinkState?
  /// The far node's index and the buffer it lends, from its hello.
  public internal(set) var peer: Int?
  public internal(set) var peerBuffer: UInt64 = 0
  public internal(set) var peerBufferBytes: Int = 0
  /// Messages waiting for the transport's first handshake.
  var outbox: [ClusterMessage] = []
  var helloSent = false

  init(index: Int, driver: NTBDriver<H>, endpoint: BDF, rounds: Int) {
    self.index = index
    self.driver = driver
    self.endpoint = endpoint
    pingPong = NTBPingPong(driver: driver, rounds: rounds)
  }
}
