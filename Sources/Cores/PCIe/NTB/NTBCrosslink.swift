import HDL
import PCIe

/// The crosslink between two NTB functions with credit-based flow control
/// (`NTBCrosslinkCredits`): the cable or board trace, `latency` cycles each way, for TLPs and for
/// the flow-control sideband alike.
///
/// Ports, for each end `e` in `a`, `b`: `e_out` (that end's `peer_out`, taken here), `e_in` (into
/// its `peer_in`), `e_rx_fc_<type>_advertised`/`_allocated` (its receive buffer's credits, in) and
/// `e_fc_initialize`, `e_fc_update`, `e_fc_<type>_advertised`/`_limit` (the other end's credits
/// for its egress, out); `up`, the physical link state both ends see.
///
/// Flow control starts on every rising `up` (§2.6.1: initialisation on DL_Up): the end whose
/// receive buffer advertises sends InitFC in the first cycle it is up and UpdateFC (its
/// CREDITS_ALLOCATED) in every cycle after. While `up` is low the line loses what is in flight,
/// TLPs and credits (§2.9.1: a link that is down discards), so nothing sent before the link went
/// down arrives after it came back; the functions restart their crosslink queues at the same time.
public func ntbCrosslink(latency: Int, dataWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("ntb_crosslink", parameters: ["latency": latency, "dw": dataWidth]) { m in
    m.require(latency >= 0, "ntbCrosslink: latency \(latency) is negative", file: file, line: line)
    let up = m.input("up")
    let lost = m.wire("lost")  // the line's contents are lost while the link is down
    lost <== m.reset || !up
    for (from, to) in [("a", "b"), ("b", "a")] {
      let sent = m.port("\(from)_out", TLPStream(dataWidth: dataWidth).flipped)
      let arriving = m.port("\(to)_in", TLPStream(dataWidth: dataWidth))
      if latency > 0 {
        let delay = m.instance(tlpDelayLine(cycles: latency, dataWidth: dataWidth), name: "\(from)_to_\(to)", reset: lost)
        connect(sent, to: delay.interface("in", as: TLPStream.self))
        connect(delay.interface("out", as: TLPStream.self), to: arriving)
      } else {
        connect(sent, to: arriving)
      }

      // `from`'s receive buffer's credits, for `to`'s egress: one value per credit type, the
      // advertisement with InitFC and CREDITS_ALLOCATED with UpdateFC.
      let started = m.register("\(from)_fc_started")
      started <== up
      let initialize = up && !started
      let words: [Signal] = [initialize, up && started] + CreditType.allCases.enumerated().map { t, type in
        let name = NTBCrosslinkCredits.typeNames[t]
        return mux(initialize, m.input("\(from)_rx_fc_\(name)_advertised", width: type.fieldSize),
                   m.input("\(from)_rx_fc_\(name)_allocated", width: type.fieldSize))
      }
      let stages = (0..<latency).map { d in words.enumerated().map { k, word in
        m.register("\(from)_fc\(k)_d\(d)", width: word.width) } }
      for (d, stage) in stages.enumerated() {
        for (k, register) in stage.enumerated() {
          let value = d == 0 ? words[k] : stages[d - 1][k]
          // Strobes are lost with the link; values may stay (nothing reads them without a strobe).
          register <== (k < 2 ? value && up : value)
        }
      }
      let arrived = stages.last ?? words
      m.output("\(to)_fc_initialize") <== arrived[0]
      m.output("\(to)_fc_update") <== arrived[1]
      for (t, type) in CreditType.allCases.enumerated() {
        let name = NTBCrosslinkCredits.typeNames[t]
        m.output("\(to)_fc_\(name)_advertised", width: type.fieldSize) <== arrived[2 + t]
        m.output("\(to)_fc_\(name)_limit", width: type.fieldSize) <== arrived[2 + t]
      }
    }
  }
}
