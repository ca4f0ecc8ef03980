import HDL
import PCIe

/// The receive buffer of a switch port, with the credits it advertises to its link partner
/// (PCIe Base Specification 6.3, §2.6.1.2): a `switchEgress` whose own credits are infinite
/// holds the TLPs arriving on `link` by class, in an order the ordering rules allow, and
/// hands them on at `out`. Each class advertises `headerCredits` header and `dataCredits` data
/// credits (`fc_<type>_advertised`, for InitFC); `fc_<type>_allocated` is CREDITS_ALLOCATED,
/// raised by a TLP's credits when its last beat leaves (for UpdateFC).
///
/// The advertisement fits the queues: headerCredits + ⌈4 · dataCredits / lanes⌉ ≤ depth
/// beats, so a partner that honours it always finds room, and the single input never blocks
/// on a full queue.
///
/// `refusable` adds the input `out_refused`, for a consumer inside the switch that cannot start
/// the offered TLP for want of room for its class further on (the ingress stage in front of a
/// full queue): another class's head that the ordering rules let pass is offered from the next
/// cycle instead (`switchEgress(refusable:)`), so posted TLPs pass a stalled NP request or
/// completion and completions pass a stalled NP request (Table 2-42 A3, A4, D3). A first beat
/// offered on `out` and not taken may then be withdrawn; the consumer must keep no state from it.
///
/// A TLP cut short on `link` (a `start` beat before its `end`) is closed in its queue with a
/// beat no framing check accepts (`end`, only the top lane strobed) before the start is taken,
/// one cycle later; its credits return when that beat leaves, and the consumer counts the TLP
/// as malformed.
///
/// `restartsWithLink` (for a switch's downstream port) adds the input `link_up`, the port's Data
/// Link Layer state. While it is 0 (DL_Down) nothing is received (§2.9.1: a port with DL_Down
/// status need not accept TLPs the data link layer has not acknowledged): beats offered on `link`
/// are taken and dropped, and a TLP left open is closed as a `start` would close it. Whole TLPs
/// already received were acknowledged, so they stay queued and are forwarded. Flow control
/// restarts with the link (§2.6.1, §3.4.2): the advertisement is what the queues can still take,
/// the credits of every TLP held subtracted (at least 1 of each type, as 0 would mean infinite:
/// only if a class's TLPs still fill the whole advertisement when the partner initialises does
/// the input's `ready` ever hold it back), and while the link is down CREDITS_ALLOCATED follows
/// it, so that a partner's InitFC after link-up starts both sides from the same value.
public func switchReceiver(dataWidth: Int, depth: Int, headerCredits: Int, dataCredits: Int, refusable: Bool = false,
                           restartsWithLink: Bool = false, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let parameters: KeyValuePairs<String, any CustomStringConvertible> = refusable
    ? ["dw": dataWidth, "depth": depth, "hc": headerCredits, "dc": dataCredits, "refusable": 1]
    : ["dw": dataWidth, "depth": depth, "hc": headerCredits, "dc": dataCredits]
  return Module(restartsWithLink ? "switch_receiver_restarting" : "switch_receiver", parameters: parameters) { m in
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let lanes = width / 32
    m.require([64, 128, 256].contains(dataWidth), "switchReceiver: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    m.require((1...CreditType.postedHeader.maximumOutstanding).contains(headerCredits),
              "switchReceiver: headerCredits \(headerCredits) is outside 1...127 (§2.6.1)", file: file, line: line)
    m.require((1...CreditType.postedData.maximumOutstanding).contains(dataCredits),
              "switchReceiver: dataCredits \(dataCredits) is outside 1...2047 (§2.6.1)", file: file, line: line)
    m.require(headerCredits + (4 * dataCredits + lanes - 1) / lanes <= depth,
              "switchReceiver: \(headerCredits) header and \(dataCredits) data credits may need \(headerCredits + (4 * dataCredits + lanes - 1) / lanes) beats, more than the queue depth \(depth); lower the credits or deepen the queues",
              file: file, line: line)

    let queues = m.instance(switchEgress(dataWidth: width, depth: max(depth, 2), refusable: refusable), name: "queues")
    if refusable { queues["link_refused"] <== m.input("out_refused") }
    // A `start` before the open TLP's `end` cuts that TLP short (its sender began the next one).
    // Its class queue gets a closing beat first, so its output is not left waiting for an end
    // and its credits return; the start waits that one cycle. The closing beat is `end` with
    // only the top lane strobed: no TLP's last beat strobes that (`PayloadFraming`), so the
    // ingress (or an endpoint's `wholeTLPBuffer`) finds it malformed and counts it there, once,
    // and never mistakes it for the sender's own nullify marker (strobe 0), which counts nowhere.
    let link = m.port("link", TLPStream(dataWidth: width).flipped)
    let queued = queues.interface("fabric", as: TLPStream.self)
    let open = m.register("open")  // a TLP's first beat was taken, its end not yet
    let closing = m.wire("closing")
    let linkUp = restartsWithLink ? m.input("link_up") : nil
    closing <== (linkUp.map { link.start || !$0 } ?? link.start) && open
    queued.valid <== (linkUp.map { link.valid && $0 || closing && !$0 } ?? link.valid)
    queued.header <== link.header
    queued.data <== link.data
    queued.strobe <== mux(closing, Signal.constant(1 << (lanes - 1), width: lanes), link.strobe)
    queued.start <== link.start && !closing
    queued.end <== link.end || closing
    link.ready <== (linkUp.map { queued.ready && !closing || !$0 } ?? queued.ready && !closing)
    when(queued.fires) { open <== !queued.end }
    let out = m.port("out", TLPStream(dataWidth: width))
    connect(queues.interface("link", as: TLPStream.self), to: out)

    // The queues' own credits are infinite: InitFC with 0 once after reset.
    let started = m.register("started")
    started <== true
    queues["fc_initialize"] <== !started
    queues["fc_update"] <== false
    let names = ["ph", "pd", "nph", "npd", "cplh", "cpld"]
    for (t, type) in CreditType.allCases.enumerated() {
      queues["fc_\(names[t])_advertised"] <== Signal.zero(width: type.fieldSize)
      queues["fc_\(names[t])_limit"] <== Signal.zero(width: type.fieldSize)
    }

    // Credits return when a TLP's last beat leaves; its class and data units are read on its first beat.
    let leaving = TLPHeaderFields(out.header)
    let classNow = m.wire("class_now", width: 2)
    classNow <== priority([(leaving.isPosted, .constant(0, width: 2)), (leaving.isNonPosted, .constant(1, width: 2))],
                          otherwise: .constant(2, width: 2))
    let unitsNow = m.wire("units_now", width: 12)
    unitsNow <== mux(leaving.hasData, ((leaving.length + 3) >> 2).resized(to: 12), Signal.zero(width: 12))
    let heldClass = m.register("held_class", width: 2)
    let heldUnits = m.register("held_units", width: 12)
    when(out.fires && out.start) {
      heldClass <== classNow
      heldUnits <== unitsNow
    }
    let endClass = m.wire("end_class", width: 2)
    let endUnits = m.wire("end_units", width: 12)
    endClass <== mux(out.start, classNow, heldClass)
    endUnits <== mux(out.start, unitsNow, heldUnits)
    let returns = m.wire("returns")
    returns <== out.fires && out.end
    // With `restartsWithLink`: each TLP's credits counted from its first beat in to its last beat out.
    let arriving = TLPHeaderFields(link.header)
    let arrivingClass = linkUp.map { _ in m.wire("arriving_class", width: 2) }
    let enters = linkUp.map { _ in m.wire("enters") }
    if let arrivingClass, let enters {
      arrivingClass <== priority([(arriving.isPosted, .constant(0, width: 2)), (arriving.isNonPosted, .constant(1, width: 2))],
                                 otherwise: .constant(2, width: 2))
      enters <== queued.fires && queued.start
    }
    for (t, type) in CreditType.allCases.enumerated() {
      let initial = type.isHeader ? headerCredits : dataCredits
      let step = type.isHeader ? Signal.constant(1, width: type.fieldSize) : endUnits.resized(to: type.fieldSize)
      let advertisement = m.output("fc_\(names[t])_advertised", width: type.fieldSize)
      if let arrivingClass, let enters {
        let held = m.register("\(names[t])_held", width: type.fieldSize)
        let units = type.isHeader ? Signal.constant(1, width: type.fieldSize)
          : mux(arriving.hasData, ((arriving.length + 3) >> 2).resized(to: type.fieldSize), Signal.zero(width: type.fieldSize))
        held <== held + mux(enters && arrivingClass == t / 2, units, Signal.zero(width: type.fieldSize))
          - mux(returns && endClass == t / 2, step, Signal.zero(width: type.fieldSize))
        let free = m.wire("\(names[t])_free", width: type.fieldSize)
        free <== Signal.constant(initial, width: type.fieldSize) - held
        advertisement <== mux(free == 0, Signal.constant(1, width: type.fieldSize), free)
      } else {
        advertisement <== Signal.constant(initial % (1 << type.fieldSize), width: type.fieldSize)
      }
      let allocated = m.register("\(names[t])_allocated", width: type.fieldSize, reset: initial % (1 << type.fieldSize))
      m.output("fc_\(names[t])_allocated", width: type.fieldSize) <== allocated
      when(returns && endClass == t / 2) { allocated <== allocated + step }
      if let linkUp {
        when(!linkUp) { allocated <== advertisement }
      }
    }
  }
}
