import TierModel

/// The memory-tier controller's registers, at the offsets `TierRegister` gives (the
/// transaction-level model answers the same layout; a test holds the two equal).
///
/// Hardware hooks: read-only values the controller supplies each cycle are `.input`; settings
/// are RW `.output`; INTERRUPT_STATUS flags are raised by `_set` pulses; DMA_SUBMIT.PUSH and
/// HOT_CONTROL.RESET are requests (W1S) that hardware acknowledges with `_clear`; MAP_WRITE
/// tells hardware with `_written` that an entry is to be stored; MAP_CONTROL.CLEAR is set at
/// reset and acknowledged by the clear engine when the map is all invalid.
public func tierControllerRegisters(shape: TierShape, baseAddress: UInt64 = 0x2000_0000) throws -> RegisterMap {
  var problems: [String] = []
  func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>, _ why: String) {
    if !range.contains(value) { problems.append("\(name) \(value) is outside \(range.lowerBound)...\(range.upperBound) (\(why))") }
  }
  check("pageShift", shape.pageShift, 12...31, "pages are 4 KiB or more; CAPABILITY.PAGE_SHIFT is 5 bits")
  check("pageCount", shape.pageCount, 1...(1 << 24), "page-map entries have 24-bit frames and MAP_INDEX.PAGE is 24 bits")
  check("counterWidth", shape.counterWidth, 1...31, "CAPABILITY.COUNTER_WIDTH is 5 bits")
  check("maxInFlight", shape.maxInFlight, 1...15, "CAPABILITY.DMA_IN_FLIGHT is 4 bits")
  check("hotListSize", shape.hotListSize, 2...0xFFFF, "RING_SIZES.HOT_LIST is 16 bits")
  check("descriptorRingSize", shape.descriptorRingSize, 2...0xFF, "RING_SIZES.DESCRIPTORS is 8 bits")
  check("completionRingSize", shape.completionRingSize, 2...0xFF, "RING_SIZES.COMPLETIONS is 8 bits")
  if !problems.isEmpty { throw RegisterMapError(map: "tier_control", problems: problems) }

  func at(_ r: TierRegister) -> UInt64 { r.rawValue }
  func frameFields(_ what: String) -> [Field] {
    [Field("FRAME", bits: 0...23, access: .readWrite, description: "\(what) frame within its tier.", hardware: [.output]),
     Field("TIER", bits: 24...25, access: .readWrite, description: "\(what) tier.", hardware: [.output], values: tierValues)]
  }
  let interrupts = tierInterrupts
  return try RegisterMap(
    name: "tier_control", baseAddress: baseAddress,
    description: "Memory-tier controller: page map, page faults, hotness unit (after the CXL 3.2 CHMU) and DMA rings.",
    registers: [
      Register("ID", offset: at(.id), description: "Identifies the block and its layout.", fields: [
        Field("MINOR", bits: 0...7, access: .readOnly, reset: UInt32(TierRegister.version.minor), description: "Raised for added registers or fields."),
        Field("MAJOR", bits: 8...15, access: .readOnly, reset: UInt32(TierRegister.version.major), description: "Raised for incompatible changes."),
        Field("MAGIC", bits: 16...31, access: .readOnly, reset: TierRegister.magic, description: "0x5452 (\"TR\"): a Strata tier controller answers here."),
      ]),
      Register("CAPABILITY", offset: at(.capability), description: "What this controller was built with.", fields: [
        Field("PAGE_SHIFT", bits: 0...4, access: .readOnly, reset: UInt32(shape.pageShift), description: "log2 of the page size in bytes."),
        Field("COUNTER_WIDTH", bits: 8...12, access: .readOnly, reset: UInt32(shape.counterWidth), description: "Bits of the count in a hot-list entry; the unit index is above them."),
        Field("DMA_IN_FLIGHT", bits: 16...19, access: .readOnly, reset: UInt32(shape.maxInFlight), description: "Descriptors the DMA engine copies at once."),
      ]),
      Register("PAGE_COUNT", offset: at(.pageCount), description: "Size of the unified address space.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, reset: UInt32(shape.pageCount), description: "Pages in the unified address space."),
      ]),
      Register("RING_SIZES", offset: at(.ringSizes), description: "Slots of each ring; a ring of N slots holds N - 1 entries.", fields: [
        Field("HOT_LIST", bits: 0...15, access: .readOnly, reset: UInt32(shape.hotListSize), description: "Slots of the hot list."),
        Field("DESCRIPTORS", bits: 16...23, access: .readOnly, reset: UInt32(shape.descriptorRingSize), description: "Slots of the descriptor ring."),
        Field("COMPLETIONS", bits: 24...31, access: .readOnly, reset: UInt32(shape.completionRingSize), description: "Slots of the completion ring."),
      ]),
      Register("INTERRUPT_STATUS", offset: at(.interruptStatus), description: "Pending interrupt causes; write 1 to a bit to acknowledge it.",
               fields: interrupts.enumerated().map { i, cause in
                 Field(cause.name, bit: i, access: .writeOneToClear, description: "Set when \(cause.meaning).", hardware: [.set, .output])
               }),
      Register("INTERRUPT_ENABLE", offset: at(.interruptEnable), description: "Which causes raise the interrupt line.",
               fields: interrupts.enumerated().map { i, cause in
                 Field(cause.name, bit: i, access: .readWrite, description: "Interrupt when \(cause.meaning).", hardware: [.output])
               }),
      Register("FAULT_ADDRESS_LOW", offset: at(.faultAddressLow), description: "The first unacknowledged page fault's address.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Byte address in the unified space, bits 31:0.", hardware: [.input]),
      ]),
      Register("FAULT_ADDRESS_HIGH", offset: at(.faultAddressHigh), description: "The page fault's address, high word.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Byte address in the unified space, bits 63:32.", hardware: [.input]),
      ]),
      Register("FAULT_INFO", offset: at(.faultInfo), description: "About the recorded page fault.", fields: [
        Field("WRITE", bit: 0, access: .readOnly, description: "The faulting access was a write.", hardware: [.input]),
        Field("MORE", bit: 1, access: .readOnly, description: "More faults happened before PAGE_FAULT was acknowledged; their addresses are lost.", hardware: [.input]),
      ]),
      Register("MAP_INDEX", offset: at(.mapIndex), description: "The page MAP_ENTRY shows and MAP_WRITE stores.", fields: [
        Field("PAGE", bits: 0...23, access: .readWrite, description: "Page number in the unified space.", hardware: [.output]),
      ]),
      Register("MAP_ENTRY", offset: at(.mapEntry), description: "The page map's entry for page MAP_INDEX.", fields: [
        Field("FRAME", bits: 0...23, access: .readOnly, description: "Frame within the tier.", hardware: [.input]),
        Field("TIER", bits: 24...25, access: .readOnly, description: "The tier holding the page.", hardware: [.input], values: tierValues),
        Field("MIGRATING", bit: 30, access: .readOnly, description: "A DMA descriptor with REMAP is copying the page; writes to it wait.", hardware: [.input]),
        Field("VALID", bit: 31, access: .readOnly, description: "The page is mapped; an access to an invalid page is a page fault.", hardware: [.input]),
      ]),
      Register("MAP_WRITE", offset: at(.mapWrite),
               description: "Writing stores FRAME, TIER and VALID into page MAP_INDEX's entry (ignored while the page migrates).", fields: [
        Field("FRAME", bits: 0...23, access: .readWrite, description: "Frame within the tier.", hardware: [.output, .writePulse]),
        Field("TIER", bits: 24...25, access: .readWrite, description: "The tier to hold the page.", hardware: [.output, .writePulse], values: tierValues),
        Field("VALID", bit: 31, access: .readWrite, description: "Map the page (0 unmaps it).", hardware: [.output, .writePulse]),
      ]),
      Register("MAP_CONTROL", offset: at(.mapControl), description: "Clearing the page map.", fields: [
        Field("CLEAR", bit: 0, access: .writeOneToSet, reset: 1,
              description: "Write 1 to unmap every page (also done after reset); reads 1 until done, PAGE_COUNT cycles. Meanwhile requests wait and MAP_WRITE is refused.",
              hardware: [.output, .clear]),
        Field("WRITE_REFUSED", bit: 1, access: .writeOneToClear,
              description: "A MAP_WRITE came while CLEAR read 1 and was not stored; write 1 to acknowledge.", hardware: [.set]),
      ]),
      Register("MAP_EXTENT", offset: at(.mapExtent), description: "How far the map has been written since it was last cleared.", fields: [
        Field("PAGES", bits: 0...24, access: .readOnly,
              description: "One more than the highest page MAP_WRITE has made VALID since the last clear: every page at or above it is unmapped.",
              hardware: [.input]),
      ]),
      Register("HOT_CONTROL", offset: at(.hotControl), description: "Hotness unit configuration (CXL CHMU configuration registers).", fields: [
        Field("ENABLE", bit: 0, access: .readWrite, description: "Count requests; turning it on starts an epoch.", hardware: [.output]),
        Field("RESET", bit: 1, access: .writeOneToSet, description: "Write 1 to clear the counters, the hot list and HOT_STATUS; reads 1 until done.", hardware: [.output, .clear]),
        Field("TRACK_READS", bit: 2, access: .readWrite, reset: 1, description: "Count reads.", hardware: [.output]),
        Field("TRACK_WRITES", bit: 3, access: .readWrite, reset: 1, description: "Count writes.", hardware: [.output]),
        Field("ALWAYS_ON", bit: 4, access: .readWrite, description: "Always-on mode: no epochs; a unit is listed when its count reaches HOT_THRESHOLD and its counter is freed (change modes with RESET).", hardware: [.output]),
        Field("UNIT_SHIFT", bits: 8...12, access: .readWrite, reset: 12, description: "log2 of the unit size in bytes (CHMU: at least 256 B).", hardware: [.output]),
        Field("DOWNSAMPLE_SHIFT", bits: 16...19, access: .readWrite, description: "Count one in 2^DOWNSAMPLE_SHIFT tracked requests.", hardware: [.output]),
      ]),
      Register("HOT_THRESHOLD", offset: at(.hotThreshold), description: "Hotness threshold.", fields: [
        Field("COUNT", bits: 0...31, access: .readWrite, reset: 1, description: "A unit with at least this many requests in an epoch is hot.", hardware: [.output]),
      ]),
      Register("HOT_EPOCH_CYCLES", offset: at(.hotEpochCycles), description: "Epoch length.", fields: [
        Field("CYCLES", bits: 0...31, access: .readWrite, reset: 10_000, description: "Clock cycles per epoch.", hardware: [.output]),
      ]),
      Register("HOT_FILL_THRESHOLD", offset: at(.hotFillThreshold), description: "Notification threshold of the hot list.", fields: [
        Field("ENTRIES", bits: 0...15, access: .readWrite, description: "Raise HOT_LEVEL when the hot list holds at least this many entries (0: never).", hardware: [.output]),
      ]),
      Register("HOT_STATUS", offset: at(.hotStatus), description: "Hotness unit status; cleared by HOT_CONTROL.RESET.", fields: [
        Field("ENABLED", bit: 0, access: .readOnly, description: "Counting.", hardware: [.input]),
        Field("OVERFLOW", bit: 1, access: .readOnly, description: "A hot unit was dropped on a full hot list.", hardware: [.input]),
        Field("FILL_LEVEL", bit: 2, access: .readOnly, description: "The hot list reached HOT_FILL_THRESHOLD.", hardware: [.input]),
        Field("COUNTERS_EXHAUSTED", bit: 3, access: .readOnly, description: "A unit found no free counter in an epoch and was not counted.", hardware: [.input]),
      ]),
      Register("HOT_HEAD", offset: at(.hotHead), description: "Software's position in the hot list.", fields: [
        Field("INDEX", bits: 0...15, access: .readWrite, description: "The next entry software reads; write past what was consumed.", hardware: [.output, .writePulse]),
      ]),
      Register("HOT_TAIL", offset: at(.hotTail), description: "Hardware's position in the hot list.", fields: [
        Field("INDEX", bits: 0...15, access: .readOnly, description: "Where the next hot unit goes; the list is empty when HEAD equals TAIL.", hardware: [.input]),
      ]),
      Register("HOT_ENTRY_LOW", offset: at(.hotEntryLow), description: "The hot-list entry at HOT_HEAD, bits 31:0 (0 when empty).", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Count in bits COUNTER_WIDTH-1:0, unit index above.", hardware: [.input]),
      ]),
      Register("HOT_ENTRY_HIGH", offset: at(.hotEntryHigh), description: "The hot-list entry at HOT_HEAD, bits 63:32.", fields: [
        Field("VALUE", bits: 0...31, access: .readOnly, description: "Upper bits of the unit index.", hardware: [.input]),
      ]),
      Register("DMA_SOURCE", offset: at(.dmaSource), description: "The staged descriptor's source.", fields: frameFields("Source")),
      Register("DMA_DESTINATION", offset: at(.dmaDestination), description: "The staged descriptor's destination.", fields: frameFields("Destination")),
      Register("DMA_LENGTH", offset: at(.dmaLength), description: "The staged descriptor's length.", fields: [
        Field("BYTES", bits: 0...31, access: .readWrite, description: "Bytes to copy: whole beats, at most a page; a whole page with REMAP.", hardware: [.output]),
      ]),
      Register("DMA_CONTROL", offset: at(.dmaControl), description: "The staged descriptor's page and flags.", fields: [
        Field("PAGE", bits: 0...23, access: .readWrite, description: "The unified page REMAP flips.", hardware: [.output]),
        Field("REMAP", bit: 24, access: .readWrite, description: "Remap on completion: PAGE's entry moves from source to destination when the copy succeeds.", hardware: [.output]),
        Field("INTERRUPT", bit: 25, access: .readWrite, description: "Raise DMA_DONE on success.", hardware: [.output]),
      ]),
      Register("DMA_SUBMIT", offset: at(.dmaSubmit), description: "Queues the staged descriptor.", fields: [
        Field("PUSH", bit: 0, access: .writeOneToSet, description: "Write 1 to push the staged descriptor (ignored when the ring is full); reads 1 until taken.", hardware: [.output, .clear]),
      ]),
      Register("DMA_HEAD", offset: at(.dmaHead), description: "The engine's position in the descriptor ring.", fields: [
        Field("INDEX", bits: 0...15, access: .readOnly, description: "Index of the next descriptor the engine takes, modulo 2^16.", hardware: [.input]),
      ]),
      Register("DMA_TAIL", offset: at(.dmaTail), description: "Descriptors submitted.", fields: [
        Field("INDEX", bits: 0...15, access: .readOnly, description: "Index the next submitted descriptor gets, modulo 2^16.", hardware: [.input]),
      ]),
      Register("COMPLETION_HEAD", offset: at(.completionHead), description: "Software's position in the completion ring.", fields: [
        Field("INDEX", bits: 0...15, access: .readWrite, description: "The next completion software reads.", hardware: [.output, .writePulse]),
      ]),
      Register("COMPLETION_TAIL", offset: at(.completionTail), description: "Hardware's position in the completion ring.", fields: [
        Field("INDEX", bits: 0...15, access: .readOnly, description: "Where the next completion goes.", hardware: [.input]),
      ]),
      Register("COMPLETION_ENTRY", offset: at(.completionEntry), description: "The completion at COMPLETION_HEAD.", fields: [
        Field("DESCRIPTOR", bits: 0...15, access: .readOnly, description: "Index of the completed descriptor, modulo 2^16.", hardware: [.input]),
        Field("STATUS", bits: 16...19, access: .readOnly, description: "How it ended.", hardware: [.input], values: [
          FieldValue("OK", 0, "Copied (and remapped)."),
          FieldValue("SOURCE_ERROR", 1, "The source failed; map and data as before."),
          FieldValue("DESTINATION_ERROR", 2, "The destination failed; map and source as before."),
          FieldValue("BAD_DESCRIPTOR", 3, "Refused: bad length or frame, or a REMAP whose page is not mapped at the source."),
        ]),
        Field("VALID", bit: 31, access: .readOnly, description: "An entry is there (0: the ring is empty).", hardware: [.input]),
      ]),
    ],
    parameters: [("pages", shape.pageCount)])
}

/// The controller's interrupt causes in bit order (INTERRUPT_STATUS, INTERRUPT_ENABLE).
public let tierInterrupts: [(name: String, meaning: String)] = [
  ("PAGE_FAULT", "an access found its page unmapped (FAULT_ADDRESS holds the address)"),
  ("DMA_DONE", "a descriptor with INTERRUPT completed without error"),
  ("DMA_ERROR", "a descriptor completed with an error or was refused"),
  ("HOT_LEVEL", "the hot list holds at least HOT_FILL_THRESHOLD entries"),
  ("HOT_OVERFLOW", "a hot unit was dropped because the hot list was full"),
]

private let tierValues = [
  FieldValue("DRAM", 0, "DRAM."), FieldValue("FLASH", 1, "NAND flash."), FieldValue("DISK", 2, "Rotating disk."),
]
