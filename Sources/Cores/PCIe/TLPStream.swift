import HDL

/// TLPs on a ready/valid stream, one TLP per packet of beats, in the shape of verilog-pcie's
/// generic TLP interface (Forencich): the header travels beside the first beat, so the payload
/// starts DW-aligned in lane 0 whatever the header size and a router decides on the first
/// beat without shifting data.
///
/// - `header` (128 bits): DW0 in bits 127:96 down to DW3 in bits 31:0 (a 3DW header leaves
///   bits 31:0 zero), each DW with the header's first byte in its top bits, as transmitted.
///   Valid on the `start` beat; later beats repeat it or carry anything.
/// - `data` (`dataWidth` bits, 64/128/256): payload DW `i` of the TLP in beat `i / lanes`,
///   lane `i % lanes` (bits `32 * lane ..< 32 * lane + 32`), its lowest-addressed byte in the
///   lane's bits 7:0.
/// - `strobe` (one bit per lane): which lanes hold payload. A TLP without payload is one beat
///   with `strobe` all zero; byte-level enables stay in the header's First/Last DW BE, so
///   lanes are whole DWs as the payload is.
/// - `start`, `end`: first and last beat of the TLP (both on a single-beat TLP).
/// - **Nullify marker**: a beat with `end` set, `start` clear and `strobe` all zero ends the
///   TLP as bad, as the EDB (End Bad) symbol and inverted LCRC end a TLP that a cut-through
///   switch has begun to forward before finding it bad (§3.6.2, nullified TLPs): every consumer
///   discards the TLP. Its credits were consumed by its header when it started and are
///   returned when it is discarded, so both sides' credit counters agree without a rewind. No well-formed TLP has such a beat (every beat after the
///   first carries payload), so every queue and merge carries the marker unchanged.
///   `switchIngress` sends it when a TLP turns out malformed on a later beat;
///   `TLPStreamBeat.nullifies` is the Swift test for it.
///
/// A beat moves when `valid` and `ready` are both 1; once `valid` is raised the producer
/// holds it and every forward member steady until the transfer. The end-to-end digest
/// (TD) is not carried: ports that receive one drop it.
public struct TLPStream: Interface {
  public let valid: Signal
  public let ready: Signal
  public let header: Signal
  public let data: Signal
  public let strobe: Signal
  public let start: Signal
  public let end: Signal

  /// Width of `header`.
  public static let headerWidth = 128

  /// A template carrying `dataWidth`-bit payload beats (a multiple of 32, from the board's
  /// `datapath_bits`: 64, 128 or 256).
  public init(dataWidth: Int) {
    precondition(dataWidth >= 32 && dataWidth % 32 == 0, "a TLP stream's data path is whole DWs; \(dataWidth) bits is not a multiple of 32")
    self.init(valid: templateSignal(width: 1), ready: templateSignal(width: 1), header: templateSignal(width: Self.headerWidth),
              data: templateSignal(width: dataWidth), strobe: templateSignal(width: dataWidth / 32),
              start: templateSignal(width: 1), end: templateSignal(width: 1))
  }

  public init(valid: Signal, ready: Signal, header: Signal, data: Signal, strobe: Signal, start: Signal, end: Signal) {
    self.valid = valid
    self.ready = ready
    self.header = header
    self.data = data
    self.strobe = strobe
    self.start = start
    self.end = end
  }

  /// 1 in a cycle where a beat is transferred.
  public var fires: Signal { valid && ready }
  /// DW lanes per beat.
  public var lanes: Int { strobe.width }

  public var members: [InterfaceMember] {
    [.init("valid", valid, .forward), .init("ready", ready, .backward), .init("header", header, .forward),
     .init("data", data, .forward), .init("strobe", strobe, .forward), .init("start", start, .forward),
     .init("end", end, .forward)]
  }

  /// Connects this stream to `sink` beat for beat while `open` is 1; while it is 0 the sink
  /// sees no beat and none is taken here (a gate that holds a TLP back and keeps no state).
  @StatementBuilder
  public func connect(to sink: TLPStream, while open: Signal) -> [Statement] {
    sink.valid <== valid && open
    sink.header <== header
    sink.data <== data
    sink.strobe <== strobe
    sink.start <== start
    sink.end <== end
    ready <== sink.ready && open
  }

  public func rebound(_ bind: (InterfaceMember) -> Signal) -> TLPStream {
    let m = members
    return TLPStream(valid: bind(m[0]), ready: bind(m[1]), header: bind(m[2]), data: bind(m[3]), strobe: bind(m[4]),
                     start: bind(m[5]), end: bind(m[6]))
  }
}
