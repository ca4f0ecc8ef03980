import Cores
import HDL

/// The benchmark design: `requesters` packet streams, each through its own FIFO, merged by a
/// round-robin arbiter into a FIFO and a skid buffer. Words carry `last` in bit 32 through the FIFOs.
func benchChain(requesters: Int = 4) -> Module {
  Module("bench_chain", parameters: ["requesters": requesters]) { m in
    let merge = m.instance(roundRobinArbiter(requesters: requesters, width: 32), name: "merge")
    for i in 0..<requesters {
      let input = m.port("in\(i)", PacketStream(width: 32).flipped)
      let queue = m.instance(fifo(depth: 8, width: 33), name: "queue\(i)")
      let enq = queue.interface("enq", as: Stream.self), deq = queue.interface("deq", as: Stream.self)
      let turn = merge.interface("in\(i)", as: PacketStream.self)
      enq.valid <== input.valid
      enq.data <== concat(input.last, input.data)
      input.ready <== enq.ready
      turn.valid <== deq.valid
      turn.data <== deq.data[0..<32]
      turn.last <== deq.data[32]
      deq.ready <== turn.ready
    }
    let merged = merge.interface("out", as: PacketStream.self)
    let outQueue = m.instance(fifo(depth: 16, width: 33), name: "out_queue")
    let slice = m.instance(skidBuffer(width: 33), name: "out_slice")
    let enq = outQueue.interface("enq", as: Stream.self)
    enq.valid <== merged.valid
    enq.data <== concat(merged.last, merged.data)
    merged.ready <== enq.ready
    connect(outQueue.interface("deq", as: Stream.self), to: slice.interface("enq", as: Stream.self))
    let sliced = slice.interface("deq", as: Stream.self)
    let output = m.port("out", PacketStream(width: 32))
    output.valid <== sliced.valid
    output.data <== sliced.data[0..<32]
    output.last <== sliced.data[32]
    sliced.ready <== output.ready
  }
}
