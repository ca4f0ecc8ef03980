import HDL
import PCIe
import Simulation

// The two halves of a switch port's link partner, driving a Verilated switch cycle by cycle
// over `TLPStream` (64-bit data path) with PCIe flow control (§2.6.1). Each cycle: `drive()`
// (inputs), `model.settle()`, `observe()` (what moved), `model.step()`.

private let creditNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]

/// Sends TLPs into `<prefix>_in`, each only when the switch's advertised credits permit it
/// (`PCIe.CreditGate` fed from `<prefix>_rx_fc_*_advertised` and `_allocated`), with random
/// idle cycles before and between beats.
final class TLPTransmitter {
  private let valid, header, data, strobe, start, end: InputPort
  private let ready: OutputPort
  private let advertised, allocated: [OutputPort]
  private var random: SimulationRandom
  private let validProbability: Probability
  private(set) var gates: [CreditGate] = []
  private var queue: [Outgoing] = []
  private var queueHead = 0
  private var beats: [TLPStreamBeat] = []
  private var beatIndex = 0
  private var offering = false

  /// TLPs queued and not yet started.
  var waiting: Int { queue.count - queueHead }
  /// The next TLP to start (nil also when it has a header no `TLP` holds).
  var next: TLP? { nextOutgoing?.tlp }
  /// The next beats to start.
  var nextOutgoing: Outgoing? { queueHead < queue.count ? queue[queueHead] : nil }

  /// What the transmitter sends: a TLP's beats, or beats that break a rule on purpose, with
  /// the credits they consume (those their header announces, as a receiver reads them).
  struct Outgoing {
    /// The TLP as built; nil for a header no `TLP` can hold (a reserved Fmt/Type).
    let tlp: TLP?
    let beats: [TLPStreamBeat]
    let credits: [CreditType: Int]
    /// What is wrong with it, if it is sent malformed on purpose.
    let flaw: String?
  }
  /// Whether a TLP is part-way through.
  var busy: Bool { !beats.isEmpty }
  /// The TLPs queued and not yet sent whole, the one being sent first.
  var pending: ArraySlice<Outgoing> { queue[queueHead...] }
  /// The TLP whose first beat the switch took and whose last it has not.
  var partway: Outgoing? { beats.isEmpty || beatIndex == 0 ? nil : queue[queueHead] }

  init(_ model: Model, prefix: String, validProbability: Probability, random: SimulationRandom) throws {
    valid = try model.input("\(prefix)_in_valid")
    header = try model.input("\(prefix)_in_header")
    data = try model.input("\(prefix)_in_data")
    strobe = try model.input("\(prefix)_in_strobe")
    start = try model.input("\(prefix)_in_start")
    end = try model.input("\(prefix)_in_end")
    ready = try model.output("\(prefix)_in_ready")
    advertised = try creditNames.map { try model.output("\(prefix)_rx_fc_\($0)_advertised") }
    allocated = try creditNames.map { try model.output("\(prefix)_rx_fc_\($0)_allocated") }
    self.validProbability = validProbability
    self.random = random
  }

  /// InitFC: the switch's advertisement, read after reset and after each link-up (§2.6.1).
  func initialize() {
    gates = CreditType.allCases.map { CreditGate(type: $0, advertised: Int(advertised[$0.rawValue].uint64)) }
  }

  /// The link goes down (DL_Down): a TLP part-sent stops where it is and is abandoned (returned,
  /// with the beats the switch took), and the credits are forgotten until the next `initialize()`.
  @discardableResult
  func linkDown() -> (abandoned: Outgoing, beatsTaken: Int)? {
    gates = []
    offering = false
    valid.set(false)
    guard !beats.isEmpty else { return nil }
    let abandoned = (queue[queueHead], beatIndex)
    beats = []
    queueHead += 1
    return abandoned
  }

  func send(_ tlp: TLP) { queue.append(Outgoing(tlp: tlp, beats: tlp.streamBeats(lanes: 2), credits: tlp.creditsRequired, flaw: nil)) }

  /// Queues beats that break a rule on purpose (`flaw` names it), consuming `credits`.
  func send(beats: [TLPStreamBeat], credits: [CreditType: Int], flaw: String, tlp: TLP? = nil) {
    queue.append(Outgoing(tlp: tlp, beats: beats, credits: credits, flaw: flaw))
  }

  func drive() throws {
    guard !gates.isEmpty else {  // no InitFC since reset or the last link-down: nothing goes
      valid.set(false)
      return
    }
    for type in CreditType.allCases { gates[type.rawValue].update(limit: Int(allocated[type.rawValue].uint64)) }
    if beats.isEmpty, queueHead < queue.count,
       queue[queueHead].credits.allSatisfy({ gates[$0.key.rawValue].permits($0.value) }) {
      beats = queue[queueHead].beats
      beatIndex = 0
    }
    if !offering && !beats.isEmpty && random.chance(validProbability) {
      let beat = beats[beatIndex]
      let h = beat.header
      try header.set(BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
      try data.set(UInt64(beat.lanes[0]) | UInt64(beat.lanes[1]) << 32)
      try strobe.set(beat.strobe)
      start.set(beat.start)
      end.set(beat.end)
      offering = true
    }
    valid.set(offering)
  }

  /// The TLP whose first beat the switch took in this cycle, if any; its credits are consumed.
  func observe() -> TLP? { observeStart()?.tlp }

  /// What the switch began to take in this cycle (its first beat), if anything; its credits are consumed.
  func observeStart() -> Outgoing? {
    guard offering && ready.bool else { return nil }
    offering = false
    let tlp = queue[queueHead]
    let first = beatIndex == 0
    if first { for (type, units) in tlp.credits { gates[type.rawValue].consume(units) } }
    beatIndex += 1
    if beatIndex == beats.count {
      beats = []
      queueHead += 1
      if queueHead > 1024 { queue.removeFirst(queueHead); queueHead = 0 }
    }
    return first ? tlp : nil
  }
}

/// Takes TLPs from `<prefix>_out` with random backpressure, as a receiver with random buffer
/// sizes: InitFC with a random advertisement per credit type (sometimes 0, infinite), a
/// `PCIe.CreditPool` per type that refuses any TLP beyond the credits given, and UpdateFC
/// raising the limits after a random delay as received TLPs are consumed.
final class TLPReceiver {
  private let valid, start, end: OutputPort
  private let header, data, strobe: OutputPort
  private let ready, initialize, update: InputPort
  private let advertised, limit: [InputPort]
  private var random: SimulationRandom
  private let readyProbability, releaseProbability: Probability
  private(set) var pools: [CreditPool] = []
  private var capacities: [Int] = []
  private var unreleased: [[CreditType: Int]] = []
  private var beats: [TLPStreamBeat] = []
  private var initializing = false
  private var accepting = false
  let prefix: String

  init(_ model: Model, prefix: String, readyProbability: Probability, releaseProbability: Probability,
       random: SimulationRandom) throws {
    valid = try model.output("\(prefix)_out_valid")
    header = try model.output("\(prefix)_out_header")
    data = try model.output("\(prefix)_out_data")
    strobe = try model.output("\(prefix)_out_strobe")
    start = try model.output("\(prefix)_out_start")
    end = try model.output("\(prefix)_out_end")
    ready = try model.input("\(prefix)_out_ready")
    initialize = try model.input("\(prefix)_fc_initialize")
    update = try model.input("\(prefix)_fc_update")
    advertised = try creditNames.map { try model.input("\(prefix)_fc_\($0)_advertised") }
    limit = try creditNames.map { try model.input("\(prefix)_fc_\($0)_limit") }
    self.readyProbability = readyProbability
    self.releaseProbability = releaseProbability
    self.random = random
    self.prefix = prefix
  }

  /// Chooses the buffer sizes: header credits 1...6, data credits 16...40 (at least a
  /// 256-byte payload, so every TLP fits), each infinite one time in five. Applied by the next `drive()`.
  func chooseCredits() throws {
    capacities = CreditType.allCases.map { type in
      random.chance(0.2) ? 0 : type.isHeader ? Int.random(in: 1...6, using: &random) : Int.random(in: 16...40, using: &random)
    }
    pools = try CreditType.allCases.map { try CreditPool(type: $0, capacity: capacities[$0.rawValue]) }
    for type in CreditType.allCases { try advertised[type.rawValue].set(UInt64(pools[type.rawValue].advertised)) }
    initializing = true
  }

  /// Advertises exactly `capacities` (per credit type in `CreditType` order, 0 = infinite)
  /// instead of random ones. Applied by the next `drive()`.
  func advertise(_ capacities: [Int]) throws {
    self.capacities = capacities
    pools = try CreditType.allCases.map { try CreditPool(type: $0, capacity: capacities[$0.rawValue]) }
    for type in CreditType.allCases { try advertised[type.rawValue].set(UInt64(pools[type.rawValue].advertised)) }
    initializing = true
  }

  /// The link goes down: a TLP part-received is lost (the link layer never delivered it whole),
  /// and flow control starts again with the next link-up (§2.6.1, §3.4.2).
  func linkDown() {
    beats = []
    unreleased = []
  }

  /// The link came up: InitFC again with the same buffer sizes, every buffer empty. Applied by the next `drive()`.
  func linkUp() throws {
    try advertise(capacities)
  }

  /// Releases every consumed TLP's credits at once (for draining).
  var releaseProbabilityOverride: Probability?

  func drive() throws {
    initialize.set(initializing)
    initializing = false
    accepting = random.chance(readyProbability)
    ready.set(accepting)
    var released = false
    if !unreleased.isEmpty && random.chance(releaseProbabilityOverride ?? releaseProbability) {
      for (type, units) in unreleased.removeFirst() { pools[type.rawValue].release(units) }
      released = true
    }
    update.set(released)
    if released { for type in CreditType.allCases { try limit[type.rawValue].set(UInt64(pools[type.rawValue].creditsAllocated)) } }
  }

  /// TLPs that arrived ended by the nullify marker (`TLPStreamBeat.nullifies`) and were discarded.
  private(set) var nullified = 0

  /// The TLP whose last beat arrived in this cycle, if any. Throws when its beats do not frame
  /// a TLP or its credits exceed what was advertised. A TLP ended by the nullify marker is
  /// discarded (counted in `nullified`); the credits its header consumed come back as usual.
  func observe() throws -> TLP? {
    guard valid.bool && accepting else { return nil }
    let h = header.value.words, d = data.uint64
    beats.append(TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
                                        UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
                               lanes: [UInt32(truncatingIfNeeded: d), UInt32(truncatingIfNeeded: d >> 32)],
                               strobe: strobe.uint64, start: start.bool, end: end.bool))
    guard end.bool else { return nil }
    defer { beats = [] }
    if let last = beats.last, last.nullifies {
      let credits = announcedCredits(header: beats[0].header)
      for (type, units) in credits { try pools[type.rawValue].receive(units) }
      unreleased.append(credits)
      nullified += 1
      return nil
    }
    let tlp = try TLP(streamBeats: beats)
    let credits = tlp.creditsRequired
    for (type, units) in credits { try pools[type.rawValue].receive(units) }
    unreleased.append(credits)
    return tlp
  }

  /// Credits consumed by TLPs and not yet returned.
  var holding: Bool { !unreleased.isEmpty }
}

/// The credits a header announces (Table 2-49: one header credit of its class, Roundup(Length/4)
/// data credits when Fmt says it carries data), read from DW0 alone as a receiver must for a TLP
/// it discards: posted = MWr and messages, non-posted = MRd, MRdLk, I/O and configuration
/// requests, everything else a completion.
func announcedCredits(header: [UInt32]) -> [CreditType: Int] {
  let dw0 = header[0]
  let hasData = dw0 >> 30 & 1 == 1, type = dw0 >> 24 & 0x1F
  let length = dw0 & 0x3FF == 0 ? 1024 : Int(dw0 & 0x3FF)
  let prefix = dw0 >> 31 & 1 == 1
  let posted = !prefix && (type == 0 && hasData || type >> 3 == 0b10 && dw0 >> 29 & 1 == 1)
  let nonPosted = !prefix && ((type == 0 || type == 1) && !hasData || [2, 4, 5].contains(type) && dw0 >> 29 & 1 == 0)
  let (headerType, dataType): (CreditType, CreditType) = posted ? (.postedHeader, .postedData)
    : nonPosted ? (.nonPostedHeader, .nonPostedData) : (.completionHeader, .completionData)
  var credits: [CreditType: Int] = [headerType: 1]
  if hasData { credits[dataType] = (length + 3) / 4 }
  return credits
}
