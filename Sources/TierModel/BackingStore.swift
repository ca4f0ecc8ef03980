/// A backing-store model: sparse data in 64-bit words (unwritten words read 0), a queue in
/// simulated time, and fault injection.
public struct BackingStore: Sendable {
  public let tier: Tier
  public let frames: Int
  let wordsPerPage: Int
  /// Data by word index within the tier (frame × words per page + word).
  var words: [Int: UInt64] = [:]
  /// The cycle from which the store's link is free again.
  var busyUntil = 0
  /// Frames whose every access fails until the fault is cleared.
  public var faultyFrames: Set<Int> = []
  /// The next this many accesses fail, whatever frame they touch.
  public var failNextAccesses = 0

  init(tier: Tier, frames: Int, wordsPerPage: Int) {
    self.tier = tier
    self.frames = frames
    self.wordsPerPage = wordsPerPage
  }

  public func word(frame: Int, at index: Int) -> UInt64 { words[frame * wordsPerPage + index] ?? 0 }

  mutating func write(frame: Int, at index: Int, _ value: UInt64, byteEnables: UInt8 = 0xFF) {
    let key = frame * wordsPerPage + index
    let mask = byteMask(byteEnables)
    let merged = (words[key] ?? 0) & ~mask | value & mask
    words[key] = merged == 0 ? nil : merged
  }

  /// The whole frame as words.
  func page(_ frame: Int) -> [UInt64] { (0..<wordsPerPage).map { word(frame: frame, at: $0) } }

  mutating func setPage(_ frame: Int, _ data: [UInt64], words count: Int) {
    for i in 0..<count { write(frame: frame, at: i, data[i]) }
  }

  /// Decides whether one access to `frame` fails, consuming a one-shot fault.
  mutating func accessFails(frame: Int) -> Bool {
    if faultyFrames.contains(frame) { return true }
    if failNextAccesses > 0 {
      failNextAccesses -= 1
      return true
    }
    return false
  }
}

/// The 64-bit mask that keeps the bytes whose enable bit is 1.
func byteMask(_ enables: UInt8) -> UInt64 {
  var mask: UInt64 = 0
  for byte in 0..<8 where enables & (1 << byte) != 0 { mask |= 0xFF << (8 * UInt64(byte)) }
  return mask
}
