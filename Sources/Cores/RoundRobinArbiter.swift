import HDL

/// Round-robin packet arbiter: merges `requesters` packet streams into one, a whole packet at
/// a time, taking turns fairly.
///
/// Ports (besides the implicit `clk` and synchronous, active-high `rst`):
///
/// | port | dir | meaning |
/// | --- | --- | --- |
/// | `in<i>_valid`, `in<i>_data`, `in<i>_last` | in | requester *i*'s beat (`i` in `0..<requesters`) |
/// | `in<i>_ready` | out | `out_ready` while requester *i* holds the grant, else 0 |
/// | `out_valid`, `out_data`, `out_last` | out | the granted requester's beat |
/// | `out_ready` | in | the reader takes the beat |
/// | `grant` | out | one-hot, `requesters` bits: bit *i* is 1 while requester *i* holds the grant |
/// | `grant_index` | out | the index of the bit set in `grant` (meaningful while `grant != 0`) |
///
/// Protocol:
/// - With no grant held, the grant goes in the same cycle to the first requester with
///   `valid` set, searching in order from the one after the last granted requester
///   (requester 0 has the first turn after reset). Its first beat can move in that cycle.
/// - The grant is held from then until the beat with `last` set is accepted, however many
///   beats and idle cycles the packet takes; the next packet can start in the following cycle,
///   so back-to-back packets move with no idle cycle.
/// - Fairness: a requester that keeps `valid` set is granted after at most `requesters - 1`
///   grants to others.
/// - The beat path is combinational (input `valid`/`data`/`last` to `out`, `out_ready` to the
///   granted `ready`); put a `skidBuffer` or `fifo` after the arbiter to register it.
///
/// Comparable to verilog-axis `axis_arb_mux` (round robin, grant blocked until `tlast`), whose
/// grant comes one cycle after the request; here it comes in the same cycle.
///
/// With `withdrawable`, the grant is held only from the first beat taken: before that it is
/// recomputed every cycle, so a requester whose first beat is not taken may drop `valid` and
/// the turn goes to the next requester with `valid` (the turn order moves on only when a packet
/// starts). `tlpMerge(withdrawable:)` uses it where a TLP offered but refused must not hold the
/// merge.
///
/// - Parameters:
///   - requesters: the number of input streams, at least 2.
///   - width: bits per beat, at least 1.
///   - withdrawable: hold the grant from the first beat taken rather than from the grant.
///
/// ```swift
/// let top = Module("dma_merge") { m in
///   let merge = m.instance(roundRobinArbiter(requesters: 3, width: 64), name: "merge")
///   for i in 0..<3 {
///     connect(m.port("engine\(i)", PacketStream(width: 64).flipped), to: merge.interface("in\(i)", as: PacketStream.self))
///   }
///   connect(merge.interface("out", as: PacketStream.self), to: m.port("link", PacketStream(width: 64)))
/// }
/// ```
public func roundRobinArbiter(requesters: Int, width: Int, withdrawable: Bool = false,
                              file: StaticString = #fileID, line: UInt = #line) -> Module {
  let n = max(requesters, 2), widthUsed = max(width, 1)
  let indexWidth = bitsToIndex(n)
  let parameters: KeyValuePairs<String, any CustomStringConvertible> = withdrawable
    ? ["requesters": requesters, "width": width, "withdrawable": 1] : ["requesters": requesters, "width": width]
  return Module("round_robin_arbiter", parameters: parameters) { m in
    m.require(requesters >= 2, "roundRobinArbiter: \(requesters) requesters is too few; an arbiter takes at least 2 "
              + "(connect a single stream directly)", file: file, line: line)
    m.require(width >= 1, "roundRobinArbiter: width \(width) is invalid; beats need at least 1 bit", file: file, line: line)

    let inputs = (0..<n).map { m.port("in\($0)", PacketStream(width: widthUsed).flipped) }
    let out = m.port("out", PacketStream(width: widthUsed))
    let grant = m.output("grant", width: n)
    let grantIndex = m.output("grant_index", width: indexWidth)

    let holding = m.register("holding")
    let owner = m.register("owner", width: indexWidth)
    let lastGranted = m.register("last_granted", width: indexWidth, reset: n - 1)
    let requests = m.wire("requests", width: n)
    // The requests rotated so that the requester after the last granted one is bit 0: their
    // lowest set bit is the next owner's distance from it (one priority encoder, no mask).
    let start = m.wire("start", width: indexWidth)
    let rotated = m.wire("rotated", width: n)
    let offset = m.wire("offset", width: indexWidth)
    let nextOwner = m.wire("next_owner", width: indexWidth)
    let granted = m.wire("granted")
    let current = m.wire("current", width: indexWidth)

    requests <== concat(inputs.reversed().map(\.valid))
    start <== lastGranted.next(modulo: n)
    rotated <== (concat(requests, requests) >> start).truncated(to: n)
    offset <== lowestSetBit(rotated, indexWidth: indexWidth)
    nextOwner <== sum(start, offset, modulo: n)
    granted <== holding || requests != 0
    current <== mux(holding, owner, nextOwner)

    grant <== concat((0..<n).reversed().map { granted && current == $0 })
    grantIndex <== current
    out.valid <== select(current, inputs.map(\.valid))
    out.data <== select(current, inputs.map(\.data))
    out.last <== select(current, inputs.map(\.last))
    for (i, input) in inputs.enumerated() {
      input.ready <== out.ready && grant[i]
    }

    if withdrawable {
      when(!holding && out.fires) {
        owner <== nextOwner
        lastGranted <== nextOwner
        holding <== !out.last
      }.elseWhen(out.ends) {
        holding <== false
      }
    } else {
      when(!holding && requests != 0) {
        owner <== nextOwner
        lastGranted <== nextOwner
        holding <== !out.ends
      }.elseWhen(out.ends) {
        holding <== false
      }
    }
  }
}

/// The index of the lowest set bit of `bits` (0 when none is set).
private func lowestSetBit(_ bits: Signal, indexWidth: Int) -> Signal {
  priority((0..<bits.width).map { (bits[$0], Signal.constant($0, width: indexWidth)) }, otherwise: .zero(width: indexWidth))
}

/// `a + b` modulo `n`, for `a` and `b` below `n`.
private func sum(_ a: Signal, _ b: Signal, modulo n: Int) -> Signal {
  if n == 1 << a.width { return a + b }
  let full = a.addingWithCarry(b)
  return mux(full >= n, full - n, full).truncated(to: a.width)
}
