import HDL

/// Whether the beats of the TLP passing on a `TLPStream` carry exactly the payload its header
/// announces: Length DWs for a TLP with data, none otherwise (PCIe Base Specification 6.3,
/// §2.2.2: a TLP whose payload does not match its Length field is a Malformed TLP). On the
/// stream that means `ceil(DWs / lanes)` beats (one for a TLP without payload), every lane
/// strobed but in the last beat, whose strobe covers the remaining DWs from lane 0, and `end`
/// on that beat only.
struct PayloadFraming {
  /// The beat on the stream now breaks the framing: wrong strobe, `end` too early or missing.
  let wrongBeat: Signal
  /// The beat on the stream now is the nullify marker (`end` on a later beat with strobe 0):
  /// the link partner ended the TLP as bad (see `TLPStream`).
  let nullifiedByPartner: Signal
  /// The statements that drive the check; the caller's module body must contain them.
  let statements: [Statement]
}

/// The framing check on `link` (inside module `m`): a register counts the DWs still announced.
func payloadFraming(_ m: ModuleBuilder, _ link: TLPStream, fields: TLPHeaderFields) -> PayloadFraming {
  let lanes = link.lanes
  let remaining = m.register("payload_remaining", width: 11)
  let before = m.wire("payload_before", width: 11)
  var body: [Statement] = []
  body.append(before <== mux(link.start, mux(fields.hasData, fields.length, Signal.zero(width: 11)), remaining))
  let lastBeat = m.wire("payload_last_beat")
  body.append(lastBeat <== before <= lanes)
  let strobe = m.wire("payload_strobe", width: lanes)
  body.append(strobe <== priority((0..<lanes).map { (before == $0, Signal.constant((1 << $0) - 1, width: lanes)) },
                      otherwise: .ones(width: lanes)))
  let wrong = m.wire("payload_wrong_beat")
  body.append(wrong <== link.strobe != strobe || link.end != lastBeat)
  let nullified = m.wire("payload_nullified")
  body.append(nullified <== !link.start && link.end && link.strobe == 0)
  body.append(when(link.fires) { remaining <== mux(lastBeat, Signal.zero(width: 11), before - lanes) })
  return PayloadFraming(wrongBeat: wrong, nullifiedByPartner: nullified, statements: body)
}
