import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The RTL's Unsupported Request completions against `PCIe.TLP.completion(answering:status:)`,
/// whose byte counts and lower addresses PCIeTests check row by row against Tables 2-40/2-41.
final class UnsupportedRequestCompletionTests: XCTestCase {
  static let probe = Module("ur_completion_probe") { m in
    let request = TLPHeaderFields(m.input("header", width: TLPStream.headerWidth))
    let completer = m.input("completer", width: 16)
    let header = m.output("completion", width: TLPStream.headerWidth)
    header <== unsupportedRequestCompletionHeader(request, completer: completer)
    let unused = m.wire("unused_header_bits", width: TLPStream.headerWidth)
    unused <== request.raw
  }

  func testTheProbeIsAcceptedByVerilatorIcarusAndYosys() throws {
    try assertAcceptedByTools(try Design(top: Self.probe))
  }

  func testEveryByteEnablePairAndRandomRequests() throws {
    var random = SeededRandom()
    let me = PCIeID(bus: 4, device: 0, function: 0)
    var requests: [TLP] = []
    // Every First/Last DW BE pair on 5-DW reads and every First DW BE on 1-DW reads
    // (Tables 2-40 and 2-41 exhaustively).
    for first in UInt8(0)...15 {
      var single = TLP.memoryRead(address: 0x1234_5674, byteCount: 4, requester: me, tag: UInt16(first))
      single.firstByteEnables = first
      requests.append(single)
      for last in UInt8(0)...15 {  // 0000b in either field is invalid beyond 1 DW, but must still agree
        var read = TLP.memoryRead(address: 0x1234_5670, byteCount: 20, requester: me, tag: UInt16(first) << 4 | UInt16(last))
        read.firstByteEnables = first
        read.lastByteEnables = last
        requests.append(read)
      }
    }
    for _ in 0..<400 {
      var tlp = TLP.random(using: &random)
      guard tlp.kind.flowControlClass == .nonPosted else { continue }
      if tlp.kind == .memoryRead && random.chance(0.2) { tlp.kind = .memoryReadLocked }
      tlp.digest = nil
      requests.append(tlp)
    }
    var ioRead = TLP(kind: .ioRead)
    ioRead.length = 1
    ioRead.firstByteEnables = 0x3
    ioRead.address = 0x3F8
    requests.append(ioRead)
    let completers = requests.map { _ in PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &random)) }
    let rows = zip(requests, completers).map { tlp, completer in
      ["header": headerBits(tlp.headerDWordValues), "completer": BitVector(width: 16, value: Int(completer.rawValue))]
    }
    let expected = zip(requests, completers).map { tlp, completer in
      ["completion": headerBits(TLP.completion(answering: tlp, completer: completer, status: .unsupportedRequest).headerDWordValues)]
    }
    let design = try Design(top: Self.probe)
    assertOutputsMatch(design.top, try IcarusSimulation(design).run(rows), expected, random)
  }

  private func headerBits(_ dws: [UInt32]) -> BitVector {
    let d = dws + [0, 0, 0, 0]
    return BitVector(width: 128, words: [UInt64(d[2]) << 32 | UInt64(d[3]), UInt64(d[0]) << 32 | UInt64(d[1])])
  }
}
