import HDL

/// The receive path of an endpoint shell after its receive buffer: TLPs pass from `in` to `out`
/// only whole and well framed, so nothing behind the shell acts on part of a TLP.
///
/// Each TLP is held (store-and-forward, `depth` beats of storage) until its last beat is in:
/// - a TLP the link partner ended with the nullify marker (a later beat with `end` and strobe 0,
///   see `TLPStream`) is discarded silently: a nullified TLP never existed, it is neither
///   answered nor an error (PCIe Base Specification 6.3, §3.6.2.1: the receiver discards it);
/// - a TLP whose beats do not carry the payload its Length announces (§2.2.2, Malformed TLP:
///   the rules of `PayloadFraming`: each beat strobes min(remaining, lanes) lanes from lane 0,
///   `end` on the last one), one that a new `start` cuts short, beats with no `start` before
///   them, and a TLP longer than `depth` beats (it could never be held whole) are discarded
///   and pulse `malformed_event` once; the rest of such a TLP is consumed up to its `end` or
///   the next `start`.
///
/// A TLP's last beat may lack `end` only when the nullify marker follows it; any other beat
/// there is malformed. A TLP leaves at least one cycle after its last beat arrived.
func wholeTLPBuffer(dataWidth: Int, depth: Int) -> Module {
  Module("whole_tlp_buffer", parameters: ["dw": dataWidth, "depth": depth]) { m in
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let slots = 1 << bitsToIndex(max(depth, 2))  // a power of two: pointers wrap by themselves
    let addressBits = bitsToIndex(slots)
    let input = m.port("in", TLPStream(dataWidth: width).flipped)
    let output = m.port("out", TLPStream(dataWidth: width))
    let lanes = input.lanes
    let fields = TLPHeaderFields(input.header)

    // Pointers one bit wider than the address: `written` − `read` is the beats held.
    let written = m.register("written", width: addressBits + 1)      // after the last beat stored
    let committed = m.register("committed", width: addressBits + 1)  // after the last whole TLP
    let read = m.register("read", width: addressBits + 1)
    let open = m.register("open")          // a TLP's beats are being stored, its end not yet in
    let dropping = m.register("dropping")  // the rest of a malformed TLP is being consumed
    let remaining = m.register("remaining", width: 11)  // payload DWs the open TLP still announces

    // The framing of the beat on `in`, as `PayloadFraming` checks it.
    let before = m.wire("dws_before", width: 11)
    before <== mux(input.start, mux(fields.hasData, fields.length, Signal.zero(width: 11)), remaining)
    let lastBeat = m.wire("last_beat")
    lastBeat <== before <= lanes
    let strobe = m.wire("expected_strobe", width: lanes)
    strobe <== priority((0..<lanes).map { (before == $0, Signal.constant((1 << $0) - 1, width: lanes)) }, otherwise: .ones(width: lanes))
    let fits = input.strobe == strobe && !(input.end && !lastBeat)
    let tooLong = EgressRoom.beats(fields, lanes: lanes) > slots

    let continues = m.wire("continues")  // a later beat of the open TLP
    continues <== open && !input.start
    let marker = m.wire("marker")
    marker <== continues && input.end && input.strobe == 0
    // A later beat after the whole payload (`before` 0) may only be the marker.
    let broken = m.wire("broken")
    broken <== mux(input.start, !fits || tooLong, mux(continues, !marker && (before == 0 || !fits), !dropping))
    let cutShort = m.wire("cut_short")  // a start while a TLP is open: that one lacks its end
    cutShort <== input.start && open
    let stores = m.wire("stores")
    stores <== !broken && (input.start || (continues && !marker))
    let base = m.wire("base", width: addressBits + 1)  // where the beat goes
    base <== mux(cutShort, committed, written)
    let room = base - read != slots

    input.ready <== !stores || room
    let beats = m.memory("beats", depth: slots, width: TLPStream.headerWidth + width + lanes + 2)
    let takes = m.wire("takes")
    takes <== input.fires
    when(takes) {
      open <== stores && !input.end
      dropping <== mux(input.start || !dropping, broken && !input.end, !input.end)
      when(cutShort || (continues && (marker || broken))) { written <== committed }
      when(stores) {
        beats[base[0..<addressBits]] <== concat(input.end, input.start, input.strobe, input.data, input.header)
        written <== base + 1
        remaining <== mux(lastBeat, Signal.zero(width: 11), before - lanes)
        when(input.end) { committed <== base + 1 }
      }
    }
    m.output("malformed_event") <== takes && (broken || cutShort)

    let head = beats[read[0..<addressBits]]
    output.valid <== read != committed
    output.header <== head[0..<TLPStream.headerWidth]
    output.data <== head[TLPStream.headerWidth..<(TLPStream.headerWidth + width)]
    output.strobe <== head[(TLPStream.headerWidth + width)..<(TLPStream.headerWidth + width + lanes)]
    output.start <== head[TLPStream.headerWidth + width + lanes]
    output.end <== head[TLPStream.headerWidth + width + lanes + 1]
    when(output.fires) { read <== read + 1 }
  }
}

/// The beats a `wholeTLPBuffer` needs behind a receive buffer that advertises `dataCredits`
/// data credits: the longest TLP those credits admit (16 bytes a credit).
func wholeTLPBufferDepth(dataWidth: Int, dataCredits: Int) -> Int {
  let lanes = max(dataWidth / 32, 1)
  return max((4 * dataCredits + lanes - 1) / lanes, 2)
}
