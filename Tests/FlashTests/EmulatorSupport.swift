import FTDIEmulator
import XCTest
@testable import Flash

/// Tests drive the real libftdi1; the emulator linked into this test binary answers its
/// libusb calls (see Tests/Support/FTDIEmulator/include/ftdi_emulator.h).
struct Emulator {
  var config = femu_config()

  init(jedecID: UInt32 = 0xEF4018, size: Int = 16 << 20, timing: Bool = false, sfdp: Bool = true,
       chipSelectPin: UInt32 = 3, devices: UInt32 = 1, addressMode: femu_address_mode = FEMU_ADDRESS_AUTO) {
    femu_config_init(&config)
    config.jedec_id = (UInt8(jedecID >> 16 & 0xFF), UInt8(jedecID >> 8 & 0xFF), UInt8(jedecID & 0xFF))
    config.flash_size = UInt32(size)
    config.timing_enabled = timing
    config.sfdp_enabled = sfdp
    config.chip_select_pin = chipSelectPin
    config.device_count = devices
    config.address_mode = addressMode
  }

  /// A fresh emulator (erased flash, no faults, counters cleared).
  func reset(file: StaticString = #filePath, line: UInt = #line) {
    var c = config
    XCTAssertEqual(femu_reset(&c), 0, "emulator config rejected", file: file, line: line)
  }

  static var flash: UnsafeMutableBufferPointer<UInt8> {
    UnsafeMutableBufferPointer(start: femu_flash_data(), count: Int(femu_flash_size()))
  }

  static func bytes(_ range: Range<Int>) -> [UInt8] { Array(flash[range]) }

  static func load(_ bytes: [UInt8], at offset: Int = 0) {
    bytes.withUnsafeBytes { UnsafeMutableRawPointer(flash.baseAddress! + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
  }

  static var counters: femu_counter_values { femu_counters() }
}

/// The emulator's virtual time, so status-polling deadlines follow the emulated chip.
let virtualClock: FlashClock = { femu_virtual_time_ns() }

func openSession(_ target: FlashTarget = FlashTarget()) throws -> FlashSession {
  try FlashSession(target: target, clock: virtualClock)
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func testBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
  var x = seed
  var out = [UInt8](repeating: 0, count: count)
  var i = 0
  while i < count {
    x ^= x << 13
    x ^= x >> 7
    x ^= x << 17
    var v = x
    for _ in 0..<8 where i < count {
      out[i] = UInt8(truncatingIfNeeded: v)
      v >>= 8
      i += 1
    }
  }
  return out
}

/// A reference boot selector written independently of `ImageSlots`: bitwise CRC-32, raw
/// offsets from the documented header layout, read straight from the emulated array.
enum ReferenceBoot {
  static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in bytes {
      crc ^= UInt32(b)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
  }

  static func le(_ b: [UInt8], _ o: Int, _ n: Int) -> UInt64 {
    (0..<n).reduce(UInt64(0)) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) }
  }

  struct Slot: Equatable {
    var sequence: UInt64
    var body: [UInt8]
  }

  /// A slot's image if a boot loader would accept it.
  static func slot(offset: Int, size: Int, boardID: UInt16) -> Slot? {
    let h = Emulator.bytes(offset..<(offset + 64))
    guard h[0..<4] == [0x53, 0x54, 0x49, 0x4D][...], le(h, 4, 2) == 1, le(h, 6, 2) == UInt64(boardID),
          UInt64(crc32(h[0..<60])) == le(h, 60, 4) else { return nil }
    let length = Int(le(h, 8, 4))
    guard 256 + length <= size else { return nil }
    let body = Emulator.bytes((offset + 256)..<(offset + 256 + length))
    guard UInt64(crc32(body[...])) == le(h, 12, 4) else { return nil }
    return Slot(sequence: le(h, 32, 8), body: body)
  }

  /// The image that boots: valid, highest sequence.
  static func boot(_ regions: [FlashRegionSpec], boardID: UInt16) -> Slot? {
    regions.compactMap { slot(offset: $0.offset, size: $0.size, boardID: boardID) }.max { $0.sequence < $1.sequence }
  }
}

/// Slots for a 2 MiB part: boot 64 KiB, A and B 960 KiB each, config 64 KiB.
let smallLayout: [FlashRegionSpec] = [
  FlashRegionSpec(name: "boot", offset: 0, size: 0x10000, role: .boot),
  FlashRegionSpec(name: "a", offset: 0x10000, size: 0xF0000, role: .slotA),
  FlashRegionSpec(name: "b", offset: 0x100000, size: 0xF0000, role: .slotB),
  FlashRegionSpec(name: "config", offset: 0x1F0000, size: 0x10000, role: .config),
]

func makeImage(boardID: UInt16 = 7, size: Int, seed: UInt64) -> FirmwareImage {
  let body = testBytes(size, seed: seed)
  return FirmwareImage(header: ImageHeader(boardID: boardID, body: body, loadAddress: 0x8000_0000, entryPoint: 0x8000_0100), body: body)
}
