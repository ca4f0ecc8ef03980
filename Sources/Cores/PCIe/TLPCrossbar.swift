import HDL

/// The crossbar between the ingress and egress stages of an N-port switch, with virtual output
/// queues: each ingress port `i` has its own queues per other port `e` (one per flow-control
/// class, below), so a TLP for a busy output waits there and never holds up TLPs from the same
/// ingress that are already queued for other outputs (no head-of-line blocking between outputs; a FIFO
/// input-queued crossbar saturates near 2 − √2 ≈ 59% under uniform traffic, Karol, Hluchyj and
/// Morgan 1987). Each output takes whole TLPs from its queues in turn (`tlpMerge`).
///
/// Ports: `in<i>` (consumer side) with `in<i>_egress` (one bit per port, as `switchIngress`'s
/// `fabric_egress`, held for the whole TLP; several bits for a broadcast message), and
/// `out<e>` (producer side) with `out<e>_room_*` (below). A beat is taken when every queue of
/// its class it goes to has room, so a broadcast enters all its queues together. Bit `i` of
/// `in<i>_egress` is ignored: a switch never sends a TLP back out of the port it came in on. A
/// TLP with no egress bit is consumed.
///
/// A TLP for several outputs (a broadcast message) leaves a queue only once it is whole
/// there, so it must fit: at most `depth` beats. Unicast TLPs cut through.
///
/// Per path (ingress to egress) there are three queues, one per flow-control class — posted
/// and completions `depth` beats, non-posted `min(depth, 16)` (non-posted TLPs carry at most
/// one DW) — so a non-posted TLP that waits (its egress NP queue full because the link partner
/// returns no NP credits) never holds the posted TLPs of its path behind it (PCIe 6.3 §2.4.1,
/// Table 2-42 A3/A5: posted requests must be able to pass non-posted requests; A4 and D3 for
/// completions), which could deadlock a completer that drains posted writes before it returns
/// NP credits. Order within a path: each class is FIFO; an NP or Cpl TLP never passes a posted
/// TLP that entered before it (B2a, C2a, D2a) — each posted TLP carries the number of NP and of
/// Cpl TLPs of its path that entered before it, and the NP (Cpl) head may start only when the
/// oldest posted TLP still queued entered after it, as inside `switchEgress`.
///
/// Each output's merge starts a TLP only when it fits its class queue at the egress stage
/// (`out<e>_room_posted`, `_non_posted`, `_completion`, from `switchEgress`'s `room_*`; see
/// `EgressRoom`), so a TLP never waits half-way in the merge for room in its class.
public func tlpCrossbar(ports: Int, dataWidth: Int, depth: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("tlp_crossbar", parameters: ["ports": ports, "dw": dataWidth, "depth": depth]) { m in
    m.require(ports >= 3, "tlpCrossbar: \(ports) ports; a crossbar needs at least 3 (two ports need only a queue each way)",
              file: file, line: line)
    m.require([64, 128, 256].contains(dataWidth), "tlpCrossbar: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    m.require((2...4096).contains(depth), "tlpCrossbar: depth \(depth) is outside 2...4096 beats per queue", file: file, line: line)
    let n = max(ports, 3)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let depthUsed = min(max(depth, 2), 4096)
    let lanes = width / 32
    let header = TLPStream.headerWidth
    // A beat in a queue: the stream's members and whether its TLP goes to several outputs.
    let beatWidth = header + width + lanes + 3
    let classDepths = [depthUsed, min(depthUsed, 16), depthUsed]
    // NP and Cpl TLPs of a path counted modulo 2^stampBits: the values compared differ by at
    // most one queue's worth of TLPs, so 2^(stampBits - 1) > depth suffices.
    let stampBits = bitsToHold(depthUsed) + 1

    let inputs = (0..<n).map { m.port("in\($0)", TLPStream(dataWidth: width).flipped) }
    let egress = (0..<n).map { m.input("in\($0)_egress", width: n) }
    let rooms = (0..<n).map { e in EgressRoom.classNames.map { m.input("out\(e)_room_\($0)", width: EgressRoom.width) } }
    // queues[i][e][c]: TLPs of class c from ingress i waiting for output e (empty on the diagonal).
    let queues: [[[Instance]]] = (0..<n).map { i in
      (0..<n).map { e in
        i == e ? [] : EgressRoom.classNames.enumerated().map { c, name in
          m.instance(fifo(depth: classDepths[c], width: beatWidth + (c == 0 ? 2 * stampBits : 0)), name: "queue_\(i)_to_\(e)_\(name)")
        }
      }
    }
    // Per path: NP and Cpl TLPs that entered its queues, and that started to leave them.
    let entered = (0..<n).map { i in (0..<n).map { e in (i == e ? [] : [1, 2]).map { c in
      m.register("path_\(i)_to_\(e)_\(EgressRoom.classNames[c])_in", width: stampBits) } } }
    let started = (0..<n).map { i in (0..<n).map { e in (i == e ? [] : [1, 2]).map { c in
      m.register("path_\(i)_to_\(e)_\(EgressRoom.classNames[c])_out", width: stampBits) } } }
    for i in 0..<n {
      let input = inputs[i]
      let wanted = (0..<n).filter { $0 != i }
      // The class, read from the first beat and kept for the rest of the TLP.
      let heldClass = m.register("in\(i)_class", width: 2)
      let inClass = m.wire("in\(i)_class_now", width: 2)
      inClass <== mux(input.start, EgressRoom.trafficClass(TLPHeaderFields(input.header)), heldClass)
      when(input.fires && input.start) { heldClass <== inClass }
      // Room in every queue the beat goes to.
      let others = egress[i] & Signal.constant((1 << n) - 1 - (1 << i), width: n)
      let multicast = m.wire("in\(i)_multicast")
      multicast <== (others & (others - 1)) != 0
      let room = m.wire("in\(i)_room")
      room <== wanted.map { e in !egress[i][e] || select(inClass, queues[i][e].map { $0["enq_ready"] } + [Signal.low]) }
        .reduce(Signal.high) { $0 && $1 }
      input.ready <== room
      let beat = concat(multicast, input.end, input.start, input.strobe, input.data, input.header)
      for e in wanted {
        for (c, queue) in queues[i][e].enumerated() {
          queue["enq_valid"] <== input.valid && egress[i][e] && room && inClass == c
          queue["enq_data"] <== (c == 0 ? concat(entered[i][e][1], entered[i][e][0], beat) : beat)
        }
        for k in 0..<2 {
          when(input.fires && input.start && egress[i][e] && inClass == k + 1) { entered[i][e][k] <== entered[i][e][k] + 1 }
        }
      }
      let ignored = m.wire("unused_in\(i)_own_port")
      ignored <== egress[i][i]
    }
    for e in 0..<n {
      let sources = (0..<n).filter { $0 != e }
      let merge = m.instance(tlpMerge(inputs: 3 * sources.count, dataWidth: width), name: "merge\(e)")
      for (k, i) in sources.enumerated() {
        let posted = queues[i][e][0]
        for (c, queue) in queues[i][e].enumerated() {
          let word = queue["deq_data"]
          let feed = merge.interface("in\(3 * k + c)", as: TLPStream.self)
          let name = "queue_\(i)_to_\(e)_\(EgressRoom.classNames[c])"
          // A TLP for several outputs goes only once it is whole in the queue: cut through, it
          // could hold one output's merge while its ingress waits for room at another output,
          // whose merge waits for another such TLP — a cycle of waits.
          let whole = m.register("\(name)_whole_tlps", width: bitsToHold(classDepths[c]))
          let entering = queue["enq_valid"] && queue["enq_ready"] && inputs[i].end
          let leaving = queue["deq_valid"] && feed.ready && word[beatWidth - 2]
          whole <== whole + entering.zeroExtended(to: whole.width) - leaving.zeroExtended(to: whole.width)
          let fields = TLPHeaderFields(word[0..<header])
          // An NP (Cpl) head is the started-th of its class on this path; it may start when
          // the oldest posted TLP still queued counted at least one more before it.
          let ordered: Signal
          if c == 0 {
            ordered = .high
          } else {
            let before = posted["deq_data"][(beatWidth + (c - 1) * stampBits)..<(beatWidth + c * stampBits)]
            let distance = before - started[i][e][c - 1]
            ordered = !posted["deq_valid"] || distance != 0 && distance.msb == 0
          }
          let mayStart = m.wire("\(name)_may_start")
          mayStart <== ordered && EgressRoom.admits(fields, trafficClass: c, lanes: lanes, rooms: rooms[e])
          feed.valid <== queue["deq_valid"] && (!word[beatWidth - 1] || whole != 0) && (!word[beatWidth - 3] || mayStart)
          feed.header <== word[0..<header]
          feed.data <== word[header..<(header + width)]
          feed.strobe <== word[(header + width)..<(header + width + lanes)]
          feed.start <== word[beatWidth - 3]
          feed.end <== word[beatWidth - 2]
          queue["deq_ready"] <== feed.ready && feed.valid
          if c > 0 {
            when(feed.fires && feed.start) { started[i][e][c - 1] <== started[i][e][c - 1] + 1 }
          }
        }
      }
      connect(merge.interface("out", as: TLPStream.self), to: m.port("out\(e)", TLPStream(dataWidth: width)))
    }
  }
}
