import HDL

/// Skid buffer (a two-entry register slice): cuts every combinational path between its two
/// sides, including the `ready` path, without losing throughput.
///
/// Ports (besides the implicit `clk` and synchronous, active-high `rst`): `enq_valid`,
/// `enq_data` in and `enq_ready` out on the consumer side; `deq_valid`, `deq_data` out and
/// `deq_ready` in on the producer side.
///
/// Behaviour: a queue of at most two words with registered flags. `deq_valid` and `deq_data`
/// come straight from the main register; `enq_ready` is the register `skid_empty` itself.
/// While `deq_ready` is 1 every word passes through the main register, one per cycle, with one
/// cycle of latency. When the reader stalls, the word that was already accepted (because
/// `enq_ready` could not drop in the same cycle) lands in the skid register, and `enq_ready`
/// falls at the next edge. The skid empties into the main register as soon as the reader takes
/// the main word. During reset `enq_ready` is 1 and `deq_valid` 0 (like an empty FIFO).
/// Comparable to verilog-axis `axis_register` with `REG_TYPE = 2` ("skid buffer").
///
/// - Parameter width: bits per word, at least 1.
///
/// ```swift
/// let top = Module("pipelined_path") { m in
///   let slice = m.instance(skidBuffer(width: 64), name: "slice")
///   connect(m.port("upstream", Stream(width: 64).flipped), to: slice.interface("enq", as: Stream.self))
///   connect(slice.interface("deq", as: Stream.self), to: m.port("downstream", Stream(width: 64)))
/// }
/// ```
public func skidBuffer(width: Int, file: StaticString = #fileID, line: UInt = #line) -> Module {
  let widthUsed = max(width, 1)
  return Module("skid_buffer", parameters: ["width": width]) { m in
    m.require(width >= 1, "skidBuffer: width \(width) is invalid; words need at least 1 bit", file: file, line: line)

    let enq = m.port("enq", Stream(width: widthUsed).flipped)
    let deq = m.port("deq", Stream(width: widthUsed))
    let mainValid = m.register("main_valid")
    let mainData = m.register("main_data", width: widthUsed, reset: nil)
    let skidEmpty = m.register("skid_empty", reset: 1)
    let skidData = m.register("skid_data", width: widthUsed, reset: nil)
    // The main register loads this cycle: it is empty or its word is being taken.
    let mainLoads = m.wire("main_loads")

    enq.ready <== skidEmpty
    deq.valid <== mainValid
    deq.data <== mainData
    mainLoads <== !mainValid || deq.ready

    when(mainLoads) {
      when(skidEmpty) {
        mainValid <== enq.valid
        mainData <== enq.data
      }.otherwise {
        mainValid <== true
        mainData <== skidData
        skidEmpty <== true
      }
    }.elseWhen(enq.fires) {
      skidData <== enq.data
      skidEmpty <== false
    }
  }
}
