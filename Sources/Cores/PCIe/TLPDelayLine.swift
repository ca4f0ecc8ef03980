import HDL

/// A TLP stream delayed by `cycles` (≥ 1) register slices (`skidBuffer`s), with full throughput
/// and backpressure: a stand-in for a link's latency in tests and benchmarks (the board's
/// `ntb.link_latency_cycles`). Ports `in` (consumer side) and `out` (producer side).
public func tlpDelayLine(cycles: Int, dataWidth: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  Module("tlp_delay_line", parameters: ["cycles": cycles, "dw": dataWidth]) { m in
    m.require(cycles >= 1, "tlpDelayLine: \(cycles) cycles; a delay line has at least 1 (connect the streams directly for none)", file: file, line: line)
    let input = m.port("in", TLPStream(dataWidth: dataWidth).flipped)
    let output = m.port("out", TLPStream(dataWidth: dataWidth))
    let wordWidth = TLPStream.headerWidth + dataWidth + dataWidth / 32 + 2
    let stages = (0..<max(cycles, 1)).map { m.instance(skidBuffer(width: wordWidth), name: "stage\($0)") }
    stages[0]["enq_valid"] <== input.valid
    stages[0]["enq_data"] <== concat(input.start, input.end, input.strobe, input.data, input.header)
    input.ready <== stages[0]["enq_ready"]
    for (earlier, later) in zip(stages, stages.dropFirst()) {
      later["enq_valid"] <== earlier["deq_valid"]
      later["enq_data"] <== earlier["deq_data"]
      earlier["deq_ready"] <== later["enq_ready"]
    }
    let last = stages[stages.count - 1]
    let word = last["deq_data"]
    output.valid <== last["deq_valid"]
    output.header <== word[0..<TLPStream.headerWidth]
    output.data <== word[TLPStream.headerWidth..<(TLPStream.headerWidth + dataWidth)]
    output.strobe <== word[(TLPStream.headerWidth + dataWidth)..<(wordWidth - 2)]
    output.end <== word[wordWidth - 2]
    output.start <== word[wordWidth - 1]
    last["deq_ready"] <== output.ready
  }
}
