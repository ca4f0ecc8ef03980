import HDL

/// `StreamDriver` for data of any width (a 256-bit TLP beat, a 100-bit word): words are
/// `BitVector`s. The same protocol and the same per-cycle calls; each word costs an allocation,
/// so streams of up to 64 bits should use `StreamDriver`.
public final class WideStreamDriver {
  public let prefix: String
  /// May be changed between cycles, to vary the pressure during a run.
  public var validProbability: Probability
  private var random: SimulationRandom
  private var queue = RingBuffer<(data: BitVector, last: Bool)>(capacity: 16)
  private var isOffering = false
  public private(set) var accepted = 0
  /// The word taken in the last cycle `observe()` returned true.
  public private(set) var acceptedData: BitVector
  public private(set) var acceptedLast = false
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
    acceptedData = BitVector(width: data.width)
  }

  /// The width of the stream's words.
  public var width: Int { data.width }
  /// Whether `valid` is raised this cycle (after `drive()`).
  public var offering: Bool { isOffering }
  /// Words queued and not yet taken (including the one on offer).
  public var pending: Int { queue.count }

  /// Queues a word (its width may differ from the port's; its value must fit). Throws when it does not fit.
  public func send(_ word: BitVector, last isLast: Bool = false) throws {
    guard word.significantBits <= data.width || word.isZero else {
      throw SimulationError.valueTooWide(port: data.name, width: data.width, value: word.description)
    }
    queue.append((word.resized(to: data.width), isLast))
  }

  /// Sets the inputs for this cycle.
  public func drive() {
    if !isOffering, let next = queue.first, random.chance(validProbability) {
      isOffering = true
      try! data.set(next.data)  // checked in `send`
      last?.set(next.last)
    }
    valid.set(isOffering)
  }

  /// After settling: whether the design took the word on offer this cycle.
  @discardableResult
  public func observe() -> Bool {
    guard isOffering, ready.bool else { return false }
    isOffering = false
    (acceptedData, acceptedLast) = queue.removeFirst()
    accepted += 1
    return true
  }
}
