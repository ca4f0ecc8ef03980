import HDL

/// The crossbar between the ingress and egress stages of an N-port switch, with virtual output
/// queues: each ingress port `i` has one queue of `depth` beats per other port `e`, so a TLP
/// for a busy output waits in its own queue and never holds up TLPs from the same ingress that
/// are already queued for other outputs (no head-of-line blocking between outputs; a FIFO
/// input-queued crossbar saturates near 2 − √2 ≈ 59% under uniform traffic, Karol, Hluchyj and
/// Morgan 1987). Each output takes whole TLPs from its queues in turn (`tlpMerge`).
///
/// Ports: `in<i>` (consumer side) with `in<i>_egress` (one bit per port, as `switchIngress`'s
/// `fabric_egress`, held for the whole TLP; several bits for a broadcast message), and
/// `out<e>` (producer side). A beat is taken when every queue it goes to has room, so a
/// broadcast enters all its queues together. Bit `i` of `in<i>_egress` is ignored: a switch
/// never sends a TLP back out of the port it came in on. A TLP with no egress bit is consumed.
///
/// A TLP for several outputs (a broadcast message) leaves a queue only once it is whole
/// there, so it must fit: at most `depth` beats. Unicast TLPs cut through.
///
/// Each queue is FIFO, so TLPs on one path (ingress to egress) leave in the order they came,
/// which satisfies every ordering rule of Table 2-42 for that path; the egress stage may still
/// let posted TLPs pass. Not yet: separate queues per flow-control class, so a full NP queue
/// never holds posted TLPs of the same path back.
public func tlpCrossbar(ports: Int, dataWidth: Int, depth: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("tlp_crossbar", parameters: ["ports": ports, "dw": dataWidth, "depth": depth]) { m in
    m.require(ports >= 3, "tlpCrossbar: \(ports) ports; a crossbar needs at least 3 (two ports need only a queue each way)",
              file: file, line: line)
    m.require([64, 128, 256].contains(dataWidth), "tlpCrossbar: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    m.require((2...4096).contains(depth), "tlpCrossbar: depth \(depth) is outside 2...4096 beats per queue", file: file, line: line)
    let n = max(ports, 3)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let lanes = width / 32
    let header = TLPStream.headerWidth
    // A beat in a queue: the stream's members and whether its TLP goes to several outputs.
    let beatWidth = header + width + lanes + 3

    let inputs = (0..<n).map { m.port("in\($0)", TLPStream(dataWidth: width).flipped) }
    let egress = (0..<n).map { m.input("in\($0)_egress", width: n) }
    // queues[i][e]: TLPs from ingress i waiting for output e (nil on the diagonal).
    let queues: [[Instance?]] = (0..<n).map { i in
      (0..<n).map { e in i == e ? nil : m.instance(fifo(depth: depth, width: beatWidth), name: "queue_\(i)_to_\(e)") }
    }
    for i in 0..<n {
      let input = inputs[i]
      let wanted = (0..<n).filter { $0 != i }
      // Room in every queue the beat goes to.
      let others = egress[i] & Signal.constant((1 << n) - 1 - (1 << i), width: n)
      let multicast = m.wire("in\(i)_multicast")
      multicast <== (others & (others - 1)) != 0
      let room = m.wire("in\(i)_room")
      room <== wanted.map { e in !egress[i][e] || queues[i][e]!["enq_ready"] }.reduce(Signal.high) { $0 && $1 }
      input.ready <== room
      for e in wanted {
        queues[i][e]!["enq_valid"] <== input.valid && egress[i][e] && room
        queues[i][e]!["enq_data"] <== concat(multicast, input.end, input.start, input.strobe, input.data, input.header)
      }
      let ignored = m.wire("unused_in\(i)_own_port")
      ignored <== egress[i][i]
    }
    for e in 0..<n {
      let sources = (0..<n).filter { $0 != e }
      let merge = m.instance(tlpMerge(inputs: sources.count, dataWidth: width), name: "merge\(e)")
      for (k, i) in sources.enumerated() {
        let queue = queues[i][e]!
        let word = queue["deq_data"]
        let feed = merge.interface("in\(k)", as: TLPStream.self)
        // A TLP for several outputs goes only once it is whole in the queue: cut through, it
        // could hold one output's merge while its ingress waits for room at another output,
        // whose merge waits for another such TLP — a cycle of waits.
        let whole = m.register("queue_\(i)_to_\(e)_whole_tlps", width: bitsToHold(depth))
        let entering = queues[i][e]!["enq_valid"] && queues[i][e]!["enq_ready"] && inputs[i].end
        let leaving = queue["deq_valid"] && feed.ready && word[beatWidth - 2]
        whole <== whole + entering.zeroExtended(to: whole.width) - leaving.zeroExtended(to: whole.width)
        feed.valid <== queue["deq_valid"] && (!word[beatWidth - 1] || whole != 0)
        feed.header <== word[0..<header]
        feed.data <== word[header..<(header + width)]
        feed.strobe <== word[(header + width)..<(header + width + lanes)]
        feed.start <== word[beatWidth - 3]
        feed.end <== word[beatWidth - 2]
        queue["deq_ready"] <== feed.ready
      }
      connect(merge.interface("out", as: TLPStream.self), to: m.port("out\(e)", TLPStream(dataWidth: width)))
    }
  }
}
