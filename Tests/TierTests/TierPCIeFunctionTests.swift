import Cores
import HDL
import PCIe
import PCIeTesting
import Simulation
import SimulationTesting
import TierModel
import VerilogTesting
import Foundation
import Toolchain
import XCTest

/// The controller as a PCIe function (`tierPCIeFunction`: endpoint and adapter) with three test
/// stores, Verilated and reached only through TLPs on its link, as a host or a peer behind an
/// NTB window reaches it: configuration, registers through BAR 1, the unified space through BAR 0.
final class TierPCIeFunctionTests: SimulationTestCase {
  static let shape = TierControllerLintTests.shape
  static let me = PCIeID(bus: 3, device: 0, function: 0)
  static let host = PCIeID(bus: 0, device: 0, function: 0)
  static let spaceBase: UInt64 = 0x20_0000_0000
  static let registerBase: UInt64 = 0x9000_0000

  /// The switch of `underSwitch` (two ports, the function on port 1) or none.
  static let switchPorts = [
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A00, role: .upstream, portNumber: 0, maxPayloadBytes: 256, maxLinkSpeed: 3, maxLinkWidth: 8),
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, role: .downstream, portNumber: 1, maxPayloadBytes: 256, maxLinkSpeed: 3, maxLinkWidth: 4),
  ]

  /// The function, the controller and the stores of `TierControllerSystemTests`; with
  /// `underSwitch`, the function sits on port 1 of a two-port `pcieSwitch` (joined by
  /// `connectLink`) and the top's link is the switch's port 0 (`link0_*`), else the function's (`link_*`).
  static func systemTop(underSwitch: Bool = false) throws -> Module {
    let function = try tierPCIeFunction(shape: shape)
    let sw = try pcieSwitch(identities: switchPorts, dataWidth: 64, queueDepth: 8)
    return Module("tier_pcie_system", parameters: ["switch": underSwitch ? 1 : 0]) { m in
      let f = m.instance(function, name: "pcie_function")
      let controller = m.instance(tierController(shape: shape, frames: TierControllerSystemTests.frames), name: "controller")
      let (outer, link) = underSwitch ? (m.instance(sw, name: "node_switch"), "link0") : (f, "link")
      if underSwitch {
        connectLink(m, switch: outer, port: 1, to: f)
        outer["link0_speed"] <== Signal.constant(3, width: 4)
        outer["link0_width"] <== Signal.constant(8, width: 6)
        outer["link0_active"] <== true
        // The switch's management port is the top's; the tests leave it idle.
        connect(m.port("mgmt", MMIO(addressWidth: SwitchManagementMap.addressWidth).flipped), to: outer.interface("mgmt", as: MMIO.self))
      }
      connect(m.port("\(link)_in", TLPStream(dataWidth: 64).flipped), to: outer.interface("\(link)_in", as: TLPStream.self))
      connect(outer.interface("\(link)_out", as: TLPStream.self), to: m.port("\(link)_out", TLPStream(dataWidth: 64)))
      outer["\(link)_fc_initialize"] <== m.input("\(link)_fc_initialize")
      outer["\(link)_fc_update"] <== false
      for (t, type) in CreditType.allCases.enumerated() {
        let name = ["ph", "pd", "nph", "npd", "cplh", "cpld"][t]
        outer["\(link)_fc_\(name)_advertised"] <== Signal.zero(width: type.fieldSize)  // infinite
        outer["\(link)_fc_\(name)_limit"] <== Signal.zero(width: type.fieldSize)
        m.output("\(link)_rx_fc_\(name)_advertised", width: type.fieldSize) <== outer["\(link)_rx_fc_\(name)_advertised"]
      }
      connect(f.interface("mmio", as: MMIO.self), to: controller.interface("mmio", as: MMIO.self))
      for name in ["req_valid", "req_write", "req_address", "req_beats", "wdata_valid", "wdata_data", "wdata_strobe", "rsp_ready"] {
        controller[name] <== f[name]
      }
      for name in ["req_ready", "wdata_ready", "rsp_valid", "rsp_data", "rsp_last", "rsp_status"] { f[name] <== controller[name] }
      m.output("irq") <== controller["irq"]
      let stores = ["dram", "flash", "disk"].enumerated().map { t, name in
        (name, m.instance(testStore(frames: TierControllerSystemTests.frames[t], latency: 5), name: "\(name)_store"))
      }
      for (name, store) in stores {
        store["fault_valid"] <== false
        store["fault_frame"] <== Signal.zero(width: 24)
        for port in ["req_valid", "req_write", "req_frame", "req_word", "req_beats", "wdata_valid", "wdata_data", "wdata_strobe", "rsp_ready",
                     "rd_req_valid", "rd_req_frame", "rd_req_beats", "rd_data_ready",
                     "wr_req_valid", "wr_req_frame", "wr_req_beats", "wr_data_valid", "wr_data", "wr_data_strobe", "wr_ack_ready"] {
          store[port] <== controller["\(name)_\(port)"]
        }
        for port in ["req_ready", "wdata_ready", "rsp_valid", "rsp_data", "rsp_last", "rsp_error",
                     "rd_req_ready", "rd_data_valid", "rd_data", "rd_data_last", "rd_data_error",
                     "wr_req_ready", "wr_data_ready", "wr_ack_valid", "wr_ack_error"] {
          controller["\(name)_\(port)"] <== store[port]
        }
      }
    }
  }

  /// The link's far side: one request at a time (so the switch's receive credits are never
  /// exceeded), its completions gathered. `target` is the function's ID, reached by Type 1
  /// configuration requests when `type1` (through the switch).
  final class Host {
    let model: Model
    let source: TLPStreamSource
    let sink: TLPStreamSink
    let target: PCIeID
    let type1: Bool
    private var tag: UInt16 = 0

    init(_ model: Model, link: String, target: PCIeID, type1: Bool, random: SimulationRandom) throws {
      self.model = model
      self.target = target
      self.type1 = type1
      source = try TLPStreamSource(model, name: "\(link)_in")
      sink = try TLPStreamSink(model, name: "\(link)_out", readyProbability: 0.7, random: random)
      model.reset()
      try model.set("\(link)_fc_initialize", BitVector(width: 1, value: 1))
      model.step()
      try model.set("\(link)_fc_initialize", BitVector(width: 1, value: 0))
    }

    func nextTag() -> UInt16 { tag = (tag + 1) & 0x3FF; return tag }

    /// Sends `request` and gathers what comes back until `quiet` cycles pass without a TLP
    /// (the function's answer to one request arrives within a few hundred cycles).
    func exchange(_ request: TLP, quiet: Int = 300) throws -> [TLP] {
      try exchange(beats: request.streamBeats(lanes: 2), quiet: quiet)
    }

    /// The same for beats as they are (a nullified TLP, say).
    func exchange(beats: [TLPStreamBeat], quiet: Int = 300) throws -> [TLP] {
      source.send(beats: beats)
      var got: [TLP] = [], idle = 0
      while idle < quiet {
        try source.drive()
        sink.drive()
        model.settle()
        source.observe()
        if let (tlp, _) = try sink.observe() { got.append(tlp); idle = 0 } else if source.idle { idle += 1 }
        model.step()
      }
      return got
    }
  }

  func writeConfig(_ host: Host, _ offset: Int, _ value: UInt32, target: PCIeID? = nil, type1: Bool? = nil) throws {
    let to = target ?? host.target
    let request = TLP.configWrite(type1: type1 ?? host.type1, target: to, offset: offset, value: value, requester: Self.host, tag: host.nextTag())
    XCTAssertEqual(try host.exchange(request, quiet: 30), [.completion(answering: request, completer: to)])
  }

  func readConfig(_ host: Host, _ offset: Int) throws -> UInt32 {
    let request = TLP.configRead(type1: host.type1, target: host.target, offset: offset, requester: Self.host, tag: host.nextTag())
    let answer = try host.exchange(request, quiet: 30)
    XCTAssertEqual(answer.count, 1)
    return answer.first.map { UInt32($0.payload[0]) | UInt32($0.payload[1]) << 8 | UInt32($0.payload[2]) << 16 | UInt32($0.payload[3]) << 24 } ?? 0
  }

  func writeRegister(_ host: Host, _ register: TierRegister, _ value: UInt32) throws {
    let data = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    XCTAssertEqual(try host.exchange(.memoryWrite(address: Self.registerBase + register.rawValue, data: data, requester: Self.host, tag: host.nextTag()), quiet: 30), [])
  }

  func readRegister(_ host: Host, _ register: TierRegister) throws -> UInt32 {
    let request = TLP.memoryRead(address: Self.registerBase + register.rawValue, byteCount: 4, requester: Self.host, tag: host.nextTag())
    let answer = try host.exchange(request, quiet: 30)
    XCTAssertEqual(answer.count, 1, "\(register)")
    guard let tlp = answer.first, tlp.payload.count == 4 else { return 0 }
    XCTAssertEqual(tlp.kind, .completionWithData)
    return UInt32(tlp.payload[0]) | UInt32(tlp.payload[1]) << 8 | UInt32(tlp.payload[2]) << 16 | UInt32(tlp.payload[3]) << 24
  }

  /// The completions a read of `memory` should get with Max_Payload_Size `mps`, worked out from
  /// §2.3.1.1 independently of the RTL: split at every `mps`-aligned address; Byte Count the
  /// bytes left from the completion's first byte to the request's end (Table 2-40), Lower
  /// Address that first byte's low 7 bits (Table 2-41).
  static func expectedCompletions(_ read: TLP, at first: UInt64, byteCount: Int, mps: UInt64, completer me: PCIeID,
                                  memory: (UInt64) -> UInt8) -> [TLP] {
    let end = first + UInt64(byteCount)
    let lastDW = (end + 3) & ~3
    var at = first & ~3
    var completions: [TLP] = []
    while at < lastDW {
      let stop = min(lastDW, (at / mps + 1) * mps)
      var tlp = TLP.completionWithData(answering: read, completer: me, data: (at..<stop).map(memory))
      let from = max(first, at)
      tlp.byteCount = Int(end - from)
      tlp.lowerAddress = UInt8(from & 0x7F)
      completions.append(tlp)
      at = stop
    }
    return completions
  }

  /// Verilator's lint only: Yosys would spend most of a minute on the 4 KiB read buffer, which a
  /// block RAM holds on an FPGA.
  func testTheFunctionIsLintCleanUnderVerilator() throws {
    let design = try Design(top: try tierPCIeFunction(shape: Self.shape))
    let dir = VerilogFiles.temporaryDirectory("tier-pcie-lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let verdict = try Lint.verilator(try VerilogFiles(design, in: dir))
    XCTAssertTrue(verdict.isClean, "\(design.top): \(verdict)")
  }

  func testHostReadsAndWritesLandInTheMappedFramesAndFaultsAreCompleterAborts() throws {
    let host = try Host(try model(try Design(top: try Self.systemTop())), link: "link", target: Self.me, type1: false, random: random("host"))
    try checkAccesses(host)
  }

  /// The same through a two-port switch: the host configures the switch's bridges (buses 1–2,
  /// the register BAR in the memory window, the space in the prefetchable window) and reaches
  /// the function as device 0 on bus 2 by Type 1 configuration requests. Both bridges get
  /// Max_Payload_Size 256 (Device Control bits 7:5, §7.5.3.4; Relaxed Ordering and No Snoop
  /// kept at their reset 1), as enumeration sets it along the path: a bridge left at its reset
  /// 128 bytes discards bigger TLPs as malformed (§2.2.2).
  func testTheSameThroughASwitchPort() throws {
    let host = try Host(try model(try Design(top: try Self.systemTop(underSwitch: true))), link: "link0",
                        target: PCIeID(bus: 2, device: 0, function: 0), type1: true, random: random("host"))
    let bridges: [(PCIeID, Bool, [(Int, UInt32)])] = [
      (Self.host, false, [(0x18, 0x0002_0100), (0x20, 0x9000_9000), (0x24, 0x0000_0000), (0x28, 0x20), (0x2C, 0x20), (0x48, 0x0830), (0x04, 0x6)]),
      (PCIeID(bus: 1, device: 0, function: 0), true, [(0x18, 0x0002_0201), (0x20, 0x9000_9000), (0x24, 0x0000_0000), (0x28, 0x20), (0x2C, 0x20), (0x48, 0x0830), (0x04, 0x6)]),
    ]
    for (bridge, type1, writes) in bridges {
      for (offset, value) in writes { try writeConfig(host, offset, value, target: bridge, type1: type1) }
    }
    try checkAccesses(host)
  }

  func checkAccesses(_ host: Host) throws {
    var random = random("traffic")
    // Enumeration: BAR 0 (64-bit, slots 0–1) at spaceBase, BAR 1 (slot 2) at registerBase, Memory Space on.
    XCTAssertEqual(try readConfig(host, 0x10), 0x0000_000C, "BAR 0 after reset: base 0, 64-bit, prefetchable")
    try writeConfig(host, 0x10, 0xFFFF_FFFF)
    XCTAssertEqual(try readConfig(host, 0x10), 0xFFFC_000C, "64 pages of 4 KiB: a 256 KiB BAR")
    try writeConfig(host, 0x10, UInt32(truncatingIfNeeded: Self.spaceBase))
    try writeConfig(host, 0x14, UInt32(Self.spaceBase >> 32))
    try writeConfig(host, 0x18, UInt32(Self.registerBase))
    try writeConfig(host, 0x04, 0x2)

    // Registers through BAR 1, against the transaction-level model.
    var tlm = try TierController(timing: .defaults(dramPages: 16, flashPages: 32, diskPages: 64), pageCount: 64, maxInFlight: 1,
                                 descriptorRingSize: 8, completionRingSize: 4,
                                 hotness: HotnessUnit(counterCapacity: 16, counterWidth: 16, hotListSize: 64))
    for register in [TierRegister.id, .capability, .pageCount, .ringSizes] {
      XCTAssertEqual(try readRegister(host, register), tlm.read(register), "\(register)")
    }
    // Pages 0–15 in DRAM, 16–39 in flash, 40–61 on disk, page 62 an alias of page 5's DRAM
    // frame, page 63 unmapped.
    let locations: [FrameAddress?] = (0..<64).map { p in
      p < 16 ? FrameAddress(.dram, p) : p < 40 ? FrameAddress(.flash, p - 16) : p < 62 ? FrameAddress(.disk, p - 40) : p == 62 ? FrameAddress(.dram, 5) : nil
    }
    for (page, location) in locations.enumerated() {
      let entry = location.map { PageEntry($0).encoded } ?? PageEntry.unmapped.encoded
      try writeRegister(host, .mapIndex, UInt32(page))
      try writeRegister(host, .mapWrite, entry)
      tlm.write(.mapIndex, UInt32(page))
      tlm.write(.mapWrite, entry)
    }
    try writeRegister(host, .mapIndex, 40)
    tlm.write(.mapIndex, 40)
    XCTAssertEqual(try readRegister(host, .mapEntry), tlm.read(.mapEntry))
    // §3.6.2.1: a nullified register write (MAP_INDEX ← 3) changes nothing.
    let index3 = TLP.memoryWrite(address: Self.registerBase + TierRegister.mapIndex.rawValue, data: [3, 0, 0, 0], requester: Self.host, tag: host.nextTag())
    XCTAssertEqual(try host.exchange(beats: index3.nullifiedStreamBeats(lanes: 2, keeping: 1), quiet: 30), [])
    XCTAssertEqual(try readRegister(host, .mapEntry), tlm.read(.mapEntry), "MAP_INDEX still 40 after the nullified write")

    // Random writes and reads of 1...300 bytes at any byte address in the first KiB of pages on
    // every tier and the alias (so reads meet earlier writes), with Max_Payload_Size 128 and
    // then 256 bytes (Device Control bits 7:5). One write and one read in eight are nullified
    // by their sender after some beats: the write changes no byte, the read gets no answer.
    var shadow: [UInt64: UInt8] = [:]  // byte of the unified space → value; pages 5 and 62 share a frame
    func home(_ address: UInt64) -> UInt64 { address >> 12 == 62 ? 5 << 12 | address & 0xFFF : address }
    var readBytes = 0  // bytes read back that an earlier write set (nonzero)
    var nullified = 0
    for mpsCode in [0, 1] {
      try writeConfig(host, 0x48, 0x0000_2810 | UInt32(mpsCode) << 5)
      let mps = UInt64(128 << mpsCode)
      for _ in 0..<150 {
        let page = ([2, 5, 17, 33, 41, 55, 62] as [UInt64]).randomElement(using: &random)!
        let write = random.chance(0.5)
        let at = Self.spaceBase + page << 12 + UInt64.random(in: 0..<1024, using: &random)
        // A write's payload, whole DWs from its first, may not exceed Max_Payload_Size (§2.2.2).
        let count = Int.random(in: 1...(write ? Int(mps - at & 3) : 300), using: &random)
        if random.chance(0.125) {
          let tlp: TLP = write
            ? .memoryWrite(address: at, data: (0..<count).map { _ in UInt8.random(in: 1...255, using: &random) }, requester: Self.host, tag: host.nextTag())
            : .memoryRead(address: at, byteCount: count, requester: Self.host, tag: host.nextTag())
          let beats = tlp.nullifiedStreamBeats(lanes: 2, keeping: Int.random(in: 1...tlp.streamBeats(lanes: 2).count, using: &random))
          XCTAssertEqual(try host.exchange(beats: beats, quiet: write ? 60 : 300), [], "a nullified \(tlp.kind) of \(count) bytes")
          nullified += 1
        } else if write {
          let data = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
          XCTAssertEqual(try host.exchange(.memoryWrite(address: at, data: data, requester: Self.host, tag: host.nextTag()), quiet: 60), [])
          for (i, byte) in data.enumerated() { shadow[home(at - Self.spaceBase + UInt64(i))] = byte }
        } else {
          let read = TLP.memoryRead(address: at, byteCount: count, requester: Self.host, tag: host.nextTag())
          let expected = Self.expectedCompletions(read, at: at, byteCount: count, mps: mps, completer: host.target) { shadow[home($0 - Self.spaceBase)] ?? 0 }
          let got = try host.exchange(read)
          XCTAssertEqual(got.count, expected.count, "completions of a \(count)-byte read at 0x\(String(at, radix: 16)) with MPS \(mps)")
          // Whole DWs: the bytes around the request are memory too (unwritten bytes read 0).
          readBytes += expected.reduce(0) { $0 + $1.payload.filter { $0 != 0 }.count }
          XCTAssertEqual(got, expected, "read of \(count) bytes at 0x\(String(at, radix: 16))")
        }
      }
    }

    // A read of the unmapped page: Completer Abort, the page fault recorded by the controller,
    // Signaled Target Abort in Status.
    let fault = TLP.memoryRead(address: Self.spaceBase + 63 << 12 + 0x124, byteCount: 16, requester: Self.host, tag: host.nextTag())
    XCTAssertEqual(try host.exchange(fault), [.completion(answering: fault, completer: host.target, status: .completerAbort)])
    XCTAssertEqual(try readRegister(host, .interruptStatus) & 1, 1, "PAGE_FAULT")
    XCTAssertEqual(try readRegister(host, .faultAddressLow), UInt32(63 << 12 + 0x120), "the fault's address (the 8-byte beat it starts in)")
    XCTAssertEqual(try readConfig(host, 0x04) >> 27 & 1, 1, "Signaled Target Abort")
    XCTAssertGreaterThan(readBytes, 5000, "reads must meet written data")
    XCTAssertGreaterThan(nullified, 10)
    print("tier PCIe function: \(shadow.count) bytes written, \(readBytes) written bytes read back")
  }
}
