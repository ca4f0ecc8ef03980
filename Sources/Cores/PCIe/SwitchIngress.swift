import HDL
import PCIe

/// The routing state of every port's bridge as module inputs `p<k>_<field>`, for cores that
/// route (see `BridgeRouting`).
func bridgeRoutingInputs(_ m: ModuleBuilder, ports: Int) -> [BridgeRouting] {
  (0..<ports).map { k in
    BridgeRouting(secondaryBus: m.input("p\(k)_secondary", width: 8), subordinateBus: m.input("p\(k)_subordinate", width: 8),
                  memoryBase: m.input("p\(k)_memory_base", width: 12), memoryLimit: m.input("p\(k)_memory_limit", width: 12),
                  prefetchableBase: m.input("p\(k)_prefetchable_base", width: 44),
                  prefetchableLimit: m.input("p\(k)_prefetchable_limit", width: 44),
                  memorySpaceEnable: m.input("p\(k)_memory_enable"), busMasterEnable: m.input("p\(k)_bus_master"),
                  linkUp: k == 0 ? .high : m.input("p\(k)_link_up"))
  }
}

/// A 16-bit event counter that stops at its maximum instead of wrapping, and the statement
/// that counts.
private func saturatingCounter(_ m: ModuleBuilder, _ name: String, counting event: Signal) -> (Signal, Statement) {
  let count = m.register(name, width: 16)
  return (count, when(event && count != 0xFFFF) { count <== count + 1 })
}

/// The ingress stage of switch port `port`: it routes each TLP arriving on `link` on its first
/// beat (`routeDecision`) and, cut-through, passes its beats on at once:
///
/// - forwarded TLPs go to `fabric` with their egress ports in `fabric_egress` (held for the
///   whole packet); a Type 1 configuration request reaching its egress port's secondary bus
///   leaves as Type 0 (Type bit 0 cleared, §7.3.1);
/// - configuration requests for the switch's own bridges go to `own` (for `bridgeConfigCompleter`);
/// - a non-posted request no one claims is consumed and answered on `unsupported` with an
///   Unsupported Request completion from `completer_id` (one waiting completion at most: a
///   second unclaimed request waits until the first is taken);
/// - a TLP whose payload (Length) exceeds this port's Max_Payload_Size (`max_payload_size`,
///   the bridge's Device Control field: 128 << value bytes) is malformed (§2.2.2), and so is
///   one whose beats do not carry exactly the payload its Length announces (`PayloadFraming`:
///   short, long, data on a TLP without payload, no data on one with payload). Found on the
///   first beat, the TLP goes nowhere; found on a later beat, after the head has been passed
///   on cut-through, the packet on its way is ended at once with the nullify marker (`end`
///   with strobe 0, see `TLPStream`) and the rest of the TLP is consumed, so no truncated TLP
///   travels as good and the port takes the next TLP as usual. A TLP the link partner itself
///   nullified is passed on nullified and not counted. A `start` beat before the TLP passing
///   has ended cuts that TLP short: it is malformed too; the start beat waits one cycle (or
///   until the marker is taken) while the packet on its way ends with the nullify marker,
///   then begins the next TLP;
/// - unclaimed posted requests and completions, malformed TLPs and terminated (local)
///   messages are consumed; `dropped_count`, `malformed_count` and `unsupported_count` count
///   the first two and the unclaimed non-posted requests (16 bits, saturating): each TLP once,
///   a dropped one when its last beat shows it well formed. Poisoned TLPs are routed like any
///   other (§2.7.2.2).
///
/// - a TLP routed to a downstream port whose link is down (`p<k>_link_up` 0, §2.9.1) is
///   treated as unclaimed, except that its UR completion comes from that port's bridge (device
///   k − 1 on the internal bus `p0_secondary`), which also records the error: `link_down_event`
///   bit k pulses for a request (not for a completion), `unsupported_event` does not.
///
/// `unsupported_event` and `poisoned_event` pulse on the first beat of such a TLP,
/// `malformed_event` on the beat that shows it malformed, for the bridge's error flags.
///
/// `link_ready` follows the ready of the output a packet goes to, so one blocked output holds
/// only this port's link. `head_waits` says the first beat offered is a non-posted request
/// held inside the stage (the completer busy, or the previous UR completion not yet taken), for
/// a receive buffer that then offers a TLP allowed to pass it; nothing is kept from a first
/// beat not taken, so it may be withdrawn. Inputs `p<k>_*` carry every port's bridge state.
public func switchIngress(port: Int, ports: Int, dataWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("switch_ingress", parameters: ["port": port, "ports": ports, "dw": dataWidth]) { m in
    m.require(ports >= 2 && ports <= 32 && (0..<ports).contains(port),
              "switchIngress: port \(port) of \(ports); a switch has 2...32 ports numbered from 0", file: file, line: line)
    m.require([64, 128, 256].contains(dataWidth), "switchIngress: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    let n = max(ports, 2)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let link = m.port("link", TLPStream(dataWidth: width).flipped)
    let fabric = m.port("fabric", TLPStream(dataWidth: width))
    let fabricEgress = m.output("fabric_egress", width: n)
    let own = m.port("own", TLPStream(dataWidth: width))
    let unsupported = m.port("unsupported", TLPStream(dataWidth: width))
    let completerID = m.input("completer_id", width: 16)
    let maxPayloadSize = m.input("max_payload_size", width: 3)
    let bridges = bridgeRoutingInputs(m, ports: n)

    let fields = TLPHeaderFields(link.header)
    let live = routeDecision(fields, ingress: .constant(min(port, n - 1), width: bitsToIndex(n)), bridges: bridges,
                             maxPayloadSize: maxPayloadSize)
    let framing = payloadFraming(m, link, fields: fields)
    framing.statements

    // The decision is taken on the first beat and kept for the others. A TLP malformed on its
    // first beat (header or framing) goes nowhere: every beat of it is consumed.
    let malformedNow = m.wire("malformed_now")
    malformedNow <== live.malformed || framing.wrongBeat
    let liveEgress = mux(malformedNow, Signal.zero(width: n), live.egress)
    let liveOwn = live.toOwnBridge && !malformedNow
    let heldEgress = m.register("held_egress", width: n)
    let heldOwn = m.register("held_own")
    let heldType0 = m.register("held_type0")
    let heldDrop = m.register("held_drop")
    let egress = m.wire("egress", width: n)
    let toOwn = m.wire("to_own")
    let toType0 = m.wire("to_type0")
    // A start beat while a TLP is still passing (its `end` never came) cuts that TLP short: it
    // is malformed. The start beat waits while the packet on its way ends with the nullify
    // marker (or, when the TLP went nowhere, one cycle), then starts a new TLP.
    let inside = m.register("mid_tlp")  // a TLP's first beat was taken, its end not yet
    let cutShort = m.wire("cut_short")
    cutShort <== link.start && inside
    let decides = link.start && !inside
    egress <== mux(decides, liveEgress, heldEgress)
    toOwn <== mux(decides, liveOwn, heldOwn)
    toType0 <== mux(decides, live.convertToType0, heldType0)
    let forwards = egress != 0
    // A later beat that breaks the framing ends the packet already on its way with the
    // nullify marker (end, strobe 0; see `TLPStream`); the rest of it is consumed.
    let intact = m.register("intact")  // this TLP was well formed up to the last beat taken
    let nullifies = m.wire("nullifies")
    nullifies <== !link.start && intact && framing.wrongBeat

    let pendingValid = m.register("ur_valid")
    let pendingHeader = m.register("ur_header", width: TLPStream.headerWidth, reset: nil)
    // A request refused for a down link is answered by that port's bridge: device k − 1 on the internal bus.
    let urCompleter = m.wire("ur_completer_id", width: 16)
    let downDevice = priority((1..<n).map { k in (live.linkDown[k], Signal.constant((k - 1) << 3, width: 8)) }, otherwise: .zero(width: 8))
    urCompleter <== mux(live.linkDown != 0, concat(bridges[0].secondaryBus, downDevice), completerID)
    let answersUR = m.wire("answers_ur")  // the first beat of an unclaimed non-posted request
    answersUR <== link.start && live.unsupported && !malformedNow

    let outputReady = priority([(forwards, fabric.ready), (toOwn, own.ready), (answersUR, !pendingValid)], otherwise: .high)
    link.ready <== outputReady && !cutShort
    // A request for the switch's own bridges waiting for the configuration completer, or an
    // unclaimed one waiting for the previous UR completion to leave, cannot start: both are
    // non-posted, so the receive buffer may offer a TLP that passes it (Table 2-42 A3, D3).
    m.output("head_waits") <== link.valid && decides && !forwards && !outputReady
    let closes = m.wire("closes")  // the marker that ends a TLP cut short leaves (or it went nowhere)
    closes <== link.valid && cutShort && priority([(forwards, fabric.ready), (toOwn, own.ready)], otherwise: .high)
    let marks = nullifies || cutShort

    fabric.valid <== link.valid && forwards
    fabric.header <== concat(link.header[121..<128], link.header[120] && !toType0, link.header[0..<120])
    fabric.data <== link.data
    fabric.strobe <== mux(marks, Signal.zero(width: width / 32), link.strobe)
    fabric.start <== link.start && !cutShort
    fabric.end <== link.end || marks
    fabricEgress <== egress

    own.valid <== link.valid && !forwards && toOwn
    own.header <== link.header
    own.data <== link.data
    own.strobe <== mux(marks, Signal.zero(width: width / 32), link.strobe)
    own.start <== link.start && !cutShort
    own.end <== link.end || marks

    unsupported.valid <== pendingValid
    unsupported.header <== pendingHeader
    unsupported.data <== Signal.zero(width: width)
    unsupported.strobe <== Signal.zero(width: width / 32)
    unsupported.start <== true
    unsupported.end <== true

    let firstBeat = m.wire("first_beat")
    firstBeat <== link.fires && link.start
    when(firstBeat) {
      heldEgress <== liveEgress
      heldOwn <== liveOwn
      heldType0 <== live.convertToType0
      heldDrop <== live.drop && !malformedNow
      intact <== !malformedNow
    }
    let laterBeat = m.wire("later_beat")
    laterBeat <== link.fires && !link.start
    when((laterBeat && nullifies) || closes) {
      heldEgress <== Signal.zero(width: n)
      heldOwn <== false
      heldDrop <== false
      intact <== false
    }
    when(link.fires) { inside <== !link.end }
    when(closes) { inside <== false }
    when(unsupported.fires) { pendingValid <== false }
    when(firstBeat && answersUR) {
      pendingValid <== true
      pendingHeader <== unsupportedRequestCompletionHeader(fields, completer: urCompleter)
    }
    // One-cycle events for the bridge's error flags.
    let unsupportedEvent = m.output("unsupported_event")
    let malformedEvent = m.output("malformed_event")
    let poisonedEvent = m.output("poisoned_event")
    // A TLP a link partner nullified (see `TLPStream`) never existed: it is not counted.
    let malformedTLP = m.wire("malformed_tlp")
    malformedTLP <== (firstBeat && malformedNow) || (laterBeat && nullifies && !framing.nullifiedByPartner) || (closes && intact)
    unsupportedEvent <== firstBeat && answersUR && live.linkDown == 0
    let linkDownEvent = m.output("link_down_event", width: n)
    linkDownEvent <== live.linkDown & (firstBeat && !fields.isCompletion && !malformedNow).replicated(n)
    malformedEvent <== malformedTLP
    poisonedEvent <== firstBeat && fields.poisoned && !malformedNow
    // An unclaimed posted TLP or completion counts as dropped once its last beat shows it well formed.
    let droppedTLP = m.wire("dropped_tlp")
    droppedTLP <== link.fires && link.end && mux(link.start, live.drop && !malformedNow, heldDrop && !framing.wrongBeat)
    let dropped = m.output("dropped_count", width: 16)
    let malformed = m.output("malformed_count", width: 16)
    let unclaimed = m.output("unsupported_count", width: 16)
    let (droppedCount, countDropped) = saturatingCounter(m, "dropped", counting: droppedTLP)
    let (malformedCount, countMalformed) = saturatingCounter(m, "malformed", counting: malformedTLP)
    let (unsupportedCount, countUnsupported) = saturatingCounter(m, "unsupported_requests", counting: firstBeat && answersUR)
    countDropped
    countMalformed
    countUnsupported
    dropped <== droppedCount
    malformed <== malformedCount
    unclaimed <== unsupportedCount
  }
}
