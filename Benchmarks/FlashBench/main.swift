// Flash benchmark (not a test): program and verify a 1 MiB image on the emulated FT2232H +
// W25Q128JV with datasheet typical busy times, and compare the emulator's virtual time with
// the chip-limited bound. Run through scripts/bench/flash.
import FTDIEmulator
import Flash

import Foundation

// `--clock HZ` (default 30 MHz, the FT2232H maximum; boards/devkit.yaml uses 15 MHz).
var clockHz = 30_000_000
if let i = CommandLine.arguments.firstIndex(of: "--clock"), i + 1 < CommandLine.arguments.count,
   let hz = Int(CommandLine.arguments[i + 1]) {
  clockHz = hz
}
let imageSize = 1 << 20
let offset = 0x100000
let pageSize = 256

var config = femu_config()
femu_config_init(&config)
config.timing_enabled = true  // zero timings = W25Q128JV datasheet typicals
guard femu_reset(&config) == 0 else { fatalError("emulator rejected the configuration") }

// Old content in the target range, so every sector has to be erased.
var x: UInt64 = 0x2545_F491_4F6C_DD1D
func next() -> UInt8 {
  x ^= x << 13
  x ^= x >> 7
  x ^= x << 17
  return UInt8(truncatingIfNeeded: x >> 24)
}
let flash = femu_flash_data()!
for i in 0..<imageSize { flash[offset + i] = next() }
let image = (0..<imageSize).map { _ in next() }

let session = try FlashSession(target: FlashTarget(cable: FTDICableConfig(spiClockHz: clockHz)),
                               clock: { femu_virtual_time_ns() })
let part = session.part
femu_clear_counters()
let stats = try session.programmer.write(image, at: offset)
let c = femu_counters()
session.close()
for i in 0..<imageSize where flash[offset + i] != image[i] { fatalError("flash differs at \(offset + i)") }

// Chip-limited bound: least typical erase time for the range (64 KiB blocks), typical
// page-program time for every page, and the SPI clock time to send the data once and read
// it back once for verification.
let erase64 = part.eraseTypes.first { $0.size == 65536 }!.time.typicalNs
let eraseNs = UInt64(imageSize / 65536) * erase64
let programNs = UInt64(imageSize / pageSize) * part.pageProgram.typicalNs
let transferNs = UInt64(2 * imageSize * 8) * 1_000_000_000 / UInt64(clockHz)
let bound = eraseNs + programNs + transferNs
let total = c.virtual_time_ns
let pages = imageSize / pageSize

func seconds(_ ns: UInt64) -> String { String(Double(ns) / 1e9) }
print("part: \(part.name), SPI clock \(femu_spi_clock_hz()) Hz, image \(imageSize) bytes at \(offset)")
print("erases: \(stats.erases), pages programmed: \(stats.pagesProgrammed), sectors unchanged: \(stats.sectorsUnchanged)")
print("bound: erase \(seconds(eraseNs)) s + program \(seconds(programNs)) s + SPI transfer \(seconds(transferNs)) s = \(seconds(bound)) s")
print("virtual time: \(seconds(total)) s (read-compare, erase, program, verify); SPI bytes \(c.spi_bytes)")
print("USB round trips: \(c.round_trips) (bulk OUT \(c.bulk_out_transfers), bulk IN \(c.bulk_in_transfers)), extra status polls: \(session.flash.pollRoundTrips)")
let ratio = Double(total) / Double(bound)
let perPage = Double(c.round_trips) / Double(pages)
print("flash_time_vs_chip_bound: \((ratio * 1000).rounded() / 1000)")
print("usb_round_trips_per_page: \((perPage * 10000).rounded() / 10000)")
