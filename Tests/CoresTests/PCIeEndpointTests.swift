import Cores
import Foundation
import HDL
import PCIe
import Simulation
import SimulationTesting
import Toolchain
import VerilogTesting
import XCTest

/// The endpoint shell under Verilator: its configuration space against `EndpointConfigModel`
/// (the specification's masks, entered independently), memory requests routed to the BAR that
/// claims them or answered with UR, and the same through a three-port `pcieSwitch`.
final class PCIeEndpointTests: SimulationTestCase {
  static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)
  /// A 64 KiB 32-bit BAR and a 1 MiB 64-bit prefetchable BAR (slots 0, 1–2).
  static let identity = EndpointIdentity(vendorID: 0x1AB4, deviceID: 0xE001, revisionID: 3, classCode: 0x05_80_00,
                                         subsystemVendorID: 0x1AB4, subsystemID: 0x0042,
                                         bars: [BARSpec(bytes: 0x1_0000), BARSpec(bytes: 0x10_0000, is64Bit: true, prefetchable: true)])

  func testTheEndpointIsCleanUnderVerilatorIcarusAndYosys() throws {
    // Small queues keep Yosys quick; the logic is the same at any depth.
    let design = try Design(top: try pcieEndpoint(identity: Self.identity, dataWidth: 64, queueDepth: 4, receiveDepth: 12, headerCredits: 2, dataCredits: 4))
    let cells = try assertAcceptedByTools(design)
    print("pcieEndpoint: \(cells.map(String.init) ?? "?") Yosys cells")
  }

  func testConfigurationRequestsMatchTheType0HeaderModel() throws {
    let bench = try EndpointBench(try model(try Design(top: try pcieEndpoint(identity: Self.identity, dataWidth: 64))),
                                  link: "link", functions: [("", 2)], random: random)
    var reference = EndpointConfigModel(Self.identity)
    var random = random("config")
    let me = PCIeID(bus: 5, device: 3, function: 0)

    func read(_ offset: Int, byteEnables: UInt8 = 0xF, target: PCIeID = me) throws {
      let request = TLP.configRead(target: target, offset: offset, byteEnables: byteEnables, requester: Self.rootComplex, tag: bench.nextTag())
      let value = reference.read(offset)
      let expected = TLP.completionWithData(answering: request, completer: target, data: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
      XCTAssertEqual(try bench.exchange(request), expected, "CfgRd0 of 0x\(String(offset, radix: 16))")
    }
    func write(_ offset: Int, _ value: UInt32, byteEnables: UInt8 = 0xF) throws {
      let request = TLP.configWrite(target: me, offset: offset, value: value, byteEnables: byteEnables, requester: Self.rootComplex, tag: bench.nextTag())
      reference.write(offset, value, byteEnables: byteEnables)
      XCTAssertEqual(try bench.exchange(request), .completion(answering: request, completer: me), "CfgWr0 of 0x\(String(offset, radix: 16))")
    }

    // After reset, every DW of the header and the capability.
    for offset in stride(from: 0, to: 0x100, by: 4) { try read(offset) }
    // Sizing: all ones into every BAR slot reads back the size masks and the type bits.
    for offset in stride(from: 0x10, through: 0x24, by: 4) { try write(offset, 0xFFFF_FFFF) }
    for offset in stride(from: 0x10, through: 0x24, by: 4) { try read(offset) }
    XCTAssertEqual(reference.read(0x10), 0xFFFF_0000, "a 64 KiB 32-bit BAR sizes as ~0xFFFF")
    XCTAssertEqual(reference.read(0x14), 0xFFF0_000C, "a 1 MiB 64-bit prefetchable BAR's low DW")
    XCTAssertEqual(bench.functions[0].requests.count, 0)
    // §2.2.6.2: the Bus and Device Number of the CfgWr0 are the function's ID from now on.
    XCTAssertEqual(try bench.model.output("id").uint64, UInt64(me.rawValue))

    // Random accesses, with random byte enables, to the header, the capability and beyond it.
    let offsets = Array(stride(from: 0, to: 0x80, by: 4)) + [0x100, 0x400, 0xFFC]
    for _ in 0..<300 {
      let offset = offsets.randomElement(using: &random)!
      let enables = UInt8.random(in: 0...15, using: &random)
      if random.chance(0.6) {
        try write(offset, UInt32.random(in: 0...UInt32.max, using: &random), byteEnables: enables)
      } else {
        try read(offset, byteEnables: enables)
      }
    }
    // A poisoned write changes nothing and is answered UR (§2.7.2.2).
    var poisoned = TLP.configWrite(target: me, offset: 0x3C, value: ~reference.read(0x3C), requester: Self.rootComplex, tag: bench.nextTag())
    poisoned.poisoned = true
    XCTAssertEqual(try bench.exchange(poisoned), .completion(answering: poisoned, completer: me, status: .unsupportedRequest))
    reference.raise(0x04, 1 << 31)  // Detected Parity Error
    try read(0x3C)
    try read(0x04)
  }

  func testRequestsOtherThanType0ToFunction0AreUnsupported() throws {
    let bench = try EndpointBench(try model(try Design(top: try pcieEndpoint(identity: Self.identity, dataWidth: 64))),
                                  link: "link", functions: [("", 2)], random: random)
    let me = PCIeID(bus: 2, device: 0, function: 0)
    _ = try bench.exchange(.configWrite(target: me, offset: 0x0C, value: 0x10, requester: Self.rootComplex, tag: bench.nextTag()))
    let requests: [TLP] = [
      .configRead(target: PCIeID(bus: 2, device: 0, function: 1), offset: 0, requester: Self.rootComplex, tag: bench.nextTag()),
      .configRead(type1: true, target: PCIeID(bus: 3, device: 0, function: 0), offset: 0, requester: Self.rootComplex, tag: bench.nextTag()),
      .configWrite(type1: true, target: PCIeID(bus: 3, device: 0, function: 0), offset: 0x10, value: 1, requester: Self.rootComplex, tag: bench.nextTag()),
      // Memory Space Enable is 0: no BAR claims anything, even at its reset base 0.
      .memoryRead(address: 0x40, byteCount: 8, requester: Self.rootComplex, tag: bench.nextTag()),
    ]
    for request in requests {
      XCTAssertEqual(try bench.exchange(request), .completion(answering: request, completer: me, status: .unsupportedRequest), "\(request.kind)")
    }
    var locked = TLP.memoryRead(address: 0x40, byteCount: 4, requester: Self.rootComplex, tag: bench.nextTag())
    locked.kind = .memoryReadLocked
    XCTAssertEqual(try bench.exchange(locked)?.kind, .completionLocked, "an endpoint answers MRdLk with a CplLk UR (§2.3.1)")
    XCTAssertNil(try bench.exchange(.memoryWrite(address: 0x40, data: [1, 2, 3, 4], requester: Self.rootComplex, tag: bench.nextTag()), quietCycles: 60),
                 "a posted request that nobody claims is not answered")
    XCTAssertEqual(bench.functions[0].requests.count, 0)
    // Device Status: Unsupported Request Detected (bit 19) for all of them.
    let status = TLP.configRead(target: me, offset: 0x48, requester: Self.rootComplex, tag: bench.nextTag())
    XCTAssertEqual(try bench.exchange(status).map { $0.payload[2] & 0x08 }, 0x08)
  }

  func testMemoryRequestsReachTheBARThatClaimsThem() throws {
    let bench = try EndpointBench(try model(try Design(top: try pcieEndpoint(identity: Self.identity, dataWidth: 64))),
                                  link: "link", functions: [("", 2)], random: random)
    let me = PCIeID(bus: 9, device: 0, function: 0)
    let bases: [UInt64] = [0x9001_0000, 0x12_3450_0000]
    for (offset, value) in [(0x10, UInt32(0x9001_0000)), (0x14, 0x3450_0000), (0x18, 0x12), (0x04, 0x2)] {
      _ = try bench.exchange(.configWrite(target: me, offset: offset, value: value, requester: Self.rootComplex, tag: bench.nextTag()))
    }
    try checkRandomMemoryRequests(bench, function: 0, endpoint: me, bases: bases, sizes: Self.identity.bars.map(\.bytes), count: 300, far: true)
  }

  /// §3.6.2.1: a receiver silently discards a TLP ended by the nullify marker (see `TLPStream`),
  /// so no part of a nullified write reaches the BAR, a nullified read is never answered and
  /// nothing is logged; §2.2.2: a TLP whose beats do not carry its Length's payload is
  /// malformed, dropped whole and logged as a Fatal Error Detected in Device Status. Credits of
  /// both come back (the transmitter's credit gates stall otherwise), and good requests after
  /// them are served.
  func testNullifiedAndMisframedTLPsNeverReachTheBARs() throws {
    let bench = try EndpointBench(try model(try Design(top: try pcieEndpoint(identity: Self.identity, dataWidth: 64))),
                                  link: "link", functions: [("", 2)], random: random)
    let me = PCIeID(bus: 9, device: 0, function: 0)
    for (offset, value) in [(0x10, UInt32(0x9001_0000)), (0x14, 0x3450_0000), (0x18, 0x12), (0x04, 0x2)] {
      _ = try bench.exchange(.configWrite(target: me, offset: offset, value: value, requester: Self.rootComplex, tag: bench.nextTag()))
    }
    func deviceStatus() throws -> UInt8? {
      try bench.exchange(.configRead(target: me, offset: 0x48, requester: Self.rootComplex, tag: bench.nextTag())).map { $0.payload[2] }
    }
    let barBases: [UInt64] = [0x9001_0000, 0x12_3450_0000]
    var random = random("framing")
    // Sends `beats` (of `tlp`'s header) and runs until `quiet` cycles pass without a TLP from the endpoint.
    func sendBroken(_ beats: [TLPStreamBeat], of tlp: TLP, flaw: String) throws -> TLP? {
      bench.transmitter.send(beats: beats, credits: tlp.creditsRequired, flaw: flaw, tlp: tlp)
      var quiet = 0
      while quiet < 120 {
        if let arrived = try bench.step() { return arrived }
        if bench.transmitter.waiting == 0 && !bench.transmitter.busy { quiet += 1 }
      }
      return nil
    }
    func write() -> TLP {
      let bar = Int.random(in: 0...1, using: &random)
      let at = barBases[bar] + UInt64.random(in: 0...0xF00, using: &random) & ~3
      return .memoryWrite(address: at, data: (0..<Int.random(in: 12...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) },
                          requester: Self.rootComplex, tag: bench.nextTag())
    }

    // 24 nullified writes (up to 4 data credits each, 16 advertised): cut after 1...all their beats.
    for _ in 0..<24 {
      let tlp = write()
      let beats = tlp.nullifiedStreamBeats(lanes: 2, keeping: Int.random(in: 1...tlp.streamBeats(lanes: 2).count, using: &random))
      XCTAssertNil(try sendBroken(beats, of: tlp, flaw: "nullified write"))
    }
    // A nullified read: its one beat without end, then the marker. No completion, no request.
    let read = TLP.memoryRead(address: barBases[0] + 0x40, byteCount: 8, requester: Self.rootComplex, tag: bench.nextTag())
    XCTAssertNil(try sendBroken(read.nullifiedStreamBeats(lanes: 2, keeping: 1), of: read, flaw: "nullified read"), "a nullified read is not answered")
    XCTAssertEqual(bench.functions[0].requests.count, 0, "no part of a nullified TLP reaches a BAR")
    XCTAssertEqual(try deviceStatus().map { $0 & 0x0F }, 0, "a nullified TLP is no error: Device Status has no error bit")

    // The same read, whole, is served; so is a write.
    XCTAssertEqual(try bench.exchange(read), BARFunction.answer(read, completer: me))
    let good = write()
    XCTAssertNil(try bench.exchange(good, quietCycles: 60))
    XCTAssertEqual(bench.functions[0].requests.map(\.tlp), [read, good])

    // Misframed writes: end too early, beats past Length, a start beat before the end.
    for flaw in ["short", "long", "cut by a start"] {
      let tlp = write()
      var beats = tlp.streamBeats(lanes: 2)
      switch flaw {
      case "short":
        beats.removeLast(Int.random(in: 1..<beats.count, using: &random))
        beats[beats.count - 1].end = true
      case "long":
        beats[beats.count - 1].end = false
        beats.append(TLPStreamBeat(header: beats[0].header, lanes: [1, 2], strobe: 0b11, start: false, end: true))
      default:
        beats.removeLast(Int.random(in: 1..<beats.count, using: &random))
      }
      XCTAssertNil(try sendBroken(beats, of: tlp, flaw: flaw), flaw)
      if flaw == "cut by a start" {
        // The start beat that cuts it short begins a TLP of its own, which is served.
        let next = write()
        XCTAssertNil(try bench.exchange(next, quietCycles: 60))
        XCTAssertEqual(bench.functions[0].requests.last?.tlp, next, "the TLP whose start cut the other short")
      }
    }
    XCTAssertEqual(bench.functions[0].requests.count, 3, "no misframed write reaches a BAR")
    XCTAssertEqual(try deviceStatus().map { $0 & 0x0F }, 0x04, "Device Status: Fatal Error Detected (bit 18) for the malformed TLPs, nothing else")
    XCTAssertEqual(try bench.exchange(read), BARFunction.answer(read, completer: me), "the endpoint still serves reads")
  }
}

extension SimulationTestCase {
  /// Random MRd/MWr in, at the edges of and outside each BAR (`bases`, `sizes`): hits reach the
  /// function's BAR stream unchanged with their offset, reads come back as the function's
  /// CplD (from `endpoint`); misses are UR (reads, from `unsupportedFrom`, by default
  /// `endpoint`) or vanish (writes).
  func checkRandomMemoryRequests(_ bench: EndpointBench, function: Int, endpoint: PCIeID, unsupportedFrom: PCIeID? = nil, bases: [UInt64],
                                 sizes: [UInt64], count: Int, far: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
    var random = random("memory\(function)")
    var hits = 0, misses = 0
    for _ in 0..<count {
      let bar = Int.random(in: 0..<bases.count, using: &random)
      let bytes = Int.random(in: 1...64, using: &random)
      let inside = random.chance(0.7)
      let at: UInt64
      if inside {
        let page = UInt64.random(in: 0..<(sizes[bar] >> 12), using: &random) << 12
        at = bases[bar] + page + UInt64.random(in: 0...UInt64(4096 - bytes), using: &random)
      } else {
        // Just below the BAR, just above it, or (`far`) in another 4 GiB or 2 GiB.
        let choices: [UInt64] = [bases[bar] &- 4096, bases[bar] + sizes[bar]] + (far ? [bases[bar] ^ 1 << 40, bases[bar] ^ 1 << 31] : [])
        at = choices.randomElement(using: &random)! + UInt64.random(in: 0...UInt64(4096 - bytes), using: &random)
      }
      let claimed = bases.indices.first { (k: Int) -> Bool in at >= bases[k] && at - bases[k] < sizes[k] }
      let before = bench.functions[function].requests.count
      let beforeAll = bench.functions.reduce(0) { $0 + $1.requests.count }
      let request: TLP = random.chance(0.5)
        ? .memoryRead(address: at, byteCount: bytes, requester: PCIeEndpointTests.rootComplex, tag: bench.nextTag())
        : .memoryWrite(address: at, data: (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &random) }, requester: PCIeEndpointTests.rootComplex, tag: bench.nextTag())
      let answer = try bench.exchange(request, quietCycles: request.kind == .memoryRead ? 400 : 40)
      let taken = bench.functions[function].requests[before...]
      XCTAssertEqual(bench.functions.reduce(0) { $0 + $1.requests.count } - beforeAll, taken.count, "no other function sees it", file: file, line: line)
      if let claimed {
        hits += 1
        XCTAssertEqual(taken.map(\.tlp), [request], "0x\(String(at, radix: 16)) lies in BAR \(claimed)", file: file, line: line)
        XCTAssertEqual(taken.first?.bar, claimed, file: file, line: line)
        XCTAssertEqual(taken.first?.offset, at & ~3 - bases[claimed], "offset of the first DW within BAR \(claimed)", file: file, line: line)
        XCTAssertEqual(answer, request.kind == .memoryRead ? BARFunction.answer(request, completer: endpoint) : nil, file: file, line: line)
      } else {
        misses += 1
        XCTAssertEqual(taken.count, 0, "0x\(String(at, radix: 16)) lies in no BAR", file: file, line: line)
        XCTAssertEqual(answer, request.kind == .memoryRead ? .completion(answering: request, completer: unsupportedFrom ?? endpoint, status: .unsupportedRequest) : nil,
                       file: file, line: line)
      }
    }
    XCTAssertGreaterThan(hits, count / 2, file: file, line: line)
    XCTAssertGreaterThan(misses, count / 10, file: file, line: line)
  }
}
