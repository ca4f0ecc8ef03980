/// Why the tier manager cannot take over the controller. Each case names what it found and
/// what would fix it.
public enum TierManagerError: Error, Equatable, CustomStringConvertible {
  /// ID.MAGIC is not 0x5452: no tier controller answers at the base address.
  case notATierController(baseAddress: UInt64, id: UInt32)
  /// A page is mapped to a frame beyond its tier's size.
  case frameOutsideTier(page: UInt32, frame: TierFrame, frames: UInt32)
  /// Two pages are mapped to the same frame: writes to one would overwrite the other.
  case frameMappedTwice(frame: TierFrame, firstPage: UInt32, secondPage: UInt32)
  /// A page is marked MIGRATING while no descriptor of this firmware is running.
  case pageMigratingAtStart(page: UInt32)
  /// A setting the manager cannot use.
  case badSetting(String)

  public var description: String {
    switch self {
    case let .notATierController(base, id):
      return "no tier controller at 0x\(String(base, radix: 16)): ID reads 0x\(String(id, radix: 16)), expected MAGIC 0x5452 in bits 31:16; check the base address of the tier registers"
    case let .frameOutsideTier(page, frame, frames):
      return "page \(page) is mapped to \(frame.tier) frame \(frame.index), but that tier has \(frames) frames; fix the entry (MAP_WRITE) or the tier sizes given to the manager"
    case let .frameMappedTwice(frame, first, second):
      return "pages \(first) and \(second) are both mapped to \(frame.tier) frame \(frame.index); give one of them a free frame before starting the manager"
    case let .pageMigratingAtStart(page):
      return "page \(page) is MIGRATING before the manager started; wait for the DMA engine to finish (COMPLETION_TAIL) and drain its completions first"
    case let .badSetting(what):
      return what
    }
  }
}
