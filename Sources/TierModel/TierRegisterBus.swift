/// What firmware needs of the controller: its registers. The transaction-level model is one
/// such bus; a register port on the RTL model is another, so a policy written against this
/// protocol makes the same decisions on both.
public protocol TierRegisterBus {
  mutating func read(_ register: TierRegister) -> UInt32
  mutating func write(_ register: TierRegister, _ value: UInt32)
}

extension TierController: TierRegisterBus {
  public mutating func read(_ register: TierRegister) -> UInt32 { readRegister(register) }
  public mutating func write(_ register: TierRegister, _ value: UInt32) { writeRegister(register, value) }
}

extension TierRegisterBus {
  public mutating func mapEntry(page: Int) -> PageEntry {
    write(.mapIndex, UInt32(page))
    return PageEntry(encoded: read(.mapEntry))
  }

  public mutating func setMapEntry(page: Int, _ entry: PageEntry) {
    write(.mapIndex, UInt32(page))
    write(.mapWrite, entry.encoded)
  }

  /// Stages and submits one descriptor; false when the ring was full (DMA_TAIL did not move).
  @discardableResult
  public mutating func submit(_ d: DMADescriptor) -> Bool {
    let tail = read(.dmaTail)
    for (register, word) in zip([TierRegister.dmaSource, .dmaDestination, .dmaLength, .dmaControl], d.words) {
      write(register, word)
    }
    write(.dmaSubmit, 1)
    return read(.dmaTail) != tail
  }

  /// Takes every hot-list entry (64 bits each) and moves HOT_HEAD past them.
  public mutating func drainHotList() -> [UInt64] {
    var out: [UInt64] = []
    let size = read(.ringSizes) & 0xFFFF
    var head = read(.hotHead)
    let tail = read(.hotTail)
    while head != tail {
      out.append(UInt64(read(.hotEntryHigh)) << 32 | UInt64(read(.hotEntryLow)))
      head = (head + 1) % size
      write(.hotHead, head)
    }
    return out
  }

  /// Takes every completion and moves COMPLETION_HEAD past them: (descriptor index, status).
  public mutating func drainCompletions() -> [(descriptor: Int, status: DMAStatus)] {
    var out: [(descriptor: Int, status: DMAStatus)] = []
    let size = read(.ringSizes) >> 24
    while true {
      let entry = read(.completionEntry)
      guard entry >> 31 == 1, let status = DMAStatus(rawValue: UInt8(entry >> 16 & 0xF)) else { break }
      out.append((Int(entry & 0xFFFF), status))
      write(.completionHead, (read(.completionHead) + 1) % size)
    }
    return out
  }
}
