import HDL

/// A TLP stream (`TLPStream`) from a wide data path to a narrow one: each `from`-bit beat leaves
/// as up to `from / to` beats of `to` bits, lowest lanes first, as many as hold payload (a beat
/// without payload, strobe 0, leaves as one). Payload stays DW-aligned from lane 0, as the stream
/// requires, because a beat's lanes are filled from lane 0 up. No register on the data: a part
/// leaves in the cycle it is offered; the wide beat is taken with its last part.
///
/// Ports: `in` (consumer, `from` bits), `out` (producer, `to` bits). The header and everything
/// that travels beside the start beat (such as an endpoint's `bar<i>_offset`) stay steady while
/// the parts leave, since the wide beat is still offered.
public func tlpWidthNarrower(from: Int, to: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let ratio = max(from / max(to, 32), 1)
  return Module("tlp_narrower", parameters: ["from": from, "to": to], file: file, line: line) { m in
    m.require(to >= 32 && to % 32 == 0 && from > to && from % to == 0,
              "tlpWidthNarrower: \(from) bits to \(to) bits: the narrow side must be whole DWs dividing the wide side", file: file, line: line)
    let wide = m.port("in", TLPStream(dataWidth: max(from, 64)).flipped)
    let narrow = m.port("out", TLPStream(dataWidth: max(to, 32)))
    let lanes = narrow.lanes
    let part = m.register("part", width: bitsToIndex(max(ratio, 2)))
    let more = m.wire("more")
    // Another part follows when the next part's first lane holds payload.
    let nextHolds = (1..<max(ratio, 2)).map { k in k < ratio ? wide.strobe[k * lanes] : Signal.low }
    more <== select(part, nextHolds + [Signal.low])
    narrow.valid <== wide.valid
    narrow.header <== wide.header
    narrow.data <== select(part, (0..<ratio).map { wide.data[$0 * narrow.data.width..<($0 + 1) * narrow.data.width] })
    narrow.strobe <== select(part, (0..<ratio).map { wide.strobe[$0 * lanes..<($0 + 1) * lanes] })
    narrow.start <== wide.start && part == 0
    narrow.end <== wide.end && !more
    wide.ready <== narrow.ready && !more
    when(narrow.fires) { part <== mux(more, part + 1, Signal.zero(width: part.width)) }
  }
}

/// A TLP stream from a narrow data path to a wide one: up to `to / from` narrow beats of one TLP
/// gather into one wide beat, which leaves with the narrow beat that fills it or ends the TLP
/// (unfilled lanes zero, strobe 0). The earlier parts wait in registers; the last passes through,
/// so a single-beat TLP leaves in the cycle it arrives.
///
/// Ports: `in` (consumer, `from` bits), `out` (producer, `to` bits).
public func tlpWidthWidener(from: Int, to: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let ratio = max(to / max(from, 32), 1)
  return Module("tlp_widener", parameters: ["from": from, "to": to], file: file, line: line) { m in
    m.require(from >= 32 && from % 32 == 0 && to > from && to % from == 0,
              "tlpWidthWidener: \(from) bits to \(to) bits: the narrow side must be whole DWs dividing the wide side", file: file, line: line)
    let narrow = m.port("in", TLPStream(dataWidth: max(from, 32)).flipped)
    let wide = m.port("out", TLPStream(dataWidth: max(to, 64)))
    let lanes = narrow.lanes, bits = narrow.data.width
    let part = m.register("part", width: bitsToIndex(max(ratio, 2)))
    let held = (0..<max(ratio - 1, 1)).map { m.register("held\($0)_data", width: bits) }
    let heldStrobe = (0..<max(ratio - 1, 1)).map { m.register("held\($0)_strobe", width: lanes) }
    let heldHeader = m.register("held_header", width: TLPStream.headerWidth)
    let heldStart = m.register("held_start")
    let final = m.wire("final_part")
    final <== part == ratio - 1 || narrow.end
    wide.valid <== narrow.valid && final
    narrow.ready <== !final || wide.ready
    // Slot k of the wide beat: an earlier part from its register, this part, or nothing yet.
    let slot = { (k: Int, heldValue: [Signal], current: Signal, width: Int) -> Signal in
      guard k < ratio - 1 else { return mux(part == k, current, Signal.zero(width: width)) }  // the last slot is never held
      return mux(part == k, current, mux(part > k, heldValue[k], Signal.zero(width: width)))
    }
    wide.data <== concat((0..<ratio).reversed().map { slot($0, held, narrow.data, bits) })
    wide.strobe <== concat((0..<ratio).reversed().map { slot($0, heldStrobe, narrow.strobe, lanes) })
    wide.header <== mux(part == 0, narrow.header, heldHeader)
    wide.start <== mux(part == 0, narrow.start, heldStart)
    wide.end <== narrow.end
    when(narrow.fires) {
      when(final) {
        part <== 0
      }.otherwise {
        part <== part + 1
        when(part == 0) {
          heldHeader <== narrow.header
          heldStart <== narrow.start
        }
        for k in 0..<ratio - 1 {
          when(part == k) {
            held[k] <== narrow.data
            heldStrobe[k] <== narrow.strobe
          }
        }
      }
    }
  }
}
