import VerilogTesting
import Cores
import HDL
import Toolchain
import XCTest

/// The virtual bridge's configuration space (the register block made from
/// `bridgeConfigSpace`) against `BridgeConfigModel`, the specification's masks entered by hand.
final class BridgeConfigSpaceTests: XCTestCase {
  static let identity = BridgeIdentity(vendorID: 0x1AB4, deviceID: 0x5A01, revisionID: 3, role: .downstream, portNumber: 2,
                                       maxPayloadBytes: 512, maxLinkSpeed: 3, maxLinkWidth: 8, bar0Bytes: 16 * 1024)
  static func model() -> BridgeConfigModel {
    BridgeConfigModel(vendor: 0x1AB4, device: 0x5A01, revision: 3, portType: 0b0110, port: 2, payloadCode: 2, speed: 3, width: 8,
                      barBytes: 16 * 1024)
  }

  /// Hardware-raised flags: (port, DW offset, bit).
  static let events: [(String, Int, Int)] = [
    ("command_status_received_master_abort_set", 0x04, 29), ("command_status_detected_parity_error_set", 0x04, 31),
    ("command_status_signaled_target_abort_set", 0x04, 27),
    ("io_window_secondary_status_received_master_abort_set", 0x1C, 29),
    ("io_window_secondary_status_received_system_error_set", 0x1C, 30),
    ("device_control_status_unsupported_request_detected_set", 0x48, 19),
    ("device_control_status_fatal_detected_set", 0x48, 18),
    ("slot_control_status_dll_state_changed_set", 0x58, 24),  // §6.7.3.3, Slot Status bit 8
  ]

  func testBadIdentitiesAreRefusedNamingEveryProblem() {
    var bad = Self.identity
    bad.vendorID = 0x1_0000
    bad.maxPayloadBytes = 300
    bad.bar0Bytes = 5000
    XCTAssertThrowsError(try bridgeConfigSpace(bad)) { error in
      let text = "\(error)"
      for word in ["vendorID 65536", "maxPayloadBytes 300", "bar0Bytes 5000"] { XCTAssertTrue(text.contains(word), text) }
    }
  }

  func testTheBlockIsAcceptedByVerilatorIcarusAndYosys() throws {
    let design = try Design(top: registerBlock(try bridgeConfigSpace(Self.identity)))
    let cells = try assertAcceptedByTools(design)
    print("\(design.top): \(cells ?? -1) Yosys cells")
  }

  func testResetValuesAreTheSpecificationsDefaults() throws {
    let map = try bridgeConfigSpace(Self.identity)
    let offsets = stride(from: 0, to: 0x80, by: 4).map { $0 }
    let rows = [["rst": BitVector(true)]] + offsets.map { ["rst": BitVector(false), "mmio_valid": BitVector(true),
                                                           "mmio_address": BitVector(width: map.addressWidth, value: $0)] }
    let out = try IcarusSimulation(try Design(top: registerBlock(map))).run(rows)
    let model = Self.model()
    for (i, offset) in offsets.enumerated() {
      XCTAssertEqual(out[i + 1]["mmio_rdata"]?.uint64, UInt64(model.read(offset)), "offset 0x\(String(offset, radix: 16))")
    }
    // Spot values written out in full: Class Code, Device Control defaults, the capability header.
    XCTAssertEqual(out[1 + 0x08 / 4]["mmio_rdata"]?.uint64, 0x0604_0003)
    XCTAssertEqual(out[1 + 0x48 / 4]["mmio_rdata"]?.uint64, 0x0000_0810)
    XCTAssertEqual(out[1 + 0x40 / 4]["mmio_rdata"]?.uint64, 0x0162_0010, "Slot Implemented (bit 24), downstream port (0110b), version 2")
  }

  /// Linux sizes a BAR by writing all ones and reading back (drivers/pci/probe.c, __pci_read_base):
  /// a 16 KiB memory BAR answers 0xFFFFC000.
  func testAnAllOnesWriteSizesBAR0AndReadOnlyFieldsIgnoreIt() throws {
    let map = try bridgeConfigSpace(Self.identity)
    func at(_ offset: Int) -> BitVector { BitVector(width: map.addressWidth, value: offset) }
    var rows: [[String: BitVector]] = [["rst": BitVector(true)]]
    for offset in [0x00, 0x08, 0x10, 0x24, 0x34, 0x40, 0x44, 0x4C] {
      rows.append(["rst": BitVector(false), "mmio_valid": BitVector(true), "mmio_write": BitVector(true), "mmio_address": at(offset),
                   "mmio_wdata": .ones(width: 32), "mmio_strobe": .ones(width: 4)])
      rows.append(["mmio_write": BitVector(false)])
    }
    let out = try IcarusSimulation(try Design(top: registerBlock(map))).run(rows)
    let reads = stride(from: 2, to: rows.count, by: 2).map { out[$0]["mmio_rdata"]?.uint64 }
    XCTAssertEqual(reads, [0x5A01_1AB4, 0x0604_0003, 0xFFFF_C000, 0xFFF1_FFF1, 0x40, 0x0162_0010, 0x0000_8002, 0x0210_0083])
  }

  /// A downstream port's slot (§7.5.3.2 Slot Implemented; §7.5.3.9 Slot Capabilities, all 0: no
  /// hot-plug hardware; §7.5.3.10 Slot Control, Hot-Plug Interrupt Enable bit 5 and Data Link
  /// Layer State Changed Enable bit 12 RW; §7.5.3.11 Slot Status, Data Link Layer State Changed
  /// bit 8 RW1C, set by hardware on each change of Data Link Layer Link Active, §6.7.3.3; Presence
  /// Detect State bit 6) step by step against `BridgeConfigModel`; the upstream port has none.
  func testADownstreamPortsSlotReportsDataLinkLayerStateChanges() throws {
    let map = try bridgeConfigSpace(Self.identity)
    var model = Self.model()
    var table = CycleTable()
    func access(_ offset: Int, write value: UInt32? = nil, event: Bool = false, active: Bool) {
      model.linkActive = active
      table.add(["mmio_valid": BitVector(true), "mmio_write": BitVector(value != nil), "mmio_address": BitVector(width: map.addressWidth, value: offset),
                 "mmio_wdata": BitVector(width: 32, unsigned: UInt64(value ?? 0)), "mmio_strobe": .ones(width: 4),
                 "link_control_status_link_active_in": BitVector(active), "slot_control_status_presence_detect_state_in": BitVector(active),
                 "slot_control_status_dll_state_changed_set": BitVector(event)],
                expecting: ["mmio_rdata": BitVector(width: 32, unsigned: UInt64(value == nil ? model.read(offset) : 0))])
      if let value { model.write(offset, value, byteEnables: 0xF) }
      if event { model.raise(0x58, bit: 24) }
    }
    access(0x54, active: false)                      // Slot Capabilities: 0
    access(0x58, active: false)                      // reset: nothing enabled, no change, nothing present
    access(0x58, write: 0xFFFF_FFFF, active: false)  // only the two enables take; the W1C bit is 0 anyway
    access(0x58, event: true, active: true)          // the link comes up: present; the flag lands at the edge
    access(0x58, active: true)                       // 0x0140_1020: changed, present, enables
    access(0x58, write: 0x0000_1020, active: true)   // writing 0 to the flag keeps it
    access(0x58, active: true)
    access(0x58, write: 0x0100_0000, active: true)   // write 1 clears it, and the enables (written 0)
    access(0x58, active: true)
    let design = try Design(top: registerBlock(map))
    let actual = try table.simulate(design)
    assertOutputsMatch(design.top, actual, table.expected, SeededRandom())
    // The values spelt out, so that model and RTL cannot agree on a wrong layout.
    XCTAssertEqual(table.expected.map { $0["mmio_rdata"]?.uint64 }, [nil, 0, 0, 0, 0x0040_1020, 0x0140_1020, 0, 0x0140_1020, 0, 0x0040_0000])

    var upstream = Self.identity
    upstream.role = .upstream
    let upstreamMap = try bridgeConfigSpace(upstream)
    XCTAssertNil(upstreamMap.registers.first { $0.offset == 0x58 }, "an upstream port has no slot registers (they read 0)")
    var upstreamBlock = RegisterBlockModel(upstreamMap)
    XCTAssertEqual(upstreamBlock.read(0x40).map { $0 >> 24 & 1 }, 0, "Slot Implemented is 0 upstream")
    // §7.5.3.6: Data Link Layer Link Active Reporting Capable is hardwired 0 in an upstream port,
    // and with it Link Status's Data Link Layer Link Active (§7.5.3.8).
    XCTAssertEqual(upstreamBlock.read(0x4C).map { $0 >> 20 & 1 }, 0, "Link Active Reporting Capable is 0 upstream")
    XCTAssertFalse(upstreamMap.registers.contains { $0.fields.contains { $0.name == "LINK_ACTIVE" } }, "no Data Link Layer Link Active upstream")
    XCTAssertEqual(try bridgeConfigSpace(Self.identity).registers.first { $0.offset == 0x4C }?.fields.first { $0.name == "LINK_ACTIVE_REPORTING" }?.reset, 1,
                   "1 downstream")
  }

  func testRandomConfigurationAccessesAndEventsAgreeWithTheModel() throws {
    var random = SeededRandom()
    let map = try bridgeConfigSpace(Self.identity)
    let design = try Design(top: registerBlock(map))
    var model = Self.model()
    var table = CycleTable()
    let offsets = Array(model.layout.keys) + [0x14, 0x30, 0x38, 0x54, 0x7C]
    let patterns: [UInt32] = [0xFFFF_FFFF, 0, 0xA5A5_5A5A]
    for _ in 0..<4000 {
      let offset = offsets.randomElement(using: &random)!
      let write = random.chance(0.5)
      let value = random.chance(0.3) ? patterns.randomElement(using: &random)! : UInt32.random(in: 0...UInt32.max, using: &random)
      let enables = UInt32.random(in: 0...15, using: &random)
      let valid = random.chance(0.8)
      model.linkSpeed = UInt32.random(in: 0...15, using: &random)
      model.linkWidth = UInt32.random(in: 0...63, using: &random)
      model.linkActive = random.chance(0.5)
      var row: [String: BitVector] = [
        "mmio_valid": BitVector(valid), "mmio_write": BitVector(write), "mmio_address": BitVector(width: map.addressWidth, value: offset),
        "mmio_wdata": BitVector(width: 32, unsigned: UInt64(value)), "mmio_strobe": BitVector(width: 4, unsigned: UInt64(enables)),
        "link_control_status_current_link_speed_in": BitVector(width: 4, unsigned: UInt64(model.linkSpeed)),
        "link_control_status_negotiated_link_width_in": BitVector(width: 6, unsigned: UInt64(model.linkWidth)),
        "link_control_status_link_active_in": BitVector(model.linkActive),
        "slot_control_status_presence_detect_state_in": BitVector(model.linkActive),
      ]
      var raised: [(Int, Int)] = []
      for (port, dw, bit) in Self.events {
        let fire = random.chance(0.03)
        row[port] = BitVector(fire)
        if fire { raised.append((dw, bit)) }
      }
      table.add(row, expecting: expectedOutputs(model, reading: valid && !write ? offset : nil))
      if valid && write { model.write(offset, value, byteEnables: enables) }
      for (dw, bit) in raised { model.raise(dw, bit: bit) }
    }
    let actual = try table.simulate(design)
    assertOutputsMatch(design.top, actual, table.expected, random)
  }

  /// What the block must show in a cycle: the read data and the values routing depends on.
  private func expectedOutputs(_ model: BridgeConfigModel, reading offset: Int?) -> [String: BitVector] {
    func field(_ offset: Int, _ low: Int, _ width: Int) -> BitVector {
      BitVector(width: width, unsigned: UInt64(model.read(offset) >> low) & ((1 << UInt64(width)) - 1))
    }
    return [
      "mmio_rdata": BitVector(width: 32, unsigned: UInt64(offset.map { model.read($0) } ?? 0)),
      "bus_numbers_primary_out": field(0x18, 0, 8), "bus_numbers_secondary_out": field(0x18, 8, 8),
      "bus_numbers_subordinate_out": field(0x18, 16, 8),
      "memory_window_base_out": field(0x20, 4, 12), "memory_window_limit_out": field(0x20, 20, 12),
      "prefetchable_window_base_out": field(0x24, 4, 12), "prefetchable_window_limit_out": field(0x24, 20, 12),
      "prefetchable_base_upper_address_out": field(0x28, 0, 32), "prefetchable_limit_upper_address_out": field(0x2C, 0, 32),
      "command_status_memory_space_enable_out": field(0x04, 1, 1), "command_status_bus_master_enable_out": field(0x04, 2, 1),
      "bar0_base_out": field(0x10, 14, 18), "device_control_status_max_payload_size_out": field(0x48, 5, 3),
      "interrupt_bridge_control_secondary_bus_reset_out": field(0x3C, 22, 1), "link_control_status_link_disable_out": field(0x50, 4, 1),
    ]
  }
}
