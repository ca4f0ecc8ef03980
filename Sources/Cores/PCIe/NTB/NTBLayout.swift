import Board

/// The shape of one NTB function, from the board's `ntb:` section plus the constants Strata
/// fixes, and where each register lives. One place for the offsets, so that the register map,
/// the RTL that watches the management port and the tests agree.
///
/// Modelled on the Linux NTB API (include/linux/ntb.h) and the Switchtec register layout
/// (drivers/ntb/hw/mscc/ntb_hw_switchtec.c), simplified: one peer per function, real
/// scratchpad and message registers instead of Switchtec's shared-memory scratchpads.
public struct NTBLayout: Sendable, Equatable {
  public let memoryWindows: Int
  /// Bytes per memory window (the aperture each window decodes), a power of two ≥ 4 KiB.
  public let windowSize: Int
  /// Lookup-table entries shared by windows in LUT mode; 0 = no lookup table.
  public let lutEntries: Int
  public let scratchpads: Int
  public let doorbells: Int

  /// Interrupt lines towards the management processor (and MSI vectors).
  public static let vectors = 4
  /// Message registers each way (ntb_msg_count).
  public static let messages = 4
  /// Requester-ID translation table entries; an entry's index is the proxy ID's device/function.
  public static let requesterEntries = 16
  /// Translated addresses are aligned to 4 KiB (ntb_mw_get_align's addr_align and size_align).
  public static let alignmentLog2 = 12

  /// Refuses a shape the hardware cannot build, naming the `ntb:` key and the fix.
  public init(_ config: NTBConfig) throws {
    try self.init(memoryWindows: config.memoryWindows, windowSize: config.windowSize, lutEntries: config.lutEntries,
                  scratchpads: config.scratchpads, doorbells: config.doorbells)
  }

  public init(memoryWindows: Int, windowSize: Int, lutEntries: Int, scratchpads: Int, doorbells: Int) throws {
    var problems: [String] = []
    if !(1...16).contains(memoryWindows) { problems.append("ntb.memory_windows: \(memoryWindows); use 1...16") }
    if windowSize < 4096 || windowSize & (windowSize - 1) != 0 || windowSize > 1 << 40 {
      problems.append("ntb.window_size: \(windowSize) bytes; use a power of two from 4KiB to 1TiB")
    }
    if lutEntries != 0 && (lutEntries < 32 || lutEntries > 1024 || lutEntries & (lutEntries - 1) != 0) {
      problems.append("ntb.lut_entries: \(lutEntries); use 0 or a power of two from 32 to 1024 (a window splits into equal entries)")
    } else if lutEntries != 0 && windowSize / lutEntries < 4096 {
      problems.append("ntb.lut_entries: \(lutEntries) entries of a \(windowSize)-byte window are smaller than 4KiB; "
                      + "use at most \(max(windowSize / 4096, 1)) entries or a window of at least \(lutEntries * 4096) bytes")
    }
    if !(16...64).contains(scratchpads) { problems.append("ntb.scratchpads: \(scratchpads); use 16...64") }
    if !(1...64).contains(doorbells) { problems.append("ntb.doorbells: \(doorbells); use 1...64") }
    if !problems.isEmpty { throw NTBLayoutError(problems: problems) }
    self.memoryWindows = memoryWindows
    self.windowSize = windowSize
    self.lutEntries = lutEntries
    self.scratchpads = scratchpads
    self.doorbells = doorbells
  }

  public var windowSizeLog2: Int { windowSize.trailingZeroBitCount }
  /// Bytes of the whole aperture: the windows one after another from `APERTURE_BASE`.
  public var apertureSize: Int { memoryWindows * windowSize }
  /// Bytes one lookup-table entry translates (a window in LUT mode is split into `lutEntries`).
  public var lutEntrySize: Int { lutEntries == 0 ? windowSize : windowSize / lutEntries }
  /// Doorbell status registers: one per 32 doorbells.
  public var doorbellWords: Int { (doorbells + 31) / 32 }

  // Offsets (bytes) of the registers. Fixed ones first, then the arrays.
  public static let info: UInt64 = 0x000
  public static let lutInfo: UInt64 = 0x004
  public static let identity: UInt64 = 0x008
  public static let linkControl: UInt64 = 0x00C
  public static let linkStatus: UInt64 = 0x010
  public static let eventStatus: UInt64 = 0x014
  public static let interruptRouting: UInt64 = 0x018
  public static let apertureBaseLow: UInt64 = 0x01C
  public static let apertureBaseHigh: UInt64 = 0x020
  public static let msiControl: UInt64 = 0x024
  public static let msiAddressLow: UInt64 = 0x028
  public static let msiAddressHigh: UInt64 = 0x02C
  public static let msiData: UInt64 = 0x030
  public static func doorbellStatus(_ word: Int) -> UInt64 { 0x040 + UInt64(word) * 4 }
  public static func doorbellMask(_ word: Int) -> UInt64 { 0x048 + UInt64(word) * 4 }
  public static func peerDoorbellSet(_ word: Int) -> UInt64 { 0x050 + UInt64(word) * 4 }
  /// Vector of doorbell `i`: register `i / 16`, bits `2 * (i % 16)` and up.
  public static func doorbellVectors(_ register: Int) -> UInt64 { 0x060 + UInt64(register) * 4 }
  public static let messageStatus: UInt64 = 0x080
  public static let messageMask: UInt64 = 0x084
  public static func outboundMessage(_ n: Int) -> UInt64 { 0x090 + UInt64(n) * 4 }
  public static func inboundMessage(_ n: Int) -> UInt64 { 0x0A0 + UInt64(n) * 4 }
  public static func requesterEntry(_ n: Int) -> UInt64 { 0x0C0 + UInt64(n) * 4 }
  public static func windowControl(_ w: Int) -> UInt64 { 0x100 + UInt64(w) * 16 }
  public static func windowAlignment(_ w: Int) -> UInt64 { 0x104 + UInt64(w) * 16 }
  public static func windowTranslationLow(_ w: Int) -> UInt64 { 0x108 + UInt64(w) * 16 }
  public static func windowTranslationHigh(_ w: Int) -> UInt64 { 0x10C + UInt64(w) * 16 }
  public static func scratchpad(_ n: Int) -> UInt64 { 0x200 + UInt64(n) * 4 }
  public static func peerScratchpad(_ n: Int) -> UInt64 { 0x300 + UInt64(n) * 4 }
  public static func lutControl(_ e: Int) -> UInt64 { 0x1000 + UInt64(e) * 16 }
  public static func lutTranslationLow(_ e: Int) -> UInt64 { 0x1004 + UInt64(e) * 16 }
  public static func lutTranslationHigh(_ e: Int) -> UInt64 { 0x1008 + UInt64(e) * 16 }
}

/// Why an NTB shape was refused: each problem names the board key and the fix.
public struct NTBLayoutError: Error, CustomStringConvertible {
  public let problems: [String]
  public var description: String { "the NTB function cannot be built:\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
}
