import VerilogTesting
import Cores
import HDL
import PCIe
import Toolchain
import XCTest

/// Configuration TLPs through the completer into three bridges' configuration blocks (the
/// upstream port and two downstream ports of a switch), every completion compared with what
/// `BridgeConfigModel` and `PCIe.TLP`'s completion builders say.
final class BridgeConfigCompleterTests: XCTestCase {
  static let identities = [
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A00, role: .upstream, portNumber: 0, maxPayloadBytes: 256, maxLinkSpeed: 4,
                   maxLinkWidth: 16, bar0Bytes: 64 * 1024),
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, role: .downstream, portNumber: 1, maxPayloadBytes: 256, maxLinkSpeed: 4,
                   maxLinkWidth: 4),
    BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, role: .downstream, portNumber: 2, maxPayloadBytes: 256, maxLinkSpeed: 4,
                   maxLinkWidth: 4),
  ]
  static func models() -> [BridgeConfigModel] {
    identities.map { i in
      BridgeConfigModel(vendor: UInt32(i.vendorID), device: UInt32(i.deviceID), revision: 0, portType: UInt32(i.role.rawValue),
                        port: UInt32(i.portNumber), payloadCode: 1, speed: 4, width: UInt32(i.maxLinkWidth),
                        barBytes: i.bar0Bytes.map(UInt32.init))
    }
  }

  static func switchConfigSpace(dataWidth: Int) throws -> Module {
    let maps = try identities.map { try bridgeConfigSpace($0) }
    return Module("config_space_probe", parameters: ["dw": dataWidth]) { m in
      let completer = m.instance(bridgeConfigCompleter(bridges: maps.count, registerAddressWidth: maps[0].addressWidth,
                                                       dataWidth: dataWidth), name: "completer")
      connect(m.port("request", TLPStream(dataWidth: dataWidth).flipped), to: completer.interface("request", as: TLPStream.self))
      connect(completer.interface("completion", as: TLPStream.self), to: m.port("completion", TLPStream(dataWidth: dataWidth)))
      let poisoned = m.output("poisoned")
      poisoned <== completer["poisoned"]
      for (k, map) in maps.enumerated() {
        let block = m.instance(registerBlock(map), name: "bridge\(k)")
        connect(completer.interface("bridge\(k)", as: MMIO.self), to: block.interface("mmio", as: MMIO.self))
        for register in map.registers {
          for field in register.fields {
            let stem = "\(register.name.lowercased())_\(field.name.lowercased())"
            if field.hardware.contains(.input) { block["\(stem)_in"] <== 0 }
            if field.hardware.contains(.set) { block["\(stem)_set"] <== false }
          }
        }
      }
    }
  }

  func testTheCompleterIsAcceptedByVerilatorIcarusAndYosys() throws {
    for width in [64, 256] {
      let design = try Design(top: bridgeConfigCompleter(bridges: 3, registerAddressWidth: 7, dataWidth: width))
      let cells = try assertAcceptedByTools(design)
      print("\(design.top): \(cells ?? -1) Yosys cells")
    }
  }

  func testConfigurationRequestsAgainstTheModel() throws {
    for width in [64, 128] {
      var random = SeededRandom()
      let design = try Design(top: Self.switchConfigSpace(dataWidth: width))
      var models = Self.models()
      let rc = PCIeID(bus: 0, device: 0, function: 0)
      let internalBus: UInt8 = 1
      var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
      var expected: [TLP] = []
      var requestCycles: [Int] = []
      let offsets = Array(models[0].layout.keys) + [0x14, 0x54, 0x7C, 0x80, 0x100, 0xFFC]
      for n in 0..<400 {
        let bridge = Int.random(in: 0..<3, using: &random)
        let target = bridge == 0 ? PCIeID(bus: 0, device: 0, function: 0) : PCIeID(bus: internalBus, device: UInt8(bridge - 1), function: 0)
        let offset = offsets.randomElement(using: &random)!
        let enables = UInt8.random(in: 0...15, using: &random)
        let tag = UInt16(n % 256)
        var request: TLP
        var reply: TLP
        if n % 50 == 7 {  // a malformed 3-DW write: consumed whole, its first DW used
          request = .configWrite(type1: bridge != 0, target: target, offset: 0x3C, value: 0x5A, requester: rc, tag: tag)
          request.length = 3
          request.payload += [1, 2, 3, 4, 5, 6, 7, 8]
          models[bridge].write(0x3C, 0x5A, byteEnables: 0xF)
          reply = .completion(answering: request, completer: target)
        } else if random.chance(0.5) {
          let value = random.chance(0.3) ? UInt32.max : UInt32.random(in: 0...UInt32.max, using: &random)
          request = .configWrite(type1: bridge != 0, target: target, offset: offset, value: value, byteEnables: enables, requester: rc, tag: tag)
          request.poisoned = random.chance(0.1)
          if !request.poisoned { models[bridge].write(offset, value, byteEnables: UInt32(enables)) }
          reply = .completion(answering: request, completer: target, status: request.poisoned ? .unsupportedRequest : .successful)
        } else {
          request = .configRead(type1: bridge != 0, target: target, offset: offset, byteEnables: enables, requester: rc, tag: tag)
          let value = models[bridge].read(offset)
          reply = .completionWithData(answering: request, completer: target, data: (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
        }
        expected.append(reply)
        // One request per slot of 12 cycles; the completion side stalls for the first few.
        let beats = request.streamBeats(lanes: width / 32)
        let stall = Int.random(in: 0...4, using: &random)
        for cycle in 0..<12 {
          var row: [String: BitVector] = ["rst": BitVector(false), "completion_ready": BitVector(cycle >= stall)]
          if cycle < beats.count {
            requestCycles.append(rows.count)
            row.merge(beatInputs(beats[cycle], width: width)) { $1 }
          } else {
            row["request_valid"] = BitVector(false)
          }
          rows.append(row)
        }
      }
      let out = try IcarusSimulation(design).run(rows)
      for cycle in requestCycles {
        XCTAssertEqual(out[cycle]["request_ready"], BitVector(true), "cycle \(cycle): the completer must be idle in a new slot; \(random)")
      }
      var completions: [TLPStreamBeat] = []
      for (row, o) in zip(rows, out) where o["completion_valid"] == BitVector(true) && row["completion_ready"] == BitVector(true) {
        completions.append(beat(from: o, width: width))
      }
      XCTAssertEqual(completions.count, expected.count, "\(random)")
      for (i, (got, want)) in zip(completions, expected).enumerated() {
        let wanted = want.streamBeats(lanes: width / 32)[0]
        if got != wanted {
          XCTFail("completion \(i): got \(got), expected \(wanted) for \(want.kind) status \(want.status); \(random)")
          break
        }
      }
    }
  }

  private func beatInputs(_ beat: TLPStreamBeat, width: Int) -> [String: BitVector] {
    let header = BitVector(width: 128, words: [UInt64(beat.header[2]) << 32 | UInt64(beat.header[3]),
                                               UInt64(beat.header[0]) << 32 | UInt64(beat.header[1])])
    var words: [UInt64] = []
    for pair in stride(from: 0, to: beat.lanes.count, by: 2) {
      words.append(UInt64(beat.lanes[pair]) | (pair + 1 < beat.lanes.count ? UInt64(beat.lanes[pair + 1]) << 32 : 0))
    }
    return ["request_valid": BitVector(true), "request_header": header, "request_data": BitVector(width: width, words: words),
            "request_strobe": BitVector(width: width / 32, unsigned: beat.strobe), "request_start": BitVector(beat.start),
            "request_end": BitVector(beat.end)]
  }

  private func beat(from o: [String: BitVector], width: Int) -> TLPStreamBeat {
    let h = o["completion_header"] ?? BitVector(width: 128)
    let header = [UInt32(truncatingIfNeeded: h.words[1] >> 32), UInt32(truncatingIfNeeded: h.words[1]),
                  UInt32(truncatingIfNeeded: h.words[0] >> 32), UInt32(truncatingIfNeeded: h.words[0])]
    let strobe = o["completion_strobe"]?.uint64 ?? 0
    let data = o["completion_data"] ?? BitVector(width: width)
    let lanes = (0..<width / 32).map { lane -> UInt32 in
      strobe >> lane & 1 == 1 ? UInt32(truncatingIfNeeded: data.words[lane / 2] >> (32 * UInt64(lane % 2))) : 0
    }
    return TLPStreamBeat(header: header, lanes: lanes, strobe: strobe, start: o["completion_start"] == BitVector(true),
                         end: o["completion_end"] == BitVector(true))
  }
}
