import HDL

/// A ready/valid stream of packets: a `Stream` with `last`, which marks the final word
/// (beat) of a packet, like AXI4-Stream's `tlast`. A beat moves when `valid` and `ready` are
/// both 1; once `valid` is raised the producer holds it, `data` and `last` until the transfer.
/// Ports are named `<port>_valid`, `<port>_ready`, `<port>_data`, `<port>_last`.
public struct PacketStream: Interface {
  public let valid: Signal
  public let ready: Signal
  public let data: Signal
  public let last: Signal

  /// A template of a packet stream carrying `width`-bit beats.
  public init(width: Int) {
    self.init(valid: templateSignal(width: 1), ready: templateSignal(width: 1), data: templateSignal(width: width),
              last: templateSignal(width: 1))
  }

  public init(valid: Signal, ready: Signal, data: Signal, last: Signal) {
    self.valid = valid
    self.ready = ready
    self.data = data
    self.last = last
  }

  /// 1 in a cycle where a beat is transferred.
  public var fires: Signal { valid && ready }

  /// 1 in the cycle the last beat of a packet is transferred.
  public var ends: Signal { valid && ready && last }

  public var members: [InterfaceMember] {
    [.init("valid", valid, .forward), .init("ready", ready, .backward), .init("data", data, .forward),
     .init("last", last, .forward)]
  }

  public func rebound(_ bind: (InterfaceMember) -> Signal) -> PacketStream {
    let m = members
    return PacketStream(valid: bind(m[0]), ready: bind(m[1]), data: bind(m[2]), last: bind(m[3]))
  }
}
