import Cores
import HDL
import PCIe
import PCIeTesting
import Simulation

/// Plays the function behind an endpoint's BARs: takes every request from `bar<i>`
/// (`<prefix>bar<i>`, random backpressure) with its offset, and answers each memory read with
/// one CplD whose bytes are `BARFunction.byte(at:)` of their addresses, from the endpoint's `id`.
final class BARFunction {
  struct Request { let bar: Int; let tlp: TLP; let offset: UInt64 }
  private let sinks: [TLPStreamSink]
  private let source: TLPStreamSource
  private let id: OutputPort
  private(set) var requests: [Request] = []

  init(_ model: Model, prefix: String = "", bars: Int, random: SimulationRandom) throws {
    sinks = try (0..<bars).map {
      try TLPStreamSink(model, name: "\(prefix)bar\($0)", extras: ["\(prefix)bar\($0)_offset"], readyProbability: 0.6,
                        random: SimulationRandom(seed: random.seed, stream: "\(prefix)bar\($0)"))
    }
    source = try TLPStreamSource(model, name: "\(prefix)completion")
    id = try model.output("\(prefix)id")
  }

  /// The content of the function's memory: a byte that depends on every address bit below 2^40.
  static func byte(at address: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: (address &* 0x9E37_79B9) >> 13 ^ address >> 32) }

  /// The CplD that answers `read` from `completer`: the whole DWs it covers.
  static func answer(_ read: TLP, completer: PCIeID) -> TLP {
    let first = read.address & ~3
    return .completionWithData(answering: read, completer: completer, data: (0..<UInt64(4 * read.length)).map { byte(at: first + $0) })
  }

  func drive() throws {
    for sink in sinks { sink.drive() }
    try source.drive()
  }

  func observe() throws {
    source.observe()
    for (bar, sink) in sinks.enumerated() {
      guard let (tlp, extras) = try sink.observe() else { continue }
      requests.append(Request(bar: bar, tlp: tlp, offset: extras[0]))
      if tlp.kind == .memoryRead { source.send(Self.answer(tlp, completer: PCIeID(rawValue: UInt16(id.uint64)))) }
    }
  }
}

/// A root complex's link to a Verilated design (prefix `link` for a lone endpoint, `link0`
/// for a switch's upstream port) and the functions behind the endpoints: `exchange` sends one
/// request and runs the clock until its completion arrives (or, for a posted request, a while).
final class EndpointBench {
  let model: Model
  let transmitter: TLPTransmitter
  let receiver: TLPReceiver
  let functions: [BARFunction]
  private(set) var cycle = 0
  private var tag: UInt16 = 0

  init(_ model: Model, link: String, functions: [(prefix: String, bars: Int)], random: (String) -> SimulationRandom) throws {
    self.model = model
    transmitter = try TLPTransmitter(model, prefix: link, validProbability: 0.8, random: random("tx"))
    receiver = try TLPReceiver(model, prefix: link, readyProbability: 0.7, releaseProbability: 0.5, random: random("rx"))
    self.functions = try functions.map { try BARFunction(model, prefix: $0.prefix, bars: $0.bars, random: random("function\($0.prefix)")) }
    model.reset()
    try receiver.chooseCredits()
    try step()
    transmitter.initialize()
  }

  /// A fresh tag for the next request.
  func nextTag() -> UInt16 { tag = (tag + 1) & 0x3FF; return tag }

  /// Sends `request`, then runs until a TLP arrives from the design (returned) or
  /// `quietCycles` pass without one (nil).
  func exchange(_ request: TLP, quietCycles: Int = 400) throws -> TLP? {
    transmitter.send(request)
    var quiet = 0
    while quiet < quietCycles {
      if let tlp = try step() { return tlp }
      if transmitter.waiting == 0 && !transmitter.busy { quiet += 1 }
    }
    return nil
  }

  @discardableResult
  func step() throws -> TLP? {
    if cycle > 0 { try transmitter.drive() }
    try receiver.drive()
    for function in functions { try function.drive() }
    model.settle()
    if cycle > 0 { _ = transmitter.observe() }
    let arrived = try receiver.observe()
    for function in functions { try function.observe() }
    model.step()
    cycle += 1
    return arrived
  }
}
