import Cores
import Foundation
import HDL
import PCIe
import Simulation
import SimulationTesting
import Toolchain
import XCTest

/// A sparse multi-function endpoint (functions 0, 1 and 3) under Verilator, one model for every
/// test: each function's configuration space against its own `EndpointConfigModel` (PCIe Base
/// Specification 6.3 §7.5.1.1, Header Type bit 7 set in all), Unsupported Request for the absent
/// functions, and memory requests routed to the function whose BAR claims them.
final class MultiFunctionEndpointTests: SimulationTestCase {
  static let rootComplex = PCIeID(bus: 0, device: 0, function: 0)
  /// Function 0: a 64 KiB 32-bit BAR and a 1 MiB 64-bit prefetchable one; function 1: a 4 KiB
  /// 32-bit BAR; function 3: a 16 MiB 64-bit prefetchable BAR and an 8 KiB 32-bit one.
  static let functions: [Int: EndpointIdentity] = [
    0: PCIeEndpointTests.identity,
    1: EndpointIdentity(vendorID: 0x1AB4, deviceID: 0xE011, revisionID: 1, classCode: 0x02_00_00, subsystemID: 0x0011,
                        bars: [BARSpec(bytes: 0x1000)]),
    3: EndpointIdentity(vendorID: 0x1AB4, deviceID: 0xE013, revisionID: 2, classCode: 0x01_08_02, subsystemID: 0x0013,
                        bars: [BARSpec(bytes: 0x100_0000, is64Bit: true, prefetchable: true), BARSpec(bytes: 0x2000)], maxPayloadBytes: 512),
  ]
  static let numbers = [0, 1, 3]

  private func bench() throws -> EndpointBench {
    let design = try Design(top: try pcieEndpoint(functions: Self.functions, dataWidth: 64))
    return try EndpointBench(try model(design), link: "link",
                             functions: Self.numbers.map { ("f\($0)_", Self.functions[$0]!.bars.count) }, random: random)
  }

  func testEachFunctionIsItsOwnType0HeaderAndAbsentFunctionsAreUnsupported() throws {
    let bench = try bench()
    var references = Self.functions.mapValues { EndpointConfigModel($0, multiFunction: true) }
    var random = random("config")
    func id(_ function: Int) -> PCIeID { PCIeID(bus: 5, device: 0, function: UInt8(function)) }

    func read(_ function: Int, _ offset: Int, byteEnables: UInt8 = 0xF) throws {
      let request = TLP.configRead(target: id(function), offset: offset, byteEnables: byteEnables, requester: Self.rootComplex, tag: bench.nextTag())
      let expected: TLP
      if let reference = references[function] {
        let value = reference.read(offset)
        expected = .completionWithData(answering: request, completer: id(function), data: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
      } else {
        // No such function: the device answers UR from function 0 and logs it there.
        expected = .completion(answering: request, completer: id(0), status: .unsupportedRequest)
        references[0]!.raise(0x48, 1 << 19)
      }
      XCTAssertEqual(try bench.exchange(request), expected, "CfgRd0 of function \(function) 0x\(String(offset, radix: 16))")
    }
    func write(_ function: Int, _ offset: Int, _ value: UInt32, byteEnables: UInt8 = 0xF) throws {
      let request = TLP.configWrite(target: id(function), offset: offset, value: value, byteEnables: byteEnables, requester: Self.rootComplex, tag: bench.nextTag())
      let expected: TLP
      if references[function] != nil {
        references[function]!.write(offset, value, byteEnables: byteEnables)
        expected = .completion(answering: request, completer: id(function))
      } else {
        expected = .completion(answering: request, completer: id(0), status: .unsupportedRequest)
        references[0]!.raise(0x48, 1 << 19)
      }
      XCTAssertEqual(try bench.exchange(request), expected, "CfgWr0 of function \(function) 0x\(String(offset, radix: 16))")
    }
    func capturedID(_ function: Int) throws -> UInt64 { try bench.model.output("f\(function)_id").uint64 }

    // After reset, every DW of each function's header and capability: its own IDs, class and
    // BAR types, Header Type 80h in all three.
    for function in Self.numbers {
      for offset in stride(from: 0, to: 0x100, by: 4) { try read(function, offset) }
    }
    XCTAssertEqual(references[3]!.read(0x0C) >> 16 & 0xFF, 0x80, "Header Type: Type 0 layout, multi-function")
    // §2.2.6.2: each function captures the Bus and Device Number of the CfgWr0 it completes;
    // its ID carries its own function number.
    for function in [0, 1] {
      for offset in stride(from: 0x10, through: 0x24, by: 4) { try write(function, offset, 0xFFFF_FFFF) }
    }
    XCTAssertEqual(try Self.numbers.map(capturedID), [UInt64(id(0).rawValue), UInt64(id(1).rawValue), 3],
                   "function 3 has completed no CfgWr0 yet: bus and device 0")
    for offset in stride(from: 0x10, through: 0x24, by: 4) { try write(3, offset, 0xFFFF_FFFF) }
    XCTAssertEqual(try capturedID(3), UInt64(id(3).rawValue))
    for function in Self.numbers {
      for offset in stride(from: 0x10, through: 0x24, by: 4) { try read(function, offset) }
    }
    XCTAssertEqual(references[3]!.read(0x10), 0xFF00_000C, "function 3's 16 MiB 64-bit prefetchable BAR sizes as its own")
    XCTAssertEqual(bench.functions.map(\.requests.count), [0, 0, 0])

    // Random accesses to all eight function numbers, with random byte enables: the present
    // functions' registers change independently, the absent ones answer UR.
    let offsets = Array(stride(from: 0, to: 0x80, by: 4)) + [0x100, 0xFFC]
    var absent = 0
    for _ in 0..<400 {
      let function = Int.random(in: 0...7, using: &random)
      if references[function] == nil { absent += 1 }
      let offset = offsets.randomElement(using: &random)!
      let enables = UInt8.random(in: 0...15, using: &random)
      if random.chance(0.6) {
        try write(function, offset, UInt32.random(in: 0...UInt32.max, using: &random), byteEnables: enables)
      } else {
        try read(function, offset, byteEnables: enables)
      }
    }
    XCTAssertGreaterThan(absent, 100, "five of the eight function numbers are absent")
    // Device Status of each function at the end, UR Detected (bit 19) set in function 0 alone
    // unless a random write cleared it.
    for function in Self.numbers { try read(function, 0x48) }
  }

  func testMemoryRequestsReachTheFunctionWhoseBARClaimsThem() throws {
    let bench = try bench()
    func id(_ function: Int) -> PCIeID { PCIeID(bus: 9, device: 0, function: UInt8(function)) }
    // Bases far enough apart that the requests just outside one BAR, or in the other 4 GiB or
    // 2 GiB, fall in no BAR of any function.
    let bases: [Int: [UInt64]] = [0: [0x9001_0000, 0x12_3450_0000], 1: [0x9100_0000], 3: [0x40_0000_0000, 0xA000_2000]]
    func place(_ function: Int, memorySpace: Bool) throws {
      let identity = Self.functions[function]!
      var writes: [(Int, UInt32)] = []
      for (i, slot) in identity.barSlots.enumerated() {
        writes.append((0x10 + 4 * slot, UInt32(truncatingIfNeeded: bases[function]![i])))
        if identity.bars[i].is64Bit { writes.append((0x14 + 4 * slot, UInt32(bases[function]![i] >> 32))) }
      }
      for (offset, value) in writes + [(0x04, memorySpace ? 0x2 : 0)] {
        let request = TLP.configWrite(target: id(function), offset: offset, value: value, requester: Self.rootComplex, tag: bench.nextTag())
        XCTAssertEqual(try bench.exchange(request), .completion(answering: request, completer: id(function)))
      }
    }
    for function in Self.numbers { try place(function, memorySpace: true) }
    XCTAssertEqual(try Self.numbers.map { try bench.model.output("f\($0)_memory_space_enable").uint64 }, [1, 1, 1])
    for (k, function) in Self.numbers.enumerated() {
      try checkRandomMemoryRequests(bench, function: k, endpoint: id(function), unsupportedFrom: id(0), bases: bases[function]!,
                                    sizes: Self.functions[function]!.bars.map(\.bytes), count: 120, far: true)
    }

    // Function 1's Memory Space Enable off: its BAR claims nothing, the others still do.
    try place(1, memorySpace: false)
    let before = bench.functions.map(\.requests.count)
    let read = TLP.memoryRead(address: bases[1]![0] + 0x40, byteCount: 8, requester: Self.rootComplex, tag: bench.nextTag())
    XCTAssertEqual(try bench.exchange(read), .completion(answering: read, completer: id(0), status: .unsupportedRequest))
    let other = TLP.memoryRead(address: bases[3]![1] + 0x40, byteCount: 8, requester: Self.rootComplex, tag: bench.nextTag())
    XCTAssertEqual(try bench.exchange(other), BARFunction.answer(other, completer: id(3)))
    XCTAssertEqual(bench.functions.map(\.requests.count), [before[0], before[1], before[2] + 1])

    // A poisoned write to function 3's BAR reaches it and is logged there alone: Detected
    // Parity Error (Status bit 15, §7.5.1.1.4) in function 3's Command/Status.
    var poisoned = TLP.memoryWrite(address: bases[3]![0] + 0x100, data: [1, 2, 3, 4], requester: Self.rootComplex, tag: bench.nextTag())
    poisoned.poisoned = true
    XCTAssertNil(try bench.exchange(poisoned, quietCycles: 60))
    XCTAssertEqual(bench.functions[2].requests.last?.tlp, poisoned)
    for (function, expected) in [(0, UInt32(0x0010_0002)), (1, 0x0010_0000), (3, 0x8010_0002)] {
      let status = TLP.configRead(target: id(function), offset: 0x04, requester: Self.rootComplex, tag: bench.nextTag())
      XCTAssertEqual(try bench.exchange(status), .completionWithData(answering: status, completer: id(function),
                                                                      data: (0..<4).map { UInt8(truncatingIfNeeded: expected >> (8 * $0)) }),
                     "Command/Status of function \(function)")
    }
  }
}

/// What `pcieEndpoint(functions:)` refuses, naming the fix, and its Verilog under Verilator and Icarus.
final class MultiFunctionEndpointParameterTests: XCTestCase {
  func testTheMultiFunctionEndpointIsCleanUnderVerilatorAndIcarus() throws {
    // Yosys (27,671 cells with these queues, docs/switch.md) takes a minute; the parts shared with
    // the single-function shell go through it in PCIeEndpointTests.
    let design = try Design(top: try pcieEndpoint(functions: MultiFunctionEndpointTests.functions, dataWidth: 64, queueDepth: 4,
                                                  receiveDepth: 12, headerCredits: 2, dataCredits: 4))
    let dir = VerilogFiles.temporaryDirectory("mf-endpoint-lint")
    defer { try? FileManager.default.removeItem(at: dir) }
    let files = try VerilogFiles(design, in: dir)
    for verdict in [try Lint.verilator(files), try Lint.icarus(files)] {
      XCTAssertTrue(verdict.isClean, "\(verdict)")
    }
  }

  func testFunctionNumbersOutside0To7AndAMissingFunction0AreRefused() {
    let identity = PCIeEndpointTests.identity
    XCTAssertThrowsError(try pcieEndpoint(functions: [1: identity, 2: identity], dataWidth: 64)) { error in
      XCTAssertTrue("\(error)".contains("lack function 0"), "\(error)")
    }
    XCTAssertThrowsError(try pcieEndpoint(functions: [0: identity, 8: identity], dataWidth: 64)) { error in
      XCTAssertTrue("\(error)".contains("function 8 is outside 0...7"), "\(error)")
    }
  }

  func testOnlyAMultiFunctionDeviceSetsHeaderTypeBit7() throws {
    func headerReset(_ map: RegisterMap) -> UInt32? {
      map.registers.first { $0.name == "HEADER" }?.fields.first { $0.name == "MULTI_FUNCTION" }.map { $0.reset }
    }
    XCTAssertEqual(headerReset(try endpointConfigSpace(PCIeEndpointTests.identity)), 0)
    XCTAssertEqual(headerReset(try endpointConfigSpace(PCIeEndpointTests.identity, multiFunction: true)), 1)
    XCTAssertNoThrow(try pcieEndpoint(functions: [0: PCIeEndpointTests.identity], dataWidth: 64), "one function through this API is legal")
  }
}
