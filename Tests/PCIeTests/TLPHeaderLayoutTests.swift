import PCIe
import XCTest

/// Header bits against the PCIe Base Specification 6.3 (Non-Flit Mode): Fmt/Type codes from
/// Table 2-3, DW0 from Figure 2-5 (Fmt 31:29, Type 28:24, T9 23, TC 22:20, T8 19, Attr[2] 18,
/// TD 15, EP 14, Attr[1:0] 13:12, AT 11:10, Length 9:0), request DW1 from §2.2.6.2, memory
/// addresses from Figures 2-16/2-17, configuration DW2 from §2.2.7.1, completion DWs from
/// Figure 2-79 and messages from Figure 2-49. The same positions are used by cocotbext-pcie's
/// `Tlp.pack_header` (alexforencich/cocotbext-pcie, cocotbext/pcie/core/tlp.py), which packs
/// each header DW big-endian. Every expected word below is computed by hand from those tables.
final class TLPHeaderLayoutTests: XCTestCase {
  let requester = PCIeID(bus: 0x01, device: 0x00, function: 0)  // 0x0100

  func testAMemoryWriteBelow4GBUsesA3DWHeaderAndCarriesItsPayloadInAddressOrder() throws {
    let tlp = TLP.memoryWrite(address: 0x1000_0004, data: [1, 2, 3, 4, 5, 6, 7, 8], requester: requester, tag: 5)
    // Fmt 010b Type 00000b => byte 0 = 0x40; Length 2.
    // DW1: Requester 0x0100, Tag 0x05, Last BE 1111b, First BE 1111b.
    XCTAssertEqual(tlp.headerDWordValues, [0x4000_0002, 0x0100_05FF, 0x1000_0004])
    XCTAssertEqual(tlp.bytes, [0x40, 0x00, 0x00, 0x02, 0x01, 0x00, 0x05, 0xFF, 0x10, 0x00, 0x00, 0x04, 1, 2, 3, 4, 5, 6, 7, 8])
    XCTAssertEqual(tlp.payloadDWs, [0x0403_0201, 0x0807_0605], "byte 0 of the payload sits in bits 7:0 on the data path")
    XCTAssertEqual(tlp.validationProblems(), [])
  }

  func testAMemoryReadAbove4GBUsesA4DWHeaderWithTheHighAddressFirst() throws {
    let tlp = TLP.memoryRead(address: 0x0000_0012_3456_7800, byteCount: 64, requester: PCIeID(rawValue: 0xABCD), tag: 0x3C)
    // Fmt 001b => byte 0 = 0x20; Length 16 DWs.
    XCTAssertEqual(tlp.headerDWordValues, [0x2000_0010, 0xABCD_3CFF, 0x0000_0012, 0x3456_7800])
    XCTAssertEqual(tlp.validationProblems(), [])
  }

  func testAnUnalignedWriteSetsFirstAndLastByteEnablesAndPadsThePayload() throws {
    // 5 bytes from 0x...0103: byte 3 of the first DW, bytes 0-3 of the second => Length 2,
    // First BE 1000b, Last BE 1111b.
    let tlp = TLP.memoryWrite(address: 0x103, data: [0xA, 0xB, 0xC, 0xD, 0xE], requester: requester)
    XCTAssertEqual(tlp.headerDWordValues, [0x4000_0002, 0x0100_00F8, 0x0000_0100])
    XCTAssertEqual(tlp.payload, [0, 0, 0, 0xA, 0xB, 0xC, 0xD, 0xE])
    // 2 bytes from 0x...0101 within one DW => First BE 0110b, Last BE 0000b.
    XCTAssertEqual(TLP.memoryWrite(address: 0x101, data: [1, 2], requester: requester).headerDWordValues[1], 0x0100_0006)
  }

  func testConfigurationRequestsCarryTheTargetIDAndRegisterNumber() throws {
    let target = PCIeID(bus: 0x02, device: 0x03, function: 1)  // 0000_0010 00011 001 = 0x0219
    let read = TLP.configRead(type1: true, target: target, offset: 0x18, requester: requester, tag: 7)
    // Fmt 000b Type 00101b => 0x05; Length 1; DW2 = ID << 16 | register 6 << 2.
    XCTAssertEqual(read.headerDWordValues, [0x0500_0001, 0x0100_070F, 0x0219_0018])
    let write = TLP.configWrite(target: target, offset: 0x104, value: 0xDEAD_BEEF, byteEnables: 0x3, requester: requester)
    // Fmt 010b Type 00100b => 0x44; extended register 0x104 / 4 = 65 => bits 11:2 = 0x104.
    XCTAssertEqual(write.headerDWordValues, [0x4400_0001, 0x0100_0003, 0x0219_0104])
    XCTAssertEqual(write.payload, [0xEF, 0xBE, 0xAD, 0xDE])
  }

  func testCompletionsCarryStatusByteCountAndLowerAddress() throws {
    let read = TLP.memoryRead(address: 0x2000_0044, byteCount: 8, requester: requester, tag: 0x21)
    let completer = PCIeID(bus: 3, device: 0, function: 0)  // 0x0300
    let data = TLP.completionWithData(answering: read, completer: completer, data: [UInt8](repeating: 0x55, count: 8))
    // Fmt 010b Type 01010b => 0x4A; DW1 = completer << 16 | SC 000b << 13 | byte count 8;
    // DW2 = requester << 16 | tag << 8 | lower address 0x44.
    XCTAssertEqual(data.headerDWordValues, [0x4A00_0002, 0x0300_0008, 0x0100_2144])
    let unsupported = TLP.completion(answering: read, completer: completer, status: .unsupportedRequest)
    // Fmt 000b => 0x0A; UR 001b << 13 = 0x2000.
    XCTAssertEqual(unsupported.headerDWordValues, [0x0A00_0000, 0x0300_2008, 0x0100_2144])
    let config = TLP.completion(answering: TLP.configWrite(target: completer, offset: 0, value: 0, requester: requester),
                                completer: completer, status: .configurationRetry)
    // Non-memory completions: Byte Count 4, Lower Address 0 (§2.2.9.1); CRS 010b << 13 = 0x4000.
    XCTAssertEqual(config.headerDWordValues, [0x0A00_0000, 0x0300_4004, 0x0100_0000])
  }

  func testAByteCountOf4096IsEncodedAsZero() throws {
    var tlp = TLP(kind: .completion)
    tlp.byteCount = 4096
    XCTAssertEqual(tlp.headerDWordValues[1] & 0xFFF, 0)
    XCTAssertEqual(try TLP(bytes: tlp.bytes).byteCount, 4096)
  }

  func testMessagesUseA4DWHeaderWithTheRoutingInTheLowTypeBits() throws {
    let target = PCIeID(bus: 5, device: 0, function: 0)
    // Vendor-Defined Type 1 (code 0x7F) routed by ID: Fmt 001b Type 10010b => 0x32.
    // Bytes 8-9 destination ID, bytes 10-11 vendor ID 0x1AB4 (Figure 2-53).
    let vdm = TLP.message(code: 0x7F, routing: .byID, requester: requester, target: target, fields: 0x1AB4_0000_0000)
    XCTAssertEqual(vdm.headerDWordValues, [0x3200_0000, 0x0100_007F, 0x0500_1AB4, 0x0000_0000])
    // A broadcast MsgD with one DW: Fmt 011b Type 10011b => 0x73.
    let broadcast = TLP.message(code: 0x50, routing: .broadcastFromRootComplex, requester: requester, data: [1, 2, 3, 4])
    XCTAssertEqual(broadcast.headerDWordValues, [0x7300_0001, 0x0100_0050, 0, 0])
    // ERR_FATAL (0x32) to the root complex: Type 10000b.
    XCTAssertEqual(TLP.message(code: 0x32, routing: .toRootComplex, requester: requester).headerDWordValues[0], 0x3000_0000)
  }

  func testTrafficClassAttributesPoisonDigestAndTenBitTagsLandInDW0() throws {
    var tlp = TLP.memoryWrite(address: 0x40, data: [0, 0, 0, 0], requester: requester, tag: 0x3FF)
    tlp.trafficClass = 5
    tlp.attributes = [.noSnoop, .idBasedOrdering]
    tlp.poisoned = true
    tlp.digest = 0xCAFE_F00D
    // 0x40 << 24 | T9 1<<23 | TC 5<<20 | T8 1<<19 | Attr[2] 1<<18 | TD 1<<15 | EP 1<<14 | Attr[0] 1<<12 | Length 1
    XCTAssertEqual(tlp.headerDWordValues[0], 0x40DC_D001)
    XCTAssertEqual(tlp.headerDWordValues[1], 0x0100_FF0F, "the low 8 tag bits stay in DW1")
    XCTAssertEqual(Array(tlp.bytes.suffix(4)), [0xCA, 0xFE, 0xF0, 0x0D], "the digest follows the payload")
  }

  func testALengthOf1024DWsIsEncodedAsZero() throws {
    let tlp = TLP.memoryWrite(address: 0x1_0000_0000, data: [UInt8](repeating: 7, count: 4096), requester: requester)
    XCTAssertEqual(tlp.headerDWordValues[0], 0x6000_0000)
    XCTAssertEqual(try TLP(bytes: tlp.bytes).length, 1024)
  }
}
