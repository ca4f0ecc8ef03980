import VerilogTesting
import HDL
import Cores
import XCTest

/// Cores placed as instances inside a parent: a block-RAM FIFO feeding a skid buffer, checked
/// cycle by cycle against the two reference models chained the same way.
final class CompositionTests: XCTestCase {
  func testFIFOIntoSkidBufferMatchesTheChainedModels() throws {
    let width = 16
    let top = Module("rx_chain") { m in
      let buffer = m.instance(fifo(depth: 5, width: width, firstWordFallThrough: false), name: "buffer")
      let slice = m.instance(skidBuffer(width: width), name: "slice")
      connect(m.port("rx", Stream(width: width).flipped), to: buffer.interface("enq", as: Stream.self))
      connect(buffer.interface("deq", as: Stream.self), to: slice.interface("enq", as: Stream.self))
      connect(slice.interface("deq", as: Stream.self), to: m.port("host", Stream(width: width)))
    }
    let design = try Design(top: top)
    try assertAcceptedByTools(design)

    var random = SeededRandom()
    var buffer = FIFOModel(depth: 5, almostFull: 4, almostEmpty: 1, fallThrough: false)
    var slice: [BitVector] = []  // the skid buffer: a two-word queue
    var table = CycleTable()
    var offer: BitVector?
    for cycle in 0..<3000 {
      let slowHost = (cycle / 200) % 2 == 0
      if offer == nil && random.chance(0.6) { offer = random.bits(width: width) }
      let take = random.chance(slowHost ? 0.3 : 0.95)
      var expected: [String: BitVector] = ["rx_ready": BitVector(buffer.count < 5), "host_valid": BitVector(!slice.isEmpty)]
      if let head = slice.first { expected["host_data"] = head }
      var row: [String: BitVector] = ["rx_valid": BitVector(offer != nil), "host_ready": BitVector(take)]
      if let offer { row["rx_data"] = offer }
      table.add(row, expecting: expected)

      let sliceHasRoom = slice.count < 2
      let moved = sliceHasRoom ? buffer.head : nil
      let accepted = offer != nil && buffer.count < 5
      if take && !slice.isEmpty { slice.removeFirst() }
      if let moved { slice.append(moved) }
      buffer.clock(offer: offer, take: sliceHasRoom)
      if accepted { offer = nil }
    }
    let actual = try table.simulate(design)
    guard assertOutputsMatch(design.top, actual, table.expected, random) else { return }
    let renamed = { (rows: [[String: BitVector]]) in
      rows.map { row in Dictionary(uniqueKeysWithValues: row.map { key, value in
        (key.replacingOccurrences(of: "rx_", with: "enq_").replacingOccurrences(of: "host_", with: "deq_"), value)
      }) }
    }
    assertNoLossOrDuplication(design.top, renamed(table.inputs), renamed(actual), random)
  }
}
