extension TierControl {
  /// Boot-time set-up of the page map, whose content is undefined after reset: maps page 0, 1, …
  /// to DRAM frames first, then flash, then disk, until pages or frames run out, and unmaps the
  /// pages left over. Returns how many pages were mapped. Run it before requests are let in and
  /// before the tier manager takes over.
  @discardableResult
  public func mapPagesInOrder(frames: [UInt32]) -> UInt32 {
    let pages = readPageCount().value
    var page: UInt32 = 0
    for tier in MemoryTier.allCases {
      let count = Int(tier.rawValue) < frames.count ? frames[Int(tier.rawValue)] : 0
      var frame: UInt32 = 0
      while frame < count && page < pages {
        setEntry(page: page, TierControlRegisters.MapWrite(rawValue: TierFrame(tier, frame).encoded | 1 << 31))
        frame += 1
        page += 1
      }
    }
    let mapped = page
    while page < pages {
      setEntry(page: page, TierControlRegisters.MapWrite())
      page += 1
    }
    return mapped
  }

  func setEntry(page: UInt32, _ entry: TierControlRegisters.MapWrite) {
    var index = TierControlRegisters.MapIndex()
    index.page = page
    writeMapIndex(index)
    writeMapWrite(entry)
  }
}
