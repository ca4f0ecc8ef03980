extension TierControl {
  /// Boot-time set-up of the page map: page 0, 1, … go to DRAM frames first, then flash, then
  /// disk, until pages or frames run out; every other page stays unmapped. The controller clears
  /// its map after reset (MAP_CONTROL.CLEAR reads 1 until every entry is invalid, one a cycle),
  /// so this waits for that, clears the map again only if something was mapped since
  /// (MAP_EXTENT ≠ 0), and writes just the entries it maps. Returns how many pages were mapped,
  /// 0 when the map never became ready. Run it before requests are let in and before the tier
  /// manager takes over.
  @discardableResult
  public func mapPagesInOrder(frames: [UInt32]) -> UInt32 {
    let pages = readPageCount().value
    let clears = readId().minor >= 1
    if clears {
      guard waitForMapReady(), readMapExtent().pages == 0 || clearMap() else { return 0 }
    }
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
    // A controller before version 1.1 has no clear engine: its map is undefined after reset.
    while !clears && page < pages {
      setEntry(page: page, TierControlRegisters.MapWrite())
      page += 1
    }
    return mapped
  }

  /// Unmaps every page (MAP_CONTROL.CLEAR) and waits until the map is usable again. Issue it
  /// with no remap-on-completion copy in flight: such a copy still remaps its page when it ends.
  public func clearMap() -> Bool {
    var command = TierControlRegisters.MapControl()
    command.clear = true
    writeMapControl(command)
    return waitForMapReady()
  }

  /// Polls MAP_CONTROL until CLEAR reads 0. A clear takes PAGE_COUNT cycles and a poll at least
  /// one, so PAGE_COUNT polls (and some slack) suffice; false if it still reads 1 after them.
  public func waitForMapReady() -> Bool {
    let polls = readPageCount().value &+ 16
    var n: UInt32 = 0
    while readMapControl().clear {
      n += 1
      if n >= polls { return false }
    }
    return true
  }

  func setEntry(page: UInt32, _ entry: TierControlRegisters.MapWrite) {
    var index = TierControlRegisters.MapIndex()
    index.page = page
    writeMapIndex(index)
    writeMapWrite(entry)
  }
}
