import HDL

/// Room at an egress stage, per flow-control class, as `switchEgress` reports it on
/// `room_posted`, `room_non_posted` and `room_completion`: the most beats a TLP of that class
/// may have to start into its queue now — the free beats, or `anyTLP` when the queue is empty
/// (a TLP longer than the queue must be able to start at all).
///
/// Merges in front of an egress start a TLP only when `admits` says it fits, so a TLP never
/// stops half-way in a merge for want of room in its class (which would hold every other class
/// behind it: Table 2-42 A3/A4/A5, posted requests must be able to pass NP requests and
/// completions). A posted TLP needs one beat of room: posted TLPs may block anything.
public enum EgressRoom {
  /// Bits of a room signal: up to 4096 beats.
  public static let width = 13
  /// The room an empty queue reports.
  public static let anyTLP = (1 << width) - 1
  /// Class indices, in the egress stage's queue order.
  public static let classNames = ["posted", "non_posted", "completion"]

  /// The class queue a TLP goes to (0 posted, 1 non-posted, 2 completion), from its first
  /// beat's header; what is neither posted nor a request is queued with the completions.
  public static func trafficClass(_ fields: TLPHeaderFields) -> Signal {
    priority([(fields.isPosted, .constant(0, width: 2)), (fields.isNonPosted, .constant(1, width: 2))],
             otherwise: .constant(2, width: 2))
  }

  /// Beats the TLP whose first beat carries `fields` takes on a data path of `lanes` DWs.
  public static func beats(_ fields: TLPHeaderFields, lanes: Int) -> Signal {
    let dataBeats = (fields.length.zeroExtended(to: width) + (lanes - 1)) >> bitsToIndex(lanes)
    return mux(fields.hasData, dataBeats, Signal.constant(1, width: width))
  }

  /// Whether a TLP of class `trafficClass` (statically known) with `fields` may start now.
  public static func admits(_ fields: TLPHeaderFields, trafficClass: Int, lanes: Int, rooms: [Signal]) -> Signal {
    trafficClass == 0 ? rooms[0] != 0 : beats(fields, lanes: lanes) <= rooms[trafficClass]
  }

  /// Whether a TLP of any class with `fields` may start now.
  public static func admits(_ fields: TLPHeaderFields, lanes: Int, rooms: [Signal]) -> Signal {
    select(trafficClass(fields), (0..<3).map { admits(fields, trafficClass: $0, lanes: lanes, rooms: rooms) } + [Signal.low])
  }

  /// Connects `source` to `sink` so that a TLP starts only when it fits `rooms`; beats after
  /// the first pass as they come.
  @StatementBuilder
  public static func connect(_ source: TLPStream, to sink: TLPStream, lanes: Int, rooms: [Signal]) -> [Statement] {
    source.connect(to: sink, while: !source.start || admits(TLPHeaderFields(source.header), lanes: lanes, rooms: rooms))
  }
}
