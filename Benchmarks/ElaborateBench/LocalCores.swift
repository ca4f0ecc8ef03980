import HDL

// Stand-ins for the `Cores` FIFO and arbiter until branch `cores` lands; then this file goes.

/// Synchronous FIFO, `depth` entries of `width` bits, ready/valid on both sides, first word falls through.
func fifo(depth: Int, width: Int) -> Module {
  Module("fifo", parameters: ["depth": depth, "width": width]) { m in
    let enq = m.port("enq", Stream(width: width).flipped)
    let deq = m.port("deq", Stream(width: width))
    let slots = m.memory("slots", depth: depth, width: width)
    let head = m.register("head", width: bitsToIndex(depth), reset: 0)
    let tail = m.register("tail", width: bitsToIndex(depth), reset: 0)
    let count = m.register("count", width: bitsToHold(depth), reset: 0)

    enq.ready <== count != depth
    deq.valid <== count != 0
    deq.data <== slots[head]
    when(enq.fires) {
      slots[tail] <== enq.data
      tail <== tail.next(modulo: depth)
    }
    when(deq.fires) { head <== head.next(modulo: depth) }
    count <== count + enq.fires.zeroExtended(to: count.width) - deq.fires.zeroExtended(to: count.width)
  }
}

/// Grants one of `requesters` streams to one output: the first valid requester at or after
/// `pointer`, wrapping around; when the output transfers, `pointer` moves one past the grant.
func roundRobinArbiter(requesters: Int, width: Int) -> Module {
  Module("round_robin_arbiter", parameters: ["requesters": requesters, "width": width]) { m in
    let requests = (0..<requesters).map { m.port("request\($0)", Stream(width: width).flipped) }
    let grant = m.port("grant", Stream(width: width))
    let pointer = m.register("pointer", width: bitsToIndex(requesters), reset: 0)
    let chosen = m.wire("chosen", width: bitsToIndex(requesters))
    let valids = concat(requests.reversed().map(\.valid))
    let atOrAfterPointer = valids & (Signal.ones(width: requesters) << pointer)
    let index = { (i: Int) in Signal.constant(i, width: bitsToIndex(requesters)) }

    chosen <== priority((0..<requesters).map { (atOrAfterPointer[$0], index($0)) },
                        otherwise: priority((0..<requesters).map { (valids[$0], index($0)) }, otherwise: index(0)))
    grant.valid <== valids.reduceOr()
    grant.data <== select(chosen, requests.map(\.data))
    for (i, request) in requests.enumerated() {
      request.ready <== grant.ready && chosen == i
    }
    when(grant.fires) { pointer <== chosen.next(modulo: requesters) }
  }
}
