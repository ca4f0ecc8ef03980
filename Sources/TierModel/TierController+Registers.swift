/// The controller's registers as firmware sees them (layout in `TierRegister`). Reads have no
/// side effects; writes of read-only registers are ignored. Time does not pass: the caller
/// decides when (`idle(until:)`).
extension TierController {
  public func readRegister(_ register: TierRegister) -> UInt32 {
    switch register {
    case .id: return TierRegister.magic << 16 | UInt32(TierRegister.version.major) << 8 | UInt32(TierRegister.version.minor)
    case .capability:
      return UInt32(timing.pageShift) | UInt32(hotness.counterWidth) << 8 | UInt32(maxInFlight) << 16
    case .pageCount: return UInt32(pageCount)
    case .ringSizes:
      return UInt32(hotness.hotList.size) | UInt32(descriptorRing.size) << 16 | UInt32(completionRing.size) << 24
    case .interruptStatus: return interruptStatus.rawValue
    case .interruptEnable: return interruptEnable.rawValue
    case .faultAddressLow: return UInt32(truncatingIfNeeded: faultAddress)
    case .faultAddressHigh: return UInt32(truncatingIfNeeded: faultAddress >> 32)
    case .faultInfo: return (faultWasWrite ? 1 : 0) | (moreFaults ? 2 : 0)
    case .mapIndex: return UInt32(registerState.mapIndex)
    case .mapEntry: return registerState.mapIndex < pageCount ? pageMap[registerState.mapIndex].encoded : 0
    case .mapWrite: return registerState.mapWrite
    case .hotControl:
      let c = hotness.config
      return (c.enabled ? HotControlBits.enable : 0) | (c.trackReads ? HotControlBits.trackReads : 0)
        | (c.trackWrites ? HotControlBits.trackWrites : 0) | (c.alwaysOn ? HotControlBits.alwaysOn : 0)
        | UInt32(c.unitShift) << UInt32(HotControlBits.unitShiftLow)
        | UInt32(c.downsampleShift) << UInt32(HotControlBits.downsampleShiftLow)
    case .hotThreshold: return hotness.config.threshold
    case .hotEpochCycles: return UInt32(truncatingIfNeeded: hotness.config.epochCycles)
    case .hotFillThreshold: return UInt32(hotness.config.fillThreshold)
    case .hotStatus:
      return (hotness.config.enabled ? 1 : 0) | (hotness.overflow ? 2 : 0) | (hotness.levelReached ? 4 : 0)
        | (hotness.countersExhausted ? 8 : 0)
    case .hotHead: return UInt32(hotness.hotList.head)
    case .hotTail: return UInt32(hotness.hotList.tail)
    case .hotEntryLow: return UInt32(truncatingIfNeeded: hotness.hotList.front ?? 0)
    case .hotEntryHigh: return UInt32(truncatingIfNeeded: (hotness.hotList.front ?? 0) >> 32)
    // The model clears at once, so no MAP_WRITE comes during a clear: CLEAR and WRITE_REFUSED read 0.
    case .mapControl: return 0
    case .mapExtent: return UInt32(mapExtent)
    case .dmaSource: return registerState.staged[0]
    case .dmaDestination: return registerState.staged[1]
    case .dmaLength: return registerState.staged[2]
    case .dmaControl: return registerState.staged[3]
    case .dmaSubmit: return 0
    case .dmaHead: return UInt32((submittedCount - descriptorRing.count) & 0xFFFF)
    case .dmaTail: return UInt32(submittedCount & 0xFFFF)
    case .completionHead: return UInt32(completionRing.head)
    case .completionTail: return UInt32(completionRing.tail)
    case .completionEntry: return completionRing.front.map { $0.encoded | 1 << 31 } ?? 0
    }
  }

  public mutating func writeRegister(_ register: TierRegister, _ value: UInt32) {
    switch register {
    case .interruptStatus: acknowledge(InterruptCauses(rawValue: value))
    case .interruptEnable: interruptEnable = InterruptCauses(rawValue: value & 0x1F)
    case .mapIndex: registerState.mapIndex = Int(value & 0xFF_FFFF)
    case .mapWrite:
      registerState.mapWrite = value & 0x83FF_FFFF
      writeMapEntry(page: registerState.mapIndex, PageEntry(encoded: value))
    case .mapControl:
      if value & MapControlBits.clear != 0 { clearMap() }
    case .hotControl:
      advance(to: clock)
      var c = hotness.config
      c.trackReads = value & HotControlBits.trackReads != 0
      c.trackWrites = value & HotControlBits.trackWrites != 0
      c.alwaysOn = value & HotControlBits.alwaysOn != 0
      c.unitShift = Int(value >> UInt32(HotControlBits.unitShiftLow) & 0x1F)
      c.downsampleShift = Int(value >> UInt32(HotControlBits.downsampleShiftLow) & 0xF)
      let enable = value & HotControlBits.enable != 0
      c.enabled = hotness.config.enabled
      hotness.config = c
      if value & HotControlBits.reset != 0 { hotness.reset(at: clock) }
      hotness.setEnabled(enable, at: clock)
    case .hotThreshold: hotness.config.threshold = value
    case .hotEpochCycles: hotness.config.epochCycles = Int(value)
    case .hotFillThreshold: hotness.config.fillThreshold = Int(value & 0xFFFF)
    case .hotHead: hotness.hotList.head = Int(value & 0xFFFF)
    case .dmaSource: registerState.staged[0] = value & 0x03FF_FFFF
    case .dmaDestination: registerState.staged[1] = value & 0x03FF_FFFF
    case .dmaLength: registerState.staged[2] = value
    case .dmaControl: registerState.staged[3] = value & 0x03FF_FFFF
    case .dmaSubmit:
      if value & 1 != 0 {
        // Tier code 3 names no tier: such a descriptor is refused at once and never queued.
        if let d = DMADescriptor(words: registerState.staged) { submit(d) } else { interruptStatus.insert(.dmaError) }
      }
    case .completionHead:
      completionRing.head = Int(value & 0xFFFF)
      // A slot came free: a descriptor waiting for one starts now, as the RTL engine takes it.
      startQueuedCopies(at: clock)
    case .id, .capability, .pageCount, .mapEntry, .ringSizes, .faultAddressLow, .faultAddressHigh, .faultInfo,
         .hotStatus, .mapExtent, .hotTail, .hotEntryLow, .hotEntryHigh, .dmaHead, .dmaTail, .completionTail, .completionEntry:
      return
    }
  }
}
