/// Takes words from the consumer side of a ready/valid stream of a model: drives
/// `<prefix>_ready`, watches `<prefix>_valid`, `<prefix>_data` and `<prefix>_last` (when present).
///
/// Each cycle `ready` is raised with probability `readyProbability` from the monitor's own seeded
/// stream. It also checks the producer's side of the protocol: once `valid` is raised it must
/// stay raised, with `data` unchanged, until the word is taken; the first breach is kept in
/// `protocolViolation`.
///
/// Per cycle: `drive()` before `model.settle()`, `observe()` after it, then `model.step()`.
public final class StreamMonitor {
  public let prefix: String
  /// May be changed between cycles, to vary the pressure during a run.
  public var readyProbability: Probability
  /// Words taken so far.
  public private(set) var received = 0
  /// The word taken in the last cycle `observe()` returned true.
  public private(set) var data: UInt64 = 0
  public private(set) var last = false
  /// The first time the producer dropped `valid` or changed `data` before its word was taken.
  public private(set) var protocolViolation: String?
  private var random: SimulationRandom
  private var readyNow = false
  private var stalled: UInt64?  // data of a word offered but not taken last cycle
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
    guard dataPort.width <= 64 else {
      throw SimulationError.valueTooWide(port: dataPort.name, width: dataPort.width, value: "(stream monitors carry up to 64-bit words)")
    }
  }

  /// Sets `ready` for this cycle.
  @inline(__always)
  public func drive() {
    readyNow = random.chance(readyProbability)
    ready.set(readyNow)
  }

  /// After settling: whether a word was taken this cycle (then `data` and `last` hold it).
  /// `cycle` only labels a protocol breach.
  @inline(__always)
  @discardableResult
  public func observe(cycle: Int) -> Bool {
    let valid = validPort.bool
    if let held = stalled, protocolViolation == nil {
      if !valid {
        protocolViolation = "\(prefix): cycle \(cycle): valid fell before the word 0x\(String(held, radix: 16)) was taken"
      } else if dataPort.uint64 != held {
        protocolViolation = "\(prefix): cycle \(cycle): data changed from 0x\(String(held, radix: 16)) to "
          + "0x\(String(dataPort.uint64, radix: 16)) while valid was waiting for ready"
      }
    }
    guard valid else { stalled = nil; return false }
    guard readyNow else { stalled = dataPort.uint64; return false }
    stalled = nil
    data = dataPort.uint64
    last = lastPort?.bool ?? false
    received += 1
    return true
  }
}
