/// Drives the producer side of a ready/valid stream into a model: `<prefix>_valid`,
/// `<prefix>_data`, and `<prefix>_last` when the stream has one; watches `<prefix>_ready`.
///
/// Words queued with `send` are offered in order. Each cycle the driver raises `valid` with
/// probability `validProbability` (drawn from its own seeded stream); once raised it holds
/// `valid`, `data` and `last` until the word is taken, as the stream protocol requires.
///
/// Per cycle: `drive()` before `model.settle()`, `observe()` after it, then `model.step()`.
public final class StreamDriver {
  public let prefix: String
  /// May be changed between cycles, to vary the pressure during a run.
  public var validProbability: Probability
  /// Words taken by the design so far.
  public private(set) var accepted = 0
  /// The word taken in the last cycle `observe()` returned true.
  public private(set) var acceptedData: UInt64 = 0
  public private(set) var acceptedLast = false
  /// Whether `valid` is raised this cycle (after `drive()`).
  public private(set) var offering = false
  private var random: SimulationRandom
  private var queue = RingBuffer<(data: UInt64, last: Bool)>(capacity: 64)
  private let valid: InputPort, data: InputPort, last: InputPort?
  private let ready: OutputPort

  public init(_ model: Model, prefix: String, validProbability: Probability = .always, random: SimulationRandom) throws {
    self.prefix = prefix
    self.validProbability = validProbability
    self.random = random
    valid = try model.input("\(prefix)_valid")
    data = try model.input("\(prefix)_data")
    last = model.ports.contains { $0.name == "\(prefix)_last" } ? try model.input("\(prefix)_last") : nil
    ready = try model.output("\(prefix)_ready")
    guard data.width <= 64 else {
      throw SimulationError.valueTooWide(port: data.name, width: data.width, value: "(stream drivers carry up to 64-bit words)")
    }
  }

  /// Queues a word; it is offered after every word queued before it. Throws when it does not fit.
  public func send(_ word: UInt64, last isLast: Bool = false) throws {
    guard data.width == 64 || word >> UInt64(data.width) == 0 else {
      throw SimulationError.valueTooWide(port: data.name, width: data.width, value: "0x" + String(word, radix: 16))
    }
    queue.append((word, isLast))
  }

  /// Words queued and not yet taken (including the one on offer).
  public var pending: Int { queue.count }

  /// Sets the inputs for this cycle.
  @inline(__always)
  public func drive() {
    if !offering, let next = queue.first, random.chance(validProbability) {
      offering = true
      try! data.set(next.data)  // checked in `send`
      last?.set(next.last)
    }
    valid.set(offering)
  }

  /// After settling: whether the design took the word on offer this cycle.
  @inline(__always)
  @discardableResult
  public func observe() -> Bool {
    guard offering, ready.bool else { return false }
    offering = false
    let word = queue.removeFirst()
    acceptedData = word.data
    acceptedLast = word.last
    accepted += 1
    return true
  }
}
