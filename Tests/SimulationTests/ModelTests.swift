import HDL
@testable import Simulation
import XCTest

/// The Swift side of the bridge: ports of every width, the meaning of a cycle, instances.
final class ModelTests: XCTestCase {
  static let probe = Result { try CompiledModel.load(try Design(top: widthProbe)) }
  static let adder = Result { try CompiledModel.load(try Design(top: accumulator)) }

  /// ~x computed word by word, independently of the HDL and of Verilator.
  private func inverted(_ value: BitVector) -> BitVector {
    BitVector(width: value.width, words: value.words.map { ~$0 })
  }

  private func randomVector(width: Int, using random: inout SimulationRandom) -> BitVector {
    BitVector(width: width, words: (0..<(width + 63) / 64).map { _ in random.next() })
  }

  func testValuesOfEveryWidthCrossTheBoundaryUnchanged() throws {
    let model = try Model(try Self.probe.get())
    var random = SimulationRandom(seed: 7)
    for _ in 0..<50 {
      var written: [Int: BitVector] = [:]
      for w in probeWidths {
        let value = randomVector(width: w, using: &random)
        try model.input("a\(w)").set(value)
        written[w] = value
      }
      model.settle()
      for w in probeWidths {
        XCTAssertEqual(try model.value("inverted\(w)"), inverted(written[w]!), "~a\(w)")
        XCTAssertEqual(try model.input("a\(w)").value, written[w]!, "a\(w) read back")
      }
      model.step()
      for w in probeWidths { XCTAssertEqual(try model.value("held\(w)"), written[w]!, "held\(w) after the edge") }
    }
  }

  func testIntegerWritesReachNarrowAndWidePorts() throws {
    let model = try Model(try Self.probe.get())
    for w in probeWidths {
      let value: UInt64 = w >= 64 ? 0xdead_beef_0123_4567 : (1 << UInt64(w)) - 2
      try model.input("a\(w)").set(value)
      model.settle()
      XCTAssertEqual(try model.value("inverted\(w)"), inverted(BitVector(width: w, unsigned: value)), "a\(w)")
      if w <= 64 { XCTAssertEqual(try model.output("inverted\(w)").uint64, ~value & (w == 64 ? .max : (1 << UInt64(w)) - 1)) }
    }
  }

  func testCombinationalOutputsFollowSettleAndRegistersFollowTheEdge() throws {
    let model = try Model(try Self.adder.get())
    let increment = try model.input("increment")
    let total = try model.output("total"), nextTotal = try model.output("next_total")
    model.reset()
    XCTAssertEqual(total.uint64, 0)
    try increment.set(5)
    model.settle()
    XCTAssertEqual(nextTotal.uint64, 5, "settle shows the combinational response before the edge")
    XCTAssertEqual(total.uint64, 0, "the register has not moved before the edge")
    model.step()
    XCTAssertEqual(total.uint64, 5)
    model.step(3)
    XCTAssertEqual(total.uint64, 20, "step(3) is three edges")
    try increment.set(0xffff)
    model.step()
    XCTAssertEqual(total.uint64, 19, "16-bit wrap: 20 + 0xffff")
    XCTAssertEqual(model.cycle, 2 + 5)
    XCTAssertEqual(model.time, UInt64(2 * model.cycle), "two half-cycles per cycle")
  }

  func testInstancesAndDesignsInOneProcessAreIndependent() throws {
    let first = try Model(try Self.adder.get()), second = try Model(try Self.adder.get())
    let probe = try Model(try Self.probe.get())
    first.reset()
    second.reset()
    try first.input("increment").set(3)
    try second.input("increment").set(1000)
    try probe.input("a8").set(0x0f)
    for _ in 0..<10 {
      first.step()
      second.step()
      probe.step()
    }
    second.step(5)
    XCTAssertEqual(try first.output("total").uint64, 30)
    XCTAssertEqual(try second.output("total").uint64, 15000)
    XCTAssertEqual(try probe.output("held8").uint64, 0x0f)
    XCTAssertEqual(first.cycle, 12)
    XCTAssertEqual(second.cycle, 17)
  }

  func testAnUnknownPortNamesTheNearestOnes() throws {
    let model = try Model(try Self.adder.get())
    XCTAssertThrowsError(try model.input("incremnt")) { error in
      XCTAssertEqual(error as? SimulationError,
                     .unknownPort(name: "incremnt", direction: .input, top: "accumulator", nearest: ["increment"]))
      XCTAssertEqual("\(error)", "`incremnt` is not an input of `accumulator`; nearest names: `increment`")
    }
    XCTAssertThrowsError(try model.input("total")) { error in
      XCTAssertTrue("\(error)".contains("is not an input"), "an output is not writable: \(error)")
    }
    XCTAssertThrowsError(try model.output("nexttotal")) { error in
      XCTAssertTrue("\(error)".contains("`next_total`"), "\(error)")
    }
  }

  func testAValueWiderThanItsPortIsRefused() throws {
    let model = try Model(try Self.probe.get())
    XCTAssertThrowsError(try model.input("a7").set(0x80)) { error in
      XCTAssertEqual(error as? SimulationError, .valueTooWide(port: "a7", width: 7, value: "0x80"))
      XCTAssertTrue("\(error)".contains("does not fit the 7-bit port `a7`"), "\(error)")
    }
    XCTAssertThrowsError(try model.input("a65").set(BitVector(width: 66, words: [0, 2]))) { error in
      XCTAssertTrue("\(error)".contains("65-bit port `a65`"), "\(error)")
    }
    // A wider vector whose value fits is accepted.
    try model.input("a7").set(BitVector(width: 32, value: 0x7f))
    model.settle()
    XCTAssertEqual(try model.output("inverted7").uint64, 0)
  }

  func testHelpersRefuseAModelWithoutThatControl() throws {
    XCTAssertThrowsError(try Model(try Self.adder.get(), clock: "clock")) { error in
      XCTAssertEqual(error as? SimulationError, .missingControl(role: "clock", name: "clock", top: "accumulator"))
    }
  }
}
