import HDL
import PCIe
import Simulation
import SystemCExport

/// Runs a two-board `BringUpScript` on two Verilator C++ models in lockstep, as the SystemC
/// sample runs it: each crossed link through a channel that takes every TLP leaving a board's
/// `<b>_out` (always ready) and offers it beat by beat to the peer's `<b>_in` from the script's
/// `linkLatencyCycles` edges later, in order (`strata::TLPChannel`); every other link with a
/// `HostLinkPartner` (a sink or the script's host memory, the switch port's flow control
/// answered); the script's input pins held from the start. Register accesses hold `valid` until
/// `ready`, as `MMIOMaster` does. Prints the sample's register-access, send and TLP lines, the
/// output pins and what the host memories hold.
final class TwoModelBringUp {
  private let models: [Model]
  private let plan: SystemCPortPlan
  private var links: [LinkDirection] = []
  /// Per board, the partners of links that are not crossed, by link name.
  private var partners: [[String: HostLinkPartner]] = [[:], [:]]
  private let crossed: [String]
  private(set) var lines: [String] = [] {
    didSet { lineCycles += Array(repeating: edges, count: max(0, lines.count - lineCycles.count)) }
  }
  /// The rising edges before each line was printed (for latency figures).
  private(set) var lineCycles: [Int] = []
  private var edges = 0

  init(_ models: [Model], plan: SystemCPortPlan, crossing crossedLinks: [String]) throws {
    precondition(models.count == 2)
    self.models = models
    self.plan = plan
    crossed = crossedLinks
  }

  func run(_ script: BringUpScript) throws -> [String] {
    for link in crossed {
      let lanes = plan.tlp.first { $0.prefix == "\(link)_out" }!.lanes
      for from in 0..<2 {
        links.append(try LinkDirection(name: "board\(from)_\(link)_out", from: models[from], to: models[1 - from],
                                       prefix: link, lanes: lanes, latency: script.linkLatencyCycles,
                                       credited: plan.creditedLinks.contains(link)))
      }
    }
    for board in 0..<2 {
      for link in plan.links where !crossed.contains(link) {
        let memory = script.hostMemories.first { $0.board == board && $0.link == link }
        partners[board][link] = try HostLinkPartner(
          models[board], link: link, lanes: plan.tlp.first { $0.prefix == "\(link)_out" }!.lanes,
          credited: plan.creditedLinks.contains(link), logName: board == 0 ? "\(link)_out" : "board\(board)_\(link)_out",
          memoryCompleter: memory.map { PCIeID(rawValue: $0.completer) })
      }
    }
    for model in models {
      // The sample plugs each crossed link's cable in (`<b>_up` high) and holds the script's pins.
      for pin in model.ports where pin.direction == .input {
        if crossed.contains(where: { "\($0)_up" == pin.name }) { try model.input(pin.name).set(true) }
        if let value = script.pins[pin.name] { try model.input(pin.name).set(value) }
      }
    }
    for link in links { link.readyPin.set(true) }
    for model in models { model.reset(cycles: script.resetCycles) }
    for partner in partners.flatMap(\.values) { try partner.afterReset() }
    for link in links { link.afterReset() }
    for step in script.steps { try run(step, board: 0) }
    try cycle()
    for board in 0..<2 {
      for pin in plan.pins where pin.direction == .output && pin.width <= 64 {
        lines.append("\(board == 0 ? "" : "board\(board).")\(pin.name) = \(try models[board].output(pin.name).uint64)")
      }
    }
    for memory in script.hostMemories {
      lines += partners[memory.board][memory.link]!.memoryLines(owner: memory.board == 0 ? memory.link : "board\(memory.board).\(memory.link)")
    }
    return lines
  }

  private func run(_ step: BringUpScript.Step, board: Int) throws {
    let shown = { (port: String) in board == 0 ? port : "board\(board).\(port)" }
    switch step {
    case .onBoard(let index, let inner):
      try run(inner, board: index)
    case .read(let port, let address, let label):
      let (data, error, cycles) = try access(board, port, write: false, address: address, value: 0, strobe: 0)
      lines.append(BringUpLog.read(port: shown(port), address: address, status: error ? "TLM_ADDRESS_ERROR_RESPONSE" : "TLM_OK_RESPONSE",
                                   data: error ? nil : data, dataBytes: 4, cycles: cycles, label: label))
    case .write(let port, let address, let value, let enables, let label):
      let strobe = (enables ?? [true, true, true, true]).enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) }
      let (_, error, cycles) = try access(board, port, write: true, address: address, value: value, strobe: strobe)
      lines.append(BringUpLog.write(port: shown(port), address: address, value: value, byteEnables: BringUpLog.byteEnables(enables, dataBytes: 4),
                                    status: error ? "TLM_ADDRESS_ERROR_RESPONSE" : "TLM_OK_RESPONSE", dataBytes: 4, cycles: cycles, label: label))
    case .idle(let cycles):
      for _ in 0..<cycles { try cycle() }
    case .payload:
      break  // the TLM socket's own checks: the RTL never sees them
    case .expectCompletion(let port, let tag, let data, let label):
      let partner = partners[board][String(port.dropLast(4))]
      lines.append(BringUpLog.completion(port: shown(port), tag: tag, received: partner?.completions[tag], expected: data, label: label))
    case .sendTLP(let port, let bytes, let label):
      guard port.hasSuffix("_in"), let partner = partners[board][String(port.dropLast(3))] else {
        preconditionFailure("\(port) is no link input the script drives")
      }
      try partner.send(try TLP(bytes: bytes))
      while !partner.isIdle { try cycle() }
      lines.append(BringUpLog.send(port: shown(port), bytes: bytes, status: "TLM_OK_RESPONSE", label: label))
    }
  }

  private func access(_ board: Int, _ port: String, write: Bool, address: UInt64, value: UInt64, strobe: UInt64) throws -> (UInt64, Bool, Int) {
    let model = models[board]
    try model.input("\(port)_valid").set(true)
    try model.input("\(port)_write").set(write)
    try model.input("\(port)_address").set(address)
    try model.input("\(port)_wdata").set(value)
    try model.input("\(port)_strobe").set(strobe)
    defer { try? model.input("\(port)_valid").set(false) }
    for cycles in 1...1000 {
      var answer: (UInt64, Bool)?
      try cycle { if try model.output("\(port)_ready").bool {
        answer = (try model.output("\(port)_rdata").uint64, try model.output("\(port)_error").bool)
      } }
      if let answer { return (answer.0, answer.1, cycles) }
    }
    throw SimulationError.noResponse(transaction: "board\(board) \(port)", cycles: 1000, cycle: model.cycle)
  }

  /// One clock cycle of both boards: settle, sample what the edge will take, edge.
  private func cycle(sample: () throws -> Void = {}) throws {
    for model in models { model.settle() }
    try sample()
    for link in links { if let tlp = try link.sample() { lines.append(BringUpLog.tlp(port: link.name, bytes: tlp)) } }
    for board in 0..<2 {
      for link in plan.links where partners[board][link] != nil { if let line = try partners[board][link]!.sample() { lines.append(line) } }
    }
    for model in models { model.step() }
    edges += 1
    for link in links { try link.drive() }
    for partner in partners.flatMap(\.values) { try partner.drive() }
  }
}

/// One direction of a crossed link, as `strata::TLPChannel` carries it: board `from`'s `<b>_out`
/// (always ready) into board `to`'s `<b>_in`, each TLP offered from `latency` edges after the
/// edge that took its last beat, and not before the one ahead of it has gone in.
private final class LinkDirection {
  let name: String
  let readyPin: InputPort
  private let out: TLPStreamOutPins
  private let into: TLPStreamInPins
  private let latency: Int
  private var collected: [TLPStreamBeat] = []
  /// TLPs in the channel with the edge they are due at, then the beats of the one going in.
  private var inFlight: [(due: Int, tlp: TLP)] = []
  private var forwarding: [TLPStreamBeat] = []
  private var edges = 0
  /// On a crossed link with flow-control pins (an NTB cable), the receiving board's wrapper's
  /// `LinkCredits`: InitFC with infinite credits after reset, and that board's credits honoured.
  private let credits: Credits?

  init(name: String, from: Model, to: Model, prefix: String, lanes: Int, latency: Int, credited: Bool) throws {
    self.name = name
    self.latency = latency
    out = try TLPStreamOutPins(from, prefix: "\(prefix)_out", lanes: lanes)
    into = try TLPStreamInPins(to, prefix: "\(prefix)_in", lanes: lanes)
    readyPin = out.ready
    credits = credited ? try Credits(to, link: prefix) : nil
  }

  /// Right after reset: the InitFC cycle's pins.
  func afterReset() { credits?.initialize.set(true) }

  /// Before the edge: the beat the peer takes, and the beat leaving `from` (a whole TLP's bytes
  /// on its last beat).
  func sample() throws -> [UInt8]? {
    credits?.sample()
    if !forwarding.isEmpty && into.ready.bool { forwarding.removeFirst() }
    guard let beat = out.beat else { return nil }
    if beat.start { collected = [] }
    collected.append(beat)
    guard beat.end else { return nil }
    let tlp = try TLP(streamBeats: collected)
    inFlight.append((due: edges + 1 + latency, tlp: tlp))
    return tlp.bytes
  }

  /// After the edge: the pins for the next cycle.
  func drive() throws {
    edges += 1
    credits?.drive()
    if forwarding.isEmpty, let next = inFlight.first, next.due <= edges, credits?.permits(next.tlp) ?? true {
      inFlight.removeFirst()
      credits?.consume(next.tlp)
      forwarding = next.tlp.streamBeats(lanes: into.lanes)
    }
    try into.offer(forwarding.first)
  }
}
