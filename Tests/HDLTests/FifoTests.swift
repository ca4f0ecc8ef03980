import XCTest
import HDL
import Toolchain

/// Synchronous FIFO, `depth` entries of `width` bits, ready/valid on both sides, first word
/// falls through (the example of docs/architecture.md).
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

/// The FIFO against a Swift array used as a queue, at power-of-two and other depths. A word
/// moves in a cycle where both valid and ready are high (the handshake of AMBA AXI4-Stream,
/// ARM IHI 0051A §2.2.1).
final class FifoTests: XCTestCase {
  func checkFifo(depth: Int, width: Int, cycles: Int) throws {
    let design = try Design(top: fifo(depth: depth, width: width))
    var rng = SeededGenerator(seed: UInt64(depth * 1000 + width))
    let rows = [["rst": bv(1, 1)]] + (0..<cycles).map { _ in
      ["rst": bv(0, 1), "enq_valid": rng.bit(), "enq_data": rng.vector(width: width), "deq_ready": rng.bit()]
    }
    let out = try simulate(design, rows)
    XCTAssertNil(out[0]["deq_data"], "nothing has been written before the first edge")
    var queue: [BitVector] = []
    var fullSeen = false
    for (cycle, (row, o)) in zip(rows, out).enumerated() where cycle > 0 {
      let context = "depth \(depth), cycle \(cycle), \(queue.count) queued"
      expect(o, "deq_valid", Ref.bit(!queue.isEmpty), context)
      expect(o, "enq_ready", Ref.bit(queue.count < depth), context)
      if let first = queue.first { expect(o, "deq_data", first, context) }
      let enq = !row["enq_valid"]!.isZero && queue.count < depth
      let deq = !row["deq_ready"]!.isZero && !queue.isEmpty
      fullSeen = fullSeen || queue.count == depth
      if deq { queue.removeFirst() }
      if enq { queue.append(row["enq_data"]!) }
    }
    XCTAssert(fullSeen, "the stimulus filled the FIFO at least once")
  }

  func testDepth3() throws { try checkFifo(depth: 3, width: 8, cycles: 2000) }
  func testDepth4() throws { try checkFifo(depth: 4, width: 1, cycles: 1000) }
  func testDepth5Wide() throws { try checkFifo(depth: 5, width: 72, cycles: 1000) }

  func testFifoIsVerilatorClean() throws {
    try assertEveryToolAccepts(try Design(top: fifo(depth: 3, width: 8)))
    try assertEveryToolAccepts(try Design(top: fifo(depth: 16, width: 64)))
  }
}
