import HDL

/// `StreamMonitor` for data of any width: words are `BitVector`s. It raises `ready` at random
/// and checks the producer's side of the protocol the same way (once `valid` is raised it stays
/// raised, with `data` unchanged, until the word is taken).
public final class WideStreamMonitor {
  public let prefix: String
  /// May be changed between cycles, to vary the pressure during a run.
  public var readyProbability: Probability
  /// The first time the producer dropped `valid` or changed `data` before its word was taken.
  public private(set) var protocolViolation: String?
  public private(set) var received = 0
  /// The word taken in the last cycle `observe` returned true.
  public private(set) var data: BitVector
  public private(set) var last = false
  private var random: SimulationRandom
  private var readyNow = false
  private var stalledWord: BitVector?  // offered but not taken last cycle
  private let ready: InputPort
  private let validPort: OutputPort, dataPort: OutputPort, lastPort: OutputPort?

  public init(_ model: Model, prefix: String, readyProbability: Probability = .always, random: SimulationRandom) throws {
    self.prefix = prefix
    self.readyProbability = readyProbability
    self.random = random
    ready = try model.input("\(prefix)_ready")
    validPort = try model.output("\(prefix)_valid")
    dataPort = try model.output("\(prefix)_data")
    lastPort = model.ports.contains { $0.name == "\(prefix)_last" } ? try model.output("\(prefix)_last") : nil
    data = BitVector(width: dataPort.width)
  }

  /// The width of the stream's words.
  public var width: Int { dataPort.width }

  /// Sets `ready` for this cycle.
  public func drive() {
    readyNow = random.chance(readyProbability)
    ready.set(readyNow)
  }

  /// After settling: whether a word was taken this cycle (then `data` and `last` hold it).
  /// `cycle` only labels a protocol breach.
  @discardableResult
  public func observe(cycle: Int) -> Bool {
    guard validPort.bool else {
      if let held = stalledWord, protocolViolation == nil {
        protocolViolation = "\(prefix): cycle \(cycle): valid fell before the word 0x\(held.hex) was taken"
      }
      stalledWord = nil
      return false
    }
    let word = dataPort.value
    if let held = stalledWord, held != word, protocolViolation == nil {
      protocolViolation = "\(prefix): cycle \(cycle): data changed from 0x\(held.hex) to 0x\(word.hex) while valid was waiting for ready"
    }
    guard readyNow else { stalledWord = word; return false }
    stalledWord = nil
    data = word
    last = lastPort?.bool ?? false
    received += 1
    return true
  }
}
