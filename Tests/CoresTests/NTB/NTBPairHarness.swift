import Cores
import HDL
import PCIe
import Simulation

/// Drives a Verilated `ntbPair` cycle by cycle: TLPs into each side's `local_in`, TLPs
/// collected from each `local_out` (ready every cycle unless `localReady` says otherwise),
/// management accesses on each `mmio` port, and the interrupt lines.
final class NTBPairHarness {
  enum Side: Int, CaseIterable { case a = 0, b = 1 }

  let model: Model
  let layout: NTBLayout
  private(set) var cycle = 0
  /// TLPs that left each side's `local_out`, in order.
  var received: [[TLP]] = [[], []]
  /// TLPs that left each side's `local_out` nullified (ended by a nullifying beat), not in `received`.
  var nullified = [0, 0]
  /// With `recordStarts`, the cycles in which each side's `local_in` took a TLP's first beat.
  var recordStarts = false
  var starts: [[Int]] = [[], []]
  /// Whether each side's `local_out` is ready in a cycle (backpressure in random tests).
  var localReady: (Side) -> Bool = { _ in true }
  /// Sides whose `local_out` does not take memory reads (a local side without NP credits).
  var refusesReads: Set<Side> = []

  private struct SidePorts {
    let inValid, inHeader, inData, inStrobe, inStart, inEnd: InputPort
    let inReady: OutputPort
    let outValid, outHeader, outData, outStrobe, outStart, outEnd: OutputPort
    let outReady: InputPort
    let mmioValid, mmioWrite, mmioAddress, mmioData, mmioStrobe: InputPort
    let mmioReady, mmioReadData, mmioError, irq, localDropped, peerDropped: OutputPort
  }
  private let ports: [SidePorts]
  private let phyUp: InputPort
  private let busMaster: [InputPort]
  private var sending: [[TLPStreamBeat]] = [[], []]
  private var inbound: [[TLPStreamBeat]] = [[], []]

  init(_ model: Model, layout: NTBLayout) throws {
    self.model = model
    self.layout = layout
    ports = try ["a", "b"].map { s in
      SidePorts(inValid: try model.input("\(s)_local_in_valid"), inHeader: try model.input("\(s)_local_in_header"),
                inData: try model.input("\(s)_local_in_data"), inStrobe: try model.input("\(s)_local_in_strobe"),
                inStart: try model.input("\(s)_local_in_start"), inEnd: try model.input("\(s)_local_in_end"),
                inReady: try model.output("\(s)_local_in_ready"),
                outValid: try model.output("\(s)_local_out_valid"), outHeader: try model.output("\(s)_local_out_header"),
                outData: try model.output("\(s)_local_out_data"), outStrobe: try model.output("\(s)_local_out_strobe"),
                outStart: try model.output("\(s)_local_out_start"), outEnd: try model.output("\(s)_local_out_end"),
                outReady: try model.input("\(s)_local_out_ready"),
                mmioValid: try model.input("\(s)_mmio_valid"), mmioWrite: try model.input("\(s)_mmio_write"),
                mmioAddress: try model.input("\(s)_mmio_address"), mmioData: try model.input("\(s)_mmio_wdata"),
                mmioStrobe: try model.input("\(s)_mmio_strobe"), mmioReady: try model.output("\(s)_mmio_ready"),
                mmioReadData: try model.output("\(s)_mmio_rdata"), mmioError: try model.output("\(s)_mmio_error"),
                irq: try model.output("\(s)_irq"), localDropped: try model.output("\(s)_local_dropped_count"),
                peerDropped: try model.output("\(s)_peer_dropped_count"))
    }
    phyUp = try model.input("phy_up")
    try model.input("link_speed").set(3)
    try model.input("link_width").set(8)
    busMaster = try ["a", "b"].map { try model.input("\($0)_bus_master_enable") }
    for port in busMaster { port.set(true) }
    phyUp.set(true)
    model.reset()
  }

  func setPhysicalLink(up: Bool) { phyUp.set(up) }

  /// On a pair with crosslink credits: `side`'s local room per class (posted, non-posted,
  /// completion), as `EgressRoom` values.
  func setLocalRoom(_ side: Side, posted: Int, nonPosted: Int, completion: Int) throws {
    let name = side == .a ? "a" : "b"
    for (room, value) in zip(EgressRoom.classNames, [posted, nonPosted, completion]) {
      try model.input("\(name)_local_room_\(room)").set(UInt64(value))
    }
  }

  /// Sets or clears `side`'s Bus Master Enable (set after reset, as a driver leaves it).
  func setBusMaster(_ side: Side, _ enabled: Bool) { busMaster[side.rawValue].set(enabled) }

  /// Queues `tlp` for `side`'s `local_in` (sent one beat per cycle, in order).
  func send(_ tlp: TLP, on side: Side) { sending[side.rawValue] += tlp.streamBeats(lanes: 2) }
  var sendingIdle: Bool { sending.allSatisfy(\.isEmpty) }
  /// Whether `side`'s `local_out` has given part of a TLP: its first beat, not yet its end.
  func receivingMidTLP(_ side: Side) -> Bool { !inbound[side.rawValue].isEmpty }

  func irq(_ side: Side) -> UInt64 { ports[side.rawValue].irq.uint64 }
  func dropped(_ side: Side) -> (local: UInt64, peer: UInt64) {
    (ports[side.rawValue].localDropped.uint64, ports[side.rawValue].peerDropped.uint64)
  }

  /// One clock cycle with the MMIO inputs as they are set.
  func step() throws {
    var ready = Side.allCases.map { localReady($0) }
    for side in Side.allCases {
      let p = ports[side.rawValue], s = side.rawValue
      if let beat = sending[s].first {
        let h = beat.header
        try p.inHeader.set(BitVector(width: 128, words: [UInt64(h[2]) << 32 | UInt64(h[3]), UInt64(h[0]) << 32 | UInt64(h[1])]))
        try p.inData.set(UInt64(beat.lanes[0]) | UInt64(beat.lanes[1]) << 32)
        try p.inStrobe.set(beat.strobe)
        p.inStart.set(beat.start)
        p.inEnd.set(beat.end)
      }
      p.inValid.set(!sending[s].isEmpty)
      p.outReady.set(ready[s])
    }
    model.settle()
    for side in refusesReads where ready[side.rawValue] {
      let p = ports[side.rawValue]
      let dw0 = p.outHeader.value.words[1] >> 32
      if p.outValid.bool && p.outStart.bool && (dw0 >> 24) & 0x1F == 0 && dw0 >> 30 == 0 {  // MRd: Fmt 00x, Type 0
        ready[side.rawValue] = false
        p.outReady.set(false)
        model.settle()
      }
    }
    for side in Side.allCases {
      let p = ports[side.rawValue], s = side.rawValue
      if !sending[s].isEmpty && p.inReady.bool {
        if recordStarts && sending[s][0].start { starts[s].append(cycle) }
        sending[s].removeFirst()
      }
      if p.outValid.bool && ready[s] {
        let h = p.outHeader.value.words, d = p.outData.uint64
        inbound[s].append(TLPStreamBeat(header: [UInt32(truncatingIfNeeded: h[1] >> 32), UInt32(truncatingIfNeeded: h[1]),
                                                 UInt32(truncatingIfNeeded: h[0] >> 32), UInt32(truncatingIfNeeded: h[0])],
                                        lanes: [UInt32(truncatingIfNeeded: d), UInt32(truncatingIfNeeded: d >> 32)],
                                        strobe: p.outStrobe.uint64, start: p.outStart.bool, end: p.outEnd.bool))
        if p.outEnd.bool, inbound[s].last?.nullifies == true {
          nullified[s] += 1
          inbound[s] = []
        } else if p.outEnd.bool {
          received[s].append(try TLP(streamBeats: inbound[s]))
          inbound[s] = []
        }
      }
    }
    model.step()
    cycle += 1
  }

  func run(_ cycles: Int) throws { for _ in 0..<cycles { try step() } }

  /// Runs until every queued TLP has gone in and `cycles` more cycles have passed.
  func drain(_ cycles: Int = 40) throws {
    var guardCycles = 0
    while !sendingIdle && guardCycles < 100_000 { try step(); guardCycles += 1 }
    try run(cycles)
  }

  /// One management access, held until the function takes it; returns (data, error).
  /// `waiting` runs before each cycle the access has to wait, with the count of cycles waited.
  @discardableResult
  func access(_ side: Side, write: Bool, _ offset: UInt64, _ value: UInt32 = 0, strobe: UInt64 = 0xF,
              waiting: ((Int) throws -> Void)? = nil) throws -> (UInt32, Bool) {
    let p = ports[side.rawValue]
    p.mmioValid.set(true)
    p.mmioWrite.set(write)
    try p.mmioAddress.set(offset)
    try p.mmioData.set(UInt64(value))
    try p.mmioStrobe.set(strobe)
    defer { p.mmioValid.set(false) }
    for waited in 0..<1000 {
      model.settle()
      if p.mmioReady.bool {
        let result = (UInt32(truncatingIfNeeded: p.mmioReadData.uint64), p.mmioError.bool)
        try step()
        return result
      }
      try waiting?(waited)
      try step()
    }
    throw NTBHarnessError.accessNeverTaken(offset)
  }

  func write(_ side: Side, _ offset: UInt64, _ value: UInt32) throws { try access(side, write: true, offset, value) }

  /// Presents a write on `side`'s management port for `cycles` cycles at most; true when it was
  /// taken (the port then idles), false when it is still waiting (and withdrawn).
  func tryWrite(_ side: Side, _ offset: UInt64, _ value: UInt32, cycles: Int) throws -> Bool {
    let p = ports[side.rawValue]
    p.mmioValid.set(true)
    p.mmioWrite.set(true)
    try p.mmioAddress.set(offset)
    try p.mmioData.set(UInt64(value))
    try p.mmioStrobe.set(0xF)
    defer { p.mmioValid.set(false) }
    for _ in 0..<cycles {
      model.settle()
      let taken = p.mmioReady.bool
      try step()
      if taken { return true }
    }
    return false
  }
  func read(_ side: Side, _ offset: UInt64) throws -> UInt32 { try access(side, write: false, offset).0 }
  func write64(_ side: Side, low: UInt64, high: UInt64, _ value: UInt64) throws {
    try write(side, low, UInt32(truncatingIfNeeded: value))
    try write(side, high, UInt32(truncatingIfNeeded: value >> 32))
  }

  /// Programs `side` the way a driver would: its bus number, the aperture, every window
  /// (translation, size, mode), the lookup table, the requester-ID table; then enables the link.
  func configure(_ side: Side, _ settings: NTBSettings, enable: Bool = true) throws {
    try write(side, NTBLayout.identity, UInt32(settings.localBus))
    try write64(side, low: NTBLayout.apertureBaseLow, high: NTBLayout.apertureBaseHigh, settings.apertureBase)
    for (w, window) in settings.windows.enumerated() {
      try write64(side, low: NTBLayout.windowTranslationLow(w), high: NTBLayout.windowTranslationHigh(w), window.translation)
      try write(side, NTBLayout.windowControl(w), (window.valid ? 1 : 0) | (window.lookup ? 2 : 0) | UInt32(window.sizeLog2) << 8)
    }
    for (e, entry) in settings.lut.enumerated() {
      try write64(side, low: NTBLayout.lutTranslationLow(e), high: NTBLayout.lutTranslationHigh(e), entry.translation)
      try write(side, NTBLayout.lutControl(e), (entry.valid ? 1 : 0) | UInt32(entry.peer) << 8)
    }
    for (n, requester) in settings.requesters.enumerated() {
      try write(side, NTBLayout.requesterEntry(n), UInt32(requester.id) | (requester.valid ? 1 << 31 : 0))
    }
    if enable { try write(side, NTBLayout.linkControl, 1) }
  }
}

enum NTBHarnessError: Error { case accessNeverTaken(UInt64) }
