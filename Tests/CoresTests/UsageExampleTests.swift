import VerilogTesting
import HDL
import Cores
import Toolchain
import XCTest

/// The usage examples of the cores' doc comments, verbatim: they elaborate and every tool
/// accepts the result, so the documentation cannot drift from the API.
final class UsageExampleTests: XCTestCase {
  func testFIFOExample() throws {
    let top = Module("rx_path") { m in
      let buffer = m.instance(fifo(depth: 12, width: 64, almostFull: 8), name: "rx_buffer")
      connect(m.port("rx", Stream(width: 64).flipped), to: buffer.interface("enq", as: Stream.self))
      connect(buffer.interface("deq", as: Stream.self), to: m.port("host", Stream(width: 64)))
      m.output("pause") <== buffer["almost_full"]
    }
    try assertAcceptedByTools(try Design(top: top))
  }

  func testSkidBufferExample() throws {
    let top = Module("pipelined_path") { m in
      let slice = m.instance(skidBuffer(width: 64), name: "slice")
      connect(m.port("upstream", Stream(width: 64).flipped), to: slice.interface("enq", as: Stream.self))
      connect(slice.interface("deq", as: Stream.self), to: m.port("downstream", Stream(width: 64)))
    }
    try assertAcceptedByTools(try Design(top: top))
  }

  func testRoundRobinArbiterExample() throws {
    let top = Module("dma_merge") { m in
      let merge = m.instance(roundRobinArbiter(requesters: 3, width: 64), name: "merge")
      for i in 0..<3 {
        connect(m.port("engine\(i)", PacketStream(width: 64).flipped), to: merge.interface("in\(i)", as: PacketStream.self))
      }
      connect(merge.interface("out", as: PacketStream.self), to: m.port("link", PacketStream(width: 64)))
    }
    try assertAcceptedByTools(try Design(top: top))
  }
}
