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
  public var readyProbability: Probability {
    get { threshold }
    set { threshold = newValue }
  }
  /// The first time the producer dropped `valid` or changed `data` before its word was taken.
  @exclusivity(unchecked) public internal(set) var protocolViolation: String?
  @usableFromInline @exclusivity(unchecked) var threshold: Probability
  @usableFromInline @exclusivity(unchecked) var random: SimulationRandom
  @usableFromInline @exclusivity(unchecked) var readyNow = false
  @usableFromInline @exclusivity(unchecked) var hasStalledWord = false
  @usableFromInline @exclusivity(unchecked) var stalledWord: UInt64 = 0  // data of a word offered but not taken last cycle
  @usableFromInline @exclusivity(unchecked) var receivedCount = 0
  @usableFromInline @exclusivity(unchecked) var lastReceived: (data: UInt64, last: Bool) = (0, false)
  @usableFromInline let ready: InputPort
  @usableFromInline let validPort: OutputPort, dataPort: OutputPort, lastPort: OutputPort?

  public init(_ model: Model, prefix: String, readyProbability: Probability = .always, random: SimulationRandom) throws {
    self.prefix = prefix
    self.threshold = readyProbability
    self.random = random
    ready = try model.input("\(prefix)_ready")
    validPort = try model.output("\(prefix)_valid")
    dataPort = try model.output("\(prefix)_data")
    lastPort = model.ports.contains { $0.name == "\(prefix)_last" } ? try model.output("\(prefix)_last") : nil
    guard dataPort.width <= 64 else {
      throw SimulationError.portTooWideForBFM(port: dataPort.name, width: dataPort.width, bfm: "StreamMonitor", alternative: "WideStreamMonitor")
    }
  }

  /// Words taken so far.
  @inlinable public var received: Int { receivedCount }
  /// The word taken in the last cycle `observe()` returned true.
  @inlinable public var data: UInt64 { lastReceived.data }
  @inlinable public var last: Bool { lastReceived.last }

  /// Sets `ready` for this cycle.
  @inlinable @inline(__always)
  public func drive() {
    readyNow = random.chance(threshold)
    ready.set(readyNow)
  }

  /// After settling: whether a word was taken this cycle (then `data` and `last` hold it).
  /// `cycle` only labels a protocol breach.
  @inlinable @inline(__always)
  @discardableResult
  public func observe(cycle: Int) -> Bool {
    let valid = validPort.bool
    guard valid else {
      if hasStalledWord { recordStall(valid: false, word: 0, cycle: cycle) }
      hasStalledWord = false
      return false
    }
    let word = dataPort.uint64
    if hasStalledWord && word != stalledWord { recordStall(valid: true, word: word, cycle: cycle) }
    guard readyNow else { hasStalledWord = true; stalledWord = word; return false }
    hasStalledWord = false
    lastReceived = (word, lastPort?.bool ?? false)
    receivedCount &+= 1  // counts of cycles cannot reach 2^63
    return true
  }

  /// Out of line: runs only when the producer breaks the protocol. It replaces only a nil
  /// `protocolViolation`, so it releases nothing (which keeps callers' loops free of retains).
  @usableFromInline @inline(never) @_effects(releasenone)
  func recordStall(valid: Bool, word: UInt64, cycle: Int) {
    guard protocolViolation == nil else { return }
    let held = "0x" + String(stalledWord, radix: 16)
    protocolViolation = valid
      ? "\(prefix): cycle \(cycle): data changed from \(held) to 0x\(String(word, radix: 16)) while valid was waiting for ready"
      : "\(prefix): cycle \(cycle): valid fell before the word \(held) was taken"
  }
}
