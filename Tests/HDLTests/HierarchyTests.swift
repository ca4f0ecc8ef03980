import XCTest
import HDL
import Toolchain

/// Module hierarchy: generators elaborated once per distinct parameterisation, stable names
/// (`<base>_<param><value>`, instance pins `<instance>_<port>`), children first, the implicit
/// clock and reset wired to children, and the whole simulated against Swift.
final class HierarchyTests: XCTestCase {
  func adder(width: Int) -> Module {
    Module("adder", parameters: ["width": width]) { m in
      let a = m.input("a", width: width)
      let b = m.input("b", width: width)
      let sum = m.output("sum", width: width)
      let carry = m.output("carry")
      let full = a.addingWithCarry(b)
      sum <== full.truncated(to: width)
      carry <== full.msb
    }
  }

  /// Counts clock edges from reset: it uses the implicit `clk` and `rst`.
  func counter() -> Module {
    Module("counter") { m in
      let q = m.output("q", width: 8)
      let count = m.register("count", width: 8, reset: 0)
      count <== count + 1
      q <== count
    }
  }

  /// Delays a byte by one clock; it has no reset, so it takes only `clk`.
  func delay() -> Module {
    Module("delay") { m in
      let d = m.input("d", width: 8)
      let q = m.output("q", width: 8)
      let held = m.register("held", width: 8, reset: nil)
      held <== d
      q <== held
    }
  }

  func system() -> Module {
    Module("system") { m in
      let x = m.input("x", width: 8)
      let y = m.input("y", width: 8)
      let z = m.input("z", width: 16)
      let total = m.output("total", width: 8)
      let wide = m.output("wide", width: 16)
      let ticks = m.output("ticks", width: 8)
      let late = m.output("late", width: 8)
      let first = m.instance(self.adder(width: 8), name: "first")
      let second = m.instance(self.adder(width: 8), name: "second")
      let big = m.instance(self.adder(width: 16), name: "big")
      let count = m.instance(self.counter(), name: "ticker")
      let hold = m.instance(self.delay(), name: "hold")
      first["a"] <== x
      first["b"] <== y
      second["a"] <== first["sum"]
      second["b"] <== 1
      big["a"] <== z
      big["b"] <== concat(x, y)
      hold["d"] <== x
      total <== second["sum"]
      wide <== big["sum"]
      ticks <== count["q"]
      late <== hold["q"]
    }
  }

  func testGeneratorsBecomeOneModulePerParameterisation() throws {
    let design = try Design(top: system())
    XCTAssertEqual(design.moduleNames, ["adder_width8", "adder_width16", "counter", "delay", "system"])
    XCTAssertEqual(design.verilogFiles().map(\.name), design.moduleNames.map { "\($0).v" })
    XCTAssertEqual(design.top, "system")
    let verilog = design.verilog()
    XCTAssertEqual(verilog.components(separatedBy: "module adder_width8 (").count, 2, "defined once, used twice")
    for instance in ["adder_width8 first (", "adder_width8 second (", "adder_width16 big (", "counter ticker (", "delay hold ("] {
      XCTAssert(verilog.contains(instance), "missing `\(instance)`:\n\(verilog)")
    }
    XCTAssertEqual(design.topPorts.map(\.name), ["clk", "rst", "x", "y", "z", "total", "wide", "ticks", "late"])
    XCTAssertEqual(design.topPorts.first { $0.name == "wide" }?.width, 16)
    XCTAssertEqual(design.topPorts.first { $0.name == "x" }?.direction, .input)
    XCTAssertEqual(design.warnings, [])
  }

  func testHierarchySimulatesLikeSwift() throws {
    let design = try Design(top: system())
    var rng = SeededGenerator(seed: 41)
    let rows = [["rst": bv(1, 1)]] + (0..<300).map { _ in
      ["rst": bv(0, 1), "x": rng.vector(width: 8), "y": rng.vector(width: 8), "z": rng.vector(width: 16)]
    }
    var ticks = 0
    var previousX: BitVector?
    for (cycle, (row, out)) in zip(rows, try simulate(design, rows)).enumerated() where cycle > 0 {
      let (x, y, z) = (row["x"]!, row["y"]!, row["z"]!)
      expect(out, "total", Ref.add(Ref.add(x, y), bv(1, 8)), "cycle \(cycle)")
      expect(out, "wide", Ref.add(z, Ref.concat([x, y])), "cycle \(cycle)")
      expect(out, "ticks", bv(ticks, 8), "cycle \(cycle)")
      if let previousX { expect(out, "late", previousX, "cycle \(cycle)") }
      ticks = (ticks + 1) % 256
      previousX = x
    }
  }

  func testHierarchyIsVerilatorClean() throws {
    // The adders' carry outputs are not read: the emitter marks those pins for Verilator.
    try assertEveryToolAccepts(try Design(top: system()))
  }

  func testChildWithOnlyAClockGetsOnlyTheClock() throws {
    let design = try Design(top: Module("pipeline") { m in
      let d = m.input("d", width: 8)
      let q = m.output("q", width: 8)
      let hold = m.instance(self.delay(), name: "hold")
      hold["d"] <== d
      q <== hold["q"]
    })
    XCTAssertEqual(design.topPorts.map(\.name), ["clk", "d", "q"])
    try assertVerilatorClean(design)
  }

  func testModuleNamesCarryEveryParameter() {
    let m = Module("fifo", parameters: ["depth": 16, "width": 64]) { _ in }
    XCTAssertEqual(m.name, "fifo_depth16_width64")
    XCTAssertEqual(Module("odd name", parameters: ["mode": "a-b"]) { _ in }.name, "odd_name_modea_b")
    XCTAssertEqual(Module("plain") { _ in }.name, "plain")
  }
}
