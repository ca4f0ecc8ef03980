/// An independent reference model of a switch port's Type 1 configuration space, written
/// from PCIe Base Specification 6.3 §7.5.1.1 (Table 7-4 Command, Table 7-5 Status), §7.5.1.3
/// (Type 1 header, Table 7-13 Bridge Control) and §7.5.3 (Tables 7-19, 7-21 and the link
/// registers; §7.5.3.2 Slot Implemented, §7.5.3.9–11 the slot registers of a downstream port),
/// not from the register map it checks: per DW, the bits software may write, the
/// write-1-to-clear bits, the read-only value and the reset value, entered as hex masks.
struct BridgeConfigModel {
  struct DWord {
    var writable: UInt32 = 0
    var writeOneToClear: UInt32 = 0
    var fixed: UInt32 = 0
    var reset: UInt32 = 0
  }

  let layout: [Int: DWord]
  let isDownstream: Bool
  private(set) var stored: [Int: UInt32] = [:]
  /// Link Status inputs, as the link layer drives them.
  var linkSpeed: UInt32 = 0, linkWidth: UInt32 = 0, linkActive = false

  init(vendor: UInt32, device: UInt32, revision: UInt32, portType: UInt32, port: UInt32, payloadCode: UInt32,
       speed: UInt32, width: UInt32, barBytes: UInt32?) {
    var l: [Int: DWord] = [:]
    l[0x00] = DWord(fixed: device << 16 | vendor)
    // Command: Memory Space 1, Bus Master 2, Parity Error Response 6, SERR# 8, Interrupt Disable 10.
    // Status: Capabilities List 20 (RO 1); error bits 24, 27-31 RW1C.
    l[0x04] = DWord(writable: 0x0000_0546, writeOneToClear: 0xF900_0000, fixed: 0x0010_0000)
    l[0x08] = DWord(fixed: 0x06_04_00 << 8 | revision)  // class: bridge, PCI-to-PCI, normal decode
    l[0x0C] = DWord(writable: 0x0000_00FF, fixed: 0x0001_0000)  // Cache Line Size; Header Type 01h
    if let barBytes { l[0x10] = DWord(writable: ~(barBytes - 1)) }  // 32-bit memory BAR: type bits read 0
    l[0x18] = DWord(writable: 0x00FF_FFFF)  // primary, secondary, subordinate; secondary latency timer RO 0
    l[0x1C] = DWord(writeOneToClear: 0xF900_0000)  // no I/O window; Secondary Status error bits
    l[0x20] = DWord(writable: 0xFFF0_FFF0)  // Memory Base/Limit [15:4]; [3:0] RO 0
    l[0x24] = DWord(writable: 0xFFF0_FFF0, fixed: 0x0001_0001)  // 64-bit prefetchable: [3:0] = 1
    l[0x28] = DWord(writable: 0xFFFF_FFFF)
    l[0x2C] = DWord(writable: 0xFFFF_FFFF)
    l[0x34] = DWord(fixed: 0x40)
    // Interrupt Line; Bridge Control: Parity Error Response 16, SERR# 17, ISA 18, Secondary Bus Reset 22.
    l[0x3C] = DWord(writable: 0x0047_00FF)
    // Next pointer 0, version 2; a downstream port is a slot (PCI Express Capabilities bit 8).
    let downstream = portType == 0b0110
    l[0x40] = DWord(fixed: (downstream ? 1 << 24 : 0) | portType << 20 | 2 << 16 | 0x10)
    l[0x44] = DWord(fixed: 1 << 15 | payloadCode)
    // Device Control: bits 0-8 and 11 (MRRS hardwired 0); defaults RO 1 (bit 4), No Snoop 1 (bit 11).
    // Device Status: error detected bits 16-19 RW1C.
    l[0x48] = DWord(writable: 0x0000_09FF, writeOneToClear: 0x000F_0000, reset: 0x0000_0810)
    // Data Link Layer Link Active Reporting Capable: downstream ports only (§7.5.3.6).
    l[0x4C] = DWord(fixed: port << 24 | (downstream ? 1 << 20 : 0) | width << 4 | speed)
    l[0x50] = DWord(writable: 0x0000_0010)  // Link Disable; Link Status from the inputs
    if downstream {
      // Slot Capabilities 0x54 read 0 (no hot-plug hardware). Slot Control: Hot-Plug Interrupt
      // Enable 5, Data Link Layer State Changed Enable 12; Slot Status: Data Link Layer State
      // Changed 24 (bit 8) RW1C; Presence Detect State 22 (bit 6) from the link.
      l[0x58] = DWord(writable: 0x0000_1020, writeOneToClear: 0x0100_0000)
    }
    l[0x6C] = DWord(fixed: ((1 << speed) - 1) << 1)
    layout = l
    isDownstream = downstream
    reset()
  }

  mutating func reset() { stored = layout.mapValues { $0.reset } }

  func read(_ offset: Int) -> UInt32 {
    guard let d = layout[offset] else { return 0 }
    var value = d.fixed | stored[offset]! & (d.writable | d.writeOneToClear)
    if offset == 0x50 { value |= linkSpeed << 16 | linkWidth << 20 | (linkActive && isDownstream ? 1 << 29 : 0) }
    if offset == 0x58 && linkActive { value |= 1 << 22 }  // no presence pin: present while the link is up
    return value
  }

  /// A write of `value` to the bytes `byteEnables` selects.
  mutating func write(_ offset: Int, _ value: UInt32, byteEnables: UInt32) {
    guard let d = layout[offset] else { return }
    let bytes = (0..<4).reduce(UInt32(0)) { mask, i in byteEnables >> i & 1 == 1 ? mask | 0xFF << (8 * i) : mask }
    var s = stored[offset]!
    s = s & ~(d.writable & bytes) | value & d.writable & bytes
    s &= ~(value & d.writeOneToClear & bytes)
    stored[offset] = s
  }

  /// Hardware raising an RW1C flag.
  mutating func raise(_ offset: Int, bit: Int) { stored[offset]! |= 1 << bit }
}
