import HDL

/// Merges `inputs` TLP streams into one, a whole TLP at a time, taking turns fairly: the
/// `roundRobinArbiter` with each beat (header, data, strobe, start) carried as one word and
/// `end` as its `last`. Use it where several sources share a link: forwarded traffic,
/// configuration completions and UR completions for one egress port.
///
/// Ports: `in<i>` (consumer side, `i` in `0..<inputs`), `out` (producer side) and `grant`
/// (one-hot). Timing is the arbiter's: the grant goes in the same cycle to the first input
/// with `valid` after the last one granted, and is held until the `end` beat is taken; with
/// `withdrawable`, held only from the first beat taken, so an input may withdraw a TLP whose
/// first beat was not taken (`roundRobinArbiter(withdrawable:)`).
public func tlpMerge(inputs: Int, dataWidth: Int, withdrawable: Bool = false,
                     file: StaticString = #fileID, line: UInt = #line) -> Module {
  let parameters: KeyValuePairs<String, any CustomStringConvertible> = withdrawable
    ? ["inputs": inputs, "dw": dataWidth, "withdrawable": 1] : ["inputs": inputs, "dw": dataWidth]
  return Module("tlp_merge", parameters: parameters) { m in
    m.require(inputs >= 2, "tlpMerge: \(inputs) inputs; merging needs at least 2", file: file, line: line)
    m.require([64, 128, 256].contains(dataWidth), "tlpMerge: dataWidth \(dataWidth) is not 64, 128 or 256", file: file, line: line)
    let n = max(inputs, 2)
    let width = [64, 128, 256].contains(dataWidth) ? dataWidth : 64
    let lanes = width / 32
    let wordWidth = TLPStream.headerWidth + width + lanes + 1
    let arbiter = m.instance(roundRobinArbiter(requesters: n, width: wordWidth, withdrawable: withdrawable), name: "arbiter")
    for i in 0..<n {
      let input = m.port("in\(i)", TLPStream(dataWidth: width).flipped)
      arbiter["in\(i)_valid"] <== input.valid
      arbiter["in\(i)_data"] <== concat(input.start, input.strobe, input.data, input.header)
      arbiter["in\(i)_last"] <== input.end
      input.ready <== arbiter["in\(i)_ready"]
    }
    let out = m.port("out", TLPStream(dataWidth: width))
    let word = arbiter["out_data"]
    out.valid <== arbiter["out_valid"]
    out.header <== word[0..<TLPStream.headerWidth]
    out.data <== word[TLPStream.headerWidth..<(TLPStream.headerWidth + width)]
    out.strobe <== word[(TLPStream.headerWidth + width)..<(wordWidth - 1)]
    out.start <== word[wordWidth - 1]
    out.end <== arbiter["out_last"]
    arbiter["out_ready"] <== out.ready
    let grant = m.output("grant", width: n)
    grant <== arbiter["grant"]
  }
}
