import HDL
import PCIe
import Simulation

private let creditNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]

/// One switch port's link partner for the benchmark (64-bit data path): it sends queued TLPs
/// into `link<k>_in` as fast as the switch's advertised credits allow (a beat every cycle,
/// no idle cycles), and takes every beat from `link<k>_out` at once while advertising
/// infinite credits, so the switch alone sets the pace.
final class SwitchLink {
  private let valid, header, data, strobe, start, end, outReady, fcInitialize: InputPort
  private let ready, outValid, outStart, outEnd, outData: OutputPort
  private let advertised, allocated: [OutputPort]
  private var gates: [CreditGate] = []
  private var queue: [(tlp: TLP, beats: [TLPStreamBeat])] = []
  private var queueHead = 0
  private var beatIndex = 0
  private var initializing = false

  /// Cycle in which the first beat of each started TLP entered, in order; cleared by the user.
  var started: [(cycle: Int, tag: UInt32)] = []
  /// Beats taken from `link<k>_out`, and the first payload DW and cycle of each TLP that began leaving.
  private(set) var beatsOut = 0
  private(set) var beatsIn = 0
  /// Cycles in which a TLP waited to start for want of the switch's credits.
  private(set) var creditStalls = 0
  var arrivals: [(cycle: Int, tag: UInt32)] = []
  /// Whether a TLP waits to start or is part-way through.
  var busy: Bool { queueHead < queue.count }
  var waiting: Int { queue.count - queueHead }

  init(_ model: Model, port k: Int) throws {
    let p = "link\(k)"
    valid = try model.input("\(p)_in_valid"); header = try model.input("\(p)_in_header"); data = try model.input("\(p)_in_data")
    strobe = try model.input("\(p)_in_strobe"); start = try model.input("\(p)_in_start"); end = try model.input("\(p)_in_end")
    ready = try model.output("\(p)_in_ready")
    outReady = try model.input("\(p)_out_ready"); fcInitialize = try model.input("\(p)_fc_initialize")
    outValid = try model.output("\(p)_out_valid"); outStart = try model.output("\(p)_out_start")
    outEnd = try model.output("\(p)_out_end"); outData = try model.output("\(p)_out_data")
    advertised = try creditNames.map { try model.output("\(p)_rx_fc_\($0)_advertised") }
    allocated = try creditNames.map { try model.output("\(p)_rx_fc_\($0)_allocated") }
    // The partner's receive buffer is infinite: InitFC with 0 for every type, limits unused.
    for name in creditNames {
      try model.input("\(p)_fc_\(name)_advertised").set(0)
      try model.input("\(p)_fc_\(name)_limit").set(0)
    }
    try model.input("\(p)_fc_update").set(0)
    for (input, width) in [("speed", 4), ("width", 6)] { try model.set("\(p)_\(input)", BitVector(width: width)) }
    try model.input("\(p)_active").set(1)  // the link is up (DL_Active), or the switch refuses TLPs for it (§2.9.1)
  }

  /// After reset: InitFC towards the switch in the next cycle, and the switch's advertisement read.
  func initialize() {
    initializing = true
    gates = CreditType.allCases.map { CreditGate(type: $0, advertised: Int(advertised[$0.rawValue].uint64)) }
  }

  func send(_ tlp: TLP) { queue.append((tlp, tlp.streamBeats(lanes: 2))) }

  /// Inputs for this cycle: the next beat when its TLP's credits are there (checked on the first beat).
  func drive() throws {
    fcInitialize.set(initializing)
    initializing = false
    outReady.set(true)
    for type in CreditType.allCases { gates[type.rawValue].update(limit: Int(allocated[type.rawValue].uint64)) }
    guard queueHead < queue.count else { valid.set(false); return }
    let (tlp, beats) = queue[queueHead]
    if beatIndex == 0 && !tlp.creditsRequired.allSatisfy({ gates[$0.key.rawValue].permits($0.value) }) {
      creditStalls += 1
      valid.set(false)
      return
    }
    let beat = beats[beatIndex]
    let h = beat.header
    try header.set(BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
    try data.set(UInt64(beat.lanes[0]) | UInt64(beat.lanes[1]) << 32)
    try strobe.set(beat.strobe)
    start.set(beat.start)
    end.set(beat.end)
    valid.set(true)
  }

  /// After `settle()`: what moved in this cycle on both halves of the link.
  func observe(cycle: Int) {
    if queueHead < queue.count && ready.bool && valid.value.uint64 == 1 {
      let tlp = queue[queueHead].tlp
      beatsIn += 1
      if beatIndex == 0 {
        for (type, units) in tlp.creditsRequired { gates[type.rawValue].consume(units) }
        started.append((cycle, firstDW(of: tlp)))
      }
      beatIndex += 1
      if beatIndex == queue[queueHead].beats.count {
        beatIndex = 0
        queueHead += 1
        if queueHead > 256 { queue.removeFirst(queueHead); queueHead = 0 }
      }
    }
    if outValid.bool {
      beatsOut += 1
      if outStart.bool { arrivals.append((cycle, UInt32(truncatingIfNeeded: outData.uint64))) }
    }
  }

  private func firstDW(of tlp: TLP) -> UInt32 {
    let p = tlp.payloadDWs
    return p.isEmpty ? 0 : p[0]
  }
}
