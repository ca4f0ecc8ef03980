import HDL
import PCIe
import Simulation

// Shared by the test targets that drive TLP streams (CoresTests, TierTests).
// Both ends of a plain `TLPStream` port (64-bit data path, no flow-control credits), for the
// function side of an endpoint. Each cycle: `drive()`, `model.settle()`, `observe()`, `model.step()`.

/// Takes TLPs from the output stream `<name>_*`, ready with probability `readyProbability`.
public final class TLPStreamSink {
  private let valid, header, data, strobe, start, end: OutputPort
  private let ready: InputPort
  private let extras: [OutputPort]
  private var random: SimulationRandom
  private let readyProbability: Probability
  private var beats: [TLPStreamBeat] = []
  private var firstExtras: [UInt64] = []
  private var accepting = false

  /// `extras` are outputs sampled on each TLP's start beat (such as `bar0_offset`).
  public init(_ model: Model, name: String, extras: [String] = [], readyProbability: Probability, random: SimulationRandom) throws {
    valid = try model.output("\(name)_valid")
    header = try model.output("\(name)_header")
    data = try model.output("\(name)_data")
    strobe = try model.output("\(name)_strobe")
    start = try model.output("\(name)_start")
    end = try model.output("\(name)_end")
    ready = try model.input("\(name)_ready")
    self.extras = try extras.map { try model.output($0) }
    self.readyProbability = readyProbability
    self.random = random
  }

  public func drive() {
    accepting = random.chance(readyProbability)
    ready.set(accepting)
  }

  /// The TLP whose last beat was taken in this cycle and the extras of its start beat.
  public func observe() throws -> (TLP, [UInt64])? {
    guard valid.bool && accepting else { return nil }
    let h = header.value.words, d = data.uint64
    if start.bool { firstExtras = extras.map(\.uint64) }
    beats.append(TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
                                        UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
                               lanes: [UInt32(truncatingIfNeeded: d), UInt32(truncatingIfNeeded: d >> 32)],
                               strobe: strobe.uint64, start: start.bool, end: end.bool))
    guard end.bool else { return nil }
    defer { beats = [] }
    return (try TLP(streamBeats: beats), firstExtras)
  }
}

/// Sends queued TLPs into the input stream `<name>_*`, a beat whenever the port is ready.
public final class TLPStreamSource {
  private let valid, header, data, strobe, start, end: InputPort
  private let ready: OutputPort
  private var queue: [TLPStreamBeat] = []

  public init(_ model: Model, name: String) throws {
    valid = try model.input("\(name)_valid")
    header = try model.input("\(name)_header")
    data = try model.input("\(name)_data")
    strobe = try model.input("\(name)_strobe")
    start = try model.input("\(name)_start")
    end = try model.input("\(name)_end")
    ready = try model.output("\(name)_ready")
  }

  public var idle: Bool { queue.isEmpty }
  public func send(_ tlp: TLP) { queue += tlp.streamBeats(lanes: 2) }
  /// Queues beats as they are, broken ones included.
  public func send(beats: [TLPStreamBeat]) { queue += beats }

  public func drive() throws {
    valid.set(!queue.isEmpty)
    guard let beat = queue.first else { return }
    let h = beat.header
    try header.set(BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
    try data.set(UInt64(beat.lanes[0]) | UInt64(beat.lanes[1]) << 32)
    try strobe.set(beat.strobe)
    start.set(beat.start)
    end.set(beat.end)
  }

  public func observe() { if !queue.isEmpty && ready.bool { queue.removeFirst() } }
}
