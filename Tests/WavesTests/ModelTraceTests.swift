import Foundation
import HDL
import Simulation
import Waves
import XCTest

/// Two accumulating lanes under one top, with a 100-bit register: enough hierarchy to scope a
/// trace and wide enough to need more than one word in a waveform.
enum TracedPair {
  static func lane() -> Module {
    Module("lane") { m in
      let step = m.input("step", width: 8)
      let total = m.output("total", width: 16)
      let count = m.register("count", width: 16, reset: 0)
      count <== count + step
      total <== count
    }
  }

  static func design() throws -> Design {
    try Design(top: Module("traced_pair") { m in
      let a = m.input("a", width: 8), b = m.input("b", width: 8)
      let pattern = m.input("pattern", width: 100)
      let left = m.output("left", width: 16), right = m.output("right", width: 16)
      let wide = m.output("wide", width: 100)
      let held = m.register("held", width: 100, reset: 0)
      let leftLane = m.instance(lane(), name: "left_lane"), rightLane = m.instance(lane(), name: "right_lane")
      leftLane["step"] <== a
      rightLane["step"] <== b
      left <== leftLane["total"]
      right <== rightLane["total"]
      held <== pattern
      wide <== held
    })
  }

  /// The stimulus of one run and what the waveform must show, computed in Swift: each lane's
  /// count after the edge of cycle c is the sum of its steps up to c (mod 2^16), `held` is the
  /// pattern of cycle c.
  struct Run {
    var a: [UInt64] = [], b: [UInt64] = [], pattern: [BitVector] = []
    /// The model's cycle number of the first driven cycle (after reset).
    let first: Int

    func leftCount(afterEdgeOf cycle: Int) -> UInt64 { a[...(cycle - first)].reduce(0, +) & 0xffff }
    func rightCount(afterEdgeOf cycle: Int) -> UInt64 { b[...(cycle - first)].reduce(0, +) & 0xffff }
  }

  /// Resets, then drives `cycles` cycles of seeded random stimulus.
  static func drive(_ model: Model, cycles: Int, seed: UInt64) throws -> Run {
    var random = SimulationRandom(seed: seed)
    let a = try model.input("a"), b = try model.input("b"), pattern = try model.input("pattern")
    model.reset()
    var run = Run(first: model.cycle)
    for _ in 0..<cycles {
      run.a.append(random.next() & 0xff)
      run.b.append(random.next() & 0xff)
      run.pattern.append(BitVector(width: 100, words: [random.next(), random.next() & 0xf_ffff_ffff]))
      try a.set(run.a.last!)
      try b.set(run.b.last!)
      try pattern.set(run.pattern.last!)
      model.step()
    }
    return run
  }
}

/// Waveforms written by the Verilated model itself, in both formats, read back by `Waves`:
/// the hierarchy the shim gives them (`TOP` holds the ports, `TOP.<top module>` the design) and
/// the values the test drove, against the Swift reference above.
final class ModelTraceTests: XCTestCase {
  private func temporaryPath(_ ext: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("strata-model-trace-\(UUID().uuidString).\(ext)").path
  }

  private func checkValues(format: TraceFormat) throws {
    let model = try Model(try TracedPair.design(), traceFormat: format)
    XCTAssertEqual(model.traceFormat, format)
    let path = temporaryPath(format.fileExtension)
    defer { try? FileManager.default.removeItem(atPath: path) }
    try model.startTrace(to: path)
    let run = try TracedPair.drive(model, cycles: 30, seed: 11)
    model.stopTrace()

    let file = try WaveFile(path: path)
    XCTAssertEqual(file.header.scopePaths(), ["TOP", "TOP.traced_pair", "TOP.traced_pair.left_lane", "TOP.traced_pair.right_lane"])
    let names = ["TOP.a", "TOP.traced_pair.left_lane.count", "TOP.traced_pair.right_lane.count", "TOP.traced_pair.held", "TOP.wide"]
    let window = try file.window(try file.variables(named: names), from: 0, to: try file.lastTime())
    XCTAssertEqual(try file.header.variable(named: "TOP.wide").width, 100)
    for cycle in run.first..<run.first + run.a.count {
      let settled = UInt64(2 * cycle), edge = settled + 1  // the shim's clocking contract (strata_model.h)
      XCTAssertEqual(window.trace("TOP.a")?.value(at: settled)?.unsignedValue, run.a[cycle - run.first], "a in cycle \(cycle)")
      XCTAssertEqual(window.trace("TOP.traced_pair.left_lane.count")?.value(at: edge)?.unsignedValue,
                     run.leftCount(afterEdgeOf: cycle), "left count after the edge of cycle \(cycle)")
      XCTAssertEqual(window.trace("TOP.traced_pair.right_lane.count")?.value(at: edge)?.unsignedValue,
                     run.rightCount(afterEdgeOf: cycle), "right count after the edge of cycle \(cycle)")
      let held = try XCTUnwrap(window.trace("TOP.wide")?.value(at: edge))
      XCTAssertEqual(BitVector(width: 100, hex: held.hex), run.pattern[cycle - run.first], "the 100-bit register after cycle \(cycle)")
    }
  }

  func testAVCDWrittenByAVerilatedModelReadsBackWithTheDrivenValues() throws {
    try checkValues(format: .vcd)
  }

  func testAnFSTWrittenByAVerilatedModelReadsBackWithTheDrivenValues() throws {
    try checkValues(format: .fst)
  }

  func testAVCDModelStartsWithItsHeaderInPlainText() throws {
    let model = try Model(try TracedPair.design(), traceFormat: .vcd)
    let path = temporaryPath("vcd")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try model.startTrace(to: path)
    model.step(3)
    model.stopTrace()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    XCTAssertTrue(text.contains("$timescale"), "a VCD header (IEEE 1364-2005 §18.2.3.5)")
    XCTAssertTrue(text.contains("$enddefinitions"), "a VCD header (IEEE 1364-2005 §18.2.3.3)")
  }
}
