import XCTest
import HDL
import Toolchain

/// Interfaces: `m.port` binds a template to ports named `<port>_<member>` with directions
/// from the member flows, `.flipped` turns them around, and `connect` wires a producer to a
/// consumer in one call, forward members one way and backward members the other.
final class InterfaceTests: XCTestCase {
  /// A one-entry stream buffer: accepts a word when empty, offers it until taken.
  func buffer(width: Int) -> Module {
    Module("buffer", parameters: ["width": width]) { m in
      let enq = m.port("enq", Stream(width: width).flipped)
      let deq = m.port("deq", Stream(width: width))
      let full = m.register("full", reset: 0)
      let word = m.register("word", width: width, reset: nil)
      enq.ready <== !full
      deq.valid <== full
      deq.data <== word
      when(enq.fires) { full <== 1; word <== enq.data }.elseWhen(deq.fires) { full <== 0 }
    }
  }

  /// Two buffers in a row, joined with `connect`, and the outer ports joined to them the same way.
  func chain() -> Module {
    Module("chain") { m in
      let enq = m.port("in", Stream(width: 12).flipped)
      let deq = m.port("out", Stream(width: 12))
      let first = m.instance(self.buffer(width: 12), name: "first")
      let second = m.instance(self.buffer(width: 12), name: "second")
      connect(enq, to: first.interface("enq", as: Stream.self))
      connect(first.interface("deq", as: Stream.self), to: second.interface("enq"))
      connect(second.interface("deq", as: Stream.self), to: deq)
    }
  }

  func testPortNamesAndDirections() throws {
    let design = try Design(top: buffer(width: 8))
    let ports = design.topPorts.map { "\($0.direction.rawValue) \($0.name) \($0.width)" }
    XCTAssertEqual(ports, ["input clk 1", "input rst 1",
                           "input enq_valid 1", "output enq_ready 1", "input enq_data 8",
                           "output deq_valid 1", "input deq_ready 1", "output deq_data 8"])
  }

  func testConnectedBuffersPassEveryWordInOrder() throws {
    let design = try Design(top: chain())
    var rng = SeededGenerator(seed: 51)
    let rows = [["rst": bv(1, 1)]] + (0..<500).map { _ in
      ["rst": bv(0, 1), "in_valid": rng.bit(), "in_data": rng.vector(width: 12), "out_ready": rng.bit()]
    }
    // Model: two one-word slots; the second drains to the output, the first into the second.
    var slots: [BitVector?] = [nil, nil]
    var sent: [BitVector] = [], received: [BitVector] = []
    for (cycle, (row, out)) in zip(rows, try simulate(design, rows)).enumerated() where cycle > 0 {
      let context = "cycle \(cycle)"
      expect(out, "in_ready", Ref.bit(slots[0] == nil), context)
      expect(out, "out_valid", Ref.bit(slots[1] != nil), context)
      if let word = slots[1] { expect(out, "out_data", word, context) }
      let take = slots[1] != nil && !row["out_ready"]!.isZero
      let move = slots[0] != nil && slots[1] == nil
      let accept = slots[0] == nil && !row["in_valid"]!.isZero
      if take { received.append(slots[1]!); slots[1] = nil }
      if move { slots[1] = slots[0]; slots[0] = nil }
      if accept { slots[0] = row["in_data"]!; sent.append(row["in_data"]!) }
    }
    XCTAssertGreaterThan(received.count, 50)
    XCTAssertEqual(received, Array(sent.prefix(received.count)))
    try assertEveryToolAccepts(design)
  }

  /// A 32-bit register behind an MMIO port: byte strobes select the bytes a write changes (as
  /// PSTRB does in the AMBA APB Protocol Specification, ARM IHI 0024C),
  /// reads return the register, and any address but 0 answers with `error`.
  func register32() -> Module {
    Module("reg32") { m in
      let bus = m.port("bus", MMIO(addressWidth: 4).flipped)
      let value = m.register("value", width: 32, reset: 0)
      bus.ready <== bus.valid
      bus.readData <== value
      bus.error <== bus.valid && bus.address != 0
      when(bus.writes && bus.address == 0) {
        value <== concat((0..<4).reversed().map { i in mux(bus.strobe[i], bus.writeData[(8 * i)..<(8 * i + 8)], value[(8 * i)..<(8 * i + 8)]) })
      }
    }
  }

  func testMMIOStrobesAndErrors() throws {
    let design = try Design(top: register32())
    XCTAssertEqual(design.topPorts.filter { $0.direction == .input }.map(\.name),
                   ["clk", "rst", "bus_valid", "bus_write", "bus_address", "bus_wdata", "bus_strobe"])
    var rng = SeededGenerator(seed: 52)
    let rows = [["rst": bv(1, 1)]] + (0..<300).map { _ in
      ["rst": bv(0, 1), "bus_valid": rng.bit(), "bus_write": rng.bit(), "bus_address": bv(rng.int(0...3) == 0 ? 4 : 0, 4),
       "bus_wdata": rng.vector(width: 32), "bus_strobe": rng.vector(width: 4)]
    }
    var value = 0
    for (cycle, (row, out)) in zip(rows, try simulate(design, rows)).enumerated() where cycle > 0 {
      let v = { (port: String) in Ref.value(row[port]!) }
      expect(out, "bus_ready", bv(v("bus_valid"), 1), "cycle \(cycle)")
      expect(out, "bus_rdata", bv(value, 32), "cycle \(cycle)")
      expect(out, "bus_error", bv(v("bus_valid") == 1 && v("bus_address") != 0 ? 1 : 0, 1), "cycle \(cycle)")
      if v("bus_valid") == 1 && v("bus_write") == 1 && v("bus_address") == 0 {
        for byte in 0..<4 where v("bus_strobe") >> byte & 1 == 1 {
          value = value & ~(0xff << (8 * byte)) | (v("bus_wdata") & (0xff << (8 * byte)))
        }
      }
    }
    try assertEveryToolAccepts(design)
  }

  func testMisspeltInterfacePortIsAnErrorAtItsUse() {
    let mark = LineMarker()
    let top = Module("t") { m in
      let enq = m.port("in", Stream(width: 12).flipped)
      let deq = m.port("out", Stream(width: 12))
      let buffer = m.instance(self.buffer(width: 12), name: "b")
      connect(enq, to: buffer.interface("enqueue", as: Stream.self)); mark.here()
      connect(buffer.interface("deq", as: Stream.self), to: deq)
    }
    let errors = elaborationErrors(top)
    XCTAssert(errors.contains { $0.message == "module `buffer_width12` has no interface port `enqueue` of type Stream; it has `deq`, `enq`"
                                && $0.location.line == mark.line }, errors.map(\.description).joined(separator: "\n"))
    XCTAssertEqual(errors.filter { $0.message.contains("enqueue") }.count, 1, "said once")
  }
}
