import FirmwareSimulation
import HDL
import PCIe
import Simulation

private let creditNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]

/// A node's root complex on the board's `host<i>_*` link (the switch's upstream port), with
/// PCIe flow control (§2.6.1): it sends queued TLPs into `host<i>_in` a beat per cycle whenever
/// the switch's advertised credits let the next one start, and takes every beat of
/// `host<i>_out` at once, advertising infinite credits. Behind it sits the node's memory:
/// memory writes are stored, memory reads answered with one successful completion with data
/// (bytes never written read as 0), queued behind what is already waiting to go in.
///
/// It counts what it sees (`CycleAgent`: `drive` before the settle, `sample` before the edge),
/// so figures come from the link itself: when each request's first beat went in
/// (`requestStarts`), when each TLP's last beat came out (`arrivals`), the cycle of every
/// payload beat of a memory write that came out (`writeBeatCycles`).
final class RootComplexPort: CycleAgent {
  let prefix: String
  /// The ID in the completions this side's memory sends.
  let completer: PCIeID
  private(set) var memory: [UInt64: UInt8] = [:]
  /// (cycle, TLP) for each TLP whose last beat came out, in order.
  private(set) var arrivals: [(cycle: UInt64, tlp: TLP)] = []
  /// The cycle in which the first beat of each TLP sent went in, in order.
  private(set) var requestStarts: [UInt64] = []
  /// Cycles in which a beat of a memory write came out (every beat of one carries payload).
  private(set) var writeBeatCycles: [UInt64] = []
  /// Cycles in which the next TLP could have started but the switch's credits held it back.
  private(set) var creditStalls = 0

  private let system: SimulatedSystem
  private let lanes: Int
  private let inValid, inHeader, inData, inStrobe, inStart, inEnd, outReady, fcInitialize: InputPort
  private let inReady, outValid, outHeader, outData, outStrobe, outStart, outEnd: OutputPort
  private let advertised, allocated: [OutputPort]
  private var gates: [CreditGate] = []
  private var sending: [(tlp: TLP, beats: [TLPStreamBeat])] = []
  private var sendingHead = 0
  private var beatIndex = 0
  private var arriving: [TLPStreamBeat] = []
  private var arrivingCycles: [UInt64] = []
  private var initializing = false
  private var offering = false

  init(system: SimulatedSystem, prefix: String, completer: PCIeID) throws {
    self.system = system
    self.prefix = prefix
    self.completer = completer
    let model = system.model
    func input(_ name: String) throws -> InputPort { try model.input("\(prefix)_\(name)") }
    func output(_ name: String) throws -> OutputPort { try model.output("\(prefix)_\(name)") }
    inValid = try input("in_valid"); inHeader = try input("in_header"); inData = try input("in_data")
    inStrobe = try input("in_strobe"); inStart = try input("in_start"); inEnd = try input("in_end")
    inReady = try output("in_ready")
    outValid = try output("out_valid"); outHeader = try output("out_header"); outData = try output("out_data")
    outStrobe = try output("out_strobe"); outStart = try output("out_start"); outEnd = try output("out_end")
    outReady = try input("out_ready")
    fcInitialize = try input("fc_initialize")
    advertised = try creditNames.map { try output("rx_fc_\($0)_advertised") }
    allocated = try creditNames.map { try output("rx_fc_\($0)_allocated") }
    // This side's receive buffers are infinite: InitFC with 0 for every type, no UpdateFC.
    for name in creditNames {
      try input("fc_\(name)_advertised").set(0)
      try input("fc_\(name)_limit").set(0)
    }
    try input("fc_update").set(0)
    lanes = inData.width / 32
    system.attach(self)
  }

  /// The link is up at the given speed and width (`host<i>_speed`, `_width`, `_active`).
  func linkUp(speed: Int, width: Int) throws {
    try system.model.input("\(prefix)_speed").set(UInt64(speed))
    try system.model.input("\(prefix)_width").set(UInt64(width))
    try system.model.input("\(prefix)_active").set(1)
  }

  /// After reset: InitFC towards the switch in the next cycle, and the switch's advertisement read.
  func initializeFlowControl() {
    system.settle()
    gates = CreditType.allCases.map { CreditGate(type: $0, advertised: Int(advertised[$0.rawValue].uint64)) }
    initializing = true
  }

  func send(_ tlp: TLP) { sending.append((tlp, tlp.streamBeats(lanes: lanes))) }

  /// Whether everything queued has gone in.
  var idle: Bool { sendingHead == sending.count }

  func write(_ address: UInt64, bytes: [UInt8]) {
    for (i, byte) in bytes.enumerated() { memory[address + UInt64(i)] = byte }
  }

  /// Sets this cycle's inputs from the state the last edge left; it may run several times
  /// before one edge (every settle does), so it changes nothing itself.
  func drive() {
    fcInitialize.set(initializing)
    outReady.set(true)
    offering = false
    guard !gates.isEmpty else { inValid.set(false); return }
    for type in CreditType.allCases { gates[type.rawValue].update(limit: Int(allocated[type.rawValue].uint64)) }
    if sendingHead < sending.count {
      let (tlp, beats) = sending[sendingHead]
      if beatIndex > 0 || tlp.creditsRequired.allSatisfy({ gates[$0.key.rawValue].permits($0.value) }) {
        present(beats[beatIndex])
        offering = true
      } else {
        creditStalls += 1
      }
    }
    inValid.set(offering)
  }

  func sample() {
    let cycle = system.cycle
    initializing = false
    if offering && inReady.bool {
      let tlp = sending[sendingHead].tlp
      if beatIndex == 0 {
        for (type, units) in tlp.creditsRequired { gates[type.rawValue].consume(units) }
        requestStarts.append(cycle)
      }
      beatIndex += 1
      if beatIndex == sending[sendingHead].beats.count {
        beatIndex = 0
        sendingHead += 1
        if sendingHead > 256 { sending.removeFirst(sendingHead); sendingHead = 0 }
      }
    }
    guard outValid.bool else { return }
    let h = outHeader.value.words, d = outData.value.words
    let beat = TLPStreamBeat(
      header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
               UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
      lanes: (0..<lanes).map { UInt32(truncatingIfNeeded: d[$0 / 2] >> (32 * UInt64($0 % 2))) },
      strobe: outStrobe.uint64, start: outStart.bool, end: outEnd.bool)
    arriving.append(beat)
    arrivingCycles.append(cycle)
    guard beat.end else { return }
    defer { arriving = []; arrivingCycles = [] }
    guard let tlp = try? TLP(streamBeats: arriving) else {
      preconditionFailure("\(prefix): beats that do not frame a TLP came out at cycle \(cycle)")
    }
    if tlp.kind == .memoryWrite { writeBeatCycles += arrivingCycles }
    arrivals.append((cycle, tlp))
    served(tlp)
  }

  private func served(_ tlp: TLP) {
    switch tlp.kind {
    case .memoryWrite:
      let base = tlp.address & ~3
      for (i, byte) in tlp.payload.enumerated() where byteEnabled(tlp, i) { memory[base + UInt64(i)] = byte }
    case .memoryRead:
      let data = (0..<UInt64(tlp.length * 4)).map { memory[(tlp.address & ~3) + $0] ?? 0 }
      send(.completionWithData(answering: tlp, completer: completer, data: data))
    default:
      break
    }
  }

  /// Whether payload byte `i` is written: First BE covers DW 0, Last BE the last DW.
  private func byteEnabled(_ tlp: TLP, _ i: Int) -> Bool {
    let dw = i / 4, lane = i % 4
    if dw == 0 { return tlp.firstByteEnables >> lane & 1 == 1 }
    if dw == tlp.length - 1 { return tlp.lastByteEnables >> lane & 1 == 1 }
    return true
  }

  private func present(_ beat: TLPStreamBeat) {
    let h = beat.header.map(UInt64.init)
    set(inHeader, BitVector(width: 128, words: [h[2] << 32 | h[3], h[0] << 32 | h[1]]))
    set(inData, BitVector(width: lanes * 32, words: stride(from: 0, to: lanes, by: 2).map { i in
      UInt64(beat.lanes[i]) | (i + 1 < lanes ? UInt64(beat.lanes[i + 1]) << 32 : 0) }))
    set(inStrobe, BitVector(width: inStrobe.width, unsigned: beat.strobe))
    inStart.set(beat.start)
    inEnd.set(beat.end)
  }

  private func set(_ port: InputPort, _ value: BitVector) {
    do { try port.set(value) } catch { preconditionFailure("\(prefix): \(port.name) refused a beat: \(error)") }
  }
}
