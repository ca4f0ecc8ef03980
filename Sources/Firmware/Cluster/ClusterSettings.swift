/// The numbers the cluster boot (`ClusterNode`) works with. Defaults fit every board in
/// boards/ (RAM of at least 1 MiB, windows of at least 4 KiB, two windows per NTB port).
public struct ClusterSettings {
  /// Rounds of ntb_pingpong on each crosslink (even: each side takes half).
  public var pingPongRounds: Int
  /// The management core's Requester ID on its root complex: the one requester let through
  /// the NTB windows.
  public var coreRequesterID: UInt16
  public var enumeration: EnumerationOptions
  /// Where in RAM each NTB port's transport ring lives: `ringsOffset + ringBytes * port`.
  public var ringsOffset: UInt64
  public var ringBytes: Int
  /// The buffer this node lends its peers (announced in its hello): RAM offset and size.
  public var sharedBufferOffset: UInt64
  public var sharedBufferBytes: Int
  /// What node 0 writes into its first peer's shared buffer through an NTB window and reads back.
  public var copyData: [UInt8]
  /// Cycles an idle turn waits for the interrupt line.
  public var idleWaitCycles: UInt64
  /// Cycles after the links are enabled by which an NTB port's physical link must be up; a
  /// port still down then (a cable nobody plugged in) is left out of the cluster.
  public var linkTimeoutCycles: UInt64

  public init(pingPongRounds: Int = 64, coreRequesterID: UInt16 = 0x0000, enumeration: EnumerationOptions = EnumerationOptions(),
              ringsOffset: UInt64 = 0x1_0000, ringBytes: Int = 4096,
              sharedBufferOffset: UInt64 = 0x8_0000, sharedBufferBytes: Int = 4096,
              copyData: [UInt8] = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }, idleWaitCycles: UInt64 = 8,
              linkTimeoutCycles: UInt64 = 50_000) {
    self.pingPongRounds = pingPongRounds
    self.coreRequesterID = coreRequesterID
    self.enumeration = enumeration
    self.ringsOffset = ringsOffset
    self.ringBytes = ringBytes
    self.sharedBufferOffset = sharedBufferOffset
    self.sharedBufferBytes = sharedBufferBytes
    self.copyData = copyData
    self.idleWaitCycles = idleWaitCycles
    self.linkTimeoutCycles = linkTimeoutCycles
  }
}

/// Why a node's cluster boot stopped.
public enum ClusterBootError: Error, Equatable {
  case enumeration(EnumerationError)
  case ntb(port: Int, NTBError)
  case transport(port: Int, NTBTransportError)
  /// The NTB endpoint enumeration found has no memory BAR 0 with an address.
  case windowsUnassigned(port: Int)
  /// The remote copy needs a second window (window 0 carries the transport's ring).
  case needsTwoWindows(port: Int, windows: Int)
  /// A peer's message did not parse (its first byte, the kind, and its length).
  case malformedMessage(port: Int, kind: UInt8, bytes: Int)
  /// `copyData` does not fit the peer's shared buffer or is not whole words.
  case copyDoesNotFit(bytes: Int, buffer: Int)
}
