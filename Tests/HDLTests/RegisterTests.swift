import XCTest
import HDL
import Toolchain

/// Registers in every clocking style the DSL offers, simulated under Icarus against a
/// cycle model written here: reset synchronous or asynchronous, active high or low, with an
/// enable, without a reset, signed, wider than 64 bits, and fed back through a wire.
/// The model follows IEEE 1364-2005 §9.7.2 (an asynchronous reset acts on its edge, before the
/// clock) and §9.2.2 (every register samples its inputs before any of them changes).
final class RegisterTests: XCTestCase {
  static let widePattern = BitVector(width: 130, hex: "3_ffffffff_ffffffff_ffffffff_fffffff0")!

  func registers() -> Module {
    Module("registers") { m in
      let d = m.input("d", width: 8)
      let en = m.input("en")
      let asyncLow = ClockDomain(clock: m.clock, reset: m.input("arst_n"), resetKind: .asynchronous, resetActiveLow: true)
      let asyncHigh = ClockDomain(clock: m.clock, reset: m.input("arst"), resetKind: .asynchronous)
      let syncLow = ClockDomain(clock: m.clock, reset: m.input("srst_n"), resetActiveLow: true)

      let sync = m.register("sync", width: 8, reset: 0x11)
      let aLow = m.register("a_low", width: 8, reset: 0x22, domain: asyncLow)
      let aHigh = m.register("a_high", width: 8, reset: 0x33, domain: asyncHigh)
      let sLow = m.register("s_low", width: 8, reset: 0x44, domain: syncLow)
      let enabled = m.register("enabled", width: 8, reset: 0x55, enable: en)
      let aEnabled = m.register("a_enabled", width: 8, reset: 0x66, enable: en, domain: asyncLow)
      let plain = m.register("plain", width: 8, reset: nil)
      let negative = m.register("negative", width: 8, signed: true, reset: -3)
      let wide = m.register("wide", reset: Self.widePattern)
      let total = m.wire("total", width: 8)
      let acc = m.register("acc", width: 8, reset: 0)

      for r in [sync, aLow, aHigh, sLow, enabled, aEnabled, plain] { r <== d }
      negative <== negative + 1
      wide <== wide + d.zeroExtended(to: 130)
      total <== acc + d
      acc <== total
      for (name, r) in [("sync", sync), ("a_low", aLow), ("a_high", aHigh), ("s_low", sLow), ("enabled", enabled),
                        ("a_enabled", aEnabled), ("plain", plain), ("negative", negative), ("wide", wide), ("acc", acc)] {
        let q = m.output("q_\(name)", width: r.width, signed: r.isSigned)
        q <== r
      }
    }
  }

  /// The registers' values, updated the way the Verilog standard's event semantics say.
  struct Model {
    var state: [String: BitVector] = [:]

    mutating func applyAsynchronousResets(_ row: [String: BitVector]) {
      if row["arst_n"]!.isZero { state["a_low"] = bv(0x22, 8); state["a_enabled"] = bv(0x66, 8) }
      if !row["arst"]!.isZero { state["a_high"] = bv(0x33, 8) }
    }

    mutating func clockEdge(_ row: [String: BitVector]) {
      let d = row["d"]!, en = !row["en"]!.isZero
      let rst = !row["rst"]!.isZero, arstN = !row["arst_n"]!.isZero, arst = !row["arst"]!.isZero, srstN = !row["srst_n"]!.isZero
      var next = state
      next["sync"] = rst ? bv(0x11, 8) : d
      next["a_low"] = arstN ? d : bv(0x22, 8)
      next["a_high"] = arst ? bv(0x33, 8) : d
      next["s_low"] = srstN ? d : bv(0x44, 8)
      next["enabled"] = rst ? bv(0x55, 8) : en ? d : state["enabled"]
      next["a_enabled"] = !arstN ? bv(0x66, 8) : en ? d : state["a_enabled"]
      next["plain"] = d
      next["negative"] = rst ? bv(-3, 8) : state["negative"].map { Ref.add($0, bv(1, 8)) }
      next["wide"] = rst ? RegisterTests.widePattern : state["wide"].map { Ref.add($0, Ref.zeroExtend(d, to: 130)) }
      next["acc"] = rst ? bv(0, 8) : state["acc"].map { Ref.add($0, d) }
      state = next
    }
  }

  func testEveryResetStyleEnableAndFeedback() throws {
    let design = try Design(top: registers())
    var rng = SeededGenerator(seed: 21)
    let all: [String: BitVector] = ["rst": bv(1, 1), "arst": bv(1, 1), "arst_n": bv(0, 1), "srst_n": bv(0, 1)]
    var rows: [[String: BitVector]] = [all.merging(["d": bv(9, 8), "en": bv(0, 1)]) { $1 }]
    for _ in 0..<400 {
      // Each reset is asserted now and then, on its own, so the styles can be told apart.
      rows.append(["d": rng.vector(width: 8), "en": rng.bit(),
                   "rst": bv(rng.int(0...15) == 0 ? 1 : 0, 1), "arst": bv(rng.int(0...15) == 0 ? 1 : 0, 1),
                   "arst_n": bv(rng.int(0...15) == 0 ? 0 : 1, 1), "srst_n": bv(rng.int(0...15) == 0 ? 0 : 1, 1)])
    }
    let results = try simulate(design, rows)
    var model = Model()
    for (cycle, (row, out)) in zip(rows, results).enumerated() {
      model.applyAsynchronousResets(row)
      for (name, value) in model.state.sorted(by: { $0.key < $1.key }) {
        expect(out, "q_\(name)", value, "cycle \(cycle), inputs \(row.sorted { $0.key < $1.key })")
      }
      if cycle == 0 {
        XCTAssertEqual(Set(out.keys), ["q_a_low", "q_a_high", "q_a_enabled"],
                       "before the first edge only asynchronously reset registers have a value")
      }
      model.clockEdge(row)
    }
  }

  func testRegisterDesignIsVerilatorClean() throws {
    try assertEveryToolAccepts(try Design(top: registers()))
  }

  /// The implicit domain is `clk` and `rst`, synchronous and active high; `rst` exists only when
  /// something is reset, so a design without reset values has no unused `rst` input.
  func testImplicitClockAndResetAppearOnlyWhenUsed() throws {
    let withReset = try Design(top: Module("counter") { m in
      let q = m.output("q", width: 4)
      let count = m.register("count", width: 4, reset: 0)
      count <== count + 1
      q <== count
    })
    XCTAssertEqual(withReset.topPorts.map(\.name), ["clk", "rst", "q"])
    let withoutReset = try Design(top: Module("delay") { m in
      let d = m.input("d", width: 4)
      let q = m.output("q", width: 4)
      let held = m.register("held", width: 4, reset: nil)
      held <== d
      q <== held
    })
    XCTAssertEqual(withoutReset.topPorts.map(\.name), ["clk", "d", "q"])
    XCTAssertEqual(withoutReset.warnings, [])
    try assertVerilatorClean(withoutReset)
    let combinational = try Design(top: Module("inverter") { m in
      let a = m.input("a")
      let y = m.output("y")
      y <== !a
    })
    XCTAssertEqual(combinational.topPorts.map(\.name), ["a", "y"])
  }

  /// Inputs the body declares as `clk` and `rst` become the implicit clock and reset, in the
  /// place the body declared them.
  func testDeclaredClockAndResetAreAdopted() throws {
    let design = try Design(top: Module("adopted") { m in
      let d = m.input("d", width: 4)
      let rst = m.input("rst")
      let clk = m.input("clk")
      let q = m.output("q", width: 4)
      let held = m.register("held", width: 4, reset: 9)
      held <== d
      q <== held
      let _ = (rst, clk)
    })
    XCTAssertEqual(design.topPorts.map(\.name), ["d", "rst", "clk", "q"])
    let out = try simulate(design, [["rst": bv(1, 1)], ["rst": bv(0, 1), "d": bv(3, 4)], ["d": bv(5, 4)]])
    XCTAssertEqual(out.map { $0["q"] }, [nil, bv(9, 4), bv(3, 4)])
  }
}
