import HDL

/// The hotness unit in epoch or always-on mode, after the CXL r3.2 Hotness Monitoring Unit; the RTL of
/// `TierModel.HotnessUnit`, with the same hot lists.
///
/// Each cycle the request path may report one request (`observe_*`). A tracked one (ENABLE, and
/// TRACK_READS or TRACK_WRITES as it is a read or a write) whose running sequence number is a
/// multiple of 2^`downsample_shift` counts toward its unit, `observe_address >> unit_shift`, in a
/// table of `counters` entries allocated in first-touch order (a unit finding the table full is
/// not counted and sets `counters_exhausted`). Counters are 32 bits, saturating.
///
/// Epochs: the first cycle with `enable` high starts one; an epoch of `epoch_cycles` cycles
/// (0: epochs never end) ends at the clock edge closing its last cycle, and the next begins at
/// once. At the end the table moves to a second bank and clears; the second bank is then
/// drained one counter a cycle: each count at or above `threshold` becomes a 64-bit entry (count
/// saturated to `counterWidth` bits, the unit above) at the hot list's tail, or is dropped when
/// the list is full. When the drain is done (the counters allocated plus one cycle), `overflow_set`
/// pulses if something was dropped and `level_set` if the list holds at least `fill_threshold`
/// entries (0: never), and the sticky `overflow`/`fill_level` rise. So `epoch_cycles` must exceed
/// `counters + 1`.
///
/// Always-on mode (`always_on`, the CHMU's other reporting mode): no epochs. When a counted
/// request brings its unit's count to `threshold`, the entry (that count, saturated) goes to the
/// list in the same clock edge and the counter is freed, the table's last counter moving into
/// its slot; `overflow_set` or `level_set` pulse at once when the push is dropped or the list
/// reaches `fill_threshold`. Change modes with RESET (a drain in progress is not interrupted).
///
/// `reset_request` (HOT_CONTROL.RESET) clears the table, the drain and the sticky flags, empties
/// the list (the tail moves to `hot_head`, which software owns), drops that cycle's request, and
/// starts an epoch in the next cycle; `reset_done` acknowledges it in the same cycle.
/// `hot_entry` is the entry at `hot_head` (0 when the list is empty). The list has
/// `hotListSize` slots, a power of two; `hot_head` is taken modulo that.
public func tierHotnessUnit(counters: Int = 16, counterWidth: Int = 16, hotListSize: Int = 64,
                            file: StaticString = #fileID, line: UInt = #line) -> Module {
  let n = min(max(counters, 1), 256)
  let width = min(max(counterWidth, 1), 31)
  let slots = max(hotListSize, 2)
  return Module("tier_hotness", parameters: ["counters": counters, "cw": counterWidth, "list": hotListSize]) { m in
    m.require((1...256).contains(counters), "tierHotnessUnit: counters \(counters) is outside 1...256 (a table compared in parallel)",
              file: file, line: line)
    m.require((1...31).contains(counterWidth), "tierHotnessUnit: counterWidth \(counterWidth) is outside 1...31 (CAPABILITY.COUNTER_WIDTH)",
              file: file, line: line)
    m.require(hotListSize >= 2 && hotListSize <= 32_768 && hotListSize & (hotListSize - 1) == 0,
              "tierHotnessUnit: hotListSize \(hotListSize) must be a power of two in 2...32768 (HOT_HEAD wraps at the size)",
              file: file, line: line)
    let ringBits = bitsToIndex(slots)
    let slotBits = bitsToHold(n)

    let observeValid = m.input("observe_valid")
    let observeAddress = m.input("observe_address", width: 64)
    let observeWrite = m.input("observe_write")
    let enable = m.input("enable")
    let trackReads = m.input("track_reads")
    let trackWrites = m.input("track_writes")
    let alwaysOn = m.input("always_on")
    let unitShift = m.input("unit_shift", width: 5)
    let downsampleShift = m.input("downsample_shift", width: 4)
    let threshold = m.input("threshold", width: 32)
    let epochCycles = m.input("epoch_cycles", width: 32)
    let fillThreshold = m.input("fill_threshold", width: 16)
    let resetRequest = m.input("reset_request")
    let hotHead = m.input("hot_head", width: 16)
    let resetDone = m.output("reset_done")
    let hotTail = m.output("hot_tail", width: 16)
    let hotEntry = m.output("hot_entry", width: 64)
    let enabled = m.output("enabled")
    let overflow = m.output("overflow")
    let fillLevel = m.output("fill_level")
    let countersExhausted = m.output("counters_exhausted")
    let levelSet = m.output("level_set")
    let overflowSet = m.output("overflow_set")

    let units = (0..<n).map { m.register("unit_\($0)", width: 64) }
    let counts = (0..<n).map { m.register("count_\($0)", width: 32) }
    let allocated = m.register("allocated", width: slotBits)
    let bankUnits = (0..<n).map { m.register("bank_unit_\($0)", width: 64) }
    let bankCounts = (0..<n).map { m.register("bank_count_\($0)", width: 32) }
    let bankAllocated = m.register("bank_allocated", width: slotBits)
    let draining = m.register("draining")
    let drainIndex = m.register("drain_index", width: slotBits)
    let dropped = m.register("dropped")
    let list = m.memory("hot_list", depth: slots, width: 64)
    let tail = m.register("tail", width: ringBits)
    let epochCount = m.register("epoch_count", width: 32)
    let wasEnabled = m.register("was_enabled")
    let sequence = m.register("sample_sequence", width: 15)
    let overflowQ = m.register("overflow_q")
    let levelQ = m.register("level_q")
    let exhaustedQ = m.register("exhausted_q")

    let head = hotHead[0..<ringBits]
    let unusedHeadBits = m.wire("unused_head_bits", width: 16)
    unusedHeadBits <== hotHead
    let tracked = m.wire("tracked")
    let sampled = m.wire("sampled")
    let unit = m.wire("unit", width: 64)
    let anyHit = m.wire("any_hit")
    let allocate = m.wire("allocate")
    let starting = m.wire("starting")
    let elapsed = m.wire("elapsed", width: 32)
    let epochEnd = m.wire("epoch_end")
    let drainDone = m.wire("drain_done")
    let push = m.wire("push")
    let full = m.wire("full")
    let entryCount = m.wire("entry_count", width: ringBits)
    let nextUnits = (0..<n).map { m.wire("next_unit_\($0)", width: 64) }
    let nextCounts = (0..<n).map { m.wire("next_count_\($0)", width: 32) }
    let nextAllocated = m.wire("next_allocated", width: slotBits)

    tracked <== observeValid && enable && mux(observeWrite, trackWrites, trackReads)
    let sampleMask = ~(Signal.ones(width: 15) << downsampleShift)
    sampled <== tracked && (sequence & sampleMask) == 0
    unit <== observeAddress >> unitShift
    let hits = (0..<n).map { i in allocated > i && units[i] == unit }
    anyHit <== hits.dropFirst().reduce(hits[0]) { $0 || $1 }
    // Always-on: the count a request brings its unit to, and whether that lists the unit.
    let counted = (0..<n).map { i in mux(counts[i] != Signal.ones(width: 32), counts[i] + 1, counts[i]) }
    let reached = m.wire("reached_count", width: 32)
    reached <== mux(anyHit, (0..<n).reduce(Signal.zero(width: 32)) { mux(hits[$1], counted[$1], $0) }, Signal.constant(1, width: 32))
    let listNow = m.wire("list_now")  // an always-on push in this cycle
    listNow <== alwaysOn && !draining && sampled && (anyHit || allocated < n) && reached >= threshold
    allocate <== sampled && !anyHit && allocated < n && !listNow
    let last = m.wire("last_slot", width: slotBits)
    last <== allocated - 1
    let padded = { (values: [Signal]) in values + Array(repeating: values[0], count: (1 << slotBits) - n) }
    let lastUnit = select(last, padded(units)), lastCount = select(last, padded(counts))
    for i in 0..<n {
      let claims = allocate && allocated == i
      let freed = listNow && hits[i]  // the last counter moves into the freed slot
      nextUnits[i] <== priority([(claims, unit), (freed, lastUnit)], otherwise: units[i])
      nextCounts[i] <== priority([(claims, Signal.constant(1, width: 32)), (freed, lastCount),
                                  (sampled && hits[i] && counts[i] != Signal.ones(width: 32), counts[i] + 1)],
                                 otherwise: counts[i])
    }
    nextAllocated <== allocated + allocate.zeroExtended(to: slotBits) - (listNow && anyHit).zeroExtended(to: slotBits)

    starting <== enable && !wasEnabled
    elapsed <== mux(starting, Signal.zero(width: 32), epochCount)
    epochEnd <== enable && !alwaysOn && epochCycles != 0 && elapsed + 1 >= epochCycles

    // The drain: one counter of the bank a cycle, then the epoch's verdict.
    let maximum = Signal.constant((1 << width) - 1, width: 32)
    let drainCount = m.wire("drain_count", width: 32)
    let drainUnit = m.wire("drain_unit", width: 64)
    let saturated = m.wire("saturated_count", width: 32)
    drainCount <== select(drainIndex, padded(bankCounts))
    drainUnit <== select(drainIndex, padded(bankUnits))
    saturated <== mux(drainCount > maximum, maximum, drainCount)
    // The entry keeps the unit's low 64 - width bits (as the model's shift does) and a count
    // that fits in `width` bits after saturation.
    let reachedSaturated = mux(reached > maximum, maximum, reached)
    let unusedEntryBits = m.wire("unused_entry_bits", width: 64)
    unusedEntryBits <== concat(drainUnit[64 - width..<64], saturated[width..<32], unit[64 - width..<64], reachedSaturated[width..<32])
    drainDone <== draining && drainIndex == bankAllocated
    push <== draining && !drainDone && drainCount >= threshold
    full <== tail + 1 == head
    entryCount <== tail - head
    let reachedLevel = fillThreshold != 0 && entryCount.zeroExtended(to: 16) >= fillThreshold
    let levelAfterPush = fillThreshold != 0 && (entryCount.zeroExtended(to: 16) + (!full).zeroExtended(to: 16)) >= fillThreshold

    resetDone <== resetRequest
    hotTail <== tail.zeroExtended(to: 16)
    hotEntry <== mux(tail == head, Signal.zero(width: 64), list[head])
    enabled <== enable
    overflow <== overflowQ
    fillLevel <== levelQ
    countersExhausted <== exhaustedQ
    levelSet <== !resetRequest && (drainDone && reachedLevel || listNow && levelAfterPush)
    overflowSet <== !resetRequest && (drainDone && dropped || listNow && full)

    wasEnabled <== enable
    when(resetRequest) {
      allocated <== 0
      draining <== false
      dropped <== false
      tail <== head
      epochCount <== 0
      sequence <== 0
      overflowQ <== false
      levelQ <== false
      exhaustedQ <== false
    }.otherwise {
      when(tracked) { sequence <== sequence + 1 }
      when(sampled && !anyHit && allocated == n) { exhaustedQ <== true }
      for i in 0..<n {
        units[i] <== nextUnits[i]
        counts[i] <== nextCounts[i]
      }
      allocated <== nextAllocated
      when(enable) { epochCount <== mux(epochEnd, Signal.zero(width: 32), elapsed + 1) }
      when(push) {
        when(full) {
          dropped <== true
        }.otherwise {
          list[tail] <== concat(drainUnit[0..<64 - width], saturated[0..<width])
          tail <== tail + 1
        }
      }
      when(listNow) {
        when(full) {
          overflowQ <== true
        }.otherwise {
          list[tail] <== concat(unit[0..<64 - width], reachedSaturated[0..<width])
          tail <== tail + 1
        }
        when(levelAfterPush) { levelQ <== true }
      }
      when(draining) { drainIndex <== drainIndex + 1 }
      when(drainDone) {
        draining <== false
        when(dropped) { overflowQ <== true }
        when(reachedLevel) { levelQ <== true }
      }
      when(epochEnd) {
        for i in 0..<n {
          bankUnits[i] <== nextUnits[i]
          bankCounts[i] <== nextCounts[i]
        }
        bankAllocated <== nextAllocated
        allocated <== 0
        draining <== true
        drainIndex <== 0
        dropped <== false
      }
    }
  }
}
