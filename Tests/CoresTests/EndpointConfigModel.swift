import Cores

/// A Type 0 function's configuration header as the PCIe Base Specification 6.3 describes it,
/// written independently of `endpointConfigSpace`: per DW a value, the bits software may write
/// (RW) and the bits a 1 clears (RW1C), entered as hex from the register layouts of §7.5.1.1
/// (common header), §7.5.1.2 (Type 0 header, BARs) and §7.5.3 (PCI Express Capability).
/// DWs not listed read 0 and ignore writes. One model per function: the functions of a
/// multi-function device have configuration spaces of their own (§7.5.1.1), alike but for the
/// Header Type's Multi-Function Device bit.
struct EndpointConfigModel {
  struct DW {
    var value: UInt32
    var writable: UInt32 = 0
    var clearable: UInt32 = 0
  }
  private(set) var dws: [Int: DW] = [:]

  init(_ identity: EndpointIdentity, multiFunction: Bool = false) {
    let mpsCode = UInt32(identity.maxPayloadBytes.trailingZeroBitCount - 7)
    dws[0x00] = DW(value: UInt32(identity.vendorID) | UInt32(identity.deviceID) << 16)
    // Command: Memory Space (1), Bus Master (2), Parity Error Response (6), SERR# (8),
    // Interrupt Disable (10) are RW; I/O Space, Special Cycles, MWI, VGA snoop, IDSEL, Fast
    // back-to-back are hardwired 0 for a PCI Express function without I/O BARs. Status:
    // Capabilities List (bit 4 → 20) is 1; bits 8, 11-15 (→ 24, 27-31) are RW1C.
    dws[0x04] = DW(value: 0x0010_0000, writable: 0x0000_0546, clearable: 0xF900_0000)
    dws[0x08] = DW(value: UInt32(identity.revisionID) | UInt32(identity.classCode) << 8)
    // Cache Line Size RW; Latency Timer 0; Header Type 00h (Type 0 layout), bit 7 (→ 23) the
    // Multi-Function Device bit (§7.5.1.1.9); BIST 0.
    dws[0x0C] = DW(value: multiFunction ? 0x0080_0000 : 0, writable: 0x0000_00FF)
    var slot = 0
    for bar in identity.bars {
      // §7.5.1.2.1: bit 0 memory (0), bits 2:1 type (00b 32-bit, 10b 64-bit), bit 3
      // prefetchable; the bits below the size are hardwired 0, the rest of the address RW.
      let sizeMask = bar.bytes - 1
      dws[0x10 + 4 * slot] = DW(value: (bar.is64Bit ? 0x4 : 0) | (bar.prefetchable ? 0x8 : 0),
                                writable: UInt32(truncatingIfNeeded: ~sizeMask) & 0xFFFF_FFF0)
      if bar.is64Bit { dws[0x14 + 4 * slot] = DW(value: 0, writable: UInt32(truncatingIfNeeded: ~sizeMask >> 32)) }
      slot += bar.is64Bit ? 2 : 1
    }
    dws[0x2C] = DW(value: UInt32(identity.subsystemVendorID) | UInt32(identity.subsystemID) << 16)
    dws[0x34] = DW(value: 0x40)
    // Interrupt Line RW, Interrupt Pin 0 (no INTx), Min_Gnt/Max_Lat 0.
    dws[0x3C] = DW(value: 0, writable: 0x0000_00FF)
    // PCI Express Capability: ID 10h, next 0, version 2, Device/Port Type 0000b.
    dws[0x40] = DW(value: 0x0002_0010)
    // Device Capabilities: MPS Supported (2:0), L0s (8:6) and L1 (11:9) acceptable latency
    // 111b, Role-Based Error Reporting (15) 1.
    dws[0x44] = DW(value: mpsCode | 0x7 << 6 | 0x7 << 9 | 1 << 15)
    // Device Control: bits 0-8, 11, 14:12 RW (Phantom Functions, Aux Power and Initiate FLR
    // are hardwired 0 when not supported); Relaxed Ordering and No Snoop reset to 1,
    // Max_Read_Request_Size to 010b. Device Status: bits 0-3 (→ 16-19) RW1C.
    dws[0x48] = DW(value: 0x0000_2810, writable: 0x0000_79FF, clearable: 0x000F_0000)
    dws[0x4C] = DW(value: UInt32(identity.maxLinkSpeed) | UInt32(identity.maxLinkWidth) << 4)
    dws[0x6C] = DW(value: UInt32((1 << identity.maxLinkSpeed) - 1) << 1)
  }

  func read(_ offset: Int) -> UInt32 { dws[offset]?.value ?? 0 }

  /// A configuration write of `value` with First DW BE `byteEnables`.
  mutating func write(_ offset: Int, _ value: UInt32, byteEnables: UInt8) {
    guard var dw = dws[offset] else { return }
    let bytes = (0..<4).reduce(UInt32(0)) { mask, b in byteEnables >> b & 1 == 1 ? mask | 0xFF << (8 * b) : mask }
    dw.value = dw.value & ~(dw.writable & bytes) | value & dw.writable & bytes
    dw.value &= ~(dw.clearable & bytes & value)
    dws[offset] = dw
  }

  /// Raises RW1C bits as hardware does (error logging).
  mutating func raise(_ offset: Int, _ bits: UInt32) { dws[offset]?.value |= bits }
}
