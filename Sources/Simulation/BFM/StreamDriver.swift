/// Drives the producer side of a ready/valid stream into a model: `<prefix>_valid`,
/// `<prefix>_data`, and `<prefix>_last` when the stream has one; watches `<prefix>_ready`.
///
/// Words queued with `send` are offered in order. Each cycle the driver raises `valid` with
/// probability `validProbability` (drawn from its own seeded stream); once raised it holds
/// `valid`, `data` and `last` until the word is taken, as the stream protocol requires.
///
/// Per cycle: `drive()` before `model.settle()`, `observe()` after it, then `model.step()`.
/// The per-cycle methods are inlinable so a bench's loop compiles to direct stores and loads.
public final class StreamDriver {
  public let prefix: String
  /// May be changed between cycles, to vary the pressure during a run.
  public var validProbability: Probability {
    get { threshold }
    set { threshold = newValue }
  }
  @usableFromInline @exclusivity(unchecked) var threshold: Probability
  @usableFromInline @exclusivity(unchecked) var random: SimulationRandom
  @usableFromInline @exclusivity(unchecked) var queue = RingBuffer<(data: UInt64, last: Bool)>(capacity: 64)
  @usableFromInline @exclusivity(unchecked) var isOffering = false
  @usableFromInline @exclusivity(unchecked) var acceptedCount = 0
  @usableFromInline @exclusivity(unchecked) var lastAccepted: (data: UInt64, last: Bool) = (0, false)
  @usableFromInline let valid: InputPort, data: InputPort, last: InputPort?
  @usableFromInline let ready: OutputPort

  public init(_ model: Model, prefix: String, validProbability: Probability = .always, random: SimulationRandom) throws {
    self.prefix = prefix
    self.threshold = validProbability
    self.random = random
    valid = try model.input("\(prefix)_valid")
    data = try model.input("\(prefix)_data")
    last = model.ports.contains { $0.name == "\(prefix)_last" } ? try model.input("\(prefix)_last") : nil
    ready = try model.output("\(prefix)_ready")
    guard data.width <= 64 else {
      throw SimulationError.portTooWideForBFM(port: data.name, width: data.width, bfm: "StreamDriver", alternative: "WideStreamDriver")
    }
  }

  /// Words taken by the design so far.
  @inlinable public var accepted: Int { acceptedCount }
  /// The word taken in the last cycle `observe()` returned true.
  @inlinable public var acceptedData: UInt64 { lastAccepted.data }
  @inlinable public var acceptedLast: Bool { lastAccepted.last }
  /// Whether `valid` is raised this cycle (after `drive()`).
  @inlinable public var offering: Bool { isOffering }
  /// Words queued and not yet taken (including the one on offer).
  @inlinable public var pending: Int { queue.count }

  /// Queues a word; it is offered after every word queued before it. Throws when it does not fit.
  @inlinable @inline(__always)
  public func send(_ word: UInt64, last isLast: Bool = false) throws {
    guard word & ~data.mask == 0 else { throw data.tooWide(word) }
    queue.append((word, isLast))
  }

  /// Sets the inputs for this cycle.
  @inlinable @inline(__always)
  public func drive() {
    if !isOffering, let next = queue.first, random.chance(threshold) {
      isOffering = true
      data.storeKeepingSettled(next.data)  // checked in `send`
      last?.setKeepingSettled(next.last)
    }
    valid.setKeepingSettled(isOffering)
    valid.markChanged()  // once for the three ports
  }

  /// After settling: whether the design took the word on offer this cycle.
  @inlinable @inline(__always)
  @discardableResult
  public func observe() -> Bool {
    guard isOffering, ready.bool else { return false }
    isOffering = false
    lastAccepted = queue.removeFirst()
    acceptedCount &+= 1  // counts of cycles cannot reach 2^63
    return true
  }
}
