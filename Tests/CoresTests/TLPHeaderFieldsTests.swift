import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// The RTL header decoder and completion-header builder against the Swift `TLP` (which is
/// itself checked against the base specification's tables in PCIeTests): random TLPs of every
/// kind, one per cycle under Icarus, every decoded field compared.
final class TLPHeaderFieldsTests: XCTestCase {
  /// The decoder's fields as outputs, and a UR completion answering the decoded request.
  static let decoder = Module("tlp_header_probe") { m in
    let header = m.input("header", width: TLPStream.headerWidth)
    let completer = m.input("completer", width: 16)
    let fields = TLPHeaderFields(header)
    let outputs: [(String, Signal)] = [
      ("has_data", fields.hasData), ("four_dw", fields.fourDW), ("tc", fields.trafficClass), ("attr", fields.attributes),
      ("td", fields.digest), ("ep", fields.poisoned), ("length", fields.length), ("requester", fields.requester),
      ("tag", fields.tag), ("first_be", fields.firstByteEnables), ("last_be", fields.lastByteEnables),
      ("address", fields.address), ("routing_id", fields.routingID), ("register_number", fields.registerNumber),
      ("completer_id", fields.completer), ("status", fields.status), ("byte_count", fields.byteCount),
      ("lower_address", fields.lowerAddress), ("message_code", fields.messageCode), ("routing", fields.messageRouting),
      ("is_mrd", fields.isMemoryRead), ("is_mwr", fields.isMemoryWrite), ("is_io", fields.isIO),
      ("is_cfg0", fields.isConfigType0), ("is_cfg1", fields.isConfigType1), ("is_cpl", fields.isCompletion),
      ("is_msg", fields.isMessage), ("unsupported", fields.isUnsupportedKind), ("crosses_4k", fields.crosses4KiB),
      ("posted", fields.isPosted), ("non_posted", fields.isNonPosted), ("at", fields.addressType),
      ("ln", fields.lightweightNotification), ("th", fields.hintsPresent), ("ph", fields.processingHint),
    ]
    for (name, signal) in outputs {
      let port = m.output(name, width: signal.width)
      port <== signal
    }
    let ur = m.output("ur_completion", width: TLPStream.headerWidth)
    ur <== completionHeader(answering: fields, completer: completer, status: .constant(Int(CompletionStatus.unsupportedRequest.rawValue), width: 3),
                            byteCount: .constant(4, width: 12), lowerAddress: .zero(width: 7))
  }

  func testTheDecoderIsAcceptedByVerilatorIcarusAndYosys() throws {
    try assertAcceptedByTools(try Design(top: Self.decoder))
  }

  func testEveryFieldOfRandomTLPsDecodesAsTheSwiftModelSays() throws {
    var random = SeededRandom()
    let design = try Design(top: Self.decoder)
    var rows: [[String: BitVector]] = []
    var expected: [[String: BitVector]] = []
    for _ in 0..<600 {
      var tlp = TLP.random(using: &random)
      tlp.digest = nil  // the stream does not carry digests, but TD is still decoded
      if random.chance(0.2) { tlp.digest = 0 }
      let completer = PCIeID(rawValue: UInt16.random(in: 0...0xFFFF, using: &random))
      rows.append(["header": headerBits(tlp), "completer": BitVector(width: 16, value: Int(completer.rawValue))])
      expected.append(expectedFields(tlp, completer: completer))
    }
    let actual = try IcarusSimulation(design).run(rows)
    assertOutputsMatch(design.top, actual, expected, random)
  }

  /// Every Fmt/Type pair: the decoder flags exactly those `PCIe.TLP(bytes:)` refuses.
  func testUnsupportedKindsAreExactlyThoseTheSwiftParserRefuses() throws {
    let design = try Design(top: Self.decoder)
    var rows: [[String: BitVector]] = []
    var expected: [[String: BitVector]] = []
    for byte0 in 0..<256 {
      // DW0 = byte0, Length 1; the rest of the header zero.
      rows.append(["header": BitVector(width: 128, words: [0, UInt64(byte0) << 56 | 1 << 32])])
      let payload = [UInt8](repeating: 0, count: byte0 & 0x40 != 0 ? 4 : 0)
      let parses = [12, 16].contains { headerBytes in
        (try? TLP(bytes: [UInt8(byte0), 0, 0, 1] + [UInt8](repeating: 0, count: headerBytes - 4) + payload)) != nil
      }
      expected.append(["unsupported": BitVector(!parses)])
    }
    let actual = try IcarusSimulation(design).run(rows)
    assertOutputsMatch(design.top, actual, expected, SeededRandom(seed: 0))
  }

  func testA4KiBCrossingIsFlaggedOnlyForMemoryRequests() throws {
    let design = try Design(top: Self.decoder)
    let me = PCIeID(rawValue: 0x100)
    var crossing = TLP.memoryRead(address: 0x1FF8, byteCount: 8, requester: me)
    crossing.length = 3  // 12 bytes from 0x1FF8 run to 0x2004
    var ending = TLP.memoryRead(address: 0x1FF8, byteCount: 8, requester: me)
    ending.length = 2
    let config = TLP.configRead(target: me, offset: 0xFFC, requester: me)
    let tlps = [crossing, ending, config]
    let actual = try IcarusSimulation(design).run(tlps.map { ["header": headerBits($0)] })
    XCTAssertEqual(actual.map { $0["crosses_4k"] }, [BitVector(true), BitVector(false), BitVector(false)])
    XCTAssertEqual(crossing.validationProblems().first?.field, "Length", "the Swift model agrees that 12 bytes from 0x1FF8 cross")
  }

  private func headerBits(_ tlp: TLP) -> BitVector {
    let dws = tlp.headerDWordValues + [0, 0, 0, 0]
    return BitVector(width: 128, words: [UInt64(dws[2]) << 32 | UInt64(dws[3]), UInt64(dws[0]) << 32 | UInt64(dws[1])])
  }

  private func expectedFields(_ tlp: TLP, completer: PCIeID) -> [String: BitVector] {
    func bits(_ width: Int, _ value: some BinaryInteger) -> BitVector { BitVector(width: width, unsigned: UInt64(value)) }
    let kind = tlp.kind
    var out: [String: BitVector] = [
      "has_data": BitVector(kind.hasData), "four_dw": BitVector(tlp.headerDWs == 4), "tc": bits(3, tlp.trafficClass),
      "attr": bits(3, tlp.attributes.rawValue), "td": BitVector(tlp.digest != nil), "ep": BitVector(tlp.poisoned),
      "length": bits(11, tlp.length), "tag": bits(10, tlp.tag),
      "is_mrd": BitVector(kind == .memoryRead || kind == .memoryReadLocked), "is_mwr": BitVector(kind == .memoryWrite),
      "is_io": BitVector(kind.isIORequest), "is_cfg0": BitVector(kind == .configRead0 || kind == .configWrite0),
      "is_cfg1": BitVector(kind == .configRead1 || kind == .configWrite1), "is_cpl": BitVector(kind.isCompletion),
      "is_msg": BitVector(kind.isMessage), "unsupported": BitVector(false), "crosses_4k": BitVector(false),
      "posted": BitVector(kind.flowControlClass == .posted), "non_posted": BitVector(kind.flowControlClass == .nonPosted),
      "requester": bits(16, tlp.requester.rawValue),
    ]
    if kind.isRequest {
      out["first_be"] = bits(4, tlp.firstByteEnables)
      out["last_be"] = bits(4, tlp.lastByteEnables)
      let ur = TLP.completion(answering: tlp, completer: completer, status: .unsupportedRequest)
      var nonMemory = ur
      nonMemory.byteCount = 4
      nonMemory.lowerAddress = 0
      out["ur_completion"] = headerBits(nonMemory)
    }
    if kind.isMemoryRequest || kind.isIORequest { out["address"] = bits(64, tlp.address) }
    if kind.isMemoryRequest { out["at"] = bits(2, tlp.addressType) }
    out["ln"] = BitVector(false)
    out["th"] = BitVector(false)
    if kind.isConfigRequest {
      out["routing_id"] = bits(16, tlp.target.rawValue)
      out["register_number"] = bits(10, tlp.registerNumber)
    }
    if kind.isCompletion {
      out["completer_id"] = bits(16, tlp.completer.rawValue)
      out["status"] = bits(3, tlp.status.rawValue)
      out["byte_count"] = bits(12, tlp.byteCount & 0xFFF)
      out["lower_address"] = bits(7, tlp.lowerAddress)
      out["routing_id"] = bits(16, tlp.requester.rawValue)
    }
    if case .message(let r) = kind { addMessageFields(tlp, r, &out) }
    if case .messageWithData(let r) = kind { addMessageFields(tlp, r, &out) }
    return out
  }

  private func addMessageFields(_ tlp: TLP, _ routing: MessageRouting, _ out: inout [String: BitVector]) {
    out["message_code"] = BitVector(width: 8, unsigned: UInt64(tlp.messageCode))
    out["routing"] = BitVector(width: 3, unsigned: UInt64(routing.rawValue))
    if routing == .byID { out["routing_id"] = BitVector(width: 16, unsigned: UInt64(tlp.target.rawValue)) }
    if routing == .byAddress { out["address"] = BitVector(width: 64, unsigned: tlp.address) }
  }
}
