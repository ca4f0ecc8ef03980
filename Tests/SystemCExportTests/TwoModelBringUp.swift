import HDL
import PCIe
import Simulation
import SystemCExport

/// Runs a two-board `BringUpScript` on two Verilator C++ models in lockstep, each link crossed
/// as the SystemC sample crosses it: the sending side's `<b>_out` stays ready until a TLP's
/// last beat, then drops `ready` while the TLP is offered beat by beat to the peer's `<b>_in`
/// from the next cycle on. Register accesses hold `valid` until `ready`, as `MMIOMaster` does.
/// Prints the sample's register-access lines and its tap lines (`board<i>_<b>_out tlp ...`).
final class TwoModelBringUp {
  private let models: [Model]
  private let plan: SystemCPortPlan
  private var links: [LinkDirection] = []
  private(set) var lines: [String] = []

  init(_ models: [Model], plan: SystemCPortPlan, crossing crossedLinks: [String]) throws {
    precondition(models.count == 2)
    self.models = models
    self.plan = plan
    for link in crossedLinks {
      let lanes = plan.tlp.first { $0.prefix == "\(link)_out" }!.lanes
      for from in 0..<2 {
        links.append(try LinkDirection(name: "board\(from)_\(link)_out", from: models[from], to: models[1 - from],
                                       prefix: link, lanes: lanes))
      }
    }
  }

  func run(_ script: BringUpScript) throws -> [String] {
    for link in links { link.readyPin.set(true) }
    // The sample plugs each crossed link's cable in: `<b>_up` high from the start.
    for model in models {
      for link in script.crossedLinks where model.ports.contains(where: { $0.name == "\(link)_up" && $0.direction == .input }) {
        try model.input("\(link)_up").set(true)
      }
    }
    for model in models { model.reset(cycles: script.resetCycles) }
    for step in script.steps { try run(step, board: 0) }
    try cycle()
    for board in 0..<2 {
      for pin in plan.pins where pin.direction == .output && pin.width <= 64 {
        lines.append("\(board == 0 ? "" : "board\(board).")\(pin.name) = \(try models[board].output(pin.name).uint64)")
      }
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
    case .sendTLP:
      preconditionFailure("two-model runs take register accesses, idle cycles and steps on board 1")
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
    for model in models { model.step() }
    for link in links { try link.drive() }
  }
}

/// One direction of a link: board `from`'s `<b>_out` into board `to`'s `<b>_in`.
private final class LinkDirection {
  let name: String
  let readyPin: InputPort
  private let out: [String: OutputPort]
  private let into: [String: InputPort]
  private let intoReady: OutputPort
  private let lanes: Int
  private var collected: [TLPStreamBeat] = []
  private var forwarding: [TLPStreamBeat] = []
  private var nextForwarding: [TLPStreamBeat]?
  private var sourceReady = true
  /// The `ready` the sender sees at this cycle's edge (what `drive` set last): a beat is taken
  /// only then, so a TLP offered while `ready` is low is not collected twice.
  private var readyAtEdge = true

  init(name: String, from: Model, to: Model, prefix: String, lanes: Int) throws {
    self.name = name
    self.lanes = lanes
    readyPin = try from.input("\(prefix)_out_ready")
    var out: [String: OutputPort] = [:], into: [String: InputPort] = [:]
    for member in ["valid", "header", "data", "strobe", "start", "end"] {
      out[member] = try from.output("\(prefix)_out_\(member)")
      into[member] = try to.input("\(prefix)_in_\(member)")
    }
    self.out = out
    self.into = into
    intoReady = try to.output("\(prefix)_in_ready")
  }

  /// Before the edge: the beat leaving `from` (a whole TLP's bytes on its last beat), and
  /// whether the peer takes the beat offered to it.
  func sample() throws -> [UInt8]? {
    if !forwarding.isEmpty && intoReady.bool {
      forwarding.removeFirst()
      if forwarding.isEmpty { sourceReady = true }
    }
    guard readyAtEdge && out["valid"]!.bool else { return nil }
    let h = out["header"]!.value.words, d = out["data"]!.value.words
    let header = [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]), UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])]
    let laneValues = (0..<lanes).map { UInt32(truncatingIfNeeded: d[$0 / 2] >> (32 * UInt64($0 % 2))) }
    if out["start"]!.bool { collected = [] }
    collected.append(TLPStreamBeat(header: header, lanes: laneValues, strobe: out["strobe"]!.uint64, start: out["start"]!.bool, end: out["end"]!.bool))
    guard out["end"]!.bool else { return nil }
    let tlp = try TLP(streamBeats: collected)
    sourceReady = false
    nextForwarding = tlp.streamBeats(lanes: lanes)
    return tlp.bytes
  }

  /// After the edge: the pins for the next cycle.
  func drive() throws {
    if let next = nextForwarding {
      forwarding = next
      nextForwarding = nil
    }
    readyPin.set(sourceReady)
    readyAtEdge = sourceReady
    guard let beat = forwarding.first else { into["valid"]!.set(false); return }
    into["valid"]!.set(true)
    try into["header"]!.set(BitVector(width: 128, words: [UInt64(beat.header[3]) | UInt64(beat.header[2]) << 32,
                                                         UInt64(beat.header[1]) | UInt64(beat.header[0]) << 32]))
    try into["data"]!.set(BitVector(width: 32 * lanes, words: stride(from: 0, to: lanes, by: 2).map { i in
      UInt64(beat.lanes[i]) | (i + 1 < lanes ? UInt64(beat.lanes[i + 1]) << 32 : 0)
    }))
    try into["strobe"]!.set(beat.strobe)
    into["start"]!.set(beat.start)
    into["end"]!.set(beat.end)
  }

}
