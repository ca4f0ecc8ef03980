/// Byte offsets of the controller's registers (32 bits each) from the block's base. The
/// register map in Cores (`tierControllerRegisters`) describes the same layout field by field
/// for the RTL, the firmware accessors and the documentation; a test holds the two equal.
public enum TierRegister: UInt64, CaseIterable, Sendable {
  /// MAGIC 0x5452 ("TR") in 31:16, VERSION_MAJOR 15:8, VERSION_MINOR 7:0.
  case id = 0x00
  /// PAGE_SHIFT 4:0, COUNTER_WIDTH 12:8, DMA_IN_FLIGHT 19:16 (read only).
  case capability = 0x04
  /// Pages in the unified address space.
  case pageCount = 0x08
  /// HOT_LIST_SIZE 15:0, DESCRIPTOR_RING_SIZE 23:16, COMPLETION_RING_SIZE 31:24.
  case ringSizes = 0x0C
  /// Interrupt causes, write one to clear: PAGE_FAULT 0, DMA_DONE 1, DMA_ERROR 2, HOT_LEVEL 3, HOT_OVERFLOW 4.
  case interruptStatus = 0x10
  /// Same bits: which causes raise the interrupt line.
  case interruptEnable = 0x14
  /// The first unacknowledged page fault's byte address, bits 31:0.
  case faultAddressLow = 0x18
  /// Bits 63:32 of that address.
  case faultAddressHigh = 0x1C
  /// WRITE 0 (the faulting access was a write), MORE 1 (further faults since).
  case faultInfo = 0x20
  /// The page MAP_ENTRY reads and writes.
  case mapIndex = 0x24
  /// The entry of page MAP_INDEX (read only): FRAME 23:0, TIER 25:24, MIGRATING 30, VALID 31.
  case mapEntry = 0x28
  /// An entry to store: writing it stores FRAME, TIER and VALID into page MAP_INDEX (MIGRATING
  /// is the hardware's and is ignored; so is a write while the page migrates).
  case mapWrite = 0x2C
  /// ENABLE 0, RESET 1 (write 1: clear counters and the hot list; reads 1 until done, never in
  /// the transaction-level model), TRACK_READS 2, TRACK_WRITES 3,
  /// UNIT_SHIFT 12:8, DOWNSAMPLE_SHIFT 19:16.
  case hotControl = 0x30
  /// Minimum count of a hot unit in an epoch.
  case hotThreshold = 0x34
  /// Cycles per epoch.
  case hotEpochCycles = 0x38
  /// FILL_THRESHOLD 15:0: HOT_LEVEL when the hot list holds at least this many entries.
  case hotFillThreshold = 0x3C
  /// ENABLED 0, OVERFLOW 1, FILL_LEVEL 2, COUNTERS_EXHAUSTED 3 (read only; cleared by RESET).
  case hotStatus = 0x40
  /// Software's position in the hot list.
  case hotHead = 0x44
  /// Hardware's position in the hot list (read only).
  case hotTail = 0x48
  /// The hot-list entry at HOT_HEAD, bits 31:0 (0 when the list is empty).
  case hotEntryLow = 0x4C
  /// Its bits 63:32.
  case hotEntryHigh = 0x50
  /// CLEAR 0 (write 1: unmap every page; set at reset; reads 1 until done, never in the
  /// transaction-level model), WRITE_REFUSED 1 (write 1 to clear: a MAP_WRITE came during a clear).
  case mapControl = 0x54
  /// PAGES 24:0: one more than the highest page firmware has mapped since the last clear (read only).
  case mapExtent = 0x58
  /// The staged descriptor's source: FRAME 23:0, TIER 25:24.
  case dmaSource = 0x60
  /// Its destination.
  case dmaDestination = 0x64
  /// Its length in bytes.
  case dmaLength = 0x68
  /// PAGE 23:0, REMAP 24, INTERRUPT 25.
  case dmaControl = 0x6C
  /// PUSH 0: write 1 to push the staged descriptor into the descriptor ring (ignored when
  /// full); reads 1 until the engine has taken it (the transaction-level model takes it at once).
  case dmaSubmit = 0x70
  /// Index of the next descriptor the engine takes, modulo 2^16 (read only).
  case dmaHead = 0x74
  /// Index the next submitted descriptor gets, modulo 2^16 (read only).
  case dmaTail = 0x78
  /// Software's position in the completion ring.
  case completionHead = 0x7C
  /// Hardware's position in the completion ring (read only).
  case completionTail = 0x80
  /// The completion at COMPLETION_HEAD: DESCRIPTOR 15:0, STATUS 19:16, VALID 31 (0 when empty).
  case completionEntry = 0x84

  public static let magic: UInt32 = 0x5452
  public static let version = (major: 1, minor: 1)
}

/// Bits of MAP_CONTROL.
public enum MapControlBits {
  public static let clear: UInt32 = 1 << 0
  public static let writeRefused: UInt32 = 1 << 1
}

/// Bits of HOT_CONTROL and HOT_STATUS.
public enum HotControlBits {
  public static let enable: UInt32 = 1 << 0
  public static let reset: UInt32 = 1 << 1
  public static let trackReads: UInt32 = 1 << 2
  public static let trackWrites: UInt32 = 1 << 3
  /// Always-on mode: no epochs; units are listed as their counts reach HOT_THRESHOLD.
  public static let alwaysOn: UInt32 = 1 << 4
  public static let unitShiftLow = 8
  public static let downsampleShiftLow = 16
}

struct RegisterState: Sendable {
  var mapIndex = 0
  var mapWrite: UInt32 = 0
  var staged: [UInt32] = [0, 0, 0, 0]
}

/// The controller's constants that its read-only registers report (CAPABILITY, PAGE_COUNT,
/// RING_SIZES); the register map and the RTL are built for one shape.
public struct TierShape: Equatable, Sendable {
  public var pageShift: Int
  public var pageCount: Int
  public var counterWidth: Int
  public var maxInFlight: Int
  public var hotListSize: Int
  public var descriptorRingSize: Int
  public var completionRingSize: Int

  public init(pageShift: Int, pageCount: Int, counterWidth: Int, maxInFlight: Int, hotListSize: Int,
              descriptorRingSize: Int, completionRingSize: Int) {
    self.pageShift = pageShift
    self.pageCount = pageCount
    self.counterWidth = counterWidth
    self.maxInFlight = maxInFlight
    self.hotListSize = hotListSize
    self.descriptorRingSize = descriptorRingSize
    self.completionRingSize = completionRingSize
  }
}

extension TierController {
  public var shape: TierShape {
    TierShape(pageShift: timing.pageShift, pageCount: pageCount, counterWidth: hotness.counterWidth, maxInFlight: maxInFlight,
              hotListSize: hotness.hotList.size, descriptorRingSize: descriptorRing.size, completionRingSize: completionRing.size)
  }
}

/// Why the model refused its parameters: every problem, each naming the setting and the fix.
public struct TierModelError: Error, CustomStringConvertible {
  public let problems: [String]
  public var description: String {
    "the tier controller model cannot be built:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
  }
}
