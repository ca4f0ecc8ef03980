import HDL
import PCIe

/// The egress stage of a switch port: TLPs for this port's link, queued by flow-control
/// class, sent when the link partner has credits, in an order the PCIe ordering rules allow
/// (PCIe Base Specification 6.3, §2.4.1 Table 2-42, §2.6.1):
///
/// - three queues, posted (P) and non-posted (NP) of `depth` beats, completions (Cpl) of
///   `completionDepth` beats (`depth` when not given); a TLP enters the queue of its class
///   (`fabric_ready` is that queue's room). A switch gives its Cpl queue room for a whole
///   maximum-size completion, so that one waiting for Cpl credits never holds the merge in
///   front (see `EgressRoom`);
/// - posted TLPs never wait for NP or Cpl TLPs, so a link starved of NP or Cpl credits still
///   carries writes (A3, A4, and A5 as permitted) and no credit pattern deadlocks the port;
/// - an NP or Cpl TLP waits until every posted TLP that entered before it has started to
///   leave (B2a, C2a, D2a: Relaxed Ordering and IDO are not used to pass). Each posted TLP
///   carries the number of NP and of Cpl TLPs that had entered before it; the NP (Cpl) queue's
///   head may start when the oldest posted TLP still queued entered after it. Those numbers
///   all lie within one queue's worth of each other, so small wrapping counters compare them;
/// - each queue is FIFO, so completions of one request stay in order (D5b);
/// - a TLP starts only when its class has the header credit and Roundup(Length/4) data
///   credits (Table 2-49), through one `creditGate` per credit type; credits are consumed
///   on its first beat;
/// - among the queues whose head may start, the turn rotates P → NP → Cpl; a TLP once
///   started is sent whole.
///
/// The input is one ordered stream: a TLP whose class queue is full holds the input, and the
/// TLPs behind it, until there is room. `room_posted`, `room_non_posted` and `room_completion`
/// (`EgressRoom`) tell the merges in front which TLPs fit, so that they start only those and a
/// full NP or Cpl queue never holds a posted TLP back in the merge.
///
/// Credit ports: `fc_initialize` with `fc_<type>_advertised` (InitFC; 0 = infinite) and
/// `fc_update` with `fc_<type>_limit` (UpdateFC), for types ph, pd, nph, npd, cplh, cpld.
///
/// `refusable` (for a receive buffer inside the switch, see `switchReceiver`) adds the input
/// `link_refused`: the consumer cannot start the first beat offered on `link` now for want of
/// room for its class. From the next cycle another class whose head may start is offered in its
/// place (refused classes are passed over until a TLP starts; when every class that may start
/// has been refused, the search begins again from the turn). So `link` is then not a plain
/// ready/valid stream: a first beat offered and not taken may be withdrawn, and the consumer
/// must keep no state from it. Once a first beat is taken, the TLP is sent whole as always.
///
/// `restartsWithLink` (for a switch's downstream port) adds the input `link_up`, the port's
/// Data Link Layer state: while it is 0 (DL_Down) every credit gate is back where reset left it
/// (nothing permitted until the partner's next InitFC, §2.6.1, §3.4.2), and heads leave without
/// credits, for the consumer to discard what was queued for a link that is down (§2.9.1).
public func switchEgress(dataWidth: Int, depth: Int, completionDepth: Int? = nil, refusable: Bool = false,
                         restartsWithLink: Bool = false, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let cplDepth = completionDepth ?? depth
  // The name changes only when the Cpl queue differs or offers may be refused, so existing
  // users keep their modules.
  let parameters: KeyValuePairs<String, any CustomStringConvertible>
  switch (cplDepth == depth, refusable) {
  case (true, false): parameters = ["dw": dataWidth, "depth": depth]
  case (false, false): parameters = ["dw": dataWidth, "depth": depth, "cpl": cplDepth]
  case (true, true): parameters = ["dw": dataWidth, "depth": depth, "refusable": 1]
  case (false, true): parameters = ["dw": dataWidth, "depth": depth, "cpl": cplDepth, "refusable": 1]
  }
  return Module(restartsWithLink ? "switch_egress_restarting" : "switch_egress", parameters: parameters) { m in
    m.require([64, 128, 256].contains(dataWidth), "switchEgress: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    m.require((2...4096).contains(depth), "switchEgress: depth \(depth) is outside 2...4096 beats per queue", file: file, line: line)
    m.require((2...4096).contains(cplDepth), "switchEgress: completionDepth \(cplDepth) is outside 2...4096 beats", file: file, line: line)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let depthUsed = min(max(depth, 2), 4096)
    let cplDepthUsed = min(max(cplDepth, 2), 4096)
    let depths = [depthUsed, depthUsed, cplDepthUsed]
    let lanes = width / 32
    let beatWidth = TLPStream.headerWidth + width + lanes + 2
    // NP and Cpl TLPs counted modulo 2^stampBits: the values compared never differ by more
    // than the TLPs a queue holds, so 2^(stampBits - 1) > the deeper queue suffices.
    let stampBits = bitsToHold(depths.max()!) + 1

    let fabric = m.port("fabric", TLPStream(dataWidth: width).flipped)
    let link = m.port("link", TLPStream(dataWidth: width))
    let initialize = m.input("fc_initialize")
    let update = m.input("fc_update")

    // Enqueue: the class of the packet is read from its first beat and kept for the rest.
    let arriving = TLPHeaderFields(fabric.header)
    let heldClass = m.register("in_class", width: 2)
    let inClass = m.wire("in_class_now", width: 2)
    inClass <== mux(fabric.start, EgressRoom.trafficClass(arriving), heldClass)
    when(fabric.fires && fabric.start) { heldClass <== inClass }
    let entered = [m.register("non_posted_in", width: stampBits), m.register("completions_in", width: stampBits)]
    let started = [m.register("non_posted_out", width: stampBits), m.register("completions_out", width: stampBits)]
    let beat = concat(fabric.end, fabric.start, fabric.strobe, fabric.data, fabric.header)

    let queues = ["posted", "non_posted", "completion"].enumerated().map { c, name in
      m.instance(fifo(depth: depths[c], width: beatWidth + (c == 0 ? 2 * stampBits : 0)), name: "\(name)_queue")
    }
    var readies: [Signal] = []
    for (c, queue) in queues.enumerated() {
      queue["enq_valid"] <== fabric.valid && inClass == c
      queue["enq_data"] <== (c == 0 ? concat(entered[1], entered[0], beat) : beat)
      readies.append(queue["enq_ready"])
    }
    fabric.ready <== select(inClass, readies)
    // Room per class for the merges in front (`EgressRoom`).
    for (c, queue) in queues.enumerated() {
      let free = Signal.constant(depths[c], width: EgressRoom.width) - queue["count"].zeroExtended(to: EgressRoom.width)
      m.output("room_\(EgressRoom.classNames[c])", width: EgressRoom.width)
        <== mux(queue["count"] == 0, Signal.constant(EgressRoom.anyTLP, width: EgressRoom.width), free)
    }
    for k in 0..<2 {
      when(fabric.fires && fabric.start && inClass == k + 1) { entered[k] <== entered[k] + 1 }
    }

    // The head of each queue: its beat, whether it may start (order and credits).
    let heads = queues.map { $0["deq_data"] }
    let headFields = heads.map { TLPHeaderFields($0[0..<TLPStream.headerWidth]) }
    let headStart = heads.map { $0[beatWidth - 2] }
    // The NP (Cpl) head is the started[k]-th of its class; the oldest posted TLP entered after
    // it when its count of class-k TLPs before it exceeds that number.
    let postedWaiting = queues[0]["deq_valid"]
    let ordered = [Signal.high] + (0..<2).map { k -> Signal in
      let before = heads[0][(beatWidth + k * stampBits)..<(beatWidth + (k + 1) * stampBits)]
      let distance = before - started[k]
      return !postedWaiting || distance != 0 && distance.msb == 0
    }

    let creditNames = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
    let linkUp = restartsWithLink ? m.input("link_up") : nil
    var permits: [Signal] = []
    var consumes: [Signal] = []
    for (t, type) in CreditType.allCases.enumerated() {
      let gate = m.instance(creditGate(type, restartable: restartsWithLink), name: "\(creditNames[t])_credits")
      let bits = type.fieldSize
      let head = headFields[t / 2]
      let required = type.isHeader ? Signal.constant(1, width: bits)
        : mux(head.hasData, ((head.length + 3) >> 2).resized(to: bits), Signal.zero(width: bits))
      gate["initialize"] <== initialize
      gate["advertised"] <== m.input("fc_\(creditNames[t])_advertised", width: bits)
      gate["update"] <== update
      gate["limit"] <== m.input("fc_\(creditNames[t])_limit", width: bits)
      gate["required"] <== required
      if let linkUp { gate["link_down"] <== !linkUp }
      permits.append(linkUp.map { gate["permits"] || !$0 } ?? gate["permits"])
      consumes.append(gate["consume"])
    }

    let eligible = (0..<3).map { c in
      queues[c]["deq_valid"] && headStart[c] && ordered[c] && permits[2 * c] && permits[2 * c + 1]
    }
    // Classes whose head was refused are passed over while another class may start.
    let passedOver = refusable ? m.register("passed_over", width: 3) : nil
    let offered = passedOver.map { skip in
      let fresh = (0..<3).map { eligible[$0] && !skip[$0] }.reduce(Signal.low) { $0 || $1 }
      return (0..<3).map { eligible[$0] && (!skip[$0] || !fresh) }
    } ?? eligible
    // Round robin from the class after the last one served.
    let turn = m.register("turn", width: 2)
    let choice = m.wire("choice", width: 2)
    let order = (0..<3).map { last in (1...3).map { (last + $0) % 3 } }
    choice <== select(turn, order.map { seq in
      priority(seq.map { c in (offered[c], Signal.constant(c, width: 2)) }, otherwise: .constant(seq[0], width: 2))
    } + [Signal.constant(0, width: 2)])
    let anyEligible = eligible.reduce(Signal.low) { $0 || $1 }

    let locked = m.register("locked")
    let lockedClass = m.register("locked_class", width: 2)
    let current = m.wire("current", width: 2)
    current <== mux(locked, lockedClass, choice)
    let headBeat = select(current, heads.map { $0[0..<beatWidth] } + [heads[0][0..<beatWidth]])

    link.valid <== mux(locked, select(lockedClass, queues.map { $0["deq_valid"] } + [Signal.low]), anyEligible)
    link.header <== headBeat[0..<TLPStream.headerWidth]
    link.data <== headBeat[TLPStream.headerWidth..<(TLPStream.headerWidth + width)]
    link.strobe <== headBeat[(TLPStream.headerWidth + width)..<(TLPStream.headerWidth + width + lanes)]
    link.start <== headBeat[beatWidth - 2]
    link.end <== headBeat[beatWidth - 1]

    for (c, queue) in queues.enumerated() {
      queue["deq_ready"] <== link.ready && link.valid && current == c
    }
    let starts = m.wire("starts")
    starts <== link.fires && link.start
    for (t, consume) in consumes.enumerated() {
      consume <== starts && current == t / 2
    }
    when(starts) { turn <== current }
    for k in 0..<2 {
      when(starts && current == k + 1) { started[k] <== started[k] + 1 }
    }
    when(link.fires) {
      locked <== !link.end
      lockedClass <== current
    }
    if let passedOver {
      let refused = m.input("link_refused")
      let refusal = m.wire("refusal")
      refusal <== link.valid && link.start && !locked && refused
      let currentBit = concat((0..<3).reversed().map { current == $0 })
      let restart = m.wire("all_refused")  // nothing else may start: only this class stays passed over
      restart <== !(0..<3).map { eligible[$0] && !(passedOver[$0] || currentBit[$0]) }.reduce(Signal.low) { $0 || $1 }
      when(starts) {
        passedOver <== Signal.zero(width: 3)
      }.elseWhen(refusal) {
        passedOver <== mux(restart, currentBit, passedOver | currentBit)
      }
    }
  }
}
