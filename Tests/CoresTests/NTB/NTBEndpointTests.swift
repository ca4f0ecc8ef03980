import Cores
import HDL
import PCIe
import Simulation
import SimulationTesting
import XCTest

/// Two `ntbEndpoint`s joined by their crosslink, each behind a link to its own root complex
/// (the link partners of the switch tests, with flow control): enumeration-style configuration
/// writes place BAR0, then requests from A's root through BAR0 cross to B's root and back.
final class NTBEndpointTests: SimulationTestCase {
  static let layout = NTBFunctionTests.layout
  static let credits = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
  let reference = NTBReferenceModel(layout: NTBEndpointTests.layout)
  static let rootComplex = PCIeID(rawValue: 0x0000)

  /// The pair with every port of side `s` named `s_<port>`.
  static func pair() throws -> Module {
    let endpoint = try ntbEndpoint(layout: layout, vendorID: 0x1AB4, deviceID: 0x4E54, dataWidth: 64)
    return Module("ntb_endpoint_pair") { m in
      let a = m.instance(endpoint, name: "node_a"), b = m.instance(endpoint, name: "node_b")
      let phyUp = m.input("phy_up")
      for (side, s) in [(a, "a"), (b, "b")] {
        connect(m.port("\(s)_link_in", TLPStream(dataWidth: 64).flipped), to: side.interface("link_in", as: TLPStream.self))
        connect(side.interface("link_out", as: TLPStream.self), to: m.port("\(s)_link_out", TLPStream(dataWidth: 64)))
        side["link_fc_initialize"] <== m.input("\(s)_link_fc_initialize")
        side["link_fc_update"] <== m.input("\(s)_link_fc_update")
        for name in credits {
          let width = side["link_fc_\(name)_advertised"].width
          side["link_fc_\(name)_advertised"] <== m.input("\(s)_link_fc_\(name)_advertised", width: width)
          side["link_fc_\(name)_limit"] <== m.input("\(s)_link_fc_\(name)_limit", width: width)
          m.output("\(s)_link_rx_fc_\(name)_advertised", width: width) <== side["link_rx_fc_\(name)_advertised"]
          m.output("\(s)_link_rx_fc_\(name)_allocated", width: width) <== side["link_rx_fc_\(name)_allocated"]
        }
        m.output("\(s)_id", width: 16) <== side["id"]
        connect(m.port("\(s)_mmio", MMIO(addressWidth: side["mmio_address"].width).flipped), to: side.interface("mmio", as: MMIO.self))
        m.output("\(s)_irq", width: 4) <== side["irq"]
        m.output("\(s)_dropped", width: 32) <== concat(side["local_dropped_count"], side["peer_dropped_count"])
        side["phy_up"] <== phyUp
        side["link_speed"] <== Signal.constant(3, width: 4)
        side["link_width"] <== Signal.constant(8, width: 6)
      }
      connect(a.interface("peer_out", as: TLPStream.self), to: b.interface("peer_in", as: TLPStream.self))
      connect(b.interface("peer_out", as: TLPStream.self), to: a.interface("peer_in", as: TLPStream.self))
    }
  }

  /// Each root complex: its link partner halves and the endpoint's management port.
  final class Root {
    let transmitter: TLPTransmitter
    let receiver: TLPReceiver
    let valid, write, address, data, strobe: InputPort
    let ready: OutputPort
    var received: [TLP] = []

    init(_ model: Model, side: String, random: (String) -> SimulationRandom) throws {
      transmitter = try TLPTransmitter(model, prefix: "\(side)_link", validProbability: 0.8, random: random("\(side) tx"))
      receiver = try TLPReceiver(model, prefix: "\(side)_link", readyProbability: 0.7, releaseProbability: 0.5, random: random("\(side) rx"))
      valid = try model.input("\(side)_mmio_valid")
      write = try model.input("\(side)_mmio_write")
      address = try model.input("\(side)_mmio_address")
      data = try model.input("\(side)_mmio_wdata")
      strobe = try model.input("\(side)_mmio_strobe")
      ready = try model.output("\(side)_mmio_ready")
    }
  }

  var model: Model!
  var roots: [Root] = []
  var cycle = 0

  func step() throws {
    for root in roots {
      if cycle > 0 { try root.transmitter.drive() }
      try root.receiver.drive()
    }
    model.settle()
    for root in roots {
      if cycle > 0 { _ = root.transmitter.observe() }
      if let tlp = try root.receiver.observe() { root.received.append(tlp) }
    }
    model.step()
    cycle += 1
  }

  func run(_ cycles: Int) throws { for _ in 0..<cycles { try step() } }

  func mmioWrite(_ root: Root, _ offset: UInt64, _ value: UInt32) throws {
    root.valid.set(true)
    root.write.set(true)
    try root.address.set(offset)
    try root.data.set(UInt64(value))
    try root.strobe.set(0xF)
    defer { root.valid.set(false) }
    for _ in 0..<100 {
      model.settle()
      let taken = root.ready.bool
      try step()
      if taken { return }
    }
    XCTFail("the management port never took the write to 0x\(String(offset, radix: 16))")
  }

  /// Enumeration's writes: BAR0 (64-bit) at `bar`, then Memory Space and Bus Master Enable.
  func enumerate(_ root: Root, target: PCIeID, bar: UInt64) throws {
    for (offset, value) in [(0x10, UInt32(truncatingIfNeeded: bar) | 0b1100), (0x14, UInt32(bar >> 32)), (0x04, 0b110)] {
      root.transmitter.send(TLP.configWrite(target: target, offset: offset, value: value, requester: Self.rootComplex))
    }
    try run(200)
    XCTAssertEqual(root.received.count, 3, "three configuration write completions")
    XCTAssertTrue(root.received.allSatisfy { $0.kind == .completion && $0.status == .successful })
    root.received = []
  }

  func testRequestsThroughBAR0CrossAndTheirCompletionsComeBack() throws {
    model = try self.model(try Design(top: Self.pair()))
    watch("a link in", "a_link_in")
    watch("b link out", "b_link_out")
    watch("b link in", "b_link_in")
    watch("a link out", "a_link_out")
    try model.input("phy_up").set(1)
    roots = try ["a", "b"].map { try Root(model, side: $0, random: { self.random($0) }) }
    model.reset()
    for root in roots { try root.receiver.chooseCredits() }
    try step()
    for root in roots { root.transmitter.initialize() }

    let barA: UInt64 = 0x9000_0000, barB: UInt64 = 0x2_0000_0000
    try enumerate(roots[0], target: PCIeID(rawValue: 0x0300), bar: barA)
    try enumerate(roots[1], target: PCIeID(rawValue: 0x0500), bar: barB)
    XCTAssertEqual(try model.output("a_id").uint64, 0x0300, "the endpoint captured its ID")

    // The drivers: A's window 0 direct, window 1 through the LUT; the root complex in both tables.
    var a = NTBFunctionTests.a, b = NTBFunctionTests.b
    a.localBus = 3
    b.localBus = 5
    a.requesters = [.init(valid: true, id: Self.rootComplex.rawValue)]
    b.requesters = [.init(valid: true, id: Self.rootComplex.rawValue)]
    for (root, settings) in [(roots[0], a), (roots[1], b)] {
      var registers: [(UInt64, UInt32)] = [(NTBLayout.identity, UInt32(settings.localBus))]
      for (w, window) in settings.windows.enumerated() {
        registers += [(NTBLayout.windowTranslationLow(w), UInt32(truncatingIfNeeded: window.translation)),
                      (NTBLayout.windowTranslationHigh(w), UInt32(window.translation >> 32)),
                      (NTBLayout.windowControl(w), (window.valid ? 1 : 0) | (window.lookup ? 2 : 0) | UInt32(window.sizeLog2) << 8)]
      }
      for (e, entry) in settings.lut.enumerated() {
        registers += [(NTBLayout.lutTranslationLow(e), UInt32(truncatingIfNeeded: entry.translation)),
                      (NTBLayout.lutTranslationHigh(e), UInt32(entry.translation >> 32)),
                      (NTBLayout.lutControl(e), (entry.valid ? 1 : 0) | UInt32(entry.peer) << 8)]
      }
      registers += [(NTBLayout.requesterEntry(0), UInt32(Self.rootComplex.rawValue) | 1 << 31), (NTBLayout.linkControl, 1)]
      for (offset, value) in registers { try mmioWrite(root, offset, value) }
    }
    try run(20)
    // The model sees the windows where BAR0 put them.
    a.apertureBase = barA
    b.apertureBase = barB

    let write = TLP.memoryWrite(address: barA + 0x10_0000 + 5 * 0x8000 + 0x40, data: Array(1...24), requester: Self.rootComplex, tag: 7)
    let read = TLP.memoryRead(address: barA + 0x200, byteCount: 64, requester: Self.rootComplex, tag: 8)
    let missing = TLP.memoryRead(address: barA + 0x20_0000, byteCount: 4, requester: Self.rootComplex, tag: 9)  // past BAR0
    for tlp in [write, read, missing] { roots[0].transmitter.send(tlp) }
    try run(300)
    let expected = [write, read].map { reference.outbound($0, sender: a, receiver: b, up: true) }
    XCTAssertEqual(roots[1].received.map { NTBReferenceModel.Outcome.delivered($0) }, expected)
    XCTAssertEqual(roots[0].received.count, 1, "the shell answers the read past BAR0")
    XCTAssertEqual(roots[0].received.first?.status, .unsupportedRequest)
    XCTAssertEqual(roots[0].received.first?.tag, 9)
    roots[0].received = []

    // B's root answers the read that crossed; the completion goes home through both functions.
    guard let arrived = roots[1].received.last, arrived.kind == .memoryRead else { return XCTFail("no read at B") }
    XCTAssertEqual(arrived.requester.rawValue, 0x0500, "proxy ID: B's bus, entry 0")
    let completion = TLP.completionWithData(answering: arrived, completer: Self.rootComplex, data: (0..<64).map { UInt8($0 ^ 0x5A) })
    roots[1].transmitter.send(completion)
    try run(300)
    let home = reference.completionBack(completion, completerSide: b, requesterSide: a, up: true)
    XCTAssertNotNil(home)
    XCTAssertEqual(roots[0].received, home.map { [$0] } ?? [])
    XCTAssertEqual(roots[0].received.first?.tag, 8)
  }
}
