import XCTest
@testable import HDL
import Toolchain

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
  func testFifoUnderIcarus() throws {
    let d = try Design(top: smokeFifo(depth: 3, width: 8))
    var rng = SystemRandomNumberGenerator()
    var rows: [[String: BitVector]] = [["rst": BitVector(width: 1, value: 1)]]
    for _ in 0..<2000 {
      rows.append(["rst": BitVector(width: 1), "enq_valid": BitVector(width: 1, value: Int.random(in: 0...1, using: &rng)),
                   "enq_data": BitVector(width: 8, value: Int.random(in: 0...255, using: &rng)),
                   "deq_ready": BitVector(width: 1, value: Int.random(in: 0...1, using: &rng))])
    }
    let out = try IcarusSimulation(d).run(rows)
    var model: [Int] = []
    var enqData = 0
    for (i, row) in rows.enumerated() {
      if let v = row["enq_data"] { enqData = Int(v.uint64!) }
      let o = out[i]
      if i == 0 { XCTAssertNil(o["deq_valid"]); continue }
      XCTAssertEqual(o["deq_valid"]!.uint64!, model.isEmpty ? 0 : 1, "cycle \(i)")
      XCTAssertEqual(o["enq_ready"]!.uint64!, model.count < 3 ? 1 : 0, "cycle \(i)")
      if let first = model.first { XCTAssertEqual(Int(o["deq_data"]!.uint64!), first, "cycle \(i)") }
      let enq = row["enq_valid"]!.uint64! == 1 && model.count < 3
      let deq = row["deq_ready"]!.uint64! == 1 && !model.isEmpty
      if deq { model.removeFirst() }
      if enq { model.append(enqData) }
    }
  }
}
