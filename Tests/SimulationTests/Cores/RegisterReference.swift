/// The register block of `RegisterSimulationTests.map`, written by hand from the access rules in
/// Sources/Cores/Registers/RegisterBlock.swift and RegisterMap.swift (not from the generator):
/// zero wait states; a read returns the value before the access; at the edge software's effect
/// (RW stores, W1C clears, W1S sets — only strobed bytes —, RC clears on read), then hardware
/// `clear`, then `set` (set wins); unmapped or misaligned addresses answer `error` and read 0.
struct RegisterReference {
  // CONTROL (0x00): enable[0] RW reset 1, mode[15:8] RW reset 0x5a, start[19:16] W1S, version[31:24] RO 0x42
  var enable: UInt32 = 1, mode: UInt32 = 0x5a, start: UInt32 = 0
  // STATUS (0x04): flags[7:0] W1C with set, fill[15:8] RO from hardware, events[23:16] RC with set
  var flags: UInt32 = 0, events: UInt32 = 0
  // REQUEST (0x08): pending[15:0] W1S with clear, tag[31:24] RW reset 0xa5
  var pending: UInt32 = 0, tag: UInt32 = 0xa5
  // SCRATCH (0x10): value[31:0] RW reset 0xdeadbeef
  var scratch: UInt32 = 0xdead_beef

  struct Hardware { var flagsSet = false, eventsSet = false, pendingClear = false, level: UInt32 = 0 }
  struct Access { var write: Bool, address: UInt64, data: UInt32, strobe: UInt32 }

  static let resetValues: [UInt64: UInt32] = [0x00: 0x4200_5a01, 0x04: 0, 0x08: 0xa500_0000, 0x10: 0xdead_beef]

  func value(at address: UInt64, hardware: Hardware) -> UInt32? {
    switch address {
    case 0x00: return enable | mode << 8 | start << 16 | 0x42 << 24
    case 0x04: return flags | hardware.level << 8 | events << 16
    case 0x08: return pending | tag << 24
    case 0x10: return scratch
    default: return nil
    }
  }

  /// One cycle: the answer to `access` (nil when idle), then the edge.
  mutating func cycle(_ access: Access?, hardware: Hardware) -> (data: UInt32, error: Bool)? {
    var answer: (data: UInt32, error: Bool)?
    if let access {
      let current = value(at: access.address, hardware: hardware)
      answer = (access.write ? 0 : current ?? 0, current == nil)
      if current != nil { apply(access) }
    }
    if hardware.pendingClear { pending = 0 }
    if hardware.flagsSet { flags = 0xff }
    if hardware.eventsSet { events = 0xff }
    return answer
  }

  private mutating func apply(_ access: Access) {
    // Byte lane k enables bits 8k...8k+7.
    let lanes = (0..<4).reduce(UInt32(0)) { $0 | (access.strobe >> UInt32($1) & 1 == 1 ? 0xff << UInt32(8 * $1) : 0) }
    func field(_ low: UInt32, _ width: UInt32) -> (data: UInt32, enabled: UInt32) {
      let ones: UInt32 = width == 32 ? .max : (1 << width) - 1
      return (access.data >> low & ones, lanes >> low & ones)
    }
    func store(_ v: inout UInt32, _ low: UInt32, _ width: UInt32) { let f = field(low, width); v = v & ~f.enabled | f.data & f.enabled }
    func setOnes(_ v: inout UInt32, _ low: UInt32, _ width: UInt32) { let f = field(low, width); v |= f.data & f.enabled }
    func clearOnes(_ v: inout UInt32, _ low: UInt32, _ width: UInt32) { let f = field(low, width); v &= ~(f.data & f.enabled) }
    switch (access.address, access.write) {
    case (0x00, true):
      store(&enable, 0, 1)
      store(&mode, 8, 8)
      setOnes(&start, 16, 4)
    case (0x04, true): clearOnes(&flags, 0, 8)
    case (0x04, false): events = 0
    case (0x08, true):
      setOnes(&pending, 0, 16)
      store(&tag, 24, 8)
    case (0x10, true): store(&scratch, 0, 32)
    default: break
    }
  }
}
