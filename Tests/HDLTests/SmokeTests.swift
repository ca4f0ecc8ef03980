import XCTest
@testable import HDL

func smokeFifo(depth: Int, width: Int) -> Module {
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

final class SmokeTests: XCTestCase {
  func testFifoEmits() throws {
    let d = try Design(top: smokeFifo(depth: 4, width: 8))
    print(d.verilog())
    print(d.warnings)
  }
}
