import HDL
import PCIe
import Simulation
import SystemCExport

/// Runs a register-level `BringUpScript` on the Verilator C++ model with `MMIOMaster`, printing
/// the lines the SystemC sample prints (`BringUpLog`), so the two logs compare as text.
/// Payload steps and bytes that are no TLP are the TLM socket's own checks, which have no
/// counterpart here, and steps on a second board need a second model: skipped. TLP outputs are
/// taken (ready high) and logged while TLPs are sent.
struct ModelBringUp {
  let model: Model
  let plan: SystemCPortPlan

  func run(_ script: BringUpScript) throws -> [String] {
    var masters: [String: MMIOMaster] = [:]
    for port in plan.mmio {
      masters[port.prefix] = try MMIOMaster(model, prefix: port.prefix, random: SimulationRandom(seed: 1))
    }
    var lines: [String] = []
    let outputs = try plan.tlp.filter { $0.direction == .outOfDesign }.map { try TLPOutput(model, $0) }
    model.reset(cycles: script.resetCycles)
    for step in script.steps {
      switch step {
      case .read(let port, let address, let label):
        let answer = try masters[port]!.read(address)
        lines.append(BringUpLog.read(port: port, address: address, status: status(answer), data: answer.error ? nil : answer.data,
                                     dataBytes: dataBytes(port), cycles: masters[port]!.lastAccessCycles, label: label))
      case .write(let port, let address, let value, let enables, let label):
        let strobe = enables.map { $0.enumerated().reduce(UInt64(0)) { $0 | ($1.element ? 1 << UInt64($1.offset) : 0) } }
        let answer = try masters[port]!.write(address, value, strobe: strobe)
        lines.append(BringUpLog.write(port: port, address: address, value: value,
                                      byteEnables: BringUpLog.byteEnables(enables, dataBytes: dataBytes(port)), status: status(answer),
                                      dataBytes: dataBytes(port), cycles: masters[port]!.lastAccessCycles, label: label))
      case .idle(let cycles):
        model.step(cycles)
      case .sendTLP(let port, let bytes, let label):
        guard let tlp = try? TLP(bytes: bytes), let stream = plan.tlp.first(where: { $0.prefix == port }) else { continue }
        let input = try TLPInput(model, stream)
        for beat in tlp.streamBeats(lanes: stream.lanes) {
          try input.offer(beat)
          var taken = false
          while !taken {
            model.settle()
            taken = input.ready.bool
            for output in outputs { if let received = try output.observe() { lines.append(BringUpLog.tlp(port: output.prefix, bytes: received)) } }
            model.step()
          }
        }
        input.valid.set(false)
        lines.append(BringUpLog.send(port: port, bytes: bytes, status: "TLM_OK_RESPONSE", label: label))
      case .payload, .onBoard, .expectCompletion:
        continue  // socket checks, a second board, a sink's completions: the two-board harness has them
      }
    }
    // The sample stops one edge after its last step and then prints the pins.
    model.step()
    model.settle()
    for pin in plan.pins where pin.direction == .output && pin.width <= 64 {
      lines.append("\(pin.name) = \(try model.output(pin.name).uint64)")
    }
    return lines
  }

  private func status(_ answer: MMIOMaster.Response) -> String { answer.error ? "TLM_ADDRESS_ERROR_RESPONSE" : "TLM_OK_RESPONSE" }
  private func dataBytes(_ port: String) -> Int { plan.mmio.first { $0.prefix == port }!.dataWidth / 8 }
}

/// The pins of a TLP stream into the model.
private struct TLPInput {
  let valid: InputPort, header: InputPort, data: InputPort, strobe: InputPort, start: InputPort, end: InputPort
  let ready: OutputPort

  init(_ model: Model, _ stream: SystemCPortPlan.TLPPort) throws {
    let p = stream.prefix
    valid = try model.input("\(p)_valid"); header = try model.input("\(p)_header"); data = try model.input("\(p)_data")
    strobe = try model.input("\(p)_strobe"); start = try model.input("\(p)_start"); end = try model.input("\(p)_end")
    ready = try model.output("\(p)_ready")
  }

  func offer(_ beat: TLPStreamBeat) throws {
    valid.set(true)
    // DW0 in bits 127:96 (Cores/PCIe/TLPStream.swift).
    try header.set(BitVector(width: 128, words: [UInt64(beat.header[3]) | UInt64(beat.header[2]) << 32,
                                                 UInt64(beat.header[1]) | UInt64(beat.header[0]) << 32]))
    try data.set(BitVector(width: data.width, words: stride(from: 0, to: beat.lanes.count, by: 2).map { i in
      UInt64(beat.lanes[i]) | (i + 1 < beat.lanes.count ? UInt64(beat.lanes[i + 1]) << 32 : 0)
    }))
    try strobe.set(beat.strobe)
    start.set(beat.start)
    end.set(beat.end)
  }
}

/// The pins of a TLP stream out of the model, always ready; collects beats into TLPs.
private final class TLPOutput {
  let prefix: String
  let valid: OutputPort, header: OutputPort, data: OutputPort, strobe: OutputPort, start: OutputPort, end: OutputPort
  let lanes: Int
  var beats: [TLPStreamBeat] = []

  init(_ model: Model, _ stream: SystemCPortPlan.TLPPort) throws {
    let p = stream.prefix
    prefix = p
    lanes = stream.lanes
    valid = try model.output("\(p)_valid"); header = try model.output("\(p)_header"); data = try model.output("\(p)_data")
    strobe = try model.output("\(p)_strobe"); start = try model.output("\(p)_start"); end = try model.output("\(p)_end")
    try model.input("\(p)_ready").set(true)
  }

  /// The bytes of a TLP whose last beat moves in this (settled) cycle.
  func observe() throws -> [UInt8]? {
    guard valid.bool else { return nil }
    let h = header.value.words, d = data.value.words
    let headerDWs = [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]), UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])]
    let laneValues = (0..<lanes).map { UInt32(truncatingIfNeeded: d[$0 / 2] >> (32 * UInt64($0 % 2))) }
    if start.bool { beats = [] }
    beats.append(TLPStreamBeat(header: headerDWs, lanes: laneValues, strobe: strobe.uint64, start: start.bool, end: end.bool))
    guard end.bool else { return nil }
    return try TLP(streamBeats: beats).bytes
  }
}
