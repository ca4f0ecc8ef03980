import Firmware
import TierModel

/// What the tier manager decided, read off its register accesses rather than taken from its own
/// bookkeeping: per round, the hot-list entries it drained, the descriptors it pushed and the
/// completions it took.
struct TierDecisions: Equatable {
  var hotLists: [[HotListEntry]] = []
  var descriptors: [[Descriptor]] = []
  var completions: [[Completion]] = []

  /// HOT_ENTRY_HIGH:HOT_ENTRY_LOW: the page above the 16-bit count (docs/tier.md).
  struct HotListEntry: Equatable, CustomStringConvertible {
    var raw: UInt64
    var description: String { "page \(raw >> 16) ×\(raw & 0xFFFF)" }
  }

  /// DMA_SOURCE, DMA_DESTINATION, DMA_LENGTH, DMA_CONTROL as staged before DMA_SUBMIT.PUSH.
  struct Descriptor: Equatable, CustomStringConvertible {
    var source: UInt32
    var destination: UInt32
    var length: UInt32
    var control: UInt32
    var description: String {
      func frame(_ v: UInt32) -> String { "\(["DRAM", "flash", "disk", "tier 3"][Int(v >> 24 & 3)]) \(v & 0xFF_FFFF)" }
      let remap = control >> 24 & 1 == 1 ? " REMAP" : "", interrupt = control >> 25 & 1 == 1 ? " IRQ" : ""
      return "page \(control & 0xFF_FFFF): \(frame(source)) → \(frame(destination)), \(length) B\(remap)\(interrupt)"
    }
  }

  /// COMPLETION_ENTRY with VALID set: the descriptor index and its status.
  struct Completion: Equatable, CustomStringConvertible {
    var raw: UInt32
    var description: String { "descriptor \(raw & 0xFFFF) status \(raw >> 16 & 0xF)" }
  }
}

/// A HAL between the tier manager and the real one that records the manager's decisions
/// (`TierDecisions`) from the tier controller's registers at `registers`, into round `round`.
/// Everything else passes through unchanged, time included.
final class DecisionRecorder<Base: HAL>: HAL {
  let base: Base
  let registers: UInt64
  var recording = false
  var round = 0
  private(set) var decisions = TierDecisions()
  private var staged: [TierRegister: UInt32] = [:]
  private var hotLow: UInt32 = 0

  init(_ base: Base, registers: UInt64) {
    self.base = base
    self.registers = registers
  }

  func register(_ address: UInt64) -> TierRegister? {
    guard recording, address >= registers else { return nil }
    return TierRegister(rawValue: address - registers)
  }

  func read32(_ address: UInt64) -> UInt32 {
    let value = base.read32(address)
    switch register(address) {
    case .hotEntryLow?: hotLow = value
    case .hotEntryHigh?: append(\.hotLists, .init(raw: UInt64(value) << 32 | UInt64(hotLow)))
    case .completionEntry? where value >> 31 == 1: append(\.completions, .init(raw: value))
    default: break
    }
    return value
  }

  func write32(_ address: UInt64, _ value: UInt32) {
    if let r = register(address) {
      staged[r] = value
      if r == .dmaSubmit && value & 1 == 1 {
        append(\.descriptors, .init(source: staged[.dmaSource] ?? 0, destination: staged[.dmaDestination] ?? 0,
                                    length: staged[.dmaLength] ?? 0, control: staged[.dmaControl] ?? 0))
      }
    }
    base.write32(address, value)
  }

  private func append<T>(_ list: WritableKeyPath<TierDecisions, [[T]]>, _ item: T) {
    while decisions[keyPath: list].count <= round { decisions[keyPath: list].append([]) }
    decisions[keyPath: list][round].append(item)
  }

  /// Copies pushed whose completions the manager has not taken yet.
  var outstanding: Int { decisions.descriptors.joined().count - decisions.completions.joined().count }

  func waitForInterrupt(lines: UInt32, timeoutCycles: UInt64) -> UInt32 { base.waitForInterrupt(lines: lines, timeoutCycles: timeoutCycles) }
  func wait(cycles: UInt64) { base.wait(cycles: cycles) }
  var cycles: UInt64 { base.cycles }
}
