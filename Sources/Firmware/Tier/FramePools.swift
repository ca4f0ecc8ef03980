/// The free frames of every tier, as stacks: the frame freed last is handed out first, so a
/// frame a copy just left is reused while its neighbours stay untouched. Four bytes per free
/// frame.
public struct FramePools {
  var free: [[UInt32]]

  /// Pools where every frame below `frames[tier]` is free except those `used` marks.
  init(frames: [UInt32], used: [[Bool]]) {
    free = MemoryTier.allCases.map { tier in
      let t = Int(tier.rawValue)
      var stack: [UInt32] = []
      var frame = frames[t]
      // Highest first, so frame 0 is on top: a fresh machine fills its tiers from the bottom.
      while frame > 0 {
        frame -= 1
        if !used[t][Int(frame)] { stack.append(frame) }
      }
      return stack
    }
  }

  public func count(_ tier: MemoryTier) -> Int { free[Int(tier.rawValue)].count }

  /// Takes a free frame of `tier`, or nil when it has none.
  mutating func take(_ tier: MemoryTier) -> TierFrame? {
    guard let index = free[Int(tier.rawValue)].popLast() else { return nil }
    return TierFrame(tier, index)
  }

  mutating func give(_ frame: TierFrame) {
    free[Int(frame.tier.rawValue)].append(frame.index)
  }
}
