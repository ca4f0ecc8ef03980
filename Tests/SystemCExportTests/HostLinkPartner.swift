import HDL
import PCIe
import Simulation
import SystemCExport

/// What the SystemC sample puts behind a link `<b>_in`/`<b>_out` of one board that it does not
/// cross, cycle for cycle as the adapters in strata_tlm.h do, for `TwoModelBringUp`:
///
/// - `<b>_out` is always ready and each TLP is logged under `logName` (a `TLPSink`, or the tap
///   before a `HostMemory`); with `memory`, writes are stored and a read is answered with the
///   PCIe library's `TLP.completionWithData`, `ready` low until that completion has gone in
///   (the memory answers inside `b_transport`);
/// - `<b>_in` takes the script's TLPs (or the memory's completions) beat by beat from the cycle
///   after they are queued;
/// - on a switch port (`credited`), the flow control of `strata::LinkCredits`: InitFC with
///   infinite credits in the first cycle after reset, and a `CreditGate` per type from the
///   switch's advertisement and allocations (the values before each rising edge) that a TLP
///   must pass before its first beat.
final class HostLinkPartner {
  let logName: String
  private let into: TLPStreamInPins
  private let out: TLPStreamOutPins
  private let credits: Credits?
  private let completer: PCIeID?
  private(set) var memory: [UInt64: UInt8] = [:]
  /// The payload of each completion with data that left through `<b>_out`, by tag.
  private(set) var completions: [UInt16: [UInt8]] = [:]
  private var waiting: [TLP] = []
  private var sending: [TLPStreamBeat] = []
  private var arriving: [TLPStreamBeat] = []
  /// The `ready` shown on `<b>_out` this cycle.
  private var readyDriven = true

  /// `memoryCompleter`: the completer ID of a host memory behind the link; nil: a sink.
  init(_ model: Model, link: String, lanes: Int, credited: Bool, logName: String, memoryCompleter: PCIeID?) throws {
    self.logName = logName
    into = try TLPStreamInPins(model, prefix: "\(link)_in", lanes: lanes)
    out = try TLPStreamOutPins(model, prefix: "\(link)_out", lanes: lanes)
    credits = credited ? try Credits(model, link: link) : nil
    completer = memoryCompleter
  }

  /// Nothing queued or going in.
  var isIdle: Bool { waiting.isEmpty && sending.isEmpty }

  /// Right after reset: the InitFC cycle's pins, the first TLP's beat.
  func afterReset() throws {
    credits?.initialize.set(true)
    try drive()
  }

  /// Queues `tlp` into `<b>_in`; called between cycles (after an edge), it is offered at once.
  func send(_ tlp: TLP) throws {
    waiting.append(tlp)
    try drive()
  }

  /// Before the edge: what moves at it. Returns a TLP line when one leaves through `<b>_out`.
  func sample() throws -> String? {
    credits?.sample()
    let wasReady = readyDriven
    if !sending.isEmpty && into.ready.bool {
      sending.removeFirst()
      if sending.isEmpty && completer != nil { readyDriven = true }  // the memory's answer has gone in
    }
    guard wasReady, let beat = out.beat else { return nil }
    if beat.start { arriving = [] }
    arriving.append(beat)
    guard beat.end else { return nil }
    let tlp = try TLP(streamBeats: arriving)
    if tlp.kind == .completionWithData { completions[tlp.tag] = tlp.payload }
    if let completer { store(tlp, completer: completer) }
    return BringUpLog.tlp(port: logName, bytes: tlp.bytes)
  }

  /// After the edge: the pins for the next cycle.
  func drive() throws {
    credits?.drive()
    if sending.isEmpty, let next = waiting.first, credits?.permits(next) ?? true {
      waiting.removeFirst()
      credits?.consume(next)
      sending = next.streamBeats(lanes: into.lanes)
    }
    try into.offer(sending.first)
    out.ready.set(readyDriven)
  }

  private func store(_ tlp: TLP, completer: PCIeID) {
    let base = tlp.address & ~3
    switch tlp.kind {
    case .memoryWrite:
      for (i, byte) in tlp.payload.enumerated() {
        let dw = i / 4, enables = dw == 0 ? tlp.firstByteEnables : dw == tlp.length - 1 ? tlp.lastByteEnables : 0xF
        if enables >> (i % 4) & 1 == 1 { memory[base + UInt64(i)] = byte }
      }
    case .memoryRead:
      let data = (0..<UInt64(tlp.length * 4)).map { memory[base + $0] ?? 0 }
      waiting.append(.completionWithData(answering: tlp, completer: completer, data: data))
      readyDriven = false
    default:
      break
    }
  }

  /// Runs of consecutive bytes in `memory`, as the sample prints them at the end.
  func memoryLines(owner: String) -> [String] {
    var lines: [String] = [], run: [UInt8] = [], start: UInt64 = 0
    for address in memory.keys.sorted() {
      if !run.isEmpty && address != start + UInt64(run.count) {
        lines.append(BringUpLog.memory(owner: owner, address: start, bytes: run))
        run = []
      }
      if run.isEmpty { start = address }
      run.append(memory[address]!)
    }
    if !run.isEmpty { lines.append(BringUpLog.memory(owner: owner, address: start, bytes: run)) }
    return lines
  }
}

/// The partner's flow-control pins on a switch port (`<b>_fc_*` in, `<b>_rx_fc_*` out).
final class Credits {
  static let types = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
  let initialize: InputPort
  private let advertised, allocated: [OutputPort]
  private var gates: [CreditGate]?

  init(_ model: Model, link: String) throws {
    initialize = try model.input("\(link)_fc_initialize")
    try model.input("\(link)_fc_update").set(false)
    for type in Self.types {  // 0: infinite credits, for a partner that takes every beat
      try model.input("\(link)_fc_\(type)_advertised").set(UInt64(0))
      try model.input("\(link)_fc_\(type)_limit").set(UInt64(0))
    }
    advertised = try Self.types.map { try model.output("\(link)_rx_fc_\($0)_advertised") }
    allocated = try Self.types.map { try model.output("\(link)_rx_fc_\($0)_allocated") }
  }

  /// Before an edge: at the InitFC edge (the first after reset) the gates start from the
  /// advertisement, later ones follow the allocations.
  func sample() {
    if gates == nil {
      gates = CreditType.allCases.map { CreditGate(type: $0, advertised: Int(advertised[$0.rawValue].uint64)) }
    } else if gates != nil {
      for type in CreditType.allCases { gates![type.rawValue].update(limit: Int(allocated[type.rawValue].uint64)) }
    }
  }

  /// After an edge: InitFC lasts until the first edge after reset has taken it.
  func drive() { if gates != nil { initialize.set(false) } }
  func permits(_ tlp: TLP) -> Bool { gates.map { g in tlp.creditsRequired.allSatisfy { g[$0.key.rawValue].permits($0.value) } } ?? false }
  func consume(_ tlp: TLP) { for (type, units) in tlp.creditsRequired { gates![type.rawValue].consume(units) } }
}
